/**
 * Keeps the served batch model current: `foryou serve` refits it in the background — at start when the store has
 * events and no model, on a schedule, and as soon as enough new events arrived since the model's position — on a
 * worker thread with its own store connection, so serving never pauses for a fit. A finished fit is audited, then
 * every replica switches to it (a `batchModel` change through OnlineState, in log order); events after its position
 * keep being folded in online until the next one.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { latestBatchModel, type BatchModelRecord } from '../features/batch-model-loading.js';
import type { OnlineState } from '../features/online-state.js';
import { trainBatchModel, type BatchModelChoice, type BatchTrainingResult } from '../models/batch-training.js';
import type { Store } from '../store/store.js';
import type { AuditLog } from './audit-log.js';
import { auditBatchModel } from './batch-model-audit.js';
import type { TrainWorkerData } from './batch-train-worker.js';

export interface RetrainOptions {
  model: BatchModelChoice;
  /** Refit at least this often while new events arrive; 0: never on a schedule. */
  everyMs: number;
  /** Refit once this many events arrived after the model's position; 0: never for that reason. */
  afterEvents: number;
  /** The most engaged items a served model keeps (item-cap.ts). */
  maxItems: number;
}

export const DEFAULT_RETRAIN: RetrainOptions = { model: 'auto', everyMs: 6 * 3_600_000, afterEvents: 100_000, maxItems: 50_000 };

/** How often the retrainer asks whether a fit is due. */
const CHECK_EVERY_MS = 30_000;

const WORKER_URL = new URL('./batch-train-worker.js', import.meta.url);

export interface RetrainerHost {
  location: string;
  store: Store;
  state: OnlineState;
  audit: AuditLog;
  /**
   * Whether other memory-heavy background work (a ranker snapshot being written) is under way: a scheduled fit then
   * waits for the next check. At a million videos a fit's thread and a snapshot's buffers each take hundreds of MB;
   * one at a time keeps the process's peak within its memory budget.
   */
  heavyWorkRunning?: () => boolean;
}

export class BatchRetrainer {
  private running: Promise<BatchTrainingResult | undefined> | undefined;
  private readonly timer: NodeJS.Timeout;
  /** Set when the stored model is gone (an erasure deleted it): refit at the next check. */
  private forced = false;
  /** Counts erasures: a fit that read the log before one must not be kept (it holds the erased user). */
  private erasures = 0;
  /** The last fit's failure, for the operator (a fit of a store with no positive engagement is not one). */
  lastError: string | undefined;

  constructor(
    private readonly host: RetrainerHost,
    readonly options: RetrainOptions,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.timer = setInterval(() => void this.checkNow(), CHECK_EVERY_MS).unref();
  }

  /** Whether a fit is due now. */
  due(now = Date.now()): boolean {
    const { state } = this.host;
    const logged = state.learner?.lastSeq ?? 0;
    if (logged === 0) return false;
    if (this.forced) return true;
    const batch = state.batch;
    if (!batch) return true;
    const newEvents = logged - batch.info.seq;
    if (newEvents <= 0) return false;
    if (this.options.afterEvents > 0 && newEvents >= this.options.afterEvents) return true;
    return this.options.everyMs > 0 && now - batch.info.trainedAt >= this.options.everyMs;
  }

  /** Whether a fit is under way. */
  get fitting(): boolean {
    return this.running !== undefined;
  }

  /** Refits when due (one fit at a time, never beside other heavy background work); resolves once it is served. */
  async checkNow(): Promise<BatchTrainingResult | undefined> {
    if (this.running) return this.running;
    if (!this.due() || this.host.heavyWorkRunning?.()) return undefined;
    return this.trainNow();
  }

  /** Refits now, unless a fit is running (then waits for that one). */
  trainNow(): Promise<BatchTrainingResult | undefined> {
    if (this.running) return this.running;
    this.forced = false;
    this.running = this.fit().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** After an erasure deleted the stored models: refit without the user at the next check. */
  markStale(): void {
    this.forced = true;
    this.erasures += 1;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async fit(): Promise<BatchTrainingResult | undefined> {
    const started = Date.now();
    const erasures = this.erasures;
    try {
      const { result, record: fitted } = await this.fitOffThread();
      if (this.erasures !== erasures) {
        // A user was erased while this fit read their events: drop it, refit at the next check.
        await this.host.store.deleteModelSnapshots(result.model);
        this.forced = true;
        this.log(`dropped ${result.model} v${result.version}: a user was erased while it was fitted`);
        return undefined;
      }
      await auditBatchModel(this.host.audit, result, 'foryou serve (retrainer)');
      // The fitting thread read the model back (a serving thread paused 56 ms for that at 100k videos).
      const record = fitted ?? (await latestBatchModel(this.host.store));
      if (record) this.host.state.useBatchModel(record);
      this.lastError = undefined;
      this.log(`retrained ${result.model} v${result.version} on ${result.interactions} interactions in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return result;
    } catch (error) {
      this.lastError = (error as Error).message;
      if ((error as Error).name !== 'NothingToTrainError') this.log(`retraining failed: ${this.lastError}`);
      return undefined;
    }
  }

  private async fitOffThread(): Promise<{ result: BatchTrainingResult; record?: BatchModelRecord | undefined }> {
    const { location, store } = this.host;
    // From TypeScript sources (tests) there is no compiled worker script, and an in-memory store has no second
    // connection: fit on this thread then.
    if (location === ':memory:' || !existsSync(fileURLToPath(WORKER_URL))) {
      return { result: await trainBatchModel(store, this.options.model, { maxItems: this.options.maxItems }) };
    }
    const data: TrainWorkerData = { location, model: this.options.model, maxItems: this.options.maxItems };
    return new Promise((resolve, reject) => {
      const worker = new Worker(WORKER_URL, { workerData: data });
      type Answer = { ok: true; result: BatchTrainingResult; record?: BatchModelRecord } | { ok: false; name: string; message: string };
      worker.once('message', (message: Answer) => {
        if (message.ok) resolve({ result: message.result, record: message.record });
        else reject(Object.assign(new Error(message.message), { name: message.name }));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the training thread exited (code ${code}) without a result`)));
    });
  }
}
