/**
 * The sliced applier (a feed worker's queue of changes): items are applied in order a slice at a time, so calls run
 * between slices; those pushed to be applied now (a worker's non-event changes) go at once, with everything queued
 * before them.
 */
import { describe, expect, it } from 'vitest';
import type { StateChange } from '../../src/features/online-state.js';
import { SLICE_MS, SlicedApplier } from '../../src/service/sliced-applier.js';

const event = (seq: number): StateChange => ({
  op: 'applyEvent',
  event: { seq, id: `e${seq}`, user: 'u', video: 'v', creator: null, type: 'play', ts: seq, watchMs: 1 },
});
const user = (id: string): StateChange => ({ op: 'putUser', user: { id } as never });

describe('SlicedApplier', () => {
  it('applies events a slice per turn, other changes at once with all before them, and resolves idle when done', async () => {
    const applied: string[] = [];
    const queue = new SlicedApplier<StateChange>((change) => {
      const until = performance.now() + 1;
      while (performance.now() < until);
      applied.push(change.op === 'applyEvent' ? `e${change.event.seq}` : change.op);
    });
    queue.push(Array.from({ length: 40 }, (_, i) => event(i + 1)));
    expect(applied).toEqual([]); // nothing in the pushing turn
    const turns: number[] = [];
    const timer = setInterval(() => turns.push(applied.length), 0);
    await new Promise((resolve) => setTimeout(resolve, 8));
    expect(applied.length).toBeGreaterThan(0);
    expect(applied.length).toBeLessThan(40);
    // A user put: applied now, after every event queued before it; the events after it wait for their turns.
    queue.push([user('new'), event(41)], 1);
    expect(applied.slice(-2)).toEqual(['e40', 'putUser']);
    expect(applied).not.toContain('e41');
    await queue.idle();
    clearInterval(timer);
    expect(applied).toEqual([...Array.from({ length: 40 }, (_, i) => `e${i + 1}`), 'putUser', 'e41']);
    expect(turns.some((count) => count > 0 && count < 40)).toBe(true);
    queue.push([event(42)]);
    queue.drain();
    expect(applied[applied.length - 1]).toBe('e42');
    await queue.idle();
  });

  it('before a call, applies what is queued for one slice: a call that arrives with its changes sees them', () => {
    const applied: number[] = [];
    const queue = new SlicedApplier<StateChange>((change) => applied.push(change.op === 'applyEvent' ? change.event.seq! : -1));
    queue.push(Array.from({ length: 20 }, (_, i) => event(i + 1)));
    expect(applied).toEqual([]);
    queue.applyFor(SLICE_MS);
    expect(applied).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
