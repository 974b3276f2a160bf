/**
 * A feed worker's queue of the main thread's changes (feed-worker.ts), applied in order a few milliseconds at a
 * time. Applied as they arrived, a burst's events held the worker's feed calls behind every change message queued
 * before them — once the worker fell behind the main thread, seconds of them. Now a call runs between slices: the
 * user's own acknowledged events are laid over their state (acknowledged-events.ts), and every other kind of change
 * (videos, users, models, resets, erasures), which a page must see, is applied at once with everything before it.
 */
import type { StateChange } from '../features/online-state.js';

/** The most one turn spends applying changes, before waiting calls get theirs. */
const SLICE_MS = 4;
/** Changes applied between two readings of the clock. */
const CLOCK_EVERY = 8;

export class ChangeQueue {
  private queue: StateChange[] = [];
  private next = 0;
  private scheduled = false;
  private waiters: Array<() => void> = [];

  constructor(private readonly apply: (change: StateChange) => void) {}

  /** Takes a message's changes; those up to its last change that is not an event or a served item are applied now. */
  push(changes: readonly StateChange[]): void {
    let barrier = -1;
    for (let i = 0; i < changes.length; i++) {
      const op = changes[i]!.op;
      this.queue.push(changes[i]!);
      if (op !== 'applyEvent' && op !== 'applyServed') barrier = this.queue.length;
    }
    if (barrier >= 0) this.applyUntil(barrier);
    this.schedule();
  }

  /**
   * Before a feed call: applies what is queued for up to one slice, so that when the worker keeps up (the call
   * arrived in the same turn as the changes before it) the call sees every one of them, and during a burst it waits
   * one slice at most.
   */
  catchUpBriefly(): void {
    this.applyUntil(this.queue.length, performance.now() + SLICE_MS);
  }

  /** Applies everything queued, now. */
  drain(): void {
    this.applyUntil(this.queue.length);
  }

  /** Resolves once everything queued so far is applied. */
  idle(): Promise<void> {
    if (this.next === this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private applyUntil(end: number, deadline = Number.POSITIVE_INFINITY): void {
    let applied = 0;
    while (this.next < end) {
      this.apply(this.queue[this.next++]!);
      if (++applied % CLOCK_EVERY === 0 && performance.now() >= deadline) break;
    }
    if (this.next === this.queue.length) {
      this.queue = [];
      this.next = 0;
      const waiters = this.waiters;
      this.waiters = [];
      for (const resolve of waiters) resolve();
    } else if (this.next > 4096) {
      this.queue = this.queue.slice(this.next);
      this.next = 0;
    }
  }

  private schedule(): void {
    if (this.scheduled || this.next === this.queue.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.applyUntil(this.queue.length, performance.now() + SLICE_MS);
      this.schedule();
    });
  }
}
