import { describe, expect, it } from 'vitest';
import {
  averagePrecisionAtK,
  coverage,
  MetricAccumulator,
  ndcgAtK,
  precisionAtK,
  recallAtK,
  relevantOf,
} from '../../src/eval/metrics.js';

// Hand-computed example: ranked 1..5, relevant {2, 5, 9} (9 is never ranked), k = 5.
// Hits at ranks 2 and 5.
const ranked = [1, 2, 3, 4, 5];
const relevant = relevantOf([2, 5, 9]);

describe('metrics at k', () => {
  it('precision = hits / k, even when the list is shorter than k', () => {
    expect(precisionAtK(ranked, relevant, 5)).toBeCloseTo(2 / 5, 12);
    expect(precisionAtK(ranked, relevant, 2)).toBeCloseTo(1 / 2, 12);
    expect(precisionAtK([2], relevant, 10)).toBeCloseTo(1 / 10, 12);
  });

  it('recall = hits / |relevant|, counting relevant items that can never be ranked', () => {
    expect(recallAtK(ranked, relevant, 5)).toBeCloseTo(2 / 3, 12);
    expect(recallAtK(ranked, relevantOf([2], 4), 5)).toBeCloseTo(1 / 4, 12);
  });

  it('nDCG with binary gains and the ideal DCG over min(|relevant|, k) items', () => {
    const dcg = 1 / Math.log2(3) + 1 / Math.log2(6);
    const idcg = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(ndcgAtK(ranked, relevant, 5)).toBeCloseTo(dcg / idcg, 12);
    expect(ndcgAtK(ranked, relevant, 5)).toBeCloseTo(0.477623, 5);
    // k = 2: one hit at rank 2; ideal = two hits.
    expect(ndcgAtK(ranked, relevant, 2)).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 12);
    // A perfect list scores 1.
    expect(ndcgAtK([2, 5, 9], relevant, 3)).toBeCloseTo(1, 12);
    expect(ndcgAtK([2, 5], relevantOf([2, 5, 7, 8]), 2)).toBeCloseTo(1, 12);
  });

  it('MAP@k: Σ precision at each hit / min(|relevant|, k)', () => {
    expect(averagePrecisionAtK(ranked, relevant, 5)).toBeCloseTo((1 / 2 + 2 / 5) / 3, 12);
    expect(averagePrecisionAtK(ranked, relevant, 2)).toBeCloseTo(1 / 2 / 2, 12);
    expect(averagePrecisionAtK([2, 5], relevantOf([2, 5, 7, 8]), 2)).toBeCloseTo(1, 12);
  });

  it('gives 0 for no hits and for an empty relevant set', () => {
    const none = relevantOf([]);
    expect(ndcgAtK(ranked, none, 5)).toBe(0);
    expect(recallAtK(ranked, none, 5)).toBe(0);
    expect(averagePrecisionAtK(ranked, none, 5)).toBe(0);
    expect(precisionAtK([7, 8], relevant, 2)).toBe(0);
  });

  it('coverage = distinct recommended items / catalogue size', () => {
    expect(coverage([1, 2, 2, 3, 1], 10)).toBeCloseTo(0.3, 12);
    expect(coverage([], 0)).toBe(0);
  });

  it('averages over users', () => {
    const acc = new MetricAccumulator();
    acc.add([1, 2], relevantOf([1]), 2); // P 1/2, R 1, nDCG 1, AP 1
    acc.add([3, 4], relevantOf([1]), 2); // all 0
    expect(acc.users).toBe(2);
    expect(acc.means()).toEqual({ precision: 0.25, recall: 0.5, ndcg: 0.5, map: 0.5 });
  });
});
