/** A creator's page: their live videos, newest first, each playable; a shared link names one to scroll to. */
import { useEffect, useRef, useState } from 'react';
import type { Video } from '../api/types';
import { useApp } from '../app/app-context';
import { describeError } from '../app/errors';
import { FollowButton } from './FollowButton';

export function CreatorPage({ creator, highlight }: { creator: string; highlight: string | null }) {
  const { api } = useApp();
  const [videos, setVideos] = useState<Video[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.creatorVideos(creator).then(
      (answer) => live && setVideos(answer.videos),
      (failure: unknown) => live && setError(describeError(failure)),
    );
    return () => {
      live = false;
    };
  }, [api, creator]);

  const own = creator === api.user;
  return (
    <div className="scroll-page creator-page">
      <header className="page-header">
        <h1>@{creator}</h1>
        {!own && <FollowButton creator={creator} />}
      </header>
      {error && <p className="error">{error}</p>}
      {!videos && !error && <p>Loading…</p>}
      {videos?.length === 0 && <p>{own ? 'You have not uploaded a video yet.' : 'No videos yet.'}</p>}
      <ul className="video-grid" aria-label={`Videos by @${creator}`}>
        {videos?.map((video) => (
          <CreatorVideo key={video.id} video={video} highlighted={video.id === highlight} />
        ))}
      </ul>
    </div>
  );
}

function CreatorVideo({ video, highlighted }: { video: Video; highlighted: boolean }) {
  const element = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (highlighted) element.current?.scrollIntoView({ block: 'center' });
  }, [highlighted]);
  return (
    <li ref={element} className={highlighted ? 'grid-video highlighted' : 'grid-video'} data-video-id={video.id}>
      {video.mediaUrl ? (
        <video src={video.mediaUrl} poster={video.thumbnailUrl} controls playsInline preload="metadata" aria-label={`Video: ${video.caption || video.id}`} />
      ) : (
        <div className="video-card small">{video.caption || video.id}</div>
      )}
      <p className="caption">{video.caption}</p>
      {video.hashtags.length > 0 && <p className="hashtags">{video.hashtags.map((tag) => `#${tag}`).join(' ')}</p>}
    </li>
  );
}
