/** Plain-language reasons for how a candidate was found: each names the source stage that proposed it. */
import { MAX_SOURCES, type CandidateSet } from './candidates.js';
import type { FeedRequest } from './stages.js';

export interface SourceBits {
  following: number;
  trending: number;
  fresh: number;
  embedding: number;
}

export function sourceReasons(request: FeedRequest, candidates: CandidateSet, slot: number, bits: SourceBits): string[] {
  const { engagement, catalog } = request.state;
  const vidx = candidates.vidx[slot]!;
  const video = catalog.videos[vidx]!;
  const mask = candidates.sourceMask[slot]!;
  const reasons: string[] = [];
  if (mask & (1 << bits.following)) reasons.push(`following: from ${video.creator}, whom you follow`);
  if (mask & (1 << bits.trending)) {
    const where = video.region === request.user.profile.region ? `in ${video.region}` : 'across regions';
    const value = engagement.trendingValue(vidx, request.now);
    reasons.push(`trending: popular ${where} right now (${formatCount(value)} recent weighted engagements)`);
  }
  if (mask & (1 << bits.fresh)) {
    const freshness = candidates.rawScore[slot * MAX_SOURCES + bits.fresh]!;
    if (freshness > 0) reasons.push(`fresh: new video, posted ${formatAge(request.now - video.createdAt)} ago`);
  }
  if (mask & (1 << bits.embedding)) reasons.push('embedding: similar to what you watch');
  return reasons;
}

export function formatCount(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(1)}k` : String(Math.round(value));
}

export function formatAge(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}
