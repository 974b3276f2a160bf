/** Plain-language reasons for how a candidate was found: each names the source stage that proposed it. */
import { MAX_SOURCES, type CandidateSet } from './candidates.js';
import type { SourceBits } from './source-bits.js';
import { CoEngagementSeeds, strongestSeed } from './sources/co-engagement-source.js';
import { userTopicKeys } from './sources/topic-source.js';
import type { FeedRequest } from './stages.js';

export type { SourceBits } from './source-bits.js';

const seeds = new CoEngagementSeeds();

export function sourceReasons(request: FeedRequest, candidates: CandidateSet, slot: number, bits: SourceBits): string[] {
  const { engagement, catalog } = request.state;
  const vidx = candidates.vidx[slot]!;
  const video = catalog.video(vidx);
  const mask = candidates.sourceMask[slot]!;
  const reasons: string[] = [];
  if (mask & (1 << bits.following)) reasons.push(`following: from ${video.creator}, whom you follow`);
  if (mask & (1 << bits.trending)) {
    const where = video.region === request.user.profile.region ? `in ${video.region}` : 'across regions';
    const value = engagement.trendingValue(vidx, request.now);
    reasons.push(`trending: popular ${where} right now (${formatCount(value)} recent weighted engagements)`);
  }
  if (mask & (1 << bits.fresh)) {
    const exposure = request.state.freshExposure;
    const stage = exposure.stage[vidx]!;
    reasons.push(
      `fresh: new video posted ${formatAge(request.now - video.createdAt)} ago, being tried with a small audience: ` +
        `shown to ${exposure.served[vidx]} of up to ${exposure.cap(stage)} viewers so far ` +
        `(stage ${stage + 1} of ${exposure.config.stages})`,
    );
  }
  if (mask & (1 << bits.coEngagement)) {
    seeds.collect(request.user);
    const seed = strongestSeed(request.state.coEngagement, seeds, vidx);
    if (seed >= 0) reasons.push(`co-engagement: people who liked ${describeVideo(catalog.video(seed))} also watched this`);
  }
  if (mask & (1 << bits.topic)) {
    const key = userTopicKeys(request).find((k) =>
      k.kind === 'hashtag' ? video.hashtags.includes(k.key) : video.sound === k.key,
    );
    if (key) {
      const what = key.kind === 'hashtag' ? `#${key.key}` : `videos with the sound "${key.key}"`;
      reasons.push(`topic: you watch ${what} (${key.count} of your recent likes and finished plays)`);
    }
  }
  if (mask & (1 << bits.onboarding)) {
    const picked = request.user.profile.interests.filter((interest) => video.hashtags.includes(interest));
    if (picked.length > 0) reasons.push(`onboarding: you picked ${picked.map((tag) => `#${tag}`).join(', ')}`);
  }
  if (mask & (1 << bits.embedding)) reasons.push('embedding: similar to what you watch');
  const batch = request.state.batch;
  if (mask & (1 << bits.batch) && batch) {
    const { name, version } = batch.info;
    const strength = Math.round(candidates.rawScore[slot * MAX_SOURCES + bits.batch]! * 100);
    reasons.push(
      `batch-model: people who engaged with what you engaged with also engaged with this (model "${name}" version ` +
        `${version}, fitted on the whole history; ${strength}% as likely a match as its top pick for you)`,
    );
  }
  return reasons;
}

/** A video as a reason names it: its caption, shortened, or its id. */
function describeVideo(video: { id: string; caption: string }): string {
  const caption = video.caption.trim();
  if (caption.length === 0) return video.id;
  return `"${caption.length > 40 ? `${caption.slice(0, 39)}…` : caption}"`;
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
