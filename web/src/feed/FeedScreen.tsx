/** A feed tab: "For you" (the user's setting decides whether it is personalised) or "Following" (chronological). */
import { useState } from 'react';
import type { FeedMode } from '../api/types';
import { FeedView } from './FeedView';

export function FeedScreen({ tab }: { tab: 'for-you' | 'following' }) {
  const [served, setServed] = useState<FeedMode | undefined>(undefined);
  return (
    <div className="feed-screen">
      <header className="feed-header">
        <h1>{tab === 'following' ? 'Following' : 'For you'}</h1>
        {served === 'nonpersonalized' && (
          <p className="badge" title="Popular in your region and new videos; nothing of your history is used">
            Not personalised
          </p>
        )}
      </header>
      <FeedView mode={tab === 'following' ? 'following' : undefined} onServedMode={setServed} />
    </div>
  );
}
