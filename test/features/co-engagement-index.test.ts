import { describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import type { AcceptedEvent, EventType } from '../../src/core/schemas.js';
import { CO_ENGAGEMENT_SLOTS, CO_ENGAGEMENT_WINDOW_MS } from '../../src/features/co-engagement-index.js';
import { OnlineState } from '../../src/features/online-state.js';

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

  it('is rebuilt identically by replaying the same events', () => {
    const build = () => {
      const state = stateWithVideos(50);
      let ts = T0;
      for (let i = 0; i < 2_000; i++) {
        const video = `v${(i * 7919) % 50}`;
        state.applyEvent({ id: `r${i}`, user: `u${i % 13}`, video, creator: null, type: i % 3 ? 'like' : 'play', ts: (ts += MINUTE), watchMs: 9_000 });
      }
      return state.coEngagement;
    };
    const a = build();
    const b = build();
    expect(a.rows).toBe(b.rows);
    expect([...a.neighbours.subarray(0, a.rows * CO_ENGAGEMENT_SLOTS)]).toEqual([...b.neighbours.subarray(0, b.rows * CO_ENGAGEMENT_SLOTS)]);
    expect([...a.weights.subarray(0, a.rows * CO_ENGAGEMENT_SLOTS)]).toEqual([...b.weights.subarray(0, b.rows * CO_ENGAGEMENT_SLOTS)]);
  });
});
