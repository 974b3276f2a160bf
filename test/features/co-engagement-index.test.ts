import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import type { AcceptedEvent, EventType } from '../../src/core/schemas.js';
import { CO_ENGAGEMENT_SLOTS, CO_ENGAGEMENT_WINDOW_MS } from '../../src/features/co-engagement-index.js';
import { OnlineState } from '../../src/features/online-state.js';
import { createWorld, generateEvents, loadWorldIntoStore } from '../../src/sim/index.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const T0 = 1_790_000_000_000;
const MINUTE = 60_000;

function stateWithVideos(count: number): OnlineState {
  const state = new OnlineState(DEFAULT_ALGORITHM, { learn: false });
  for (let i = 0; i < count; i++) {
    state.putVideo({
      id: `v${i}`,
      creator: `c${i % 17}`,
      durationMs: 10_000,
      caption: `video ${i}`,
      hashtags: [`tag${i % 5}`],
      language: 'en',
      region: 'DE',
      createdAt: T0 - 86_400_000,
      status: 'live',
    });
  }
  return state;
}

let eventNumber = 0;
function event(user: string, video: string, type: EventType, ts: number, watchMs: number | null = null): AcceptedEvent {
  return { id: `e${++eventNumber}`, user, video, creator: null, type, ts, watchMs };
}

const vidx = (state: OnlineState, id: string) => state.catalog.vidx(id)!;
const co = (state: OnlineState, a: string, b: string) => state.coEngagement.weight(vidx(state, a), vidx(state, b));

describe('the co-engagement index', () => {
  it('links videos one user liked or finished close in time, both ways, counting each user once per pair', () => {
    const state = stateWithVideos(10);
    for (const user of ['u1', 'u2', 'u3']) {
      state.applyEvent(event(user, 'v1', 'play', T0, 9_500)); // finished
      state.applyEvent(event(user, 'v2', 'like', T0 + MINUTE));
      // A like after a finish of the same video is the same co-engagement, not a second one
      state.applyEvent(event(user, 'v2', 'play', T0 + 2 * MINUTE, 10_000));
    }
    expect(co(state, 'v1', 'v2')).toBe(3);
    expect(co(state, 'v2', 'v1')).toBe(3);

    // Not positive: a short play, a skip, an impression link nothing
    state.applyEvent(event('u4', 'v3', 'play', T0, 1_000));
    state.applyEvent(event('u4', 'v4', 'skip', T0 + MINUTE, 500));
    state.applyEvent(event('u4', 'v5', 'impression', T0 + 2 * MINUTE));
    state.applyEvent(event('u4', 'v6', 'share', T0 + 3 * MINUTE));
    for (const a of ['v3', 'v4', 'v5']) expect(co(state, a, 'v6')).toBe(0);

    // Positives further apart than the window are different moments, not co-engagement
    state.applyEvent(event('u5', 'v7', 'like', T0));
    state.applyEvent(event('u5', 'v8', 'like', T0 + CO_ENGAGEMENT_WINDOW_MS + MINUTE));
    expect(co(state, 'v7', 'v8')).toBe(0);
    state.applyEvent(event('u5', 'v9', 'comment', T0 + CO_ENGAGEMENT_WINDOW_MS + 2 * MINUTE));
    expect(co(state, 'v8', 'v9')).toBe(1);
  });

  it('stays bounded at a fixed number of slots per video and keeps the strong neighbours through churn', () => {
    const videos = 400;
    const state = stateWithVideos(videos);
    const index = state.coEngagement;
    // v0 and v1 are liked together by 60 users; in between, a stream of users likes v0 with one-off partners.
    let ts = T0;
    for (let u = 0; u < 60; u++) {
      state.applyEvent(event(`fan${u}`, 'v0', 'like', (ts += MINUTE)));
      state.applyEvent(event(`fan${u}`, 'v1', 'like', (ts += MINUTE)));
      for (let k = 0; k < 5; k++) {
        const user = `passer${u}-${k}`;
        state.applyEvent(event(user, 'v0', 'like', (ts += MINUTE)));
        state.applyEvent(event(user, `v${2 + ((u * 5 + k) % (videos - 2))}`, 'like', (ts += MINUTE)));
      }
    }
    const row = index.row(vidx(state, 'v0'));
    const neighbours = [...index.neighbours.subarray(row * CO_ENGAGEMENT_SLOTS, (row + 1) * CO_ENGAGEMENT_SLOTS)];
    // 299 distinct partners of v0 were seen; only the slots are kept
    expect(neighbours.filter((n) => n >= 0)).toHaveLength(CO_ENGAGEMENT_SLOTS);
    expect(neighbours).toContain(vidx(state, 'v1'));
    expect(co(state, 'v0', 'v1')).toBeGreaterThanOrEqual(60);
    const strongest = Math.max(...neighbours.map((n) => index.weight(vidx(state, 'v0'), n)));
    expect(co(state, 'v0', 'v1')).toBe(strongest);
    // Memory: one row per video that has a neighbour, never more
    expect(index.rows).toBeLessThanOrEqual(videos);
    expect(index.bytes).toBeLessThanOrEqual(Math.max(1024, 2 * videos * CO_ENGAGEMENT_SLOTS) * 8 + Math.max(1024, 2 * videos) * 4);
  });

  it('is rebuilt from the store at start exactly as it was learned live, with the topic index', async () => {
    const temp = makeTempDir();
    const store = new SqliteStore(join(temp.dir, 'foryou.db'));
    try {
      const world = createWorld({ users: 200, videos: 800, seed: 4, now: T0 });
      await loadWorldIntoStore(store, world, 20_000);
      // Live: the same calls the service makes as videos, users and events arrive
      const live = new OnlineState(DEFAULT_ALGORITHM, { learn: false });
      for (const video of world.videos) live.putVideo(video);
      for (const user of world.users) live.putUser(user);
      for (const event of generateEvents(world, 20_000)) live.applyEvent(event);
      const rebuilt = await OnlineState.rebuild(store, DEFAULT_ALGORITHM);

      const rows = (state: OnlineState) => {
        const index = state.coEngagement;
        return world.videos.map((video) => {
          const row = index.row(state.catalog.vidx(video.id)!);
          if (row < 0) return [];
          return [...index.neighbours.subarray(row * index.slots, (row + 1) * index.slots)]
            .filter((n) => n >= 0)
            .map((n) => `${state.catalog.video(n).id}:${index.weight(state.catalog.vidx(video.id)!, n)}`);
        });
      };
      expect(live.coEngagement.rows).toBeGreaterThan(100);
      expect(rows(rebuilt)).toEqual(rows(live));
      const members = (state: OnlineState, tag: string) => {
        const list = state.topics.list('hashtag', tag);
        return [...(list?.vidx.subarray(0, list.size) ?? [])].map((v) => state.catalog.video(v).id).sort();
      };
      expect(world.topics.reduce((sum, topic) => sum + members(live, topic.name).length, 0)).toBeGreaterThan(100);
      for (const topic of world.topics) expect(members(rebuilt, topic.name)).toEqual(members(live, topic.name));
    } finally {
      await store.close();
      temp.cleanup();
    }
  });
});
