import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  capture,
  httpFeedPages,
  measureServedTrue,
  qualityBaselines,
  SampledHistories,
  sampleUsers,
  type FeedPageAnswer,
} from '../../src/bench/served-quality.js';
import type { AcceptedEvent } from '../../src/core/schemas.js';
import { createWorld, expectedWatchRatio, generateEvents, loadWorldIntoStore, type World } from '../../src/sim/index.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { startServer, TEST_SERVICE_KEY, type RunningServer } from '../helpers/running-server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const EVENTS = 60_000;
const temp = makeTempDir();
let server: RunningServer;
let world: World;
let events: AcceptedEvent[];

beforeAll(async () => {
  // A small world with history, stored through the ordinary Store and served by a real server rebuilt from the file,
  // as the bench serves its world.
  world = createWorld({ users: 800, videos: 4_000, seed: 13 });
  events = [...generateEvents(world, EVENTS)];
  const dbPath = join(temp.dir, 'foryou.db');
  const store = new SqliteStore(dbPath);
  await loadWorldIntoStore(store, world, EVENTS);
  await store.close();
  server = await startServer(dbPath);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  temp.cleanup();
});

/** The videos the server may serve `user` with their true watch ratios, best first, worked out plainly. */
function servable(user: number): Array<{ id: string; ratio: number }> {
  const id = world.users[user]!.id;
  const seen = new Set(events.filter((e) => e.user === id).map((e) => e.video));
  const blocked = new Set([id, ...events.filter((e) => e.user === id && e.type === 'not_interested').map((e) => e.creator)]);
  return world.videos
    .flatMap((video, v) =>
      video.status === 'live' && !seen.has(video.id) && !blocked.has(video.creator)
        ? [{ id: video.id, ratio: expectedWatchRatio(world, user, v) }]
        : [],
    )
    .sort((a, b) => b.ratio - a.ratio);
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('served quality', () => {
  it('samples users spread evenly over the world, the same ones every time', () => {
    expect([...sampleUsers(2_000, 500)]).toEqual(Array.from({ length: 500 }, (_, i) => 4 * i));
    expect([...sampleUsers(10, 4)]).toEqual([0, 2, 5, 7]);
    expect([...sampleUsers(3, 500)]).toEqual([0, 1, 2]);
  });

  it('scores two personalised pages from the running server between the random and the oracle baselines', async () => {
    const users = sampleUsers(world.users.length, 100);
    const histories = new SampledHistories(world, users);
    for (const event of events) histories.observe(event);

    const baselines = qualityBaselines(world, histories, 20, 7);
    expect(baselines.users).toBe(100);
    // The oracle is exactly the mean of each user's 20 best servable videos, whatever the pruning skipped.
    const ratios = Array.from(users, (user) => servable(user).map((video) => video.ratio));
    const best = ratios.map((userRatios) => mean(userRatios.slice(0, 20)));
    expect(baselines.oracleTrue).toBeCloseTo(mean(best), 12);
    // Random: 2,000 draws, near the mean over everything servable (a draw's spread is ~0.4, so the error ~0.01).
    expect(Math.abs(baselines.randomTrue - mean(ratios.map(mean)))).toBeLessThan(0.04);
    expect(qualityBaselines(world, histories, 20, 7)).toEqual(baselines);
    expect(baselines.oracleTrue).toBeGreaterThan(baselines.randomTrue + 0.3);

    // The real HTTP path, recorded on the way.
    const fetchPage = httpFeedPages(server.url, TEST_SERVICE_KEY);
    const pages = new Map<string, Array<{ cursor: string | undefined; answer: FeedPageAnswer }>>();
    const served = await measureServedTrue(world, users, async (user, cursor) => {
      const answer = await fetchPage(user, cursor);
      pages.set(user, [...(pages.get(user) ?? []), { cursor, answer }]);
      return answer;
    });
    expect(served.users).toBe(100);
    expect(served.items).toBe(2_000);

    users.forEach((user, slot) => {
      const [first, second] = pages.get(world.users[user]!.id)!;
      // The second page follows the first's cursor and repeats none of it.
      expect(first!.cursor).toBeUndefined();
      expect(second!.cursor).toBe(first!.answer.cursor);
      const ids = [...first!.answer.items, ...second!.answer.items].map((item) => item.video.id);
      expect(new Set(ids).size).toBe(20);
      // Everything served was servable by the baselines' notion, so no user's served mean exceeds their oracle.
      const servableIds = new Set(servable(user).map((video) => video.id));
      expect(ids.filter((id) => !servableIds.has(id))).toEqual([]);
      const servedRatios = ids.map((id) => expectedWatchRatio(world, user, world.videoIndexById.get(id)!));
      expect(mean(servedRatios)).toBeLessThanOrEqual(best[slot]! + 1e-12);
    });

    // A personalised feed on a world with history does better than random, and short of the oracle.
    expect(served.servedTrue).toBeGreaterThan(baselines.randomTrue);
    expect(served.servedTrue).toBeLessThan(baselines.oracleTrue);
    const captured = capture(served.servedTrue, baselines.randomTrue, baselines.oracleTrue);
    expect(captured).toBeCloseTo((served.servedTrue - baselines.randomTrue) / (baselines.oracleTrue - baselines.randomTrue), 12);
    expect(captured).toBeGreaterThan(0);
    expect(captured).toBeLessThan(1);
  });

  it('gives capture 0 at random and 1 at the oracle', () => {
    expect(capture(0.4, 0.4, 1.6)).toBe(0);
    expect(capture(1.6, 0.4, 1.6)).toBe(1);
    expect(capture(1.0, 0.4, 1.6)).toBeCloseTo(0.5, 12);
  });
});
