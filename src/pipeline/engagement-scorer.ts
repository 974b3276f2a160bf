/**
 * Issue 2's scorer: a transparent weighted sum of trending engagement, freshness, following and the video's
 * observed quality (smoothed watch ratio and like rate). The real-time multi-task ranker replaces it later; the
 * stage contract stays.
 */
import { MAX_SOURCES, type CandidateSet } from './candidates.js';
import { formatCount, sourceReasons, type SourceBits } from './source-reasons.js';
import type { FeedRequest, Scorer, ScoreTerm } from './stages.js';

export class EngagementScorer implements Scorer {
  readonly name = 'engagement-scorer';
  constructor(private readonly bits: SourceBits) {}

  /** Log trending engagement per slot of the current request, computed once and reused. */
  private logTrend = new Float64Array(1024);
  /** The normaliser of the current request, kept for breakdowns. */
  private maxLogTrend = 1;

  score(request: FeedRequest, candidates: CandidateSet): void {
    const { engagement } = request.state;
    const weights = request.algorithm.scoreWeights;
    if (this.logTrend.length < candidates.size) this.logTrend = new Float64Array(candidates.size * 2);
    const logTrend = this.logTrend;
    // Trending is normalised by the strongest candidate of this request.
    let maxLogTrend = 0;
    for (let slot = 0; slot < candidates.size; slot++) {
      logTrend[slot] = Math.log1p(engagement.trendingValue(candidates.vidx[slot]!, request.now));
      if (logTrend[slot]! > maxLogTrend) maxLogTrend = logTrend[slot]!;
    }
    if (maxLogTrend === 0) maxLogTrend = 1;
    this.maxLogTrend = maxLogTrend;
    for (let slot = 0; slot < candidates.size; slot++) {
      if (candidates.kept[slot] === 0) continue;
      const vidx = candidates.vidx[slot]!;
      const mask = candidates.sourceMask[slot]!;
      const fresh = mask & (1 << this.bits.fresh) ? candidates.rawScore[slot * MAX_SOURCES + this.bits.fresh]! : 0;
      const following = mask & (1 << this.bits.following) ? 1 : 0;
      candidates.score[slot] =
        weights.trending * (logTrend[slot]! / maxLogTrend) +
        weights.fresh * fresh +
        weights.following * following +
        weights.quality * quality(request, vidx);
    }
  }

  explain(request: FeedRequest, candidates: CandidateSet, slot: number): string[] {
    const { engagement } = request.state;
    const vidx = candidates.vidx[slot]!;
    const reasons = sourceReasons(request, candidates, slot, this.bits);
    const plays = engagement.plays(vidx);
    if (plays >= 3) {
      const watched = Math.round(100 * Math.min(1, engagement.count(vidx, 'watchRatioSum') / plays));
      reasons.push(`quality: viewers watch ${watched}% of it on average over ${formatCount(plays)} plays`);
    }
    if (reasons.length === 0) reasons.push('catalogue: one of the newest videos you have not seen yet');
    return reasons;
  }

  breakdown(request: FeedRequest, candidates: CandidateSet, slot: number): ScoreTerm[] {
    const weights = request.algorithm.scoreWeights;
    const mask = candidates.sourceMask[slot]!;
    const inputs = {
      trending: this.logTrend[slot]! / this.maxLogTrend,
      fresh: mask & (1 << this.bits.fresh) ? candidates.rawScore[slot * MAX_SOURCES + this.bits.fresh]! : 0,
      following: mask & (1 << this.bits.following) ? 1 : 0,
      quality: quality(request, candidates.vidx[slot]!),
    };
    return (Object.keys(inputs) as Array<keyof typeof inputs>).map((name) => ({
      name,
      input: inputs[name],
      weight: weights[name],
      contribution: weights[name] * inputs[name],
    }));
  }
}

function quality(request: FeedRequest, vidx: number): number {
  const { engagement } = request.state;
  const watch = Math.min(engagement.meanWatchRatio(vidx), 1.2) / 1.2;
  const likes = Math.min(engagement.likeRate(vidx) * 5, 1);
  return 0.7 * watch + 0.3 * likes;
}

