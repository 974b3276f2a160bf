/**
 * Applies queued items in order, a slice of a few milliseconds per turn of the event loop, so that requests are
 * answered between slices. A batch of events applied in one go held the loop for its whole cost (~55 ms per 1,000
 * events at 100k videos), and four batches arriving together were applied back to back: feeds waited 400 ms and
 * more behind them. The main thread applies the store's log with it (log-applier.ts), each feed worker the main
 * thread's changes (feed-worker.ts).
 */

/** The most one turn spends applying, before requests waiting on the loop get theirs. */
export const SLICE_MS = 4;
/** Items applied between two readings of the clock. */
const CLOCK_EVERY = 8;

export class SlicedApplier<T> {
  private queue: T[] = [];
  private next = 0;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];

  /** `onError`: told of an item that failed to apply, and the next are applied; without it, the failure is thrown. */
  constructor(
    private readonly apply: (item: T) => void,
    private readonly onError?: (error: Error) => void,
  ) {}

  /** Queues items to be applied in later turns, and applies now what was queued before them and their first `now`. */
  push(items: readonly T[], now = 0): void {
    for (const item of items) this.queue.push(item);
    if (now > 0) this.applyUntil(this.queue.length - items.length + now);
    this.schedule();
  }

  /** Applies what is queued for up to `ms` now (feed workers before a call: one that keeps up then has everything). */
  applyFor(ms: number): void {
    this.applyUntil(this.queue.length, performance.now() + ms);
  }

  /** Applies everything queued, now. */
  drain(): void {
    this.applyUntil(this.queue.length);
  }

  /** Items queued and not yet applied. */
  get pending(): number {
    return this.queue.length - this.next;
  }

  /** Resolves once everything queued so far has been applied. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Told after each run of applying (log-applier.ts releases the waiters of the positions reached). */
  protected applied(_last: T): void {}

  private applyUntil(end: number, deadline = Number.POSITIVE_INFINITY): void {
    let count = 0;
    let last: T | undefined;
    while (this.next < end) {
      last = this.queue[this.next++]!;
      try {
        this.apply(last);
      } catch (error) {
        if (!this.onError) throw error;
        this.onError(error as Error);
      }
      if (++count % CLOCK_EVERY === 0 && performance.now() >= deadline) break;
    }
    if (this.next === this.queue.length) {
      this.queue = [];
      this.next = 0;
    } else if (this.next > 4096) {
      this.queue = this.queue.slice(this.next);
      this.next = 0;
    }
    if (last !== undefined) this.applied(last);
    if (this.pending === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private schedule(): void {
    if (this.scheduled || this.pending === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.applyFor(SLICE_MS);
      this.schedule();
    });
  }
}
