/**
 * The hot, in-memory view of the store that the feed pipeline reads: catalogue, engagement counters, users.
 * Every accepted event is applied here right after it is durably stored, so the user's next page reflects it.
 */
import type { AlgorithmConfig } from '../core/algorithm.js';
import { implicitUser, type AcceptedEvent, type EventType, type User, type Video } from '../core/schemas.js';
import type { CatalogLookup } from '../ingest/accept-events.js';
import type { ServedItem, Store } from '../store/store.js';
import { decodeRanker, encodeRanker, RANKER_SNAPSHOT_NAME } from '../models/online/ranker-codec.js';
import { OnlineLearner } from './online-learner.js';
import { latestBatchFactors } from './warm-start.js';
import { RecencyIndex } from './recency-index.js';
import { TrendingIndex } from './trending-index.js';
import { UserDirectory, type UserState } from './user-state.js';
import { VideoCatalog } from './video-catalog.js';
import { VideoEngagement } from './video-engagement.js';

/** Events after which the user has seen the video, so the seen filter does not serve it again. */
const SEEN_TYPES: ReadonlySet<EventType> = new Set([
  'impression',
  'play',
  'skip',
  'like',
  'share',
  'comment',
  'not_interested',
  'report',
]);
const REMEMBERED_TYPES: ReadonlySet<EventType> = new Set(['play', 'like', 'share', 'comment', 'skip']);

/** One call of the four mutators, as a replica replays it (service/feed-workers.ts). */
export type StateChange =
  | { op: 'putVideo'; video: Video }
  | { op: 'putUser'; user: User }
  | { op: 'applyEvent'; event: AcceptedEvent & { seq?: number } }
  | { op: 'applyServed'; item: ServedItem };

export class OnlineState implements CatalogLookup {
  readonly catalog = new VideoCatalog();
  readonly engagement: VideoEngagement;
  readonly users = new UserDirectory();
  readonly trending: TrendingIndex;
  readonly recency: RecencyIndex;
  /** Absent when the caller trains its own ranker (progressive validation). */
  readonly learner: OnlineLearner | undefined;
  /** Told of every change once applied, in order, so replicas that replay the changes stay identical. */
  onChange: ((change: StateChange) => void) | undefined;

  constructor(
    readonly algorithm: AlgorithmConfig,
    options: { learn?: boolean } = {},
  ) {
    this.learner = options.learn === false ? undefined : new OnlineLearner();
    this.engagement = new VideoEngagement(algorithm.trendingHalfLifeMs, algorithm.trendingWeights);
    this.trending = new TrendingIndex(this.catalog, this.engagement, 1000);
    this.recency = new RecencyIndex(this.catalog);
  }

  /** Loads everything the store holds: videos, users, then every event and served item in order. */
  static async rebuild(store: Store, algorithm: AlgorithmConfig, options: { learn?: boolean } = {}): Promise<OnlineState> {
    const state = new OnlineState(algorithm, options);
    for await (const videos of store.scanVideos()) for (const video of videos) state.putVideo(video);
    for await (const users of store.scanUsers()) for (const user of users) state.users.put(user);
    await state.restoreRanker(store);
    for await (const events of store.scanEvents()) for (const event of events) state.applyEvent(event);
    for await (const served of store.scanServed()) for (const item of served) state.applyServed(item);
    return state;
  }

  /**
   * Continues the ranker from its latest snapshot, if one decodes (events after it are learned while replaying);
   * otherwise warm-starts it from the latest batch model.
   */
  private async restoreRanker(store: Store): Promise<void> {
    if (!this.learner) return;
    const snapshot = await store.latestModelSnapshot(RANKER_SNAPSHOT_NAME);
    const ranker = snapshot && decodeRanker(snapshot.bytes);
    if (snapshot && ranker) {
      this.learner.resume(ranker, Number(snapshot.meta.seq ?? 0));
      return;
    }
    // No ranker yet: begin from the batch model, when `foryou train` has saved one.
    const factors = await latestBatchFactors(store);
    if (factors) this.learner.ranker.warmStart(factors, Date.now());
  }

  /** Saves the ranker with the log position it has learned up to. */
  async snapshotRanker(store: Store): Promise<number | undefined> {
    if (!this.learner) return undefined;
    return store.saveModelSnapshot(RANKER_SNAPSHOT_NAME, encodeRanker(this.learner.ranker), {
      seq: this.learner.lastSeq,
      updates: this.learner.ranker.updates,
    });
  }

  creatorOfVideo(videoId: string): string | undefined {
    return this.catalog.get(videoId)?.creator;
  }

  isKnownCreator(userId: string): boolean {
    return this.users.has(userId) || this.catalog.isCreator(userId);
  }

  putVideo(video: Video): void {
    const vidx = this.catalog.put(video);
    this.engagement.ensure(vidx + 1);
    // The ranker caches slots by catalogue index; a replaced video may have a new creator or sound.
    this.learner?.ranker.forgetItemKey(vidx);
    this.onChange?.({ op: 'putVideo', video });
  }

  putUser(user: User): UserState {
    const state = this.users.put(user);
    this.onChange?.({ op: 'putUser', user });
    return state;
  }

  /** Replays a change made on another replica. */
  applyChange(change: StateChange): void {
    if (change.op === 'putVideo') this.putVideo(change.video);
    else if (change.op === 'putUser') this.putUser(change.user);
    else if (change.op === 'applyEvent') this.applyEvent(change.event);
    else this.applyServed(change.item);
  }

  /** The user's state, creating an implicit user (not yet stored) when they are new. */
  userOrImplicit(id: string, now: number): UserState {
    return this.users.get(id) ?? this.users.put(implicitUser(id, now));
  }

  applyEvent(event: AcceptedEvent & { seq?: number }): void {
    const user = this.userOrImplicit(event.user, event.ts);
    const vidx = event.video === null ? undefined : this.catalog.vidx(event.video);
    if (vidx !== undefined) {
      const watchRatio =
        (event.type === 'play' || event.type === 'skip') && event.watchMs !== null
          ? event.watchMs / this.catalog.durationMs[vidx]!
          : NaN;
      this.learner?.observe(this, event, vidx, watchRatio);
      this.engagement.apply(vidx, event.type, event.ts, watchRatio);
      if (SEEN_TYPES.has(event.type)) user.seen.add(vidx);
      if (REMEMBERED_TYPES.has(event.type)) user.remember({ vidx, type: event.type, ts: event.ts, watchRatio });
    }
    if (event.creator !== null) {
      if (event.type === 'follow') user.follows.add(event.creator);
      else if (event.type === 'unfollow') user.follows.delete(event.creator);
      else if (event.type === 'not_interested') user.notInterestedCreators.add(event.creator);
    }
    this.onChange?.({ op: 'applyEvent', event });
  }

  applyServed(item: ServedItem): void {
    const vidx = this.catalog.vidx(item.video);
    if (vidx !== undefined) this.userOrImplicit(item.user, item.ts).seen.add(vidx);
    this.onChange?.({ op: 'applyServed', item });
  }
}
