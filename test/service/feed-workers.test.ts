/**
 * Feeds served by worker threads, each with a replica of the online state: the same guarantees as the single
 * thread (no repeats, read-your-writes for events, videos, users and algorithm changes, durable served items),
 * through real HTTP on a real SQLite file. The workers run the build (`npm run build`), as `foryou serve` does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import { feedThreadOf } from '../../src/service/feed-workers.js';
import { fetchWithKey, postJson, putJson, putVideos, startServer, TEST_ADMIN_KEY, type RunningServer } from '../helpers/running-server.js';

let server: RunningServer;
const VIDEOS = 150;

interface FeedBody {
  mode: string;
  items: Array<{ video: { id: string; creator: string }; score: number; sources: string[]; reasons: string[] }>;
  cursor: string | null;
}

async function feed(user: string, query = 'n=10', url = server.url): Promise<FeedBody> {
  const response = await fetchWithKey(`${url}/v1/feed/${user}?${query}`);
  expect(response.status).toBe(200);
  return response.json();
}

/** A user owned by each of the three threads (two workers, then the main thread), so every replica is exercised. */
function usersOnEachWorker(prefix: string): string[] {
  const found: string[] = [];
  const owners = [0, 1, undefined];
  for (let i = 0; found.length < 3; i++) if (feedThreadOf(`${prefix}${i}`, 2) === owners[found.length]) found.push(`${prefix}${i}`);
  return found;
}

beforeAll(async () => {
  server = await startServer(undefined, { feedWorkers: 2 });
  await putVideos(server.url, VIDEOS);
});
afterAll(async () => server?.dispose());

describe('feed workers', () => {
  it('serve ranked pages that never repeat a video, for users on every worker', async () => {
    expect(server.service.feedWorkers).toBe(2);
    for (const user of usersOnEachWorker('pager')) {
      const served = new Set<string>();
      for (let i = 0; i < 8; i++) {
        const page = await feed(user);
        expect(page.items).toHaveLength(10);
        for (const item of page.items) {
          expect(served.has(item.video.id)).toBe(false);
          served.add(item.video.id);
          expect(item.reasons.some((reason) => reason.startsWith('value-scorer: '))).toBe(true);
        }
      }
    }
  });

  it('show an acknowledged follow, a new video and a settings change in the very next page', async () => {
    for (const user of usersOnEachWorker('fresh')) {
      const video = `new-${user}`;
      expect((await putJson(`${server.url}/v1/videos/${video}`, { creator: `star-${user}`, durationMs: 8000 })).status).toBe(201);
      const follow = { id: `f-${user}`, user, creator: `star-${user}`, type: 'follow' };
      expect((await postJson(`${server.url}/v1/events`, { events: [follow] })).status).toBe(200);
      const page = await feed(user);
      const followed = page.items.find((item) => item.video.id === video);
      expect(followed?.sources).toContain('following');

      expect((await putJson(`${server.url}/v1/users/${user}`, { settings: { personalized: false } })).status).toBe(200);
      expect((await feed(user, 'n=5')).mode).toBe('nonpersonalized');
    }
  });

  it('apply a published algorithm version on every worker', async () => {
    const response = await postJson(`${server.url}/v1/algorithm/versions`, {
      note: 'followed accounts sink',
      changes: { sourceBoosts: { ...DEFAULT_ALGORITHM.sourceBoosts, following: -50 } },
    }, TEST_ADMIN_KEY);
    expect(response.status).toBeLessThan(300);
    for (const user of usersOnEachWorker('boosted')) {
      const creators = [0, 1, 2].map((i) => `boost-${user}-${i}`);
      const events = [];
      for (const creator of creators) {
        await putJson(`${server.url}/v1/videos/${creator}-v`, { creator, durationMs: 8000, hashtags: ['topic0'], createdAt: Date.now() - 86_400_000 * 30 });
        events.push({ id: `b-${creator}`, user, creator, type: 'follow' });
      }
      await postJson(`${server.url}/v1/events`, { events });
      const page = await feed(user);
      // At the default boost of +1 the followed videos lead the page; at -50 they fall below every other candidate.
      expect(page.items).toHaveLength(10);
      expect(page.items.filter((item) => creators.includes(item.video.creator))).toEqual([]);
    }
  });

  it('honour acknowledged events in the next page while the learners are still behind them', async () => {
    // Events are acknowledged once stored; the learners apply them behind. Other users' events first, so that the
    // user's own are acknowledged while thousands of entries wait to be applied.
    const crowd = (user: string, b: number) =>
      Array.from({ length: 5000 }, (_, i) => ({ id: `${user}-crowd-${b}-${i}`, user: `crowd${i % 97}`, video: `v${(i * 7 + b) % VIDEOS}`, type: 'play', watchMs: 4000 }));
    for (const user of usersOnEachWorker('behind')) {
      // Seen: every video but those of creators c1 and c2 (putVideos: creator c(i % 7)); a "not interested" in c2.
      const watched = new Set(Array.from({ length: VIDEOS }, (_, i) => i).filter((i) => i % 7 !== 1 && i % 7 !== 2).map((i) => `v${i}`));
      const own = [
        ...[...watched].map((video) => ({ id: `${user}-skip-${video}`, user, video, type: 'skip', watchMs: 500 })),
        { id: `${user}-ni`, user, video: 'v2', type: 'not_interested' },
      ];
      for (const b of [0, 1, 2]) expect((await postJson(`${server.url}/v1/events`, { events: crowd(user, b) })).status).toBe(200);
      expect((await postJson(`${server.url}/v1/events`, { events: own })).status).toBe(200);
      // Acknowledged, and not yet learned: the log applier has a backlog.
      expect(server.service.applier.pending).toBeGreaterThan(0);
      const page = await feed(user, 'n=30');
      expect(page.items.length).toBeGreaterThan(0);
      for (const item of page.items) {
        expect(watched.has(item.video.id)).toBe(false);
        expect(item.video.creator).not.toBe('c2');
      }
    }
    // Once caught up, the state holds what the pages honoured before.
    await server.service.caughtUp();
    const state = server.service.state;
    const user = state.users.get(usersOnEachWorker('behind')[0]!)!;
    expect(user.notInterestedCreators.has('c2')).toBe(true);
    expect(user.seen.has(state.catalog.vidx('v0')!)).toBe(true);
  });

  it('refuse a bad cursor with a 400 naming the field, as the single thread does', async () => {
    const response = await fetchWithKey(`${server.url}/v1/feed/pager0?n=10&cursor=not-a-cursor`);
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('cursor');
  });

  it('keep served items durably: after a restart the next page repeats nothing served before', async () => {
    const user = 'restarter';
    const before = new Set<string>();
    for (let i = 0; i < 3; i++) for (const item of (await feed(user)).items) before.add(item.video.id);
    const dbPath = server.dbPath;
    await server.stop();
    const restarted = await startServer(dbPath, { feedWorkers: 2 });
    try {
      const page = await feed(user, 'n=10', restarted.url);
      expect(page.items).toHaveLength(10);
      for (const item of page.items) expect(before.has(item.video.id)).toBe(false);
    } finally {
      await restarted.stop();
    }
  });
});
