/**
 * Applies the store's log to the online state in order, a slice at a time (sliced-applier.ts): feeds and other
 * requests are answered between slices, while the log is still applied exactly in position order (the store hands
 * entries over as it gives them positions: store.ts `subscribeLog`).
 */
import type { LogEntry } from '../store/store.js';
import { SlicedApplier } from './sliced-applier.js';

interface Waiter {
  seq: number;
  resolve: () => void;
}

export class LogApplier extends SlicedApplier<LogEntry> {
  private waiters: Waiter[] = [];
  /** The position of the last entry applied. */
  private appliedSeq = 0;

  /** Resolves once every entry up to position `seq` that was pushed has been applied. */
  whenApplied(seq: number): Promise<void> {
    if (this.pending === 0 || seq <= this.appliedSeq) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  protected override applied(last: LogEntry): void {
    this.appliedSeq = 'event' in last ? last.event.seq : last.served.seq;
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
