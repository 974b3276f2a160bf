/**
 * Pre-ranking, the cheap first step of a ranking cascade: when more candidates pass the filters than
 * `preRankKeep`, only that many — the best by a cheap estimate of their value — go on to the multi-task ranker
 * (~3 µs a candidate, most of a feed's CPU at a million videos). The estimate is the same Σ weight × rate as the
 * value scorer for the frequent actions (play, skip, watch ratio, finish, like), with each rate taken from the
 * video's own smoothed counters instead of the ranker, plus the user's topic match and the source boosts: a few
 * typed-array reads per candidate, no embeddings, no allocation.
 */
import { RankerFeatures } from '../features/ranker-features.js';
import { MAX_SOURCES, type CandidateSet } from './candidates.js';
import type { SourceBits } from './source-reasons.js';
import { batchBoostShare, sourceBoost } from './value-scorer.js';
import type { FeedRequest } from './stages.js';

/**
 * Weight of the user's topic match (0–1) in the estimate: as much as a sure finish. Twice that kept videos the
 * ranker then rated lower in front of it (bench/results/feed-cost.md, 2026-12-04).
 */
const TOPIC_MATCH_WEIGHT = 1;

export class PreRanker {
  readonly name = 'pre-ranker';
  private estimate = new Float64Array(1024);
  private sorted = new Float64Array(1024);
  private readonly features = new RankerFeatures();
  private batchShare = 1;

  constructor(private readonly bits: SourceBits) {}

  /**
   * Clears `kept` on all but the `preRankKeep` kept candidates with the best estimate (ties: the earlier slots).
   * New videos the fresh source drew highest pass uncut (see explorationPass): exploration exists to try videos
   * whose counters do not yet speak for them, so a cheap estimate from those counters must not decide it.
   */
  select(request: FeedRequest, candidates: CandidateSet): void {
    const keep = request.algorithm.preRankKeep;
    let kept = 0;
    for (let slot = 0; slot < candidates.size; slot++) kept += candidates.kept[slot]!;
    if (keep === 0 || kept <= keep) return;
    if (this.estimate.length < candidates.size) {
      this.estimate = new Float64Array(candidates.size * 2);
      this.sorted = new Float64Array(candidates.size * 2);
    }
    const freshFloor = this.explorationFloor(request, candidates);
    const freshBit = 1 << this.bits.fresh;
    this.features.begin(request.state, request.user);
    this.batchShare = batchBoostShare(request);
    let n = 0;
    for (let slot = 0; slot < candidates.size; slot++) {
      if (candidates.kept[slot] === 0) continue;
      if (isExplorer(candidates, slot, freshBit, this.bits.fresh, freshFloor)) continue;
      const value = this.estimateValue(request, candidates, slot);
      this.estimate[slot] = value;
      this.sorted[n++] = value;
    }
    if (n <= keep) return;
    const sorted = this.sorted.subarray(0, n).sort();
    const cut = sorted[n - keep]!;
    // Candidates tied at the cut fill what the ones above it leave.
    let tiesLeft = keep;
    for (let i = n - 1; i >= 0 && sorted[i]! > cut; i--) tiesLeft--;
    for (let slot = 0; slot < candidates.size; slot++) {
      if (candidates.kept[slot] === 0) continue;
      if (isExplorer(candidates, slot, freshBit, this.bits.fresh, freshFloor)) continue;
      const estimate = this.estimate[slot]!;
      if (estimate < cut || (estimate === cut && tiesLeft-- <= 0)) candidates.kept[slot] = 0;
    }
  }

  /**
   * The lowest fresh draw that passes uncut: enough new videos for four times the page's exploration slots, so the
   * re-ranker can still choose among them by the full ranker's value. +∞ when exploration is off.
   */
  private explorationFloor(request: FeedRequest, candidates: CandidateSet): number {
    const pass = Math.ceil(request.n * request.algorithm.explorationShare) * 4;
    if (pass === 0) return Number.POSITIVE_INFINITY;
    const freshBit = 1 << this.bits.fresh;
    let n = 0;
    for (let slot = 0; slot < candidates.size; slot++) {
      if (candidates.kept[slot] === 0 || (candidates.sourceMask[slot]! & freshBit) === 0) continue;
      this.sorted[n++] = candidates.rawScore[slot * MAX_SOURCES + this.bits.fresh]!;
    }
    if (n <= pass) return Number.NEGATIVE_INFINITY;
    return this.sorted.subarray(0, n).sort()[n - pass]!;
  }

  private estimateValue(request: FeedRequest, candidates: CandidateSet, slot: number): number {
    const { engagement } = request.state;
    const w = request.algorithm.valueWeights;
    const boosts = request.algorithm.sourceBoosts;
    const vidx = candidates.vidx[slot]!;
    const plays = engagement.plays(vidx);
    const skips = engagement.skips(vidx);
    // Smoothed like the ranker's priors, so a video with few views looks typical, not perfect or hopeless. Shares,
    // comments, follows and "not interested" are left out: rare, so their smoothed rates barely differ between
    // videos, and each counter read is a cache miss (the counters are most of this stage's cost).
    let value =
      w.play * ((plays + 3.5) / (plays + skips + 5)) +
      w.skip * ((skips + 1.5) / (plays + skips + 5)) +
      w.watchRatio * Math.min(engagement.meanWatchRatio(vidx), 3) +
      w.finish * ((engagement.finishes(vidx) + 1) / (plays + 4)) +
      w.like * engagement.likeRate(vidx);
    value += TOPIC_MATCH_WEIGHT * this.features.topicMatch(vidx);
    return value + sourceBoost(candidates, slot, this.bits, boosts, this.batchShare);
  }
}

function isExplorer(candidates: CandidateSet, slot: number, freshMask: number, freshBit: number, floor: number): boolean {
  return (
    (candidates.sourceMask[slot]! & freshMask) !== 0 && candidates.rawScore[slot * MAX_SOURCES + freshBit]! >= floor
  );
}
