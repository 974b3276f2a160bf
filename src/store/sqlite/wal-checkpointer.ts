/**
 * Checkpoints a serving store's write-ahead log on a thread of its own. SQLite's automatic checkpoint runs inside
 * the commit that crosses its threshold: it copied 40 MB of pages into the file and fsynced it on the serving
 * thread, an event-loop pause of 100–150 ms during an ingest burst at 100k videos. With this thread copying pages
 * every second, the serving connection's own threshold is only a safety net for a checkpointer that fell behind.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** How often the log is copied into the file: a second's commits at most wait in it. */
const CHECKPOINT_EVERY_MS = 1_000;

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(path: string, everyMs = CHECKPOINT_EVERY_MS) {
    this.worker = new Worker(workerScript(), { workerData: { path, everyMs } });
    // Unreferenced: a store left open must not keep the process alive for its checkpoints.
    this.worker.unref();
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('error', () => undefined);
  }

  /** Stops the thread once its checkpoint under way, if any, is done. */
  async stop(): Promise<void> {
    // Referenced again: a process that only waits for this thread to end must not exit before it does.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }
}

/** The compiled worker next to this module; from source (tests), the build's copy, as feed-workers.ts does. */
function workerScript(): URL {
  const sibling = new URL('./wal-checkpoint-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  return new URL('../../../dist/store/sqlite/wal-checkpoint-worker.js', import.meta.url);
}
