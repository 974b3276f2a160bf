/**
 * Reports what the user watched: `impression` when an item is shown, and on leaving it (another item, another
 * page, the tab hidden) `play` with the real watch time, or `skip` with it when left early.
 */
import { useCallback, useEffect, useRef } from 'react';
import { useApp } from '../app/app-context';
import type { FeedItem } from '../api/types';
import { WatchClock } from '../events/watch-clock';
import { watchOutcome } from '../events/watch-outcome';

export interface WatchReporting {
  /** The clock of an item's video, run by its player. */
  clockFor: (videoId: string) => WatchClock;
}

export function useWatchReporting(current: FeedItem | undefined): WatchReporting {
  const { reporter } = useApp();
  const clocks = useRef(new Map<string, WatchClock>());
  const impressed = useRef(new Set<string>());

  const clockFor = useCallback((videoId: string) => {
    let clock = clocks.current.get(videoId);
    if (!clock) clocks.current.set(videoId, (clock = new WatchClock()));
    return clock;
  }, []);

  useEffect(() => {
    if (!current) return;
    const { id, durationMs } = current.video;
    if (!impressed.current.has(id)) {
      impressed.current.add(id);
      reporter.record('impression', { video: id });
    }
    const clock = clockFor(id);
    let reported = false;
    const leave = () => {
      if (reported) return;
      reported = true;
      const { type, watchMs } = watchOutcome(clock.take(), durationMs);
      reporter.record(type, { video: id, watchMs });
    };
    // Hiding the tab ends the view as leaving the item does; coming back starts a new one.
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') {
        leave();
        void reporter.flush(true);
      } else {
        reported = false;
      }
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      leave();
    };
  }, [current, reporter, clockFor]);

  return { clockFor };
}
