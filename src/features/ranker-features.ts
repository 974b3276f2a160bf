/**
 * Fills the ranker's input for a (user, video) pair from the online state: ids for the embedding tables and the
 * dense context features. Reads typed-array columns only; writes into the caller's reused RankerInput.
 *
 * A feed request fills one user's input for hundreds of candidates, and at a million videos every read of a
 * video's record or of a string is a cache miss. So what depends only on the user is prepared once per user
 * (`begin`): their topic counts by hashtag number, the creator numbers they follow. Per candidate (`fill`) only
 * the video's columns are read, and its string ids are left for the ranker to ask for when it has no cached slot.
 */
import { DENSE_INDEX as D, type ItemIdSource, type RankerInput } from '../models/online/ranker-input.js';
import type { OnlineState } from './online-state.js';
import type { VideoCatalog } from './video-catalog.js';
import { topicMatchFor, topicProfile, type TopicProfile } from './topic-profile.js';
import type { UserState } from './user-state.js';

const HOUR_MS = 3_600_000;

export class RankerFeatures implements ItemIdSource {
  private state: OnlineState | undefined;
  private user: UserState | undefined;
  /** The profile and version whose counts `topicCounts` holds. */
  private profile: TopicProfile | undefined;
  private profileVersion = -1;
  /** Hashtag number → the hashtag's positive standing with the user (0 for the rest; topic-profile.ts). */
  private topicCounts = new Float64Array(0);
  private positives = 0;
  /** The hashtag numbers set in `topicCounts`. */
  private loaded = new Int32Array(64);
  private loadedCount = 0;
  private followed = new Int32Array(16);
  private followedCount = 0;
  /** The user's picks of the batch model at its fit, looked up once per request. */
  private fitPicks: Int32Array | undefined;

  /** Prepares for candidates of `user`; must be called again once the user or their state may have changed. */
  begin(state: OnlineState, user: UserState): void {
    this.state = state;
    this.user = user;
    this.fitPicks = state.batch?.fitPicks(user.profile.id);
    this.loadTopics(state, topicProfile(state, user));
    const { catalog } = state;
    if (user.follows.size > this.followed.length) this.followed = new Int32Array(user.follows.size * 2);
    let count = 0;
    for (const creator of user.follows) {
      const number = catalog.creatorNumber(creator);
      if (number !== undefined) this.followed[count++] = number;
    }
    this.followedCount = count;
  }

  /** The input for video `vidx` of the user given to `begin`, at time `now`. */
  fill(vidx: number, now: number, input: RankerInput): void {
    const state = this.state!;
    const { catalog } = state;
    input.user = this.user!.profile.id;
    input.itemKey = vidx;
    input.pendingIds = this;
    fillVideoFeatures(state, vidx, now, input);
    input.dense[D.topicMatch] = this.topicMatch(vidx);
    input.dense[D.retrievalScore] = state.batch === undefined ? 0 : state.batch.priorAmong(this.fitPicks, vidx);
    // Without follows the video's creator need not be read (a cache miss per candidate at a million videos).
    input.dense[D.followsCreator] = this.followedCount > 0 && this.follows(catalog.creatorIdx[vidx]!) ? 1 : 0;
  }

  /**
   * How strongly the user's recent positive engagements (finished plays, likes, shares, comments) point at the
   * video's hashtags: the share of them carrying its most-engaged hashtag, less what recent skips of that hashtag
   * take away (its standing), never below 0.
   */
  topicMatch(vidx: number): number {
    if (this.positives === 0) return 0;
    const catalog = this.state!.catalog;
    const pool = catalog.hashtagPool;
    const start = catalog.hashtagRun[2 * vidx]!;
    const end = start + catalog.hashtagRun[2 * vidx + 1]!;
    let best = 0;
    for (let i = start; i < end; i++) {
      const count = this.topicCounts[pool[i]!]!;
      if (count > best) best = count;
    }
    return best / this.positives;
  }

  /** The string ids of a video, read only when the ranker has no cached slot for one of them. */
  fillIds(vidx: number, input: RankerInput): void {
    const catalog = this.state!.catalog;
    input.video = catalog.ids[vidx]!;
    input.creator = catalog.creatorOf(vidx);
    input.sound = catalog.soundOf(vidx);
    input.hashtags = catalog.hashtagsOf(vidx);
  }

  private follows(creator: number): boolean {
    for (let i = 0; i < this.followedCount; i++) if (this.followed[i] === creator) return true;
    return false;
  }

  private loadTopics(state: OnlineState, profile: TopicProfile): void {
    if (profile === this.profile && profile.stamp === this.profileVersion) return;
    const catalog: VideoCatalog = state.catalog;
    // Clear the previous entries only: the array spans every hashtag.
    for (let i = 0; i < this.loadedCount; i++) this.topicCounts[this.loaded[i]!] = 0;
    this.loadedCount = 0;
    if (this.topicCounts.length < catalog.hashtagIds.length) this.topicCounts = new Float64Array(catalog.hashtagIds.length * 2);
    if (this.loaded.length < profile.counts.size) this.loaded = new Int32Array(profile.counts.size * 2);
    for (const [tag, count] of profile.counts) {
      const number = catalog.hashtagNumber(tag);
      const standing = count - (profile.rejected.get(tag) ?? 0);
      if (number === undefined || standing <= 0) continue;
      this.topicCounts[number] = standing;
      this.loaded[this.loadedCount++] = number;
    }
    this.profile = profile;
    this.profileVersion = profile.stamp;
    this.positives = profile.positives;
  }
}

/**
 * One pair's input: for an event to learn from, or a single prediction (a request's candidates use RankerFeatures,
 * whose per-user preparation would cost more than it saves for one video).
 */
export function fillRankerInput(state: OnlineState, user: UserState, vidx: number, now: number, input: RankerInput): void {
  const { catalog } = state;
  input.user = user.profile.id;
  input.video = catalog.ids[vidx]!;
  input.creator = catalog.creatorOf(vidx);
  input.sound = catalog.soundOf(vidx);
  input.hashtags = catalog.hashtagsOf(vidx);
  input.itemKey = vidx;
  input.pendingIds = undefined;
  fillVideoFeatures(state, vidx, now, input);
  input.dense[D.topicMatch] = topicMatchFor(state, user, vidx);
  input.dense[D.followsCreator] = user.follows.has(catalog.creatorOf(vidx)) ? 1 : 0;
  input.dense[D.retrievalScore] = state.batch === undefined ? 0 : state.batch.fitPrior(user.profile.id, vidx);
}

/** What depends on the video alone: its hashtag numbers (the ranker caches their slots) and dense features. */
function fillVideoFeatures(state: OnlineState, vidx: number, now: number, input: RankerInput): void {
  const { catalog, engagement } = state;
  const start = catalog.hashtagRun[2 * vidx]!;
  const hashtagCount = catalog.hashtagRun[2 * vidx + 1]!;
  if (input.hashtagKeys.length < hashtagCount) input.hashtagKeys = new Int32Array(hashtagCount * 2);
  for (let i = 0; i < hashtagCount; i++) input.hashtagKeys[i] = catalog.hashtagPool[start + i]!;
  input.hashtagKeyCount = hashtagCount;
  input.hashtagNames = catalog.hashtagIds;
  const dense = input.dense;
  const plays = engagement.plays(vidx);
  dense[D.videoAge] = Math.log1p(Math.max(0, now - catalog.createdAt[vidx]!) / HOUR_MS) / 5;
  dense[D.completionRate] = (engagement.finishes(vidx) + 1) / (plays + 4);
  dense[D.likeRate] = engagement.likeRate(vidx);
  dense[D.meanWatchRatio] = Math.min(engagement.meanWatchRatio(vidx), 3);
  dense[D.popularity] = Math.log1p(plays) / 10;
  dense[D.duration] = Math.log(Math.max(1, catalog.durationMs[vidx]! / 1000)) / 5;
}
