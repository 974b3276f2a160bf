/**
 * The log applier applies entries in position order, a slice at a time: timers and I/O get turns between slices, and
 * a waiter is released once its position is applied.
 */
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/store/store.js';
import { LogApplier } from '../../src/service/log-applier.js';

const event = (seq: number): LogEntry => ({
  event: { seq, id: `e${seq}`, user: 'u', video: 'v', creator: null, type: 'play', ts: seq, watchMs: 1 },
});

describe('LogApplier', () => {
  it('applies in order, a few milliseconds per turn, and releases waiters at their position', async () => {
    const applied: number[] = [];
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    const applier = new LogApplier(
      (entry) => {
        busy(1);
        applied.push('event' in entry ? entry.event.seq : entry.served.seq);
      },
      (error) => {
        throw error;
      },
    );
    applier.push(Array.from({ length: 60 }, (_, i) => event(i + 1)));
    expect(applied).toEqual([]); // nothing in the pushing turn
    const turns: number[] = [];
    const timer = setInterval(() => turns.push(applied.length), 0);
    await applier.whenApplied(30);
    expect(applied.length).toBeGreaterThanOrEqual(30);
    await applier.idle();
    clearInterval(timer);
    expect(applied).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    // Timers ran between slices: the loop was never held for the whole log (60 ms of work).
    expect(turns.some((count) => count > 0 && count < 60)).toBe(true);
    expect(applier.pending).toBe(0);
    await applier.whenApplied(1000); // nothing pending: at once
  });
});
