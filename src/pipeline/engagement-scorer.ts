/**
 * Issue 2's scorer: a transparent weighted sum of trending engagement, freshness, following and the video's
 * observed quality (smoothed watch ratio and like rate). The real-time multi-task ranker replaces it later; the
 * stage contract stays.
 */
import { MAX_SOURCES, type CandidateSet } from './candidates.js';
import type { FeedRequest, Scorer } from './stages.js';

export interface SourceBits {
  following: number;
  trending: number;
  fresh: number;
}

export class EngagementScorer implements Scorer {
  readonly name = 'engagement-scorer';
  constructor(private readonly bits: SourceBits) {}

  /** Normaliser for trending: log-engagement relative to the strongest candidate of this request. */
  private maxLogTrend = 1;

  score(request: FeedRequest, candidates: CandidateSet): void {
    const { engagement } = request.state;
    const weights = request.algorithm.scoreWeights;
    let maxLogTrend = 0;
    for (let slot = 0; slot < candidates.size; slot++) {
      maxLogTrend = Math.max(maxLogTrend, Math.log1p(engagement.trendingValue(candidates.vidx[slot]!, request.now)));
    }
    this.maxLogTrend = maxLogTrend > 0 ? maxLogTrend : 1;
    for (let slot = 0; slot < candidates.size; slot++) {
      if (candidates.kept[slot] === 0) continue;
      const vidx = candidates.vidx[slot]!;
      const mask = candidates.sourceMask[slot]!;
      const trend = Math.log1p(engagement.trendingValue(vidx, request.now)) / this.maxLogTrend;
      const fresh = mask & (1 << this.bits.fresh) ? candidates.rawScore[slot * MAX_SOURCES + this.bits.fresh]! : 0;
      const following = mask & (1 << this.bits.following) ? 1 : 0;
      candidates.score[slot] =
        weights.trending * trend +
        weights.fresh * fresh +
        weights.following * following +
        weights.quality * quality(request, vidx);
    }
  }

  explain(request: FeedRequest, candidates: CandidateSet, slot: number): string[] {
    const { engagement, catalog } = request.state;
    const weights = request.algorithm.scoreWeights;
    const vidx = candidates.vidx[slot]!;
    const video = catalog.videos[vidx]!;
    const mask = candidates.sourceMask[slot]!;
    const reasons: Array<[number, string]> = [];
    const trendValue = engagement.trendingValue(vidx, request.now);
    if (trendValue >= 0.5) {
      const where = video.region === request.user.profile.region ? `in ${video.region}` : 'across regions';
      reasons.push([
        weights.trending * (Math.log1p(trendValue) / this.maxLogTrend),
        `trending: popular ${where} right now (${formatCount(trendValue)} recent weighted engagements)`,
      ]);
    }
    if (mask & (1 << this.bits.fresh)) {
      reasons.push([
        weights.fresh * candidates.rawScore[slot * MAX_SOURCES + this.bits.fresh]!,
        `fresh: new video, posted ${formatAge(request.now - video.createdAt)} ago`,
      ]);
    }
    if (mask & (1 << this.bits.following)) {
      reasons.push([weights.following, `following: from ${video.creator}, whom you follow`]);
    }
    const plays = engagement.plays[vidx]!;
    if (plays >= 3) {
      const watched = Math.round(100 * Math.min(1, engagement.watchRatioSum[vidx]! / plays));
      reasons.push([
        weights.quality * quality(request, vidx),
        `quality: viewers watch ${watched}% of it on average over ${formatCount(plays)} plays`,
      ]);
    }
    if (reasons.length === 0) reasons.push([0, 'catalogue: one of the newest videos you have not seen yet']);
    return reasons.sort((a, b) => b[0] - a[0]).map(([, text]) => text);
  }
}

function quality(request: FeedRequest, vidx: number): number {
  const { engagement } = request.state;
  const watch = Math.min(engagement.meanWatchRatio(vidx), 1.2) / 1.2;
  const likes = Math.min(engagement.likeRate(vidx) * 5, 1);
  return 0.7 * watch + 0.3 * likes;
}

function formatCount(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(1)}k` : String(Math.round(value));
}

function formatAge(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}
