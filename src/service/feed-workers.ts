/**
 * Feed serving on every core. Node runs JavaScript on one thread, so users are split (by a hash of the user id)
 * between the main thread and N worker threads, each thread holding a full replica of the OnlineState. The main
 * thread also does HTTP, validation and every store write, so it owns a smaller share of the users. A replica costs
 * as much memory as the main thread's state, so on two cores one worker beside the main thread uses both cores with
 * two replicas, not three.
 *
 * - Start: every worker opens the store and rebuilds its replica itself, in parallel with the main thread.
 * - Replication: the main thread's OnlineState reports each putVideo / putUser / applyEvent / applyServed /
 *   eraseUser / resetProfile it applies (`onChange`), and this pool forwards them, batched per turn of the event
 *   loop, to every worker in the same order. OnlineState changes only through those calls, so the replicas stay
 *   identical to the main thread's and to one rebuilt from the store. An event is applied (and so forwarded) only
 *   after it is stored durably, so an acknowledgement still means "stored".
 * - Routing: every feed call of a user goes to the thread that owns the user, which therefore serves the user's
 *   pages in order against their own seen set. A worker handles messages in the order posted, and pending changes
 *   are always posted before a call, so an acknowledged event is visible to the user's next feed
 *   (read-your-writes) after one hop between threads.
 * - Calls name a FeedService method (`page`, or any method taking the user first); the worker answers with the
 *   result as JSON text (serialised off the main thread) and the items it served, which the main thread stores
 *   and replicates (applyServed) before answering the client.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AlgorithmConfig } from '../core/algorithm.js';
import { InputError, NotFoundError } from '../core/errors.js';
import type { AcknowledgedEvent } from '../features/acknowledged-events.js';
import type { StateChange } from '../features/online-state.js';
import type { UserState } from '../features/user-state.js';
import type { FeedService } from '../pipeline/feed-service.js';
import type { ServedItem } from '../store/store.js';
import type { WrittenSnapshot } from '../snapshot/state-snapshot.js';

/** FeedService methods that take the user's state first: what a feed worker can run for a user. */
export type FeedMethod = {
  [K in keyof FeedService]: FeedService[K] extends (user: UserState, ...args: never[]) => unknown ? K : never;
}[keyof FeedService];
export type FeedArgs<M extends FeedMethod> = FeedService[M] extends (user: UserState, ...args: infer A) => unknown ? A : never;

/** Main thread → worker. */
export type ToWorker =
  | { kind: 'changes'; changes: StateChange[] }
  | { kind: 'acknowledged'; events: readonly AcknowledgedEvent[] }
  | { kind: 'sync'; id: number }
  | { kind: 'call'; id: number; user: string; method: FeedMethod; args: unknown[] }
  | { kind: 'algorithm'; config: AlgorithmConfig }
  | { kind: 'snapshot'; id: number; dir: string; keep: number };

/** A refusal thrown in a worker, rebuilt as the same error class on the main thread. */
export interface WorkerError {
  name: string;
  message: string;
  statusCode?: number;
  problems?: InputError['problems'];
}

/** Worker → main thread. */
export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'failed'; error: WorkerError }
  | { kind: 'result'; id: number; json: string; served: ServedItem[] }
  | { kind: 'snapshotted'; id: number; written: WrittenSnapshot }
  | { kind: 'synced'; id: number }
  | { kind: 'error'; id: number; error: WorkerError };

export interface WorkerData {
  location: string;
  algorithm: AlgorithmConfig;
  /** The store's cursor key (feed-cursor-key.ts), as hex. */
  cursorKey: string;
}

export interface FeedCallResult {
  /** The method's result as JSON text. */
  json: string;
  /** What the call served: to be stored and replicated by the caller. */
  served: ServedItem[];
}

/** One thread per core: the main thread plus a worker for each further core. */
export function defaultFeedWorkers(): number {
  return availableParallelism() - 1;
}

interface PendingCall {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

export class FeedWorkerPool {
  private pending: StateChange[] = [];
  private flushQueued = false;
  private readonly calls = new Map<number, PendingCall>();
  private nextId = 0;
  private closed = false;
  /** Set once a worker has died: its replica is gone, so every later call fails instead of waiting forever. */
  private broken: Error | undefined;
  /** The worker writing a state snapshot, if one is: its users are served by the main thread meanwhile. */
  private snapshotting: number | undefined;
  /** Calls under way per user: a user keeps their worker until their calls there have answered. */
  private readonly callsOfUser = new Map<string, number>();

  private constructor(private readonly workers: Worker[]) {
    for (const worker of workers) {
      worker.on('message', (message: FromWorker) => this.settle(message));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`feed worker exited with ${code}`));
      });
    }
  }

  /** Starts `count` workers, each rebuilding its replica from the store at `location`; resolves once all are ready. */
  static async start(location: string, algorithm: AlgorithmConfig, count: number, cursorKey: Buffer): Promise<FeedWorkerPool> {
    const workerData: WorkerData = { location, algorithm, cursorKey: cursorKey.toString('hex') };
    const workers = Array.from({ length: count }, () => new Worker(workerScript(), { workerData }));
    try {
      await Promise.all(workers.map(untilReady));
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw error;
    }
    return new FeedWorkerPool(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Queues a change for every replica; sent at the end of this turn, or before the next call, whichever is first. */
  record(change: StateChange): void {
    this.pending.push(change);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  /**
   * Events just acknowledged, before the changes of their application: each replica lays them over their users'
   * state until it applies them (acknowledged-events.ts).
   */
  acknowledge(events: readonly AcknowledgedEvent[]): void {
    if (events.length > 0) this.broadcast({ kind: 'acknowledged', events });
  }

  /** Resolves once every worker has applied every change recorded so far. */
  async caughtUp(): Promise<void> {
    await Promise.all(this.workers.map((worker) => this.request<void>(worker, (id) => ({ kind: 'sync', id }))));
  }

  /**
   * The worker that serves the user now, or undefined when the main thread does: the user's own worker, except while
   * it writes a snapshot (the main thread holds a full replica too), unless the user has a call there still running —
   * their pages are made one after the other, against the seen set the previous one left.
   */
  ownerOf(user: string): number | undefined {
    const owner = feedThreadOf(user, this.workers.length);
    if (owner !== undefined && owner === this.snapshotting && !this.callsOfUser.has(user)) return undefined;
    return owner;
  }

  /** Runs a FeedService method for `user` in `worker`, which must be the user's owner. */
  async call<M extends FeedMethod>(worker: number, user: string, method: M, args: FeedArgs<M>): Promise<FeedCallResult> {
    this.callsOfUser.set(user, (this.callsOfUser.get(user) ?? 0) + 1);
    try {
      return await this.request<FeedCallResult>(this.workers[worker]!, (id) => ({ kind: 'call', id, user, method, args: args as unknown[] }));
    } finally {
      const left = this.callsOfUser.get(user)! - 1;
      if (left === 0) this.callsOfUser.delete(user);
      else this.callsOfUser.set(user, left);
    }
  }

  /**
   * Has the first worker write a snapshot of its replica — a consistent cut of every change sent before it — while
   * the main thread serves that worker's users. Keeps `keep` older snapshots (state-snapshot.ts).
   */
  async snapshot(dir: string, keep: number, beforeCut: () => Promise<void>): Promise<WrittenSnapshot> {
    if (this.snapshotting !== undefined) throw new Error('a snapshot is already being written');
    this.snapshotting = 0;
    try {
      // New calls go to the main thread from now; `beforeCut` waits for those under way to be answered and logged.
      await beforeCut();
      return await this.request<WrittenSnapshot>(this.workers[0]!, (id) => ({ kind: 'snapshot', id, dir, keep }));
    } finally {
      this.snapshotting = undefined;
    }
  }

  /** Every replica switches to the new algorithm config. */
  setAlgorithm(config: AlgorithmConfig): void {
    this.broadcast({ kind: 'algorithm', config });
  }

  async close(): Promise<void> {
    this.flush();
    this.closed = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    this.failAll(new Error('feed workers closed'));
  }

  private broadcast(message: ToWorker): void {
    this.flush();
    for (const worker of this.workers) worker.postMessage(message);
  }

  private request<T>(worker: Worker, message: (id: number) => ToWorker): Promise<T> {
    if (this.closed) return Promise.reject(new Error('feed workers closed'));
    if (this.broken) return Promise.reject(this.broken);
    // Changes first: the call must see every event acknowledged before it.
    this.flush();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.calls.set(id, { resolve: resolve as (value: never) => void, reject });
      worker.postMessage(message(id));
    });
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.pending.length === 0) return;
    const changes = this.pending;
    this.pending = [];
    const message: ToWorker = { kind: 'changes', changes };
    for (const worker of this.workers) worker.postMessage(message);
  }

  private settle(message: FromWorker): void {
    if (message.kind === 'ready' || message.kind === 'failed') return;
    const call = this.calls.get(message.id);
    if (!call) return;
    this.calls.delete(message.id);
    if (message.kind === 'error') call.reject(rebuildError(message.error));
    else if (message.kind === 'snapshotted') call.resolve(message.written as never);
    else if (message.kind === 'synced') call.resolve(undefined as never);
    else call.resolve({ json: message.json, served: message.served } as never);
  }

  private fail(error: Error): void {
    this.broken ??= error;
    this.failAll(error);
  }

  private failAll(error: Error): void {
    for (const call of this.calls.values()) call.reject(error);
    this.calls.clear();
  }
}

const MAIN_SHARES = 4;
const WORKER_SHARES = 5;

/**
 * Which thread owns the user's feed with `workers` feed workers: a worker's index, or undefined for the main
 * thread. The main thread also does every request's HTTP work (about 0.2 ms a feed), so it takes four shares where
 * each worker takes five: four ninths of the users with one worker. Measured under load at a million videos (a page
 * ~1.9 ms), two fifths left the main thread 76 % busy while the worker was 88 %; at 100k videos a third left the main
 * thread a quarter idle. FNV-1a over the id's UTF-16 units: cheap, and spreads similar ids.
 */
export function feedThreadOf(user: string, workers: number): number | undefined {
  if (workers === 0) return undefined;
  let hash = 0x811c9dc5;
  for (let i = 0; i < user.length; i++) hash = Math.imul(hash ^ user.charCodeAt(i), 0x01000193);
  const share = (hash >>> 0) % (WORKER_SHARES * workers + MAIN_SHARES);
  return share < WORKER_SHARES * workers ? Math.floor(share / WORKER_SHARES) : undefined;
}
export function describeError(error: unknown): WorkerError {
  if (error instanceof InputError) {
    return { name: error.name, message: error.message, statusCode: error.statusCode, problems: error.problems };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

function rebuildError(error: WorkerError): Error {
  if (error.name === 'InputError') return new InputError(error.message, error.problems ?? [], error.statusCode ?? 400);
  if (error.name === 'NotFoundError') return new NotFoundError(error.message);
  return new Error(`feed worker: ${error.message}`);
}

function untilReady(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromWorker) => {
      if (message.kind === 'ready') {
        worker.off('message', onMessage);
        resolve();
      } else if (message.kind === 'failed') {
        reject(new Error(`feed worker failed to start: ${message.error.message}`));
      }
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`feed worker exited with ${code} while starting`)));
  });
}

/**
 * The compiled worker next to this module; when this module runs from source (tests), the build's copy, since a
 * worker thread cannot load TypeScript.
 */
function workerScript(): URL {
  const sibling = new URL('./feed-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  return new URL('../../dist/service/feed-worker.js', import.meta.url);
}
