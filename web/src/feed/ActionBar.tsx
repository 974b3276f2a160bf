/** The actions on the video being shown: like, share, follow, not interested, report, and "why this video". */
import type { Video } from '../api/types';

export interface ActionBarProps {
  video: Video;
  liked: boolean;
  follows: boolean;
  own: boolean;
  onLike: () => void;
  onShare: () => void;
  onFollow: () => void;
  onNotInterested: () => void;
  onReport: () => void;
  onWhy: () => void;
}

export function ActionBar(props: ActionBarProps) {
  const { video, liked, follows, own } = props;
  return (
    <div className="actions" role="group" aria-label={`Actions for ${video.caption || video.id}`}>
      <button type="button" className="action" aria-pressed={liked} onClick={props.onLike}>
        <span aria-hidden="true">{liked ? '♥' : '♡'}</span>
        {liked ? 'Liked' : 'Like'}
      </button>
      <button type="button" className="action" onClick={props.onShare}>
        <span aria-hidden="true">↗</span>Share
      </button>
      {!own && (
        <button type="button" className="action" aria-pressed={follows} onClick={props.onFollow}>
          <span aria-hidden="true">{follows ? '✓' : '+'}</span>
          {follows ? 'Following' : 'Follow'}
        </button>
      )}
      <button type="button" className="action" onClick={props.onWhy}>
        <span aria-hidden="true">?</span>Why this video
      </button>
      <button type="button" className="action" onClick={props.onNotInterested}>
        <span aria-hidden="true">⊘</span>Not interested
      </button>
      <button type="button" className="action" onClick={props.onReport}>
        <span aria-hidden="true">⚑</span>Report
      </button>
    </div>
  );
}
