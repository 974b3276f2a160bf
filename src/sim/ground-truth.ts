/**
 * The hidden ground truth: how a simulated user reacts to a video. Later stages use it as an oracle (the best
 * possible ranking, an online A/B test), and the event generator samples from exactly these probabilities, so the
 * oracle and the log agree by construction.
 *
 * Everything follows from one engagement propensity p = σ(−1.2 + 3.2·affinity + 3·(quality − ½) + 0.3·same language)
 * and the video's length: long videos are finished less often, short ones are looped.
 */
import type { Random } from './random.js';
import type { World } from './world.js';

/** Expected reactions of one user to one video shown to them; probabilities are per impression. */
export interface GroundTruth {
  /** The user's interest in the video's topic relative to their favourite topic, in [0, 1]. */
  affinity: number;
  /** The latent propensity everything else derives from, in (0, 1). */
  engagement: number;
  pSkip: number;
  pPlay: number;
  /** E[watchMs / durationMs] over an impression (skips count with their few seconds). */
  expectedWatchRatio: number;
  /** E[watchMs / durationMs] given that the user plays it. */
  watchRatioIfPlayed: number;
  /** P(watchMs ≥ durationMs). */
  pFinish: number;
  pLike: number;
  pShare: number;
  pComment: number;
  pFollow: number;
  pNotInterested: number;
}

/** One sampled reaction; `sampleResponse` fills it in place so that the generator allocates nothing per video. */
export interface ViewerResponse {
  skipped: boolean;
  watchMs: number;
  finished: boolean;
  liked: boolean;
  shared: boolean;
  commented: boolean;
  /** Wants to follow the creator (the caller drops repeats of follows already made). */
  followed: boolean;
  notInterested: boolean;
}

/** Loops are capped so that a watch never exceeds ten plays of the video. */
const MAX_WATCH_RATIO = 10;
/** A skip watches this much at most: the first seconds, or less of a very short video. */
const SKIP_MAX_MS = 2_000;
const SKIP_MAX_SHARE = 0.3;

export function affinity(world: World, user: number, video: number): number {
  const latent = world.latent;
  const interest = latent.userInterests[user * latent.topicCount + latent.videoTopic[video]!]!;
  return interest / latent.userPeakInterest[user]!;
}

export function engagement(world: World, user: number, video: number): number {
  const latent = world.latent;
  const sameLanguage = latent.userLanguage[user] === latent.videoLanguage[video] ? 0.3 : 0;
  const logit = -1.2 + 3.2 * affinity(world, user, video) + 3 * (latent.videoQuality[video]! - 0.5) + sameLanguage;
  return 1 / (1 + Math.exp(-logit));
}

// The conditional probabilities below are shared by the oracle and the sampler.
const skipProbability = (p: number) => 1 / (1 + Math.exp(-(2 - 5 * p)));
/** Finishing gets harder with length: full chance up to 20 s, about half at three minutes. */
const finishIfPlayed = (p: number, durationMs: number) =>
  Math.pow(p, 1.5) * Math.min(1, Math.max(0.25, Math.pow(20_000 / durationMs, 0.35)));
/** Mean number of extra loops after finishing; only short videos loop much. */
const loopMean = (p: number, durationMs: number) => 0.8 * p * Math.min(1, 15_000 / durationMs);
/** Unfinished plays watch a Beta(k, 1) share of the video: the more engaged, the further they get. */
const partialShape = (p: number) => 0.5 + 2 * p;
const likeIfPlayed = (p: number) => 0.02 + 0.25 * p * p;
const shareIfPlayed = (p: number) => 0.002 + 0.04 * p * p * p;
const commentIfPlayed = (p: number) => 0.003 + 0.03 * p * p;
const followIfPlayed = (p: number) => 0.001 + 0.03 * p * p * p;
const notInterestedIfSkipped = (p: number) => 0.01 + 0.08 * (1 - p) * (1 - p);
const skipWatchLimit = (durationMs: number) => Math.min(SKIP_MAX_MS, SKIP_MAX_SHARE * durationMs);

/** All expected reactions of `user` to `video` (indexes into world.users / world.videos). */
export function groundTruth(world: World, user: number, video: number): GroundTruth {
  const durationMs = world.latent.videoDurationMs[video]!;
  const p = engagement(world, user, video);
  const pSkip = skipProbability(p);
  const pPlay = 1 - pSkip;
  const finish = finishIfPlayed(p, durationMs);
  const k = partialShape(p);
  // Loops beyond MAX_WATCH_RATIO are cut off in sampling; that tail is negligible (< e^-11), so it is ignored here.
  const watchRatioIfPlayed = finish * (1 + loopMean(p, durationMs)) + (1 - finish) * (k / (k + 1));
  const skipRatio = skipWatchLimit(durationMs) / 2 / durationMs;
  return {
    affinity: affinity(world, user, video),
    engagement: p,
    pSkip,
    pPlay,
    expectedWatchRatio: pPlay * watchRatioIfPlayed + pSkip * skipRatio,
    watchRatioIfPlayed,
    pFinish: pPlay * finish,
    pLike: pPlay * likeIfPlayed(p),
    pShare: pPlay * shareIfPlayed(p),
    pComment: pPlay * commentIfPlayed(p),
    pFollow: pPlay * followIfPlayed(p),
    pNotInterested: pSkip * notInterestedIfSkipped(p),
  };
}

/** groundTruth by ids; undefined when either id is not in the world. */
export function groundTruthById(world: World, userId: string, videoId: string): GroundTruth | undefined {
  const user = world.userIndexById.get(userId);
  const video = world.videoIndexById.get(videoId);
  return user === undefined || video === undefined ? undefined : groundTruth(world, user, video);
}

export const expectedWatchRatio = (world: World, user: number, video: number) =>
  groundTruth(world, user, video).expectedWatchRatio;
export const pFinish = (world: World, user: number, video: number) => groundTruth(world, user, video).pFinish;
export const pLike = (world: World, user: number, video: number) => groundTruth(world, user, video).pLike;
export const pShare = (world: World, user: number, video: number) => groundTruth(world, user, video).pShare;
export const pComment = (world: World, user: number, video: number) => groundTruth(world, user, video).pComment;
export const pFollow = (world: World, user: number, video: number) => groundTruth(world, user, video).pFollow;
export const pSkip = (world: World, user: number, video: number) => groundTruth(world, user, video).pSkip;
export const pNotInterested = (world: World, user: number, video: number) =>
  groundTruth(world, user, video).pNotInterested;

export function emptyResponse(): ViewerResponse {
  return {
    skipped: false,
    watchMs: 0,
    finished: false,
    liked: false,
    shared: false,
    commented: false,
    followed: false,
    notInterested: false,
  };
}

/** Samples how `user` reacts to being shown `video`, following groundTruth's probabilities; writes into `out`. */
export function sampleResponse(world: World, random: Random, user: number, video: number, out: ViewerResponse): void {
  const durationMs = world.latent.videoDurationMs[video]!;
  const p = engagement(world, user, video);
  out.liked = out.shared = out.commented = out.followed = out.notInterested = out.finished = false;
  if (random.chance(skipProbability(p))) {
    out.skipped = true;
    out.watchMs = Math.floor(random.next() * skipWatchLimit(durationMs));
    out.notInterested = random.chance(notInterestedIfSkipped(p));
    return;
  }
  out.skipped = false;
  let ratio: number;
  if (random.chance(finishIfPlayed(p, durationMs))) {
    out.finished = true;
    ratio = Math.min(MAX_WATCH_RATIO, 1 + random.exponential(loopMean(p, durationMs)));
  } else {
    ratio = Math.pow(random.next(), 1 / partialShape(p));
  }
  // Floor keeps unfinished plays strictly below the duration; ceil keeps finished ones at or above it.
  out.watchMs = out.finished ? Math.ceil(ratio * durationMs) : Math.floor(ratio * durationMs);
  out.liked = random.chance(likeIfPlayed(p));
  out.shared = random.chance(shareIfPlayed(p));
  out.commented = random.chance(commentIfPlayed(p));
  out.followed = random.chance(followIfPlayed(p));
}
