/** The last screen of a feed: loading, an error with a retry, or the end of what there is to show. */
import type { FeedMode } from '../api/types';

export interface FeedEndProps {
  loading: boolean;
  ended: boolean;
  error: string | null;
  empty: boolean;
  mode: FeedMode | undefined;
  onRetry: () => void;
}

export function FeedEnd({ loading, ended, error, empty, mode, onRetry }: FeedEndProps) {
  let text = '';
  if (error) text = `The feed could not be loaded: ${error}`;
  else if (ended && empty && mode === 'following') text = 'Nothing here yet: follow creators to see their videos, newest first.';
  else if (ended) text = "You're all caught up.";
  else if (loading || empty) text = 'Loading…';
  return (
    <section className="slide end" aria-live="polite">
      <p>{text}</p>
      {error && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </section>
  );
}
