/**
 * What the user can do to the video on screen. Each action is an event; a like or "not interested" also has what
 * follows the next video chosen afresh, so the next page already reflects it.
 */
import { useCallback, useState } from 'react';
import type { Video } from '../api/types';
import { useApp } from '../app/app-context';
import { creatorPath } from '../router';
import type { FeedPages } from './useFeedPages';

export interface ItemActions {
  liked: (video: Video) => boolean;
  like: (video: Video) => void;
  share: (video: Video) => Promise<void>;
  notInterested: (video: Video) => void;
  report: (video: Video) => void;
}

export function useItemActions(feed: FeedPages, current: number, next: () => void): ItemActions {
  const { reporter, notify } = useApp();
  const { refreshAfter, removeAfter } = feed;
  const [likedIds, setLikedIds] = useState<ReadonlySet<string>>(new Set());

  const like = useCallback(
    (video: Video) => {
      const nowLiked = !likedIds.has(video.id);
      reporter.record(nowLiked ? 'like' : 'unlike', { video: video.id });
      setLikedIds((set) => {
        const copy = new Set(set);
        if (nowLiked) copy.add(video.id);
        else copy.delete(video.id);
        return copy;
      });
      if (nowLiked) refreshAfter(current + 1);
    },
    [likedIds, reporter, refreshAfter, current],
  );

  const share = async (video: Video) => {
    const link = new URL(creatorPath(video.creator, video.id), location.origin).href;
    reporter.record('share', { video: video.id });
    try {
      await navigator.clipboard.writeText(link);
      notify('Link copied');
    } catch {
      notify(`Copy this link: ${link}`);
    }
  };

  const notInterested = (video: Video) => {
    reporter.record('not_interested', { video: video.id });
    removeAfter(current, (other) => other.video.creator === video.creator);
    refreshAfter(current + 1);
    notify(`You'll see less like this, and nothing more from @${video.creator}`);
    next();
  };

  const report = (video: Video) => {
    reporter.record('report', { video: video.id });
    notify('Thanks: the video was reported');
    next();
  };

  return { liked: (video) => likedIds.has(video.id), like, share, notInterested, report };
}
