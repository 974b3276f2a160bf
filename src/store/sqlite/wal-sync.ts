/**
 * Makes a serving store's commits durable off its thread. A commit with synchronous=FULL fsyncs the write-ahead log
 * on the committing thread: 7 ms of every ingest batch at 100k videos, during which no feed was answered. The
 * serving store commits events with synchronous=NORMAL (written to the log, not yet flushed) and acknowledges them
 * once this fsync of the log file — on libuv's thread pool — returns: the same guarantee (fsync flushes the file,
 * whichever descriptor asks), and batches committed while one fsync runs share the next.
 */
import { open, type FileHandle } from 'node:fs/promises';

export class WalSync {
  private file: Promise<FileHandle> | undefined;
  private inFlight: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  /** `path`: the database file; its log is `path-wal`. */
  constructor(private readonly path: string) {}

  /** Resolves once everything written to the log before the call is on disk. */
  sync(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.inFlight) return this.begin();
    // The fsync under way may have started before this commit was written: the next one covers it.
    const after = () => {
      this.queued = undefined;
      return this.begin();
    };
    this.queued = this.inFlight.then(after, after);
    return this.queued;
  }

  async close(): Promise<void> {
    await this.queued?.catch(() => undefined);
    await this.inFlight?.catch(() => undefined);
    const file = this.file;
    this.file = undefined;
    await (await file?.catch(() => undefined))?.close();
  }

  private begin(): Promise<void> {
    const run = this.flush();
    this.inFlight = run;
    const clear = () => {
      if (this.inFlight === run) this.inFlight = undefined;
    };
    run.then(clear, clear);
    return run;
  }

  private async flush(): Promise<void> {
    // Opened at the first commit (the log exists from then on, as long as the store's connection is open).
    this.file ??= open(`${this.path}-wal`, 'r');
    await (await this.file).datasync();
  }
}
