/**
 * Pre-ranking, the cheap first step of a ranking cascade: when more candidates pass the filters than
 * `preRankKeep`, only that many — the best by a cheap estimate of their value — go on to the multi-task ranker
 * (~3 µs a candidate, most of a feed's CPU at a million videos). The estimate is the same Σ weight × rate as the
 * value scorer for the frequent actions (play, skip, watch ratio, finish, like), with each rate taken from the
 * video's own smoothed counters instead of the ranker, plus the user's topic match and the source boosts: a few
 * typed-array reads per candidate, no embeddings, no allocation.
 */
import { topicMatchIn, topicProfile, type TopicProfile } from '../features/ranker-features.js';
import { MAX_SOURCES, type CandidateSet } from './candidates.js';
import type { SourceBits } from './source-reasons.js';
import type { FeedRequest } from './stages.js';

/** Weight of the user's topic match (0–1) in the estimate: as much as a sure finish and a likely like. */
const TOPIC_MATCH_WEIGHT = 2;

export class PreRanker {
  readonly name = 'pre-ranker';
  private estimate = new Float64Array(1024);
  private sorted = new Float64Array(1024);

  constructor(private readonly bits: SourceBits) {}

  /** Clears `kept` on all but the `preRankKeep` kept candidates with the best estimate (ties: the earlier slots). */
  select(request: FeedRequest, candidates: CandidateSet): void {
    const keep = request.algorithm.preRankKeep;
    let kept = 0;
    for (let slot = 0; slot < candidates.size; slot++) kept += candidates.kept[slot]!;
    if (keep === 0 || kept <= keep) return;
    if (this.estimate.length < candidates.size) {
      this.estimate = new Float64Array(candidates.size * 2);
      this.sorted = new Float64Array(candidates.size * 2);
    }
    const profile = topicProfile(request.state, request.user);
    let n = 0;
    for (let slot = 0; slot < candidates.size; slot++) {
      if (candidates.kept[slot] === 0) continue;
      const value = this.estimateValue(request, profile, candidates, slot);
      this.estimate[slot] = value;
      this.sorted[n++] = value;
    }
    const sorted = this.sorted.subarray(0, n).sort();
    const cut = sorted[n - keep]!;
    // Candidates tied at the cut fill what the ones above it leave.
    let tiesLeft = keep;
    for (let i = n - 1; i >= 0 && sorted[i]! > cut; i--) tiesLeft--;
    for (let slot = 0; slot < candidates.size; slot++) {
      if (candidates.kept[slot] === 0) continue;
      const estimate = this.estimate[slot]!;
      if (estimate < cut || (estimate === cut && tiesLeft-- <= 0)) candidates.kept[slot] = 0;
    }
  }

  private estimateValue(request: FeedRequest, profile: TopicProfile, candidates: CandidateSet, slot: number): number {
    const { engagement, catalog } = request.state;
    const w = request.algorithm.valueWeights;
    const boosts = request.algorithm.sourceBoosts;
    const vidx = candidates.vidx[slot]!;
    const plays = engagement.plays[vidx]!;
    const skips = engagement.skips[vidx]!;
    // Smoothed like the ranker's priors, so a video with few views looks typical, not perfect or hopeless. Shares,
    // comments, follows and "not interested" are left out: rare, so their smoothed rates barely differ between
    // videos, and each counter read is a cache miss (the counters are most of this stage's cost).
    let value =
      w.play * ((plays + 3.5) / (plays + skips + 5)) +
      w.skip * ((skips + 1.5) / (plays + skips + 5)) +
      w.watchRatio * Math.min(engagement.meanWatchRatio(vidx), 3) +
      w.finish * ((engagement.finishes[vidx]! + 1) / (plays + 4)) +
      w.like * engagement.likeRate(vidx);
    value += TOPIC_MATCH_WEIGHT * topicMatchIn(profile, catalog.videos[vidx]!.hashtags);
    const mask = candidates.sourceMask[slot]!;
    if (mask & (1 << this.bits.following)) value += boosts.following;
    if (mask & (1 << this.bits.fresh)) value += boosts.fresh * candidates.rawScore[slot * MAX_SOURCES + this.bits.fresh]!;
    return value;
  }
}
