/**
 * The items of one feed, fetched a page at a time as the user nears the end. Events are flushed before every
 * request, so a page always reflects what the user did before it (a like, a "not interested").
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useApp } from '../app/app-context';
import { describeError } from '../app/errors';
import type { FeedItem, FeedMode } from '../api/types';

export const PAGE_SIZE = 8;

export interface FeedPages {
  items: FeedItem[];
  /** The mode the server answered with: without one asked, the user's setting decides. */
  mode: FeedMode | undefined;
  loading: boolean;
  error: string | null;
  /** The server has nothing more to show. */
  ended: boolean;
  loadMore: () => void;
  /** Drops the items after `index` that the user has not reached and asks for a fresh page in their place. */
  refreshAfter: (index: number) => void;
  /** Removes the items after `index` that match (a creator marked "not interested", a reported video). */
  removeAfter: (index: number, drop: (item: FeedItem) => boolean) => void;
}

export function useFeedPages(mode: FeedMode | undefined): FeedPages {
  const { api, reporter } = useApp();
  const [items, setItems] = useState<FeedItem[]>([]);
  const [servedMode, setServedMode] = useState<FeedMode | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [ended, setEnded] = useState(false);
  const cursor = useRef<string | null>(null);
  const inFlight = useRef(false);
  const generation = useRef(0);

  const fetchPage = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    const asked = generation.current;
    setLoading(true);
    try {
      await reporter.flush();
      const page = await api.feed(mode, PAGE_SIZE, cursor.current);
      if (asked !== generation.current) return;
      setServedMode(page.mode);
      // A chain of personalised pages may end (cursor null) while more remains: the next request starts afresh.
      cursor.current = page.cursor;
      if (page.items.length === 0) setEnded(true);
      setItems((current) => {
        const known = new Set(current.map((item) => item.video.id));
        return [...current, ...page.items.filter((item) => !known.has(item.video.id))];
      });
      setError(null);
    } catch (failure) {
      if (asked === generation.current) setError(describeError(failure));
    } finally {
      inFlight.current = false;
      setLoading(false);
    }
  }, [api, reporter, mode]);

  useEffect(() => {
    void fetchPage();
  }, [fetchPage]);

  const loadMore = useCallback(() => {
    if (!ended) void fetchPage();
  }, [ended, fetchPage]);

  const refreshAfter = useCallback(
    (index: number) => {
      generation.current++;
      inFlight.current = false;
      setEnded(false);
      setItems((current) => current.slice(0, index + 1));
      // Personalised pages need no position (what was served is never repeated); other modes keep their place.
      if (mode !== 'following' && servedMode !== 'nonpersonalized') cursor.current = null;
      void fetchPage();
    },
    [fetchPage, mode, servedMode],
  );

  const removeAfter = useCallback((index: number, drop: (item: FeedItem) => boolean) => {
    setItems((current) => [...current.slice(0, index + 1), ...current.slice(index + 1).filter((item) => !drop(item))]);
  }, []);

  return { items, mode: servedMode, loading, error, ended, loadMore, refreshAfter, removeAfter };
}
