import { describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import { VideoEngagement } from '../../src/features/video-engagement.js';

const HOUR = 3_600_000;
const T0 = 1_790_000_000_000;

function engagement(halfLifeMs = 24 * HOUR) {
  const e = new VideoEngagement(halfLifeMs, DEFAULT_ALGORITHM.trendingWeights);
  e.ensure(4);
  return e;
}

describe('VideoEngagement trending', () => {
  it('decays engagement by half every half-life', () => {
    const e = engagement();
    e.apply(0, 'like', T0, NaN); // weight 2
    expect(e.trendingValue(0, T0)).toBeCloseTo(2, 9);
    expect(e.trendingValue(0, T0 + 24 * HOUR)).toBeCloseTo(1, 9);
    expect(e.trendingValue(0, T0 + 48 * HOUR)).toBeCloseTo(0.5, 9);
  });

  it('adds events in any order to the same total', () => {
    const a = engagement();
    const b = engagement();
    const events: Array<[number, number]> = [
      [T0, 2],
      [T0 - 5 * HOUR, 0.5],
      [T0 + 3 * HOUR, 1.5],
    ];
    for (const [ts, ratio] of events) a.apply(0, 'play', ts, ratio);
    for (const [ts, ratio] of [...events].reverse()) b.apply(0, 'play', ts, ratio);
    const expected = events.reduce((sum, [ts, ratio]) => sum + Math.min(ratio, 2) * 0.5 ** ((T0 + 10 * HOUR - ts) / (24 * HOUR)), 0);
    expect(a.trendingValue(0, T0 + 10 * HOUR)).toBeCloseTo(expected, 9);
    expect(b.trendingValue(0, T0 + 10 * HOUR)).toBeCloseTo(expected, 9);
  });

  it('keeps the order of videos as time passes (the index never needs re-sorting for decay)', () => {
    const e = engagement();
    e.apply(0, 'like', T0, NaN);
    e.apply(1, 'share', T0 - 30 * HOUR, NaN); // 4 decayed by 30 h: ≈ 1.68
    expect(e.trendKey[0]!).toBeGreaterThan(e.trendKey[1]!);
    expect(e.trendingValue(0, T0 + 100 * HOUR)).toBeGreaterThan(e.trendingValue(1, T0 + 100 * HOUR));
  });

  it('subtracts negative feedback, never below zero', () => {
    const e = engagement();
    e.apply(0, 'share', T0, NaN); // +4
    e.apply(0, 'not_interested', T0, NaN); // −2
    expect(e.trendingValue(0, T0)).toBeCloseTo(2, 9);
    e.apply(0, 'report', T0, NaN); // −4
    expect(e.trendingValue(0, T0)).toBe(0);
    expect(e.count(0, 'negatives')).toBe(2);
  });

  it('counts plays, finishes and watch ratio with loops capped', () => {
    const e = engagement();
    e.apply(2, 'play', T0, 0.95);
    e.apply(2, 'play', T0, 3.5);
    e.apply(2, 'play', T0, 0.2);
    expect(e.plays(2)).toBe(3);
    expect(e.finishes(2)).toBe(2);
    expect(e.count(2, 'watchRatioSum')).toBeCloseTo(0.95 + 2 + 0.2, 9);
  });

  it('keeps every counter of every video apart, across growth of the store', () => {
    const e = engagement();
    e.ensure(3);
    const types = ['impression', 'play', 'like', 'share', 'comment', 'follow', 'skip', 'not_interested'] as const;
    types.forEach((type, i) => {
      for (let n = 0; n <= i; n++) e.apply(1, type, T0, type === 'play' ? 1 : NaN);
    });
    e.apply(0, 'like', T0, NaN);
    e.ensure(50_000); // grows the rows: what was counted stays
    e.apply(49_999, 'skip', T0, NaN);
    expect([...(['impressions', 'plays', 'likes', 'shares', 'comments', 'follows', 'skips', 'negatives'] as const)].map((c) => e.count(1, c))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    expect(e.finishes(1)).toBe(2);
    expect(e.count(1, 'watchRatioSum')).toBe(2);
    expect(e.count(0, 'likes')).toBe(1);
    expect(e.plays(0) + e.skips(0)).toBe(0);
    expect(e.skips(49_999)).toBe(1);
    expect(e.count(49_998, 'skips')).toBe(0);
  });
});
