/** The creator, caption and hashtags over the bottom of a video, with the feed's first reason. */
import type { FeedItem } from '../api/types';
import { creatorPath, Link } from '../router';

export function VideoInfo({ item }: { item: FeedItem }) {
  const { video } = item;
  return (
    <div className="info">
      <Link href={creatorPath(video.creator)} className="creator">
        @{video.creator}
      </Link>
      <p className="caption">{video.caption}</p>
      {video.hashtags.length > 0 && <p className="hashtags">{video.hashtags.map((tag) => `#${tag}`).join(' ')}</p>}
      {item.reasons[0] && <p className="reason">{item.reasons[0]}</p>}
    </div>
  );
}
