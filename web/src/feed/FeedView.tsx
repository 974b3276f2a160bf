/**
 * The full-screen vertical feed: one video per screen, snapped; swipe, scroll, or use the keys to move. The item
 * on screen plays, the next one preloads, and what the user watched and did is reported as events.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FeedItem, FeedMode, Video } from '../api/types';
import { useApp } from '../app/app-context';
import { useFollow } from '../creator/useFollow';
import { ExplainSheet } from '../explain/ExplainSheet';
import { ActionBar } from './ActionBar';
import { FeedEnd } from './FeedEnd';
import { FeedSlide } from './FeedSlide';
import { useFeedKeys } from './useFeedKeys';
import { useFeedPages } from './useFeedPages';
import { useItemActions } from './useItemActions';
import { useWatchReporting } from './useWatchReporting';

/** Items this close to the end of what is loaded ask for the next page. */
const LOAD_AHEAD = 3;

export function FeedView({ mode, onServedMode }: { mode: FeedMode | undefined; onServedMode: (mode: FeedMode | undefined) => void }) {
  const { api, muted, setMuted } = useApp();
  const follow = useFollow();
  const feed = useFeedPages(mode);
  const { items, loadMore } = feed;
  const [current, setCurrent] = useState(0);
  const [explaining, setExplaining] = useState<Video | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const item: FeedItem | undefined = items[current];
  const { clockFor } = useWatchReporting(item);

  useEffect(() => onServedMode(feed.mode), [feed.mode, onServedMode]);
  useEffect(() => {
    if (items.length > 0 && current >= items.length - LOAD_AHEAD) loadMore();
  }, [current, items.length, loadMore]);

  // The screen in view is the current item (the snapped scroll lands on whole screens).
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
  const actions = useItemActions(feed, current, next);

  const { like } = actions;
  const likeCurrent = useCallback(() => item && like(item.video), [item, like]);
  const toggleSound = useCallback(() => setMuted(!muted), [muted, setMuted]);
  const keys = useMemo(() => ({ next, previous, toggleSound, like: likeCurrent }), [next, previous, toggleSound, likeCurrent]);
  useFeedKeys(keys, explaining === null);

  return (
    <>
      <div className="feed" ref={scroller} onScroll={onScroll} tabIndex={-1} aria-label="Feed" aria-busy={feed.loading}>
        {items.map((entry, index) => (
          <FeedSlide
            key={entry.video.id}
            item={entry}
            index={index}
            current={index === current}
            active={index === current && explaining === null}
            near={index >= current - 1 && index <= current + 2}
            preload={index === current + 1}
            clock={clockFor(entry.video.id)}
          >
            <ActionBar
              video={entry.video}
              liked={actions.liked(entry.video)}
              follows={follow.follows(entry.video.creator)}
              own={entry.video.creator === api.user}
              onLike={() => actions.like(entry.video)}
              onShare={() => void actions.share(entry.video)}
              onFollow={() => follow.toggle(entry.video.creator)}
              onNotInterested={() => actions.notInterested(entry.video)}
              onReport={() => actions.report(entry.video)}
              onWhy={() => setExplaining(entry.video)}
            />
          </FeedSlide>
        ))}
        {/* Only once nothing more is coming: a snapped-to slide after the items would stay snapped as pages arrive. */}
        {(items.length === 0 || feed.ended || feed.error) && (
          <FeedEnd loading={feed.loading} ended={feed.ended} error={feed.error} empty={items.length === 0} mode={mode} onRetry={loadMore} />
        )}
      </div>
      {explaining && <ExplainSheet video={explaining} mode={feed.mode} api={api} onClose={() => setExplaining(null)} />}
    </>
  );
}
