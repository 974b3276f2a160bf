/** The cascade's cheap first step on a real online state: how many candidates go on, and which. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM, type AlgorithmConfig } from '../../src/core/algorithm.js';
import type { AcceptedEvent, Video } from '../../src/core/schemas.js';
import { OnlineState } from '../../src/features/online-state.js';
import { CandidateSet } from '../../src/pipeline/candidates.js';
import { PreRanker } from '../../src/pipeline/pre-ranker.js';
import type { FeedRequest } from '../../src/pipeline/stages.js';

const NOW = 1_790_000_000_000;
const BITS = { following: 0, trending: 1, fresh: 2 };
const VIDEOS = 400;

function video(i: number): Video {
  return {
    id: `v${i}`,
    creator: `c${i % 20}`,
    durationMs: 10_000,
    caption: '',
    hashtags: [`tag${i % 7}`],
    sound: undefined,
    language: 'en',
    region: 'DE',
    createdAt: NOW - 30 * 86_400_000,
    status: 'live',
  };
}

let eventId = 0;
function event(user: string, vidx: number, type: AcceptedEvent['type'], watchMs: number | null = null): AcceptedEvent {
  return { id: `e${eventId++}`, user, video: `v${vidx}`, creator: null, type, ts: NOW - 60_000, watchMs };
}

/** Videos v0–v9 are finished and liked by many; v10–v19 are skipped by many; the rest have no history. */
function world(): OnlineState {
  const state = new OnlineState(DEFAULT_ALGORITHM);
  for (let i = 0; i < VIDEOS; i++) state.putVideo(video(i));
  for (let viewer = 0; viewer < 30; viewer++) {
    for (let i = 0; i < 10; i++) {
      state.applyEvent(event(`viewer${viewer}`, i, 'play', 10_000));
      state.applyEvent(event(`viewer${viewer}`, i, 'like'));
      state.applyEvent(event(`viewer${viewer}`, 10 + i, 'skip', 500));
    }
  }
  return state;
}

function run(state: OnlineState, algorithm: AlgorithmConfig): { kept: Set<number>; candidates: CandidateSet } {
  const candidates = new CandidateSet();
  candidates.reset(state.catalog.size);
  // Every video from the trending source, the skipped ones first so that order cannot explain the choice.
  for (let i = VIDEOS - 1; i >= 0; i--) candidates.add(i, BITS.trending, 1);
  const request: FeedRequest = {
    user: state.userOrImplicit('reader', NOW),
    mode: 'personalized',
    n: 10,
    now: NOW,
    state,
    algorithm,
  };
  new PreRanker(BITS).select(request, candidates);
  const kept = new Set<number>();
  for (let slot = 0; slot < candidates.size; slot++) if (candidates.kept[slot] === 1) kept.add(candidates.vidx[slot]!);
  return { kept, candidates };
}

describe('PreRanker', () => {
  it('passes on exactly preRankKeep candidates, those with the best history, never the skipped ones', () => {
    const { kept } = run(world(), { ...DEFAULT_ALGORITHM, preRankKeep: 150 });
    expect(kept.size).toBe(150);
    for (let i = 0; i < 10; i++) expect(kept.has(i)).toBe(true);
    for (let i = 10; i < 20; i++) expect(kept.has(i)).toBe(false);
  });

  it('keeps followed creators’ videos through the following boost', () => {
    const state = world();
    const candidates = new CandidateSet();
    candidates.reset(state.catalog.size);
    for (let i = VIDEOS - 1; i >= 0; i--) candidates.add(i, BITS.trending, 1);
    // v13 was skipped by many, but the user follows its creator, and the boost outweighs the skips.
    candidates.add(13, BITS.following, 1);
    const request: FeedRequest = {
      user: state.userOrImplicit('fan', NOW),
      mode: 'personalized',
      n: 10,
      now: NOW,
      state,
      algorithm: { ...DEFAULT_ALGORITHM, preRankKeep: 50, sourceBoosts: { following: 5, fresh: 0.3 } },
    };
    new PreRanker(BITS).select(request, candidates);
    const slot = Array.from(candidates.vidx.subarray(0, candidates.size)).indexOf(13);
    expect(candidates.kept[slot]).toBe(1);
  });

  it('passes on every candidate when preRankKeep is 0 or not exceeded', () => {
    expect(run(world(), { ...DEFAULT_ALGORITHM, preRankKeep: 0 }).kept.size).toBe(VIDEOS);
    expect(run(world(), { ...DEFAULT_ALGORITHM, preRankKeep: VIDEOS }).kept.size).toBe(VIDEOS);
  });
});
