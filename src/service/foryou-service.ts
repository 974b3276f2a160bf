/**
 * One running foryou: the store, the online state rebuilt from it, ingestion and the feed. What `foryou serve`
 * starts and what tests and benchmarks embed.
 */
import { implicitUser, type User, type Video } from '../core/schemas.js';
import { OnlineState } from '../features/online-state.js';
import type { UserState } from '../features/user-state.js';
import { EventIngest } from '../ingest/event-ingest.js';
import { FeedService, type FeedQuery } from '../pipeline/feed-service.js';
import { RANKER_SNAPSHOT_NAME } from '../models/online/ranker-codec.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { FeedWorkerPool, type FeedArgs, type FeedMethod } from './feed-workers.js';
import { activeAlgorithm, publishAlgorithmVersion, type AlgorithmChange, type AlgorithmVersion } from './algorithm-versions.js';

/** How often the online ranker is snapshotted to the store, and its unused ids expired. */
const RANKER_SNAPSHOT_EVERY_MS = 5 * 60_000;
const RANKER_EXPIRY_EVERY_MS = 60 * 60_000;

export interface ServiceOptions {
  /** Feed worker threads, each with a replica of the online state (see feed-workers.ts); 0 serves on this thread. */
  feedWorkers?: number;
}

export class ForyouService {
  readonly ingest: EventIngest;
  readonly feed: FeedService;
  private readonly timers: NodeJS.Timeout[] = [];
  /** Log position of the latest saved ranker snapshot: a restart with nothing new learned saves none. */
  private lastSnapshotSeq: number;

  private constructor(
    readonly store: Store,
    readonly state: OnlineState,
    /** The active algorithm version: every feed request reads it, so a new version applies at once. */
    public algorithm: AlgorithmVersion,
    /** When set, feeds run there and `state` is the main thread's replica without a ranker. */
    private readonly workers: FeedWorkerPool | undefined,
    snapshotSeq: number | undefined,
  ) {
    this.lastSnapshotSeq = snapshotSeq ?? -1;
    this.ingest = new EventIngest(state, store);
    this.feed = new FeedService(state, store, () => this.algorithm.config);
    if (workers) state.onChange = (change) => workers.record(change);
    this.timers.push(
      setInterval(() => void this.snapshotRanker().catch(() => undefined), RANKER_SNAPSHOT_EVERY_MS).unref(),
      setInterval(() => this.expireRanker(Date.now()), RANKER_EXPIRY_EVERY_MS).unref(),
    );
  }

  /** How many worker threads serve feeds (0: this thread). */
  get feedWorkers(): number {
    return this.workers?.size ?? 0;
  }

  private expireRanker(now: number): void {
    if (this.workers) this.workers.expireRanker(now);
    else this.state.learner?.ranker.expire(now);
  }

  /** Saves the online ranker unless nothing was learned since the last snapshot. */
  async snapshotRanker(): Promise<void> {
    if (this.workers) {
      const snapshot = await this.workers.rankerSnapshot();
      if (!snapshot || snapshot.seq === this.lastSnapshotSeq) return;
      await this.store.saveModelSnapshot(RANKER_SNAPSHOT_NAME, snapshot.bytes, { seq: snapshot.seq, updates: snapshot.updates });
      this.lastSnapshotSeq = snapshot.seq;
      return;
    }
    const seq = this.state.learner?.lastSeq ?? -1;
    if (seq === this.lastSnapshotSeq) return;
    await this.state.snapshotRanker(this.store);
    this.lastSnapshotSeq = seq;
  }

  static async open(location: string, options: ServiceOptions = {}): Promise<ForyouService> {
    const store = openStore(location);
    let workers: Promise<FeedWorkerPool> | undefined;
    try {
      const algorithm = await activeAlgorithm(store);
      // The workers rebuild their replicas while this thread rebuilds its own.
      const count = options.feedWorkers ?? 0;
      workers = count > 0 ? FeedWorkerPool.start(location, algorithm.config, count) : undefined;
      const state = await OnlineState.rebuild(store, algorithm.config, { learn: workers === undefined });
      const pool = await workers;
      const snapshotSeq = pool ? pool.snapshotSeq : state.learner?.snapshotSeq;
      return new ForyouService(store, state, algorithm, pool, snapshotSeq);
    } catch (error) {
      await workers?.then((pool) => pool.close()).catch(() => undefined);
      await store.close();
      throw error;
    }
  }

  /** The user's next feed page, as the JSON text of the response. */
  async feedPage(userId: string, query: FeedQuery, now = Date.now()): Promise<string> {
    return this.callFeed(userId, 'page', [query, now]);
  }

  /**
   * Runs a FeedService method for a user (created if new) where the user's state lives — the user's feed worker,
   * or this thread — stores and replicates what it served, and returns its result as JSON text.
   */
  async callFeed<M extends FeedMethod>(userId: string, method: M, args: FeedArgs<M>, now = Date.now()): Promise<string> {
    const user = await this.userForFeed(userId, now);
    if (!this.workers) {
      const run = this.feed[method] as (...args: unknown[]) => unknown;
      return JSON.stringify(await run.call(this.feed, user, ...args));
    }
    const { json, served } = await this.workers.call(userId, method, args);
    if (served.length > 0) {
      await this.store.recordServed(served);
      for (const item of served) this.state.applyServed(item);
    }
    return json;
  }

  /** Publishes a new algorithm version and makes it active. */
  async changeAlgorithm(change: AlgorithmChange): Promise<AlgorithmVersion> {
    this.algorithm = await publishAlgorithmVersion(this.store, this.algorithm, change);
    this.workers?.setAlgorithm(this.algorithm.config);
    return this.algorithm;
  }

  /** Stores a video (durably) and makes it servable. */
  async putVideo(video: Video): Promise<void> {
    await this.store.putVideos([video]);
    this.state.putVideo(video);
  }

  async putUser(user: User): Promise<UserState> {
    await this.store.putUsers([user]);
    return this.state.putUser(user);
  }

  /** The user's state; a user never seen before is created (and stored) with default settings. */
  async userForFeed(id: string, now = Date.now()): Promise<UserState> {
    return this.state.users.get(id) ?? (await this.putUser(implicitUser(id, now)));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.snapshotRanker();
    await this.workers?.close();
    await this.store.close();
  }
}
