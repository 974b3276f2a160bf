import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { compactHeap } from '../../src/service/compact-heap.js';

describe('compactHeap', () => {
  it('gives back the pages a churn left fragmented', () => {
    // Many small objects, every other one then dropped: pages left half full, which V8's own heuristics keep.
    const all: Array<{ a: number; b: string; c: number[] }> = [];
    for (let i = 0; i < 400_000; i++) all.push({ a: i, b: `item ${i}`, c: [i, i + 1, i + 2] });
    const kept = all.filter((_, i) => i % 2 === 0);
    all.length = 0;
    // Ordinary full collections first: what V8's own heuristics give back.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    for (let round = 0; round < 3; round++) gc();
    const before = getHeapStatistics().total_heap_size;
    const freed = compactHeap();
    const after = getHeapStatistics().total_heap_size;
    expect(freed).toBeGreaterThan(0);
    expect(after).toBeLessThan(before * 0.85);
    expect(kept[1234]!.b).toBe('item 2468');
  });
});
