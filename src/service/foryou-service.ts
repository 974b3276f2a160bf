/**
 * One running foryou: the store, the online state rebuilt from it, ingestion and the feed. What `foryou serve`
 * starts and what tests and benchmarks embed.
 */
import { implicitUser, type User, type Video } from '../core/schemas.js';
import { OnlineState } from '../features/online-state.js';
import type { UserState } from '../features/user-state.js';
import { EventIngest } from '../ingest/event-ingest.js';
import { FeedService } from '../pipeline/feed-service.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { auditAlgorithmVersions } from './algorithm-audit.js';
import { activeAlgorithm, publishAlgorithmVersion, type AlgorithmChange, type AlgorithmVersion } from './algorithm-versions.js';
import { AuditLog } from './audit-log.js';

/** How often the online ranker is snapshotted to the store, and its unused ids expired. */
const RANKER_SNAPSHOT_EVERY_MS = 5 * 60_000;
const RANKER_EXPIRY_EVERY_MS = 60 * 60_000;

export class ForyouService {
  readonly ingest: EventIngest;
  readonly feed: FeedService;
  /** The hash-chained audit log; `audit.append(kind, actor, detail, subject)` records keys, roles and the like. */
  readonly audit: AuditLog;
  private readonly timers: NodeJS.Timeout[] = [];
  private algorithmAudit: Promise<number> = Promise.resolve(0);
  /** Log position of the latest saved ranker snapshot: a restart with nothing new learned saves none. */
  private lastSnapshotSeq: number;

  private constructor(
    readonly store: Store,
    readonly state: OnlineState,
    /** The active algorithm version: every feed request reads it, so a new version applies at once. */
    public algorithm: AlgorithmVersion,
  ) {
    this.lastSnapshotSeq = state.learner?.snapshotSeq ?? -1;
    this.audit = new AuditLog(store);
    this.ingest = new EventIngest(state, store);
    this.feed = new FeedService(state, store, () => this.algorithm.config);
    this.timers.push(
      setInterval(() => void this.snapshotRanker().catch(() => undefined), RANKER_SNAPSHOT_EVERY_MS).unref(),
      setInterval(() => state.learner?.ranker.expire(Date.now()), RANKER_EXPIRY_EVERY_MS).unref(),
    );
  }

  /**
   * Saves the online ranker unless nothing was learned since the last snapshot (`force`: save anyway, as after an
   * erasure). Returns the saved snapshot's version.
   */
  async snapshotRanker(options: { force?: boolean } = {}): Promise<number | undefined> {
    const seq = this.state.learner?.lastSeq ?? -1;
    if (seq === this.lastSnapshotSeq && !options.force) return undefined;
    const version = await this.state.snapshotRanker(this.store);
    this.lastSnapshotSeq = seq;
    return version;
  }

  static async open(location: string): Promise<ForyouService> {
    const store = openStore(location);
    try {
      const algorithm = await activeAlgorithm(store);
      await auditAlgorithmVersions(store, new AuditLog(store));
      const state = await OnlineState.rebuild(store, algorithm.config);
      return new ForyouService(store, state, algorithm);
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  /** Publishes a new algorithm version and makes it active. */
  async changeAlgorithm(change: AlgorithmChange): Promise<AlgorithmVersion> {
    this.algorithm = await publishAlgorithmVersion(this.store, this.algorithm, change);
    // One audit pass at a time: two concurrent publishes must not both audit the same version.
    const audited = this.algorithmAudit.then(() => auditAlgorithmVersions(this.store, this.audit));
    this.algorithmAudit = audited.catch(() => 0);
    await audited;
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
    await this.store.close();
  }
}
