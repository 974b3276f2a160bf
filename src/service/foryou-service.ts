/**
 * One running foryou: the store, the online state rebuilt from it, ingestion and the feed. What `foryou serve`
 * starts and what tests and benchmarks embed.
 */
import { dirname, join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { InputError } from '../core/errors.js';
import { implicitUser, type User, type Video } from '../core/schemas.js';
import { AcknowledgedEvents } from '../features/acknowledged-events.js';
import { OnlineState } from '../features/online-state.js';
import type { UserState } from '../features/user-state.js';
import { EventIngest } from '../ingest/event-ingest.js';
import { MediaStore } from '../media/media-store.js';
import { FeedService, type FeedQuery } from '../pipeline/feed-service.js';
import { openStore } from '../store/open-store.js';
import type { LogPosition, Store } from '../store/store.js';
import { restoreState } from '../snapshot/restore-state.js';
import { snapshotDirOf, writeStateSnapshot, type WrittenSnapshot } from '../snapshot/state-snapshot.js';
import { auditAlgorithmVersions } from './algorithm-audit.js';
import { FeedWorkerPool, type FeedArgs, type FeedMethod } from './feed-workers.js';
import { activeAlgorithm, publishAlgorithmVersion, type AlgorithmChange, type AlgorithmVersion } from './algorithm-versions.js';
import { AuditLog } from './audit-log.js';
import { TurnQueue } from './turn-queue.js';
import { BatchRetrainer, type RetrainOptions } from './batch-retrainer.js';
import { compactHeap } from './compact-heap.js';
import { LoopDelay } from './loop-delay.js';
import { LogApplier } from './log-applier.js';
import { ErasureWatch, type ErasureTicket } from './erasure-watch.js';
import { feedCursorKey } from './feed-cursor-key.js';
import type { CursorKey } from '../pipeline/cursor.js';

/** SQLite page cache of the serving connection. */
const SERVING_CACHE_MB = 64;
/** How often the whole online state is snapshotted (when it changed): a restart replays at most this much log. */
const STATE_SNAPSHOT_EVERY_MS = 5 * 60_000;
/** Older state snapshots kept beside the newest: one to fall back on should the newest fail its checksum. */
const SNAPSHOTS_KEPT = 1;

export interface ServiceOptions {
  /**
   * Worker threads that serve feeds beside this thread, each with a replica of the online state (see
   * feed-workers.ts); 0 serves every feed on this thread.
   */
  feedWorkers?: number;
  /**
   * Where uploaded and demo media live; default `media/` beside the store's file. null (and an in-memory store
   * without this option) keeps no media: uploads are refused.
   */
  mediaDir?: string | null;
  /** Refit the served batch model in the background (batch-retrainer.ts); absent: only `foryou train` fits. */
  retrain?: RetrainOptions;
  /** Where the service reports what it does in the background (retraining). */
  log?: (line: string) => void;
  /** Told how far the start has come (restoring a snapshot, replaying the log after it), often; see StartProgress. */
  onProgress?: (progress: StartProgress) => void;
}

/** How far a starting service has come: `/readyz` answers it with a 503 until the service is ready. */
export interface StartProgress {
  /** What the start is doing: 'opening', 'restoring' (a snapshot), 'replaying' (the log after it), 'rebuilding' (no snapshot). */
  phase: string;
  /** Units done and expected in this phase (events for replaying and rebuilding); total 0 when unknown. */
  done: number;
  total: number;
}

/** The default media directory of a store: `media/` in the directory of its file; none for an in-memory store. */
export function defaultMediaDir(location: string): string | undefined {
  return location === ':memory:' ? undefined : join(dirname(location), 'media');
}

/** A 410: the user was erased while a request on their behalf ran; it stored nothing. */
export function refuseIfErased(ticket: ErasureTicket): void {
  if (ticket.erased) {
    throw new InputError('the user was erased while this request ran; nothing was stored', [{ field: 'user', message: 'erased' }], 410);
  }
}

export class ForyouService {
  readonly ingest: EventIngest;
  readonly feed: FeedService;
  /** The hash-chained audit log; `audit.append(kind, actor, detail, subject)` records keys, roles and the like. */
  readonly audit: AuditLog;
  private readonly timers: NodeJS.Timeout[] = [];
  private algorithmAudit: Promise<number> = Promise.resolve(0);
  /** This thread's own feed pages while it also relays the feed workers' requests: one per event-loop turn. */
  private readonly ownPages = new TurnQueue();
  /** Feed calls under way in each worker, until their served items are stored (a snapshot's cut waits for them). */
  private readonly workerCalls: number[] = [];
  /** Applies the store's log (events, served items) to the state a slice at a time, in order. */
  readonly applier: LogApplier;
  /** Events acknowledged and not yet applied: feeds honour them at once (acknowledged-events.ts). */
  private readonly acknowledged = new AcknowledgedEvents();
  /** Event-loop pauses since the service was opened (after its start-up replay). */
  readonly loopDelay = new LoopDelay();
  /** What the latest snapshot this service wrote covers, and how long it took. */
  lastWrittenSnapshot: { position: LogPosition; ms: number; createdAt: number } | undefined;
  /** The log position of the state snapshot this service started from; undefined when it replayed the whole log. */
  readonly restoredFrom: LogPosition | undefined;
  /** Where state snapshots are written (state-snapshot.ts); undefined for an in-memory store. */
  private readonly snapshotDir: string | undefined;
  /** The positions the latest snapshot covers: a state that has not moved since is not written again. */
  private lastSnapshot: string;
  /** The snapshot being written, if one is: a second request waits for it, then writes its own if still needed. */
  private snapshotWrite: Promise<WrittenSnapshot | undefined> = Promise.resolve(undefined);
  /** Refits the served batch model in the background, when the service was opened with `retrain`. */
  readonly retrainer: BatchRetrainer | undefined;
  /** Uploads in progress hold a ticket, which an erasure of their creator marks (erasure-watch.ts). */
  readonly erasures = new ErasureWatch();

  private constructor(
    readonly store: Store,
    readonly state: OnlineState,
    /** The active algorithm version: every feed request reads it, so a new version applies at once. */
    public algorithm: AlgorithmVersion,
    /** When set, the users it owns get their feeds from its replicas, which replay every change of `state`. */
    private readonly workers: FeedWorkerPool | undefined,
    /** Uploaded and demo media files; undefined when this service keeps none. */
    readonly media: MediaStore | undefined,
    location: string,
    options: ServiceOptions,
    cursorKey: CursorKey,
    restoredFrom: LogPosition | undefined,
  ) {
    this.snapshotDir = snapshotDirOf(location);
    this.restoredFrom = restoredFrom;
    this.lastSnapshot = restoredFrom ? JSON.stringify(restoredFrom) : '';
    this.audit = new AuditLog(store);
    this.retrainer =
      options.retrain &&
      new BatchRetrainer(
        { location, store, state, audit: this.audit, heavyWorkRunning: () => this.snapshotsUnderWay > 0 },
        options.retrain,
        options.log,
      );
    this.applier = new LogApplier(
      (entry) => {
        if ('served' in entry) return state.applyServed(entry.served);
        state.applyEvent(entry.event);
        this.acknowledged.settle(entry.event.user, entry.event.seq);
      },
      (error) => (options.log ?? console.error)(`applying the log failed: ${error.stack ?? error.message}`),
    );
    store.subscribeLog((entries) => this.applier.push(entries));
    if (state.videoVectors) state.videoVectors.deferRefresh = (refresh) => setImmediate(refresh);
    const ingestTurns = new TurnQueue();
    this.ingest = new EventIngest(
      state,
      store,
      (events) => {
        this.acknowledged.add(events, state.position.seq);
        workers?.acknowledge(events);
      },
      () => ingestTurns.next(),
    );
    // The log applier applies what is served in its place in the log, for the replicas too; the thread that made a
    // page marked its items seen at once, so the user's next page never repeats them.
    this.feed = new FeedService(state, store, () => this.algorithm.config, cursorKey, this.acknowledged);
    if (workers) state.onChange = (change) => workers.record(change);
    this.log = options.log ?? (() => undefined);
    this.timers.push(
      setInterval(
        () => void this.snapshotState().catch((error: Error) => this.log(`state snapshot failed: ${error.message}`)),
        STATE_SNAPSHOT_EVERY_MS,
      ).unref(),
    );
  }

  /** State snapshots asked for and not yet written (the retrainer does not start a fit meanwhile). */
  private snapshotsUnderWay = 0;

  /** Worker threads serving feeds beside this one. */
  get feedWorkers(): number {
    return this.workers?.size ?? 0;
  }

  private readonly log: (line: string) => void;

  /**
   * Writes a snapshot of the whole online state, unless it has not moved since the last (`force`: write anyway, as
   * after an erasure), and deletes older ones but SNAPSHOTS_KEPT (`keep: 0`: all of them). With feed workers, a worker
   * writes it from its replica while this thread serves its users; without, this thread stops while it writes.
   */
  async snapshotState(options: { force?: boolean; keep?: number } = {}): Promise<WrittenSnapshot | undefined> {
    // Counted from the call: a fit asked for meanwhile already sees the snapshot under way.
    this.snapshotsUnderWay++;
    const write = this.snapshotWrite.catch(() => undefined).then(async () => {
      try {
        if (!this.snapshotDir) return undefined;
        const position = JSON.stringify(this.state.position);
        if (position === this.lastSnapshot && !options.force) return undefined;
        // A scheduled snapshot waits while the batch model is refitted (the next tick takes it): both at once were the
        // serving process's memory peak.
        if (!options.force && this.retrainer?.fitting) return undefined;
        const keep = options.keep ?? SNAPSHOTS_KEPT;
        // The cut holds nothing the log does not: pages under way are answered and their items stored first (the
        // thread that made a page marked its items seen at once).
        const beforeCut = async (worker: number | undefined) => {
          while (worker !== undefined && (this.workerCalls[worker] ?? 0) > 0) await nextTurn();
          await this.store.flushWrites();
        };
        const written = this.workers
          ? await this.workers.snapshot(this.snapshotDir, keep, () => beforeCut(0))
          : (await beforeCut(undefined), writeStateSnapshot(this.state, this.snapshotDir, keep));
        this.lastSnapshot = JSON.stringify(written.manifest.position);
        this.lastWrittenSnapshot = { position: written.manifest.position, ms: Math.round(written.ms), createdAt: written.manifest.createdAt };
        this.log(`state snapshot at log position ${written.manifest.position.seq} written in ${(written.ms / 1000).toFixed(1)} s`);
        return written;
      } finally {
        this.snapshotsUnderWay--;
      }
    });
    this.snapshotWrite = write;
    return write;
  }

  static async open(location: string, options: ServiceOptions = {}): Promise<ForyouService> {
    // The serving connection's page cache stays small: its pages are resident memory in every serving process
    // (it filled to its former 256 MB with ingest and snapshots at a million videos, the margin of the 4 GB budget),
    // while the operating system's file cache, outside the process, keeps the file's hot pages anyway. Bulk imports
    // (`foryou import`) keep the large cache that makes their appends fast.
    const store = openStore(location, { cacheMb: SERVING_CACHE_MB, serving: true });
    let workers: Promise<FeedWorkerPool> | undefined;
    try {
      const algorithm = await activeAlgorithm(store);
      await auditAlgorithmVersions(store, new AuditLog(store));
      const count = options.feedWorkers ?? 0;
      const cursorKey = await feedCursorKey(store);
      // The workers rebuild their replicas while this thread rebuilds its own.
      workers = count > 0 ? FeedWorkerPool.start(location, algorithm.config, count, cursorKey) : undefined;
      workers?.catch(() => undefined);
      const progress = options.onProgress ?? (() => undefined);
      const restored = await restoreState(store, location, algorithm.config, {
        tidy: compactHeap,
        progress,
        ...(options.log ? { log: options.log } : {}),
      });
      const state = restored?.state ?? (await rebuildThroughScan(location, store, algorithm, progress));
      compactHeap();
      const mediaDir = options.mediaDir === undefined ? defaultMediaDir(location) : options.mediaDir;
      const media = mediaDir === null || mediaDir === undefined ? undefined : new MediaStore(mediaDir);
      await media?.sweepOrphanUploads(async (id) => (await store.getVideo(id)) !== undefined);
      return new ForyouService(store, state, algorithm, await workers, media, location, options, cursorKey, restored?.manifest.position);
    } catch (error) {
      await workers?.then((pool) => pool.close()).catch(() => undefined);
      await store.close();
      throw error;
    }
  }

  /** The user's next feed page, as the JSON text of the response. */
  async feedPage(userId: string, query: FeedQuery, now = Date.now()): Promise<string> {
    return this.callFeed(userId, 'page', [query, now], now);
  }

  /**
   * Runs a FeedService method for a user (created if new) on the thread that owns the user — a feed worker or
   * this one — stores and replicates what it served, and returns its result as JSON text.
   */
  async callFeed<M extends FeedMethod>(userId: string, method: M, args: FeedArgs<M>, now = Date.now()): Promise<string> {
    // A request racing an erasure of its user must not bring them back (an implicit user, served rows): after each
    // wait, a marked ticket ends it with a 410 before anything is stored.
    const ticket = this.erasures.watch(userId);
    try {
      const worker = this.workers?.ownerOf(userId);
      if (worker === undefined) {
        // Beside feed workers, this thread's pages take a turn each, so relaying the workers' requests goes on between.
        if (this.workers) await this.ownPages.next();
        refuseIfErased(ticket);
        const user = await this.userForFeed(userId, now);
        refuseIfErased(ticket);
        // From here the page is made and its served items queued in one turn: an erasure starting later deletes them.
        const run = this.feed[method] as (...args: unknown[]) => unknown;
        return JSON.stringify(await run.call(this.feed, user, ...args));
      }
      // Created (and replicated) here before the call: the worker's replica then has the user.
      await this.userForFeed(userId, now);
      this.workerCalls[worker] = (this.workerCalls[worker] ?? 0) + 1;
      try {
        const { json, served } = await this.workers!.call(worker, userId, method, args);
        refuseIfErased(ticket);
        if (served.length > 0) await this.store.recordServed(served);
        return json;
      } finally {
        this.workerCalls[worker]!--;
      }
    } finally {
      ticket.release();
    }
  }

  /**
   * Resolves once everything stored so far is applied to this thread's state and every feed worker's replica:
   * acknowledged events reach the learners behind their acknowledgement (event-ingest.ts).
   */
  async caughtUp(): Promise<void> {
    await this.applier.idle();
    await this.workers?.caughtUp();
  }

  /** Publishes a new algorithm version and makes it active. */
  async changeAlgorithm(change: AlgorithmChange): Promise<AlgorithmVersion> {
    this.algorithm = await publishAlgorithmVersion(this.store, this.algorithm, change);
    // One audit pass at a time: two concurrent publishes must not both audit the same version.
    const audited = this.algorithmAudit.then(() => auditAlgorithmVersions(this.store, this.audit));
    this.algorithmAudit = audited.catch(() => 0);
    await audited;
    this.workers?.setAlgorithm(this.algorithm.config);
    return this.algorithm;
  }

  /** Stores a video (durably) and makes it servable. */
  async putVideo(video: Video): Promise<void> {
    const rev = await this.store.putVideos([video]);
    this.state.putVideo(video, rev);
  }

  async putUser(user: User): Promise<UserState> {
    const rev = await this.store.putUsers([user]);
    return this.state.putUser(user, rev);
  }

  /** The user's state; a user never seen before is created (and stored) with default settings. */
  async userForFeed(id: string, now = Date.now()): Promise<UserState> {
    return this.state.users.get(id) ?? (await this.putUser(implicitUser(id, now)));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.retrainer?.close();
    await this.applier.idle();
    // The next start restores it and replays nothing.
    await this.snapshotState().catch((error: Error) => this.log(`state snapshot at close failed: ${error.message}`));
    await this.workers?.close();
    await this.store.close();
    this.loopDelay.stop();
  }
}

/**
 * Rebuilds the state through a second connection with a small page cache: the scan reads the whole file once, and
 * pages it pulled into the serving connection's large cache (sized for appends) would stay resident — ~250 MB at
 * 10M events. An in-memory database has no second connection to open.
 */
async function rebuildThroughScan(
  location: string,
  store: Store,
  algorithm: AlgorithmVersion,
  onProgress: (progress: StartProgress) => void,
): Promise<OnlineState> {
  const total = (await store.eventLogExtent()).events;
  const options = { tidy: compactHeap, progress: (done: number) => onProgress({ phase: 'rebuilding', done, total }) };
  if (location === ':memory:') return OnlineState.rebuild(store, algorithm.config, options);
  const scan = openStore(location, { cacheMb: 8 });
  try {
    return await OnlineState.rebuild(scan, algorithm.config, options);
  } finally {
    await scan.close();
  }
}
