/**
 * A synthetic world with hidden ground truth: users with latent interests over topics, creators, and videos with a
 * topic and a quality. Everything follows from the seed and `now`, so two runs with the same options are identical.
 *
 * The public part (`users`, `videos`) is what a client would send foryou; the hidden part (`latent`) is what a
 * recommender should discover, and what `ground-truth.ts` turns into expected reactions.
 */
import type { User, Video } from '../core/schemas.js';
import { cumulativeSums, pickWeighted, Random } from './random.js';
import {
  CAPTION_TEMPLATES,
  GENERIC_HASHTAGS,
  LANGUAGES,
  REGIONS,
  TOPICS,
  TRENDING_SOUNDS,
  type Topic,
} from './topics.js';

export const DAY_MS = 86_400_000;
/** Videos are created over this window before `now`. */
export const CATALOGUE_WINDOW_MS = 30 * DAY_MS;
export const MIN_DURATION_MS = 5_000;
export const MAX_DURATION_MS = 180_000;

export interface WorldOptions {
  users?: number;
  videos?: number;
  seed?: number;
  /** The world's present, ms since the epoch; every time in it lies before. Defaults to the current time. */
  now?: number;
  /**
   * Every video this long, as in the demo, whose playable clips all have one length (so the watch ratios its
   * history and its viewers make mean the same); default: skewed short over 5–180 s.
   */
  videoDurationMs?: number;
}

export const DEFAULT_WORLD_OPTIONS = { users: 10_000, videos: 20_000, seed: 1 } as const;

/** The hidden truth, in typed arrays indexed by user or video position, so that hot loops allocate nothing. */
export interface LatentState {
  topicCount: number;
  /** users × topics: each user's interest distribution (rows sum to 1; sparse, Dirichlet with small α). */
  userInterests: Float32Array;
  /** Each user's largest interest weight: affinity is interest relative to it, so a user's favourite topic is 1. */
  userPeakInterest: Float32Array;
  /** Index into LANGUAGES. */
  userLanguage: Uint8Array;
  videoTopic: Uint8Array;
  /** In (0, 1). */
  videoQuality: Float32Array;
  /** The creator's user index. */
  videoCreator: Int32Array;
  videoLanguage: Uint8Array;
  videoDurationMs: Int32Array;
  /** Ascending: videos are numbered in creation order, so "exists at time t" is a prefix of the catalogue. */
  videoCreatedAt: Float64Array;
  videoLive: Uint8Array;
  /** User indexes of the creators. */
  creators: Int32Array;
  /** Each creator's main topic, parallel to `creators`. */
  creatorTopic: Uint8Array;
}

/** Tables the event generator samples exposure from (who is active, what gets shown). */
export interface ExposureTables {
  /** Prefix sums of user activity (heavy-tailed: a few users make many sessions). */
  userActivity: Float64Array;
  /** Prefix sums of Zipf-like popularity over videos in creation order. */
  videoPopularity: Float64Array;
  /** Per topic, the live video indexes of that topic, ascending. */
  topicVideos: Int32Array[];
}

export interface World {
  seed: number;
  now: number;
  topics: readonly Topic[];
  users: User[];
  /** In creation order (ids v1, v2, … oldest first). */
  videos: Video[];
  userIndexById: Map<string, number>;
  videoIndexById: Map<string, number>;
  latent: LatentState;
  exposure: ExposureTables;
}

/** Sparse interests: with α this small most mass lands on two to four topics, as real tastes do. */
const INTEREST_CONCENTRATION = 0.15;
const CREATOR_SHARE = 0.05;
/** Share of a creator's videos on their main topic. */
const CREATOR_MAIN_TOPIC_SHARE = 0.85;
const ONBOARDED_SHARE = 0.4;

export function createWorld(options: WorldOptions = {}): World {
  const userCount = options.users ?? DEFAULT_WORLD_OPTIONS.users;
  const videoCount = options.videos ?? DEFAULT_WORLD_OPTIONS.videos;
  const seed = options.seed ?? DEFAULT_WORLD_OPTIONS.seed;
  const now = Math.floor(options.now ?? Date.now());
  if (!Number.isInteger(userCount) || userCount < 1) throw new Error('users must be a positive integer');
  if (!Number.isInteger(videoCount) || videoCount < 1) throw new Error('videos must be a positive integer');
  // The PRNG takes 32 bits: larger seeds would silently repeat smaller ones.
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) throw new Error('seed must be an integer in 0…4294967295');
  const fixedDurationMs = options.videoDurationMs;
  if (fixedDurationMs !== undefined && (!Number.isInteger(fixedDurationMs) || fixedDurationMs < 1)) {
    throw new Error('videoDurationMs must be a positive integer');
  }

  const root = new Random(seed);
  // One stream per part, so that changing how videos are made never changes the users of a seed.
  const userRandom = root.fork(1);
  const creatorRandom = root.fork(2);
  const videoRandom = root.fork(3);

  const topicCount = TOPICS.length;
  const users = makeUsers(userCount, topicCount, now, userRandom);
  const creators = pickCreators(userCount, users.latent, topicCount, creatorRandom);
  const videos = makeVideos(videoCount, users.list, users.latent, creators, now, videoRandom, fixedDurationMs);

  const latent: LatentState = { topicCount, ...users.latent, ...creators, ...videos.latent };
  return {
    seed,
    now,
    topics: TOPICS,
    users: users.list,
    videos: videos.list,
    userIndexById: new Map(users.list.map((user, index) => [user.id, index])),
    videoIndexById: new Map(videos.list.map((video, index) => [video.id, index])),
    latent,
    exposure: {
      userActivity: users.activity,
      videoPopularity: videos.popularity,
      topicVideos: videos.topicVideos,
    },
  };
}

function makeUsers(count: number, topicCount: number, now: number, random: Random) {
  const userInterests = new Float32Array(count * topicCount);
  const userPeakInterest = new Float32Array(count);
  const userLanguage = new Uint8Array(count);
  const activity = new Float64Array(count);
  const regionWeights = cumulativeSums(REGIONS.map((region) => region.weight));
  const list: User[] = new Array(count);
  const weights = new Float64Array(topicCount);
  for (let u = 0; u < count; u++) {
    let total = 0;
    for (let t = 0; t < topicCount; t++) {
      weights[t] = random.gamma(INTEREST_CONCENTRATION);
      total += weights[t]!;
    }
    if (total === 0) {
      weights[random.int(topicCount)] = 1;
      total = 1;
    }
    let peak = 0;
    for (let t = 0; t < topicCount; t++) {
      const share = weights[t]! / total;
      userInterests[u * topicCount + t] = share;
      if (share > peak) peak = share;
    }
    userPeakInterest[u] = peak;

    const region = REGIONS[pickWeighted(regionWeights, random)]!;
    userLanguage[u] = LANGUAGES.indexOf(region.language);
    activity[u] = Math.exp(1.1 * random.normal());
    list[u] = {
      id: `u${u + 1}`,
      region: region.code,
      // Everyone joined before the catalogue window, so no event predates its user.
      createdAt: now - CATALOGUE_WINDOW_MS - random.int(365 * DAY_MS) - 1,
      interests: random.chance(ONBOARDED_SHARE) ? topInterests(userInterests, u, topicCount, random) : [],
      settings: { personalized: !random.chance(0.02), minor: random.chance(0.05) },
    };
  }
  return {
    list,
    activity: cumulativeSums(activity),
    latent: { userInterests, userPeakInterest, userLanguage },
  };
}

/** What a user picks at onboarding: the names of their one to three strongest topics. */
function topInterests(interests: Float32Array, user: number, topicCount: number, random: Random): string[] {
  const order = Array.from({ length: topicCount }, (_, t) => t).sort(
    (a, b) => interests[user * topicCount + b]! - interests[user * topicCount + a]!,
  );
  const picked = 1 + random.int(3);
  return order
    .slice(0, picked)
    .filter((t, rank) => rank === 0 || interests[user * topicCount + t]! >= 0.1)
    .map((t) => TOPICS[t]!.name);
}

function pickCreators(
  userCount: number,
  latent: { userInterests: Float32Array },
  topicCount: number,
  random: Random,
) {
  const count = Math.max(1, Math.round(userCount * CREATOR_SHARE));
  // A partial Fisher–Yates shuffle: the first `count` positions are a uniform sample without repetition.
  const order = Int32Array.from({ length: userCount }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + random.int(userCount - i);
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  const creators = order.slice(0, count).sort();
  const creatorTopic = new Uint8Array(count);
  for (let c = 0; c < count; c++) {
    const base = creators[c]! * topicCount;
    let best = 0;
    for (let t = 1; t < topicCount; t++) {
      if (latent.userInterests[base + t]! > latent.userInterests[base + best]!) best = t;
    }
    creatorTopic[c] = best;
  }
  return { creators, creatorTopic };
}

function makeVideos(
  count: number,
  users: User[],
  userLatent: { userInterests: Float32Array; userLanguage: Uint8Array },
  creatorInfo: { creators: Int32Array; creatorTopic: Uint8Array },
  now: number,
  random: Random,
  fixedDurationMs: number | undefined,
) {
  const topicCount = TOPICS.length;
  const { creators, creatorTopic } = creatorInfo;
  const productivity = cumulativeSums(Array.from({ length: creators.length }, () => Math.exp(random.normal())));

  // Drawn first, then sorted, so that index order is creation order.
  const createdAt = Array.from({ length: count }, () => now - 1 - random.int(CATALOGUE_WINDOW_MS));
  createdAt.sort((a, b) => a - b);

  const videoTopic = new Uint8Array(count);
  const videoQuality = new Float32Array(count);
  const videoCreator = new Int32Array(count);
  const videoLanguage = new Uint8Array(count);
  const videoDurationMs = new Int32Array(count);
  const videoCreatedAt = Float64Array.from(createdAt);
  const videoLive = new Uint8Array(count);
  const popularityScore = new Float64Array(count);
  const list: Video[] = new Array(count);
  const topicCumulative = new Float64Array(topicCount);

  for (let v = 0; v < count; v++) {
    const c = pickWeighted(productivity, random);
    const creator = creators[c]!;
    let topic = creatorTopic[c]!;
    if (!random.chance(CREATOR_MAIN_TOPIC_SHARE)) {
      // A side topic, drawn from what the creator likes rather than uniformly.
      let total = 0;
      for (let t = 0; t < topicCount; t++) {
        total += userLatent.userInterests[creator * topicCount + t]! + 0.01;
        topicCumulative[t] = total;
      }
      topic = pickWeighted(topicCumulative, random);
    }
    const quality = 1 / (1 + Math.exp(-0.9 * random.normal()));
    // Skewed short: log-uniform over [5 s, 180 s] with the exponent bent towards 0 (median ≈ 16 s).
    // Drawn even when fixed, so the rest of the world stays the same for a seed.
    const drawnMs = Math.round(MIN_DURATION_MS * Math.pow(MAX_DURATION_MS / MIN_DURATION_MS, Math.pow(random.next(), 1.6)));
    const durationMs = fixedDurationMs ?? drawnMs;
    // Only recent uploads can still be in moderation.
    const pending = createdAt[v]! > now - 2 * DAY_MS && random.chance(0.25);

    videoTopic[v] = topic;
    videoQuality[v] = quality;
    videoCreator[v] = creator;
    videoLanguage[v] = userLatent.userLanguage[creator]!;
    videoDurationMs[v] = durationMs;
    videoLive[v] = pending ? 0 : 1;
    popularityScore[v] = quality + 0.3 * random.normal();

    const owner = users[creator]!;
    const topicInfo = TOPICS[topic]!;
    list[v] = {
      id: `v${v + 1}`,
      creator: owner.id,
      durationMs,
      caption: caption(topicInfo, random),
      hashtags: hashtags(topicInfo, random),
      sound: sound(topicInfo, v, random),
      language: LANGUAGES[videoLanguage[v]!]!,
      region: owner.region,
      createdAt: createdAt[v]!,
      status: pending ? 'pending' : 'live',
    };
  }

  return {
    list,
    popularity: cumulativeSums(zipfWeights(popularityScore)),
    topicVideos: topicLists(videoTopic, videoLive, topicCount),
    latent: { videoTopic, videoQuality, videoCreator, videoLanguage, videoDurationMs, videoCreatedAt, videoLive },
  };
}

/** Popularity by rank (1/rank^0.9), ranks following quality with noise: the head is mostly, not only, good videos. */
function zipfWeights(score: Float64Array): Float64Array {
  const order = Int32Array.from({ length: score.length }, (_, i) => i).sort((a, b) => score[b]! - score[a]!);
  const weights = new Float64Array(score.length);
  for (let rank = 0; rank < order.length; rank++) weights[order[rank]!] = 1 / Math.pow(rank + 1, 0.9);
  return weights;
}

function topicLists(videoTopic: Uint8Array, videoLive: Uint8Array, topicCount: number): Int32Array[] {
  const lists: number[][] = Array.from({ length: topicCount }, () => []);
  for (let v = 0; v < videoTopic.length; v++) if (videoLive[v]) lists[videoTopic[v]!]!.push(v);
  return lists.map((list) => Int32Array.from(list));
}

function caption(topic: Topic, random: Random): string {
  return random
    .pick(CAPTION_TEMPLATES)
    .replace('{s}', random.pick(topic.subjects))
    .replace('{t}', topic.name)
    .replace('{n}', String(1 + random.int(100)));
}

function hashtags(topic: Topic, random: Random): string[] {
  const pool = [...topic.hashtags];
  const count = 2 + random.int(3);
  const tags: string[] = [];
  for (let i = 0; i < count && pool.length > 0; i++) tags.push(pool.splice(random.int(pool.length), 1)[0]!);
  if (random.chance(0.25)) tags.push(random.pick(GENERIC_HASHTAGS));
  return tags;
}

function sound(topic: Topic, video: number, random: Random): string {
  const r = random.next();
  if (r < 0.8) return random.pick(topic.sounds);
  if (r < 0.92) return random.pick(TRENDING_SOUNDS);
  return `snd-orig-${video + 1}`;
}
