import { describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM, type AlgorithmConfig } from '../../src/core/algorithm.js';
import type { FeedMode, Video } from '../../src/core/schemas.js';
import { OnlineState } from '../../src/features/online-state.js';
import { CandidateSet, MAX_SOURCES } from '../../src/pipeline/candidates.js';
import { FreshSource } from '../../src/pipeline/sources/fresh-source.js';
import type { FeedRequest } from '../../src/pipeline/stages.js';

const HOUR = 3_600_000;
const T0 = 1_790_000_000_000;
const BIT = 2;
const BUDGET = 30;
const ALGORITHM: AlgorithmConfig = { ...DEFAULT_ALGORITHM, sourceBudgets: { ...DEFAULT_ALGORITHM.sourceBudgets, fresh: BUDGET } };

function video(id: string, createdAt = T0): Video {
  return { id, creator: `creator-${id}`, durationMs: 10_000, caption: '', hashtags: [], language: 'en', region: 'DE', createdAt, status: 'live' };
}

/** 200 new videos: "good-*" with 6 good and 2 bad responses, "poor-*" with 2 good and 6 bad. */
function world(): OnlineState {
  const state = new OnlineState(ALGORITHM, { learn: false });
  let n = 0;
  for (let i = 0; i < 100; i++) {
    for (const [kind, good] of [
      ['good', 6],
      ['poor', 2],
    ] as const) {
      const id = `${kind}-${i}`;
      state.putVideo(video(id, T0 - (i % 48) * HOUR));
      for (let r = 0; r < 8; r++) {
        const ok = r < good;
        state.applyEvent({ id: `e${n++}`, user: `r${r}`, video: id, creator: null, type: ok ? 'play' : 'skip', ts: T0, watchMs: ok ? 9_000 : 200 });
      }
    }
  }
  return state;
}

function retrieve(state: OnlineState, user: string, now: number, mode: FeedMode = 'personalized'): Map<string, number> {
  const request: FeedRequest = { user: state.userOrImplicit(user, now), mode, n: 10, now, state, algorithm: ALGORITHM };
  const candidates = new CandidateSet();
  candidates.reset(state.catalog.size);
  new FreshSource(BIT).retrieve(request, candidates);
  const picked = new Map<string, number>();
  for (let slot = 0; slot < candidates.size; slot++) {
    expect(candidates.sourceMask[slot]).toBe(1 << BIT);
    picked.set(state.catalog.video(candidates.vidx[slot]!).id, candidates.rawScore[slot * MAX_SOURCES + BIT]!);
  }
  return picked;
}

describe('FreshSource (Thompson sampling over exploring videos)', () => {
  it('proposes its budget, raw score a sampled rate in [0, 1], the same for the same user and time', () => {
    const state = world();
    const first = retrieve(state, 'alice', T0 + HOUR);
    expect(first.size).toBe(BUDGET);
    for (const theta of first.values()) expect(theta >= 0 && theta <= 1).toBe(true);
    expect(retrieve(state, 'alice', T0 + HOUR)).toEqual(first);
    expect([...retrieve(state, 'bob', T0 + HOUR).keys()].sort()).not.toEqual([...first.keys()].sort());
    expect([...retrieve(state, 'alice', T0 + HOUR + 1).keys()].sort()).not.toEqual([...first.keys()].sort());
  });

  it('mostly picks videos whose evidence is good, yet still tries the others', () => {
    const state = world();
    let good = 0;
    let poor = 0;
    for (let r = 0; r < 100; r++) {
      for (const id of retrieve(state, `user${r}`, T0 + HOUR + r).keys()) {
        if (id.startsWith('good')) good++;
        else poor++;
      }
    }
    // Beta(7, 3) against Beta(3, 7): a poor video beats a good one only now and then.
    expect(good / (good + poor)).toBeGreaterThan(0.85);
    expect(poor).toBeGreaterThan(0);
  });

  it('skips what the user has seen and what aged past the fresh window at request time', () => {
    const state = world();
    const user = state.userOrImplicit('carol', T0);
    for (let i = 0; i < 100; i++) user.seen.add(state.catalog.vidx(`good-${i}`)!);
    const picked = retrieve(state, 'carol', T0 + HOUR);
    expect(picked.size).toBe(BUDGET);
    expect([...picked.keys()].every((id) => id.startsWith('poor'))).toBe(true);
    // 71.5 h after T0, only the videos created at T0 ((i % 48) = 0) are younger than the 72-hour window.
    const later = retrieve(state, 'dave', T0 + 71.5 * HOUR);
    expect([...later.keys()].sort()).toEqual(['good-0', 'good-48', 'good-96', 'poor-0', 'poor-48', 'poor-96'].sort());
  });

  it('in the non-personalised mode, is the same for every user whatever their history', () => {
    const state = world();
    const user = state.userOrImplicit('erin', T0);
    for (let i = 0; i < 50; i++) user.seen.add(state.catalog.vidx(`good-${i}`)!);
    const erin = retrieve(state, 'erin', T0 + HOUR, 'nonpersonalized');
    expect(erin.size).toBe(BUDGET);
    expect(retrieve(state, 'frank', T0 + 2 * HOUR, 'nonpersonalized')).toEqual(erin);
    // Redrawn when the evidence of a video being tried changes, not for events about established videos.
    state.putVideo(video('established', T0 - 10 * 24 * HOUR));
    state.applyServed({ user: 'gina', video: 'established', ts: T0 + HOUR }); // serving time: it is long past its window
    state.applyEvent({ id: 'x1', user: 'gina', video: 'established', creator: null, type: 'like', ts: T0 + HOUR, watchMs: null });
    expect(retrieve(state, 'gina', T0 + 2 * HOUR, 'nonpersonalized')).toEqual(erin);
    state.applyEvent({ id: 'x2', user: 'gina', video: 'poor-3', creator: null, type: 'like', ts: T0 + HOUR, watchMs: null });
    expect(retrieve(state, 'gina', T0 + 2 * HOUR, 'nonpersonalized')).not.toEqual(erin);
  });
});
