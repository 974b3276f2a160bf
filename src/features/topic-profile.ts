/**
 * A per-user summary of recent engagement by hashtag and sound: how many of the user's recent positive engagements
 * carry each, and how much of their recent rejections (skips, "not interested") does. The ranker's topic feature
 * and the topic and onboarding sources read the same summary, recomputed only when the user has engaged since.
 *
 * What a source or feature reads is a key's *standing*: positives minus rejections. So a topic the user keeps
 * skipping loses what earlier likes gave it and, below zero, counts against what the user said they liked at
 * onboarding; one they like and rarely skip keeps its full count.
 */
import { isPositiveEngagement } from './positive-engagement.js';
import type { OnlineState } from './online-state.js';
import type { UserState } from './user-state.js';

export interface TopicProfile {
  version: number;
  /**
   * Unique to each computation (the cache reuses an evicted user's profile object for another user): what consumers
   * that cache something per profile compare.
   */
  stamp: number;
  /** Hashtag → how many of the user's recent positive engagements carry it. */
  counts: Map<string, number>;
  /** Sound → how many of the user's recent positive engagements use it. */
  soundCounts: Map<string, number>;
  /** Hashtag → the summed weight of the user's recent rejections carrying it. */
  rejected: Map<string, number>;
  /** Sound → the summed weight of the user's recent rejections using it. */
  soundRejected: Map<string, number>;
  positives: number;
}

/**
 * Profiles of the users seen last, oldest first. Bounded: four maps per user for every user would be hundreds of MB
 * per replica at 100,000 users, while a profile is recomputed from the user's rings in microseconds.
 */
const CACHED_PROFILES = 8192;
const profiles = new Map<UserState, TopicProfile>();
let stamps = 0;

/** Drops a user's cached profile (erasure): nothing of them stays in memory. */
export function forgetTopicProfile(user: UserState): void {
  profiles.delete(user);
}

export function topicProfile(state: OnlineState, user: UserState): TopicProfile {
  let profile = profiles.get(user);
  if (profile) {
    // Most recently used last.
    profiles.delete(user);
    profiles.set(user, profile);
    if (profile.version === user.recentVersion) return profile;
  }
  // Recomputed after every engagement of the user (the ranker reads it for each event it learns): the maps are
  // reused (an evicted profile's too) and the rings read in place, so the recomputation allocates nothing.
  if (!profile && profiles.size >= CACHED_PROFILES) {
    const [oldest, evicted] = profiles.entries().next().value as [UserState, TopicProfile];
    profiles.delete(oldest);
    profile = evicted;
    profiles.set(user, profile);
  }
  if (profile) {
    profile.counts.clear();
    profile.soundCounts.clear();
    profile.rejected.clear();
    profile.soundRejected.clear();
  } else {
    profile = { version: 0, stamp: 0, counts: new Map(), soundCounts: new Map(), rejected: new Map(), soundRejected: new Map(), positives: 0 };
    profiles.set(user, profile);
  }
  const { counts, soundCounts, rejected, soundRejected } = profile;
  let positives = 0;
  for (let slot = 0; slot < user.recentLength; slot++) {
    if (!isPositiveEngagement(user.recentTypeAt(slot), user.recentWatchRatioAt(slot))) continue;
    positives++;
    addVideo(state, user.recentVidxAt(slot), 1, counts, soundCounts);
  }
  const rejections = user.rejections;
  for (let slot = 0; slot < rejections.size; slot++) {
    addVideo(state, rejections.vidxAt(slot), rejections.weightAt(slot), rejected, soundRejected);
  }
  profile.version = user.recentVersion;
  profile.stamp = ++stamps;
  profile.positives = positives;
  return profile;
}

/** Each distinct hashtag of the video once (the catalogue's numbered runs): a tag listed twice does not count double. */
function addVideo(state: OnlineState, vidx: number, weight: number, tags: Map<string, number>, sounds: Map<string, number>): void {
  const { catalog } = state;
  const { hashtagPool, hashtagIds } = catalog;
  const start = catalog.hashtagRun[2 * vidx]!;
  const end = start + catalog.hashtagRun[2 * vidx + 1]!;
  for (let i = start; i < end; i++) {
    const tag = hashtagIds[hashtagPool[i]!]!;
    tags.set(tag, (tags.get(tag) ?? 0) + weight);
  }
  const sound = catalog.soundOf(vidx);
  if (sound !== undefined) sounds.set(sound, (sounds.get(sound) ?? 0) + weight);
}

/** Scratch of `topicMatchFor`: per hashtag of the video, its count among positives and its rejected weight. */
let matchCounts = new Float64Array(16);
let matchRejected = new Float64Array(16);

/**
 * The ranker's topic match of one video for the user — the best standing among the video's hashtags as a share of
 * the user's recent positive engagements — read straight off the user's rings by hashtag number. Equal, to the bit,
 * to `RankerFeatures.topicMatch` through the profile (same sums in the same order), at a tenth of the cost: the learner needs it for
 * every event, right after the event changed the rings, so a profile was rebuilt for each one (a third of learning).
 */
export function topicMatchFor(state: OnlineState, user: UserState, vidx: number): number {
  const { hashtagPool, hashtagRun } = state.catalog;
  const start = hashtagRun[2 * vidx]!;
  const count = hashtagRun[2 * vidx + 1]!;
  if (count === 0) return 0;
  if (matchCounts.length < count) {
    matchCounts = new Float64Array(count * 2);
    matchRejected = new Float64Array(count * 2);
  }
  matchCounts.fill(0, 0, count);
  matchRejected.fill(0, 0, count);
  let positives = 0;
  for (let slot = 0; slot < user.recentLength; slot++) {
    if (!isPositiveEngagement(user.recentTypeAt(slot), user.recentWatchRatioAt(slot))) continue;
    positives++;
    addMatches(hashtagPool, hashtagRun, user.recentVidxAt(slot), start, count, 1, matchCounts);
  }
  if (positives === 0) return 0;
  const rejections = user.rejections;
  for (let slot = 0; slot < rejections.size; slot++) {
    addMatches(hashtagPool, hashtagRun, rejections.vidxAt(slot), start, count, rejections.weightAt(slot), matchRejected);
  }
  let best = 0;
  for (let j = 0; j < count; j++) {
    // A hashtag no positive carries is not in the profile's counts: it has no standing, whatever its rejections.
    if (matchCounts[j] === 0) continue;
    const standing = matchCounts[j]! - matchRejected[j]!;
    if (standing > best) best = standing;
  }
  return best / positives;
}

/** Adds `weight` to `sums[j]` for each hashtag of `vidx` equal to hashtag j of the run at `start` (`count` long). */
function addMatches(pool: Int32Array, run: Int32Array, vidx: number, start: number, count: number, weight: number, sums: Float64Array): void {
  const from = run[2 * vidx]!;
  const to = from + run[2 * vidx + 1]!;
  for (let i = from; i < to; i++) {
    const tag = pool[i]!;
    for (let j = 0; j < count; j++) if (pool[start + j] === tag) sums[j] = sums[j]! + weight;
  }
}

/** A hashtag's standing with the user: recent positives carrying it minus the weight of rejections carrying it. */
export function hashtagStanding(profile: TopicProfile, tag: string): number {
  return (profile.counts.get(tag) ?? 0) - (profile.rejected.get(tag) ?? 0);
}

/** A sound's standing with the user, as for hashtags. */
export function soundStanding(profile: TopicProfile, sound: string): number {
  return (profile.soundCounts.get(sound) ?? 0) - (profile.soundRejected.get(sound) ?? 0);
}
