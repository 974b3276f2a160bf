/**
 * The full-screen vertical feed: one video per screen, snapped; swipe, scroll, or use the keys to move. The item
 * on screen plays, the next one preloads, and what the user watched and did is reported as events.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useApp } from '../app/app-context';
import type { FeedItem, FeedMode, Video } from '../api/types';
import { ExplainSheet } from '../explain/ExplainSheet';
import { useFollow } from '../creator/useFollow';
import { creatorPath } from '../router';
import { ActionBar } from './ActionBar';
import { useFeedKeys } from './useFeedKeys';
import { useFeedPages } from './useFeedPages';
import { useWatchReporting } from './useWatchReporting';
import { VideoInfo } from './VideoInfo';
import { VideoPlayer } from './VideoPlayer';

/** Items this close to the end of what is loaded ask for the next page. */
const LOAD_AHEAD = 3;

export function FeedView({ mode, onServedMode }: { mode: FeedMode | undefined; onServedMode: (mode: FeedMode | undefined) => void }) {
  const { api, reporter, notify, muted, setMuted } = useApp();
  const follow = useFollow();
  const feed = useFeedPages(mode);
  const { items, loadMore, refreshAfter, removeAfter } = feed;
  const [current, setCurrent] = useState(0);
  const [liked, setLiked] = useState<ReadonlySet<string>>(new Set());
  const [explaining, setExplaining] = useState<Video | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const item: FeedItem | undefined = items[current];
  const { clockFor } = useWatchReporting(item);

  useEffect(() => onServedMode(feed.mode), [feed.mode, onServedMode]);
  useEffect(() => {
    if (items.length > 0 && current >= items.length - LOAD_AHEAD) loadMore();
  }, [current, items.length, loadMore]);

  const onScroll = () => {
    const element = scroller.current;
    if (!element || element.clientHeight === 0) return;
    const index = Math.round(element.scrollTop / element.clientHeight);
    setCurrent(Math.max(0, Math.min(index, items.length)));
  };

  const goTo = useCallback((index: number) => {
    const element = scroller.current;
    if (!element) return;
    const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
    element.scrollTo({ top: index * element.clientHeight, behavior: smooth ? 'smooth' : 'auto' });
  }, []);
  const next = useCallback(() => goTo(Math.min(current + 1, items.length)), [goTo, current, items.length]);
  const previous = useCallback(() => goTo(Math.max(current - 1, 0)), [goTo, current]);

  const like = useCallback(() => {
    if (!item) return;
    const id = item.video.id;
    const nowLiked = !liked.has(id);
    reporter.record(nowLiked ? 'like' : 'unlike', { video: id });
    setLiked((set) => {
      const copy = new Set(set);
      if (nowLiked) copy.add(id);
      else copy.delete(id);
      return copy;
    });
    // What comes after the next video is chosen afresh, with the like learned.
    if (nowLiked) refreshAfter(current + 1);
  }, [item, liked, reporter, refreshAfter, current]);

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

  const toggleSound = useCallback(() => setMuted(!muted), [muted, setMuted]);
  const keys = useMemo(() => ({ next, previous, toggleSound, like }), [next, previous, toggleSound, like]);
  useFeedKeys(keys, explaining === null);

  return (
    <>
      <div className="feed" ref={scroller} onScroll={onScroll} tabIndex={-1} aria-label="Feed" aria-busy={feed.loading}>
        {items.map((entry, index) => {
          const near = index >= current - 1 && index <= current + 2;
          const active = index === current && explaining === null;
          const own = entry.video.creator === api.user;
          return (
            <section
              key={entry.video.id}
              className="slide"
              aria-label={`Video ${index + 1}: ${entry.video.caption || entry.video.id}`}
              aria-current={index === current ? 'true' : undefined}
              data-video-id={entry.video.id}
              data-creator={entry.video.creator}
            >
              {near ? (
                <VideoPlayer
                  video={entry.video}
                  active={active}
                  preload={index === current + 1}
                  muted={muted}
                  clock={clockFor(entry.video.id)}
                  onTap={() => setMuted(!muted)}
                />
              ) : (
                <div className="video placeholder" aria-hidden="true" />
              )}
              {index === current && muted && entry.video.mediaUrl && (
                <button type="button" className="unmute" onClick={() => setMuted(false)}>
                  Tap for sound
                </button>
              )}
              <VideoInfo item={entry} />
              {index === current && (
                <ActionBar
                  video={entry.video}
                  liked={liked.has(entry.video.id)}
                  follows={follow.follows(entry.video.creator)}
                  own={own}
                  onLike={like}
                  onShare={() => void share(entry.video)}
                  onFollow={() => follow.toggle(entry.video.creator)}
                  onNotInterested={() => notInterested(entry.video)}
                  onReport={() => report(entry.video)}
                  onWhy={() => setExplaining(entry.video)}
                />
              )}
            </section>
          );
        })}
        {/* Only once nothing more is coming: a snapped-to slide after the items would stay snapped as pages arrive. */}
        {(items.length === 0 || feed.ended || feed.error) && (
          <FeedEnd loading={feed.loading} ended={feed.ended} error={feed.error} empty={items.length === 0} onRetry={loadMore} mode={mode} />
        )}
      </div>
      {explaining && (
        <ExplainSheet video={explaining} mode={feed.mode} api={api} onClose={() => setExplaining(null)} />
      )}
    </>
  );
}

function FeedEnd(props: { loading: boolean; ended: boolean; error: string | null; empty: boolean; onRetry: () => void; mode: FeedMode | undefined }) {
  let text = 'Loading…';
  if (props.error) text = `The feed could not be loaded: ${props.error}`;
  else if (props.ended && props.empty && props.mode === 'following') text = 'Nothing here yet: follow creators to see their videos, newest first.';
  else if (props.ended) text = "You're all caught up.";
  else if (!props.loading) text = '';
  return (
    <section className="slide end" aria-live="polite">
      <p>{text}</p>
      {props.error && (
        <button type="button" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </section>
  );
}
