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
/** What watching in one's own language adds to the engagement logit. */
const SAME_LANGUAGE_LOGIT = 0.3;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function affinity(world: World, user: number, video: number): number {
  const latent = world.latent;
  const interest = latent.userInterests[user * latent.topicCount + latent.videoTopic[video]!]!;
  return interest / latent.userPeakInterest[user]!;
}

export function engagement(world: World, user: number, video: number): number {
  const latent = world.latent;
  const sameLanguage = latent.userLanguage[user] === latent.videoLanguage[video] ? SAME_LANGUAGE_LOGIT : 0;
  const logit = -1.2 + 3.2 * affinity(world, user, video) + 3 * (latent.videoQuality[video]! - 0.5) + sameLanguage;
  return sigmoid(logit);
}

// The conditional probabilities below are shared by the oracle and the sampler. What depends on the video's length
// alone is a separate factor, so that CatalogueWatchRatios can work it out once per video instead of once per pair.
const skipProbability = (p: number) => sigmoid(2 - 5 * p);
/** Finishing gets harder with length: full chance up to 20 s, about half at three minutes. */
const finishLengthFactor = (durationMs: number) => Math.min(1, Math.max(0.25, Math.pow(20_000 / durationMs, 0.35)));
const finishIfPlayed = (p: number, lengthFactor: number) => Math.pow(p, 1.5) * lengthFactor;
/** Mean number of extra loops after finishing; only short videos loop much. */
const loopLengthFactor = (durationMs: number) => Math.min(1, 15_000 / durationMs);
const loopMean = (p: number, lengthFactor: number) => 0.8 * p * lengthFactor;
/** Unfinished plays watch a Beta(k, 1) share of the video: the more engaged, the further they get. */
const partialShape = (p: number) => 0.5 + 2 * p;
/** E[watch ratio] of a play: finished (with its loops) or a partial watch. */
function watchRatioIfPlayed(p: number, finish: number, loopFactor: number): number {
  const k = partialShape(p);
  // Loops beyond MAX_WATCH_RATIO are cut off in sampling; that tail is negligible (< e^-11), so it is ignored here.
  return finish * (1 + loopMean(p, loopFactor)) + (1 - finish) * (k / (k + 1));
}
const likeIfPlayed = (p: number) => 0.02 + 0.25 * p * p;
const shareIfPlayed = (p: number) => 0.002 + 0.04 * p * p * p;
const commentIfPlayed = (p: number) => 0.003 + 0.03 * p * p;
const followIfPlayed = (p: number) => 0.001 + 0.03 * p * p * p;
const notInterestedIfSkipped = (p: number) => 0.01 + 0.08 * (1 - p) * (1 - p);
const skipWatchLimit = (durationMs: number) => Math.min(SKIP_MAX_MS, SKIP_MAX_SHARE * durationMs);
/** A skip's mean watch ratio: half of what a skip may watch. */
const skipWatchRatio = (durationMs: number) => skipWatchLimit(durationMs) / 2 / durationMs;

/** All expected reactions of `user` to `video` (indexes into world.users / world.videos). */
export function groundTruth(world: World, user: number, video: number): GroundTruth {
  const durationMs = world.latent.videoDurationMs[video]!;
  const p = engagement(world, user, video);
  const pSkip = skipProbability(p);
  const pPlay = 1 - pSkip;
  const finish = finishIfPlayed(p, finishLengthFactor(durationMs));
  const ifPlayed = watchRatioIfPlayed(p, finish, loopLengthFactor(durationMs));
  return {
    affinity: affinity(world, user, video),
    engagement: p,
    pSkip,
    pPlay,
    expectedWatchRatio: pPlay * ifPlayed + pSkip * skipWatchRatio(durationMs),
    watchRatioIfPlayed: ifPlayed,
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

/** groundTruth(world, user, video).expectedWatchRatio, the same number, without building the other eleven. */
export function expectedWatchRatio(world: World, user: number, video: number): number {
  const durationMs = world.latent.videoDurationMs[video]!;
  const p = engagement(world, user, video);
  const pSkip = skipProbability(p);
  const finish = finishIfPlayed(p, finishLengthFactor(durationMs));
  return (1 - pSkip) * watchRatioIfPlayed(p, finish, loopLengthFactor(durationMs)) + pSkip * skipWatchRatio(durationMs);
}

/**
 * expectedWatchRatio for whole-catalogue oracles (WatchRatioOracle: the bench ranks up to a million videos for each
 * of 500 users): what depends on the video alone (its quality's share of the engagement logit, its length's factors)
 * is worked out once here, what depends on the user and a topic once per user (`viewer`), so a pair costs a few
 * typed-array reads for its logit, and the exponentials and power of its watch ratio only when `logitFloor` says it
 * could still make the cut; groundTruth, which builds an object of a dozen expectations, costs ~200 ns a pair.
 */
export class CatalogueWatchRatios {
  readonly qualityTerm: Float64Array;
  readonly finishFactor: Float64Array;
  readonly loopFactor: Float64Array;
  readonly skipRatio: Float64Array;
  /** The best case's watch ratio at logits FLOOR_MIN + i·FLOOR_STEP, ascending (see logitFloor). */
  private readonly bestCase: Float64Array;

  constructor(readonly world: World) {
    const { videoQuality, videoDurationMs } = world.latent;
    const count = videoDurationMs.length;
    this.qualityTerm = new Float64Array(count);
    this.finishFactor = new Float64Array(count);
    this.loopFactor = new Float64Array(count);
    this.skipRatio = new Float64Array(count);
    for (let v = 0; v < count; v++) {
      const durationMs = videoDurationMs[v]!;
      this.qualityTerm[v] = 3 * (videoQuality[v]! - 0.5);
      this.finishFactor[v] = finishLengthFactor(durationMs);
      this.loopFactor[v] = loopLengthFactor(durationMs);
      this.skipRatio[v] = skipWatchRatio(durationMs);
    }
    this.bestCase = new Float64Array(FLOOR_POINTS);
    for (let i = 0; i < FLOOR_POINTS; i++) this.bestCase[i] = bestCaseWatchRatio(sigmoid(FLOOR_MIN + i * FLOOR_STEP));
  }

  /** One user's view of the catalogue: their engagement logit and expected watch ratio of any video. */
  viewer(user: number): CatalogueViewer {
    return new CatalogueViewer(this, user);
  }

  /**
   * A logit at or below which no video's expected watch ratio reaches `ratio` (−∞ when any logit might): for one
   * video the ratio rises with the logit (less skipping, more finishing, looping and watching), and no video beats
   * the best case of the shortest ones (finish and loop factors 1, the longest skip share).
   */
  logitFloor(ratio: number): number {
    // The margin covers rounding: a video's computed ratio may exceed its exact value by a few ulps.
    const target = ratio - 1e-9;
    const bestCase = this.bestCase;
    if (!(bestCase[0]! < target)) return -Infinity;
    // The last grid point whose best case stays below the target; every logit up to it is below the target too.
    let low = 0;
    let high = FLOOR_POINTS;
    while (high - low > 1) {
      const mid = (low + high) >>> 1;
      if (bestCase[mid]! < target) low = mid;
      else high = mid;
    }
    return FLOOR_MIN + low * FLOOR_STEP;
  }
}

/** logitFloor's grid: simulated logits lie within about −3…4 (−1.2 + 3.2·affinity + 3·(quality − ½) + 0.3). */
const FLOOR_MIN = -12;
const FLOOR_STEP = 1 / 256;
const FLOOR_POINTS = 24 * 256 + 1;

/** The largest expected watch ratio any video can have at engagement p (see logitFloor). */
function bestCaseWatchRatio(p: number): number {
  const pSkip = skipProbability(p);
  return (1 - pSkip) * watchRatioIfPlayed(p, finishIfPlayed(p, 1), 1) + pSkip * (SKIP_MAX_SHARE / 2);
}

export class CatalogueViewer {
  /** Per topic, the first two terms of the user's engagement logit. */
  private readonly topicTerm: Float64Array;
  private readonly language: number;

  constructor(
    private readonly catalogue: CatalogueWatchRatios,
    user: number,
  ) {
    const latent = catalogue.world.latent;
    const { topicCount } = latent;
    const peak = latent.userPeakInterest[user]!;
    this.topicTerm = new Float64Array(topicCount);
    // The same operations in the same order as engagement(), so that the numbers are identical, not merely close.
    for (let t = 0; t < topicCount; t++) {
      this.topicTerm[t] = -1.2 + 3.2 * (latent.userInterests[user * topicCount + t]! / peak);
    }
    this.language = latent.userLanguage[user]!;
  }

  /** The engagement logit: engagement(world, user, video) = σ(logit). */
  logit(video: number): number {
    const latent = this.catalogue.world.latent;
    const sameLanguage = latent.videoLanguage[video] === this.language ? SAME_LANGUAGE_LOGIT : 0;
    return this.topicTerm[latent.videoTopic[video]!]! + this.catalogue.qualityTerm[video]! + sameLanguage;
  }

  /**
   * logit(video) if the video were in the user's language: never below logit(video), and within a topic it falls
   * with the video's quality (qualityTerm), so a search over a topic's videos in falling quality can stop at the
   * first whose ceiling is at or below logitFloor.
   */
  logitCeiling(video: number): number {
    const topic = this.catalogue.world.latent.videoTopic[video]!;
    return this.topicTerm[topic]! + this.catalogue.qualityTerm[video]! + SAME_LANGUAGE_LOGIT;
  }

  /** expectedWatchRatio(world, user, video), the same number, given logit(video). */
  watchRatio(video: number, logit: number): number {
    const { finishFactor, loopFactor, skipRatio } = this.catalogue;
    const p = sigmoid(logit);
    const pSkip = skipProbability(p);
    const finish = finishIfPlayed(p, finishFactor[video]!);
    return (1 - pSkip) * watchRatioIfPlayed(p, finish, loopFactor[video]!) + pSkip * skipRatio[video]!;
  }
}

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
  if (random.chance(finishIfPlayed(p, finishLengthFactor(durationMs)))) {
    out.finished = true;
    ratio = Math.min(MAX_WATCH_RATIO, 1 + random.exponential(loopMean(p, loopLengthFactor(durationMs))));
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
