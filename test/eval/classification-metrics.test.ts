import { describe, expect, it } from 'vitest';
import { areaUnderCurve, logLoss } from '../../src/eval/classification-metrics.js';

describe('areaUnderCurve', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 for all ties', () => {
    expect(areaUnderCurve([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(areaUnderCurve([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(areaUnderCurve([0.5, 0.5, 0.5], [0, 1, 0])).toBe(0.5);
  });
  it('counts ordered pairs (hand-computed: 3 of 4 positive-negative pairs right)', () => {
    // positives 0.7, 0.3; negatives 0.5, 0.1 → pairs (0.7>0.5 ✓, 0.7>0.1 ✓, 0.3>0.5 ✗, 0.3>0.1 ✓)
    expect(areaUnderCurve([0.7, 0.5, 0.3, 0.1], [1, 0, 1, 0])).toBe(0.75);
  });
  it('is NaN without both classes', () => {
    expect(areaUnderCurve([0.1, 0.2], [1, 1])).toBeNaN();
  });
});

describe('logLoss', () => {
  it('matches the hand-computed mean cross-entropy', () => {
    expect(logLoss([0.8, 0.4], [1, 0])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 12);
  });
});
