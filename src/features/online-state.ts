/**
 * The hot, in-memory view of the store that the feed pipeline reads: catalogue, engagement counters, users.
 * Every accepted event is applied here right after it is durably stored, so the user's next page reflects it.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AlgorithmConfig } from '../core/algorithm.js';
import { implicitUser, type AcceptedEvent, type EventType, type User, type Video } from '../core/schemas.js';
import type { CatalogLookup } from '../ingest/accept-events.js';
import type { LogPosition, ServedItem, Store } from '../store/store.js';
import { decodeRanker, RANKER_SNAPSHOT_NAME } from '../models/online/ranker-codec.js';
import { decodeBatchArtifact } from '../models/batch-artifact.js';
import { latestBatchModel, type BatchModelRecord } from './batch-model-loading.js';
import { BatchModelState } from './batch-model-state.js';
import { CoEngagementIndex } from './co-engagement-index.js';
import { FreshExposure } from './fresh-exposure.js';
import { OnlineLearner } from './online-learner.js';
import { rejectionWeight } from './negative-engagement.js';
import { isPositiveEngagement } from './positive-engagement.js';
import { latestBatchFactors } from './warm-start.js';
import { RecencyIndex } from './recency-index.js';
import { TopicIndex } from './topic-index.js';
import { forgetTopicProfile } from './topic-profile.js';
import { TrendingIndex } from './trending-index.js';
import { UserDirectory, type UserState } from './user-state.js';
import { VideoCatalog } from './video-catalog.js';
import { VideoEngagement } from './video-engagement.js';
import { VideoVectorIndex } from './video-vector-index.js';

/** Events after which the user has seen the video, so the seen filter does not serve it again. */
export const SEEN_TYPES: ReadonlySet<EventType> = new Set([
  'impression',
  'play',
  'skip',
  'like',
  'share',
  'comment',
  'not_interested',
  'report',
]);

/**
 * Events between two tidy-ups of a rebuild. Two replicas rebuilding 10M events side by side reached 4.26 GB before
 * their heaps were compacted at the end, against 4.0 GB just after: the slack of a growing heap, on both at once.
 */
const REBUILD_TIDY_EVENTS = 2_000_000;

/**
 * How often, in event time, the online models free the slots of ids unseen for their time to live. Driven by the
 * events' own times rather than the clock, so that a replay of the log (a restore, a replica) expires exactly as the
 * live state did.
 */
const RANKER_EXPIRY_EVERY_MS = 60 * 60_000;

/**
 * Rows per batch of the rebuild's scans, with a turn of the event loop after each (nextTurn): a scan's batches
 * otherwise follow one another in microtasks, and a rebuild of minutes left the starting process deaf to its probes
 * and to SIGTERM; 1,000 events take tens of milliseconds to replay.
 */
const REBUILD_BATCH = 1_000;

/** One call of the mutators, as a replica replays it (service/feed-workers.ts). */
export type StateChange =
  | { op: 'putVideo'; video: Video; rev?: number }
  | { op: 'putUser'; user: User; rev?: number }
  | { op: 'applyEvent'; event: AcceptedEvent & { seq?: number } }
  | { op: 'applyServed'; item: ServedItem }
  | { op: 'eraseUser'; id: string }
  | { op: 'resetProfile'; id: string; seq?: number }
  | { op: 'batchModel'; record: BatchModelRecord };

export class OnlineState implements CatalogLookup {
  readonly catalog = new VideoCatalog();
  readonly engagement: VideoEngagement;
  readonly users = new UserDirectory();
  readonly trending: TrendingIndex;
  readonly recency: RecencyIndex;
  /** Item-to-item co-engagement, learned from every positive event. */
  readonly coEngagement = new CoEngagementIndex();
  /** The most engaged-with videos per hashtag and per sound. */
  readonly topics: TopicIndex;
  /** New videos being tried with a growing audience, for the fresh source. */
  readonly freshExposure: FreshExposure;
  /** Absent when the caller trains its own ranker (progressive validation). */
  readonly learner: OnlineLearner | undefined;
  /** ANN index over the retrieval tower's item vectors, for embedding retrieval; present when the models learn. */
  readonly videoVectors: VideoVectorIndex | undefined;
  /** The batch model serving folds users into, once `foryou train` or the serving retrainer has saved one. */
  batch: BatchModelState | undefined;
  /** Told of every change once applied, in order, so replicas that replay the changes stay identical. */
  onChange: ((change: StateChange) => void) | undefined;
  /** The store's log positions this state has applied: what a snapshot of it covers (state-snapshot.ts). */
  readonly position: LogPosition = { seq: 0, rev: 0 };
  /** Erasures applied: a snapshot of this state is valid only while the store has seen no more (state-snapshot.ts). */
  erasureEpoch = 0;
  /** The event time at which the online models next expire unused ids (RANKER_EXPIRY_EVERY_MS). */
  private nextExpiryAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly algorithm: AlgorithmConfig,
    options: { learn?: boolean } = {},
  ) {
    this.learner = options.learn === false ? undefined : new OnlineLearner();
    const learner = this.learner;
    this.videoVectors = learner && new VideoVectorIndex(this.catalog, () => learner.retrieval);
    this.engagement = new VideoEngagement(algorithm.trendingHalfLifeMs, algorithm.trendingWeights);
    this.trending = new TrendingIndex(this.catalog, this.engagement, 1000);
    this.recency = new RecencyIndex(this.catalog);
    this.topics = new TopicIndex(this.catalog, this.engagement);
    this.freshExposure = new FreshExposure(this.catalog, algorithm.freshExposure, algorithm.freshWindowMs);
  }

  /**
   * A state learned in memory from videos, users and an event stream (a simulated world's, say), the ANN index built
   * once at the end as a rebuild builds it.
   */
  static fromEvents(
    videos: Iterable<Video>,
    users: Iterable<User>,
    events: Iterable<AcceptedEvent>,
    algorithm: AlgorithmConfig,
  ): OnlineState {
    const state = new OnlineState(algorithm);
    state.videoVectors?.defer();
    for (const video of videos) state.putVideo(video);
    for (const user of users) state.putUser(user);
    for (const event of events) state.applyEvent(event);
    state.videoVectors?.attach();
    return state;
  }

  /** Loads everything the store holds: videos, users, then every event and served item in order. */
  /**
   * `tidy` is called every REBUILD_TIDY_EVENTS events replayed: where the caller gives back the heap the replay
   * churned through (compact-heap.ts) before it accumulates.
   */
  static async rebuild(
    store: Store,
    algorithm: AlgorithmConfig,
    options: { learn?: boolean; tidy?: () => void; progress?: (events: number) => void } = {},
  ): Promise<OnlineState> {
    const state = new OnlineState(algorithm, options);
    state.videoVectors?.defer();
    for await (const videos of store.scanVideos(REBUILD_BATCH)) {
      for (const video of videos) state.putVideo(video);
      await nextTurn();
    }
    for await (const users of store.scanUsers(REBUILD_BATCH)) {
      for (const user of users) state.users.put(user);
      await nextTurn();
    }
    await state.restoreRanker(store);
    // Before the events: those after the model's position join each user's history as they replay.
    const batch = await latestBatchModel(store);
    if (batch) state.useBatchModel(batch);
    await state.videoVectors?.restore(store, state.learner?.snapshotSeq);
    state.erasureEpoch = await store.erasureEpoch();
    await state.replayLog(store, { seq: 0, rev: 0 }, await store.profileResets(), options);
    state.videoVectors?.attach();
    return state;
  }

  /**
   * Applies the store's events and served items after `from` (a rebuild: from the start; a restore: from its
   * snapshot's position), with the profile resets in `resets` (user → the position each covers) that this state has
   * not applied, each at its place in the log. Ends covering the store's current positions.
   */
  async replayLog(
    store: Store,
    from: LogPosition,
    resets: Map<string, number>,
    options: { tidy?: () => void; progress?: (events: number) => void } = {},
  ): Promise<void> {
    // A profile reset took effect after the events it covers and before the next: replayed at that point.
    let untidy = 0;
    let replayed = 0;
    // Events and served items in the order the service applied them: the seen set and fresh exposure depend on it.
    for await (const entries of store.scanLogAfter(from.seq, REBUILD_BATCH)) {
      for (const entry of entries) {
        if ('served' in entry) {
          this.applyServed(entry.served);
          continue;
        }
        const event = entry.event;
        if (resets.size > 0) this.replayResetBefore(event.user, event.seq, resets);
        this.applyEvent(event);
        replayed++;
        untidy++;
      }
      options.progress?.(replayed);
      if (options.tidy && untidy >= REBUILD_TIDY_EVENTS) {
        options.tidy();
        untidy = 0;
      }
      await nextTurn();
    }
    for (const [user, seq] of resets) this.replayReset(user, seq);
    // Past what was replayed too: positions an erasure left unused are never given again (store.ts LogPosition).
    const reached = await store.logPosition();
    this.position.seq = Math.max(this.position.seq, reached.seq);
    this.position.rev = Math.max(this.position.rev, reached.rev);
  }

  /**
   * Continues the ranker from its latest snapshot, if one decodes (events after it are learned while replaying);
   * otherwise warm-starts it from the latest batch model.
   */
  private async restoreRanker(store: Store): Promise<void> {
    if (!this.learner) return;
    const snapshot = await store.latestModelSnapshot(RANKER_SNAPSHOT_NAME);
    const models = snapshot && decodeRanker(snapshot.bytes);
    if (snapshot && models) {
      this.learner.resume(models.ranker, models.retrieval, Number(snapshot.meta.seq ?? 0));
      return;
    }
    // No ranker yet: begin from the batch model, when `foryou train` has saved one.
    const factors = await latestBatchFactors(store);
    // At the model's own time, not the clock's: a replay must start from the same state as the first run did.
    if (factors) this.learner.ranker.warmStart(factors, factors.trainedAt);
  }

  /** Serves a newly trained batch model from now on (every replica, in log order). */
  useBatchModel(record: BatchModelRecord): void {
    const artifact = decodeBatchArtifact(record.bytes);
    if (!artifact) throw new Error(`batch model ${record.info.name} v${record.info.version} is not a servable artifact`);
    this.batch = new BatchModelState(record.info, artifact, record.itemIds, record.userIds, this.catalog);
    this.onChange?.({ op: 'batchModel', record });
  }

  creatorOfVideo(videoId: string): string | undefined {
    const vidx = this.catalog.vidx(videoId);
    return vidx === undefined ? undefined : this.catalog.creatorOf(vidx);
  }

  isPendingVideo(videoId: string): boolean {
    const vidx = this.catalog.vidx(videoId);
    return vidx !== undefined && this.catalog.statusOf(vidx) === 'pending';
  }

  isKnownCreator(userId: string): boolean {
    return this.users.has(userId) || this.catalog.isCreator(userId);
  }

  /** `rev`: the store's revision of this put, when it came from the store. */
  putVideo(video: Video, rev?: number): void {
    if (rev !== undefined && rev > this.position.rev) this.position.rev = rev;
    const previous = this.catalog.get(video.id);
    const vidx = this.catalog.put(video);
    this.engagement.ensure(vidx + 1);
    this.topics.putVideo(vidx, previous);
    this.freshExposure.putVideo(vidx);
    // The ranker caches slots by catalogue index; a replaced video may have a new creator or sound.
    this.learner?.ranker.forgetItemKey(vidx);
    this.videoVectors?.videoPut(vidx);
    this.batch?.videoPut(video.id, vidx);
    this.onChange?.({ op: 'putVideo', video, rev });
  }

  putUser(user: User, rev?: number): UserState {
    if (rev !== undefined && rev > this.position.rev) this.position.rev = rev;
    const state = this.users.put(user);
    this.onChange?.({ op: 'putUser', user, rev });
    return state;
  }

  /** Replays a change made on another replica. */
  applyChange(change: StateChange): void {
    if (change.op === 'putVideo') this.putVideo(change.video, change.rev);
    else if (change.op === 'putUser') this.putUser(change.user, change.rev);
    else if (change.op === 'applyEvent') this.applyEvent(change.event);
    else if (change.op === 'applyServed') this.applyServed(change.item);
    else if (change.op === 'resetProfile') this.resetProfile(change.id, change.seq);
    else if (change.op === 'batchModel') this.useBatchModel(change.record);
    else this.eraseUser(change.id);
  }

  /** The user's state, creating an implicit user (not yet stored) when they are new. */
  userOrImplicit(id: string, now: number): UserState {
    return this.users.get(id) ?? this.users.put(implicitUser(id, now));
  }

  applyEvent(event: AcceptedEvent & { seq?: number }): void {
    if (event.seq !== undefined && event.seq > this.position.seq) this.position.seq = event.seq;
    if (this.learner && event.ts >= this.nextExpiryAt) {
      if (this.nextExpiryAt !== Number.NEGATIVE_INFINITY) this.learner.expire(event.ts);
      this.nextExpiryAt = event.ts + RANKER_EXPIRY_EVERY_MS;
    }
    const user = this.userOrImplicit(event.user, event.ts);
    const vidx = event.video === null ? undefined : this.catalog.vidx(event.video);
    if (vidx !== undefined) {
      const watchRatio =
        (event.type === 'play' || event.type === 'skip') && event.watchMs !== null
          ? event.watchMs / this.catalog.durationMs[vidx]!
          : NaN;
      // What all users share moves once per (user, video, kind of event): repeats are the user's alone.
      if (user.ledger.counts(vidx, event.type)) {
        this.learner?.observe(this, event, vidx, watchRatio);
        this.videoVectors?.learned(vidx, event.seq, this.learner?.retrievalMoved === true);
        this.engagement.apply(vidx, event.type, event.ts, watchRatio);
        this.topics.touch(vidx);
        this.coEngagement.observe(user, vidx, event.type, watchRatio, event.ts);
        this.freshExposure.observe(vidx, event.type, watchRatio);
      }
      this.batch?.observe(event.user, event.video!, event.type, watchRatio, event.seq);
      if (SEEN_TYPES.has(event.type)) user.seen.add(vidx);
      // Positives and rejections are kept apart: in one ring, a run of skips pushed out what the user liked.
      if (isPositiveEngagement(event.type, watchRatio)) user.remember({ vidx, type: event.type, ts: event.ts, watchRatio });
      else user.reject(vidx, rejectionWeight(event.type, watchRatio));
      const sound = this.catalog.soundOf(vidx);
      if (event.type === 'not_interested' && sound !== undefined) {
        user.notInterestedSounds.set(sound, (user.notInterestedSounds.get(sound) ?? 0) + 1);
      }
    }
    if (event.creator !== null) {
      if (event.type === 'follow') user.follows.add(event.creator);
      else if (event.type === 'unfollow') user.follows.delete(event.creator);
      else if (event.type === 'not_interested') user.notInterestedCreators.add(event.creator);
    }
    this.onChange?.({ op: 'applyEvent', event });
  }

  /**
   * Forgets a user everywhere in memory (erasure) — the one place that does, so worker replicas replay it: their
   * state and profile, their id in others' follows and not-interested sets, their uploads, their ranker vectors.
   * Video counters, co-engagement, topic and fresh-exposure statistics are aggregates keyed by video, holding no
   * user id, and keep what the user's events added. Returns how many of their videos were forgotten.
   */
  eraseUser(id: string): number {
    const erased = this.users.get(id);
    if (erased) forgetTopicProfile(erased);
    this.users.delete(id);
    for (const other of this.users.values()) {
      other.follows.delete(id);
      other.notInterestedCreators.delete(id);
    }
    const creator = this.catalog.creatorNumber(id);
    let videos = 0;
    if (creator !== undefined) {
      for (const vidx of [...this.catalog.videosOfCreator[creator]!]) {
        const previous = this.catalog.erase(vidx);
        this.topics.putVideo(vidx, previous);
        this.freshExposure.putVideo(vidx);
        this.learner?.forgetVideo(previous.id, vidx);
        this.batch?.videoErased(previous.id);
        this.videoVectors?.videoPut(vidx); // no longer live: leaves the ANN index
        videos++;
      }
      this.catalog.forgetCreator(id);
    }
    this.learner?.forgetUser(id);
    this.batch?.forgetUser(id);
    this.erasureEpoch++;
    this.onChange?.({ op: 'eraseUser', id });
    return videos;
  }

  /**
   * Forgets what the user's history taught about them (they asked to start afresh): their recent engagements (which
   * feed the topic profile, co-engagement and onboarding) and the ranker's vector of them as a viewer. Their follows,
   * blocks, not-interested marks and seen set stay: those are their choices and what they were shown, not a profile.
   * False when the user is unknown.
   */
  resetProfile(id: string, seq?: number): boolean {
    const user = this.users.get(id);
    if (!user) return false;
    if (seq !== undefined) user.resetSeq = seq;
    user.forgetRecent();
    this.learner?.forgetViewer(id);
    this.batch?.forgetUser(id);
    this.onChange?.({ op: 'resetProfile', id, seq });
    return true;
  }

  /** While rebuilding: applies the user's recorded reset once the log passes the position it covers. */
  private replayResetBefore(user: string, seq: number, resets: Map<string, number>): void {
    const resetSeq = resets.get(user);
    if (resetSeq === undefined || seq <= resetSeq) return;
    this.replayReset(user, resetSeq);
    resets.delete(user);
  }

  /**
   * A recorded reset, replayed. A ranker snapshot taken after the reset (its position is past the reset's) already
   * lacks the old vector and holds what was learned since: only an older snapshot's vector is forgotten.
   */
  private replayReset(user: string, resetSeq: number): void {
    const state = this.users.get(user);
    if (!state) return;
    state.resetSeq = resetSeq;
    state.forgetRecent();
    // A model fitted after the reset already left out what came before it (batch-training.ts).
    if (this.batch && resetSeq >= this.batch.info.seq) this.batch.forgetUser(user);
    if (this.learner && resetSeq >= (this.learner.snapshotSeq ?? 0)) this.learner.forgetViewer(user);
  }

  applyServed(item: ServedItem): void {
    if (item.seq !== undefined && item.seq > this.position.seq) this.position.seq = item.seq;
    const vidx = this.catalog.vidx(item.video);
    if (vidx === undefined) return;
    this.userOrImplicit(item.user, item.ts).seen.add(vidx);
    this.freshExposure.countServed(vidx, item.ts);
    this.onChange?.({ op: 'applyServed', item });
  }
}
