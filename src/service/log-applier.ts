/**
 * Applies the store's log to the online state in order, a slice of a few milliseconds per turn of the event loop.
 * A batch of events applied in one go held the loop for its whole cost (~55 ms per 1,000 events at 100k videos), and
 * four batches arriving together were applied back to back: feeds waited 400 ms and more behind them. Now feeds and
 * other requests are answered between slices, while the log is still applied exactly in position order (the store
 * hands entries over as it gives them positions: store.ts `subscribeLog`).
 */
import type { LogEntry } from '../store/store.js';

/** The most one turn spends applying, before requests waiting on the loop get theirs. */
const SLICE_MS = 4;
/** Entries applied between two readings of the clock. */
const CLOCK_EVERY = 8;

interface Waiter {
  seq: number;
  resolve: () => void;
}

export class LogApplier {
  private entries: LogEntry[] = [];
  private next = 0;
  private scheduled = false;
  private waiters: Waiter[] = [];
  /** The position of the last entry applied. */
  private appliedSeq = 0;

  constructor(
    private readonly apply: (entry: LogEntry) => void,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Takes entries in position order, to be applied in later turns. */
  push(entries: readonly LogEntry[]): void {
    for (const entry of entries) this.entries.push(entry);
    this.schedule();
  }

  /** Resolves once every entry up to position `seq` that was pushed has been applied. */
  whenApplied(seq: number): Promise<void> {
    if (this.pending === 0 || seq <= this.appliedSeq) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  /** Resolves once everything pushed so far has been applied. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    const last = this.entries[this.entries.length - 1]!;
    return this.whenApplied(positionOf(last));
  }

  /** Entries pushed and not yet applied. */
  get pending(): number {
    return this.entries.length - this.next;
  }

  private schedule(): void {
    if (this.scheduled || this.pending === 0) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    const deadline = performance.now() + SLICE_MS;
    let applied = 0;
    while (this.next < this.entries.length) {
      const entry = this.entries[this.next++]!;
      try {
        this.apply(entry);
      } catch (error) {
        this.onError(error as Error);
      }
      this.appliedSeq = positionOf(entry);
      if (++applied % CLOCK_EVERY === 0 && performance.now() >= deadline) break;
    }
    if (this.next === this.entries.length) {
      this.entries = [];
      this.next = 0;
    } else if (this.next > 4096) {
      this.entries = this.entries.slice(this.next);
      this.next = 0;
    }
    this.release();
    this.schedule();
  }

  private release(): void {
    if (this.waiters.length === 0) return;
    const everything = this.pending === 0;
    const kept: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (everything || waiter.seq <= this.appliedSeq) waiter.resolve();
      else kept.push(waiter);
    }
    this.waiters = kept;
  }
}

function positionOf(entry: LogEntry): number {
  return 'event' in entry ? entry.event.seq : entry.served.seq;
}
