/** The per-video buckets on their own, on a clock the test moves: all or nothing, per kind, refilled over a minute. */
import { describe, expect, it } from 'vitest';
import { VideoSignalBudget } from '../../src/api/video-signal-budget.js';

function batch(...events: Array<[type: string, video: string]>) {
  return { events: events.map(([type, video], i) => ({ id: `e${i}`, user: 'u', type, video })) };
}

function status(run: () => void): number {
  try {
    run();
    return 200;
  } catch (error) {
    return (error as { statusCode: number }).statusCode;
  }
}

describe('VideoSignalBudget', () => {
  it('takes a batch whole or not at all, per video and kind, and refills over a minute', () => {
    let now = 0;
    const budget = new VideoSignalBudget({ states: 4, views: 10 }, () => now);
    expect(status(() => budget.take(batch(['like', 'v1'], ['share', 'v1'], ['report', 'v1'])))).toBe(200);
    // Two more states of v1 do not fit; the view of v2 in the same batch is not taken either.
    expect(status(() => budget.take(batch(['play', 'v2'], ['like', 'v1'], ['comment', 'v1'])))).toBe(429);
    expect(status(() => budget.take(batch(...Array.from({ length: 10 }, () => ['play', 'v2'] as [string, string]))))).toBe(200);
    // Views are their own bucket; follows name no video and are not counted here.
    expect(status(() => budget.take(batch(['like', 'v1'], ['follow', 'c1'])))).toBe(200);
    expect(status(() => budget.take(batch(['like', 'v1'])))).toBe(429);
    now += 15_000; // a quarter of a minute: one state back
    expect(status(() => budget.take(batch(['like', 'v1'])))).toBe(200);
    expect(status(() => budget.take(batch(['like', 'v1'])))).toBe(429);
    // More than a minute's worth in one batch never fits.
    now += 120_000;
    expect(status(() => budget.take(batch(...Array.from({ length: 5 }, () => ['like', 'v3'] as [string, string]))))).toBe(429);
  });
});
