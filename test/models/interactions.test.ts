import { describe, expect, it } from 'vitest';
import { buildInteractions, itemCounts, userRow } from '../../src/models/interactions.js';
import { topK } from '../../src/models/top-k.js';

describe('interaction matrix', () => {
  it('sorts rows, merges repeated pairs keeping the strongest, and builds the item transpose', () => {
    const data = buildInteractions(3, 4, [2, 0, 0, 2, 0], [1, 3, 1, 1, 3], [1, 1, 1, 5, 2]);
    expect(Array.from(data.userPtr)).toEqual([0, 2, 2, 3]);
    expect(Array.from(userRow(data, 0))).toEqual([1, 3]);
    expect(Array.from(data.userWeights)).toEqual([1, 2, 5]);
    expect(Array.from(itemCounts(data))).toEqual([0, 2, 0, 1]);
    expect(Array.from(data.itemUsers.subarray(data.itemPtr[1], data.itemPtr[2]))).toEqual([0, 2]);
    expect(Array.from(data.itemWeights.subarray(data.itemPtr[1], data.itemPtr[2]))).toEqual([1, 5]);
  });

  it('refuses out-of-range indices', () => {
    expect(() => buildInteractions(1, 1, [0], [1])).toThrow(/out of range/);
  });
});

describe('top-k selection', () => {
  it('returns the k best, best first, skipping excluded items, ties to the lower index', () => {
    const scores = Float32Array.from([0.5, 0.9, 0.1, 0.9, 0.7, Number.NaN]);
    const items = new Int32Array(3);
    const values = new Float64Array(3);
    expect(topK(scores, 3, undefined, items, values)).toBe(3);
    expect(Array.from(items)).toEqual([1, 3, 4]);
    expect(topK(scores, 3, [1, 4], items, values)).toBe(3);
    expect(Array.from(items)).toEqual([3, 0, 2]);
    expect(topK(scores, 3, [0, 1, 2, 3, 4], items, values)).toBe(0);
  });

  it('agrees with a full sort on random scores', () => {
    const n = 500;
    const scores = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const exclude = Int32Array.from([3, 10, 77, 400]);
    const items = new Int32Array(20);
    const values = new Float64Array(20);
    topK(scores, 20, exclude, items, values);
    const expected = Array.from({ length: n }, (_, i) => i)
      .filter((i) => !exclude.includes(i))
      .sort((a, b) => scores[b]! - scores[a]! || a - b)
      .slice(0, 20);
    expect(Array.from(items)).toEqual(expected);
  });
});
