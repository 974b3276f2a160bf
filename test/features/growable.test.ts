import { describe, expect, it } from 'vitest';
import { grownInt32, nextCapacity } from '../../src/features/growable.js';
import { grownInt32Filled } from '../../src/features/growable-filled.js';

describe('column growth', () => {
  it('doubles small columns and grows large ones by a quarter, never below what is asked', () => {
    expect(nextCapacity(0, 1)).toBe(1024);
    expect(nextCapacity(4096, 4097)).toBe(8192);
    expect(nextCapacity(1_048_576, 1_048_577)).toBe(1_310_720);
    expect(nextCapacity(1_048_576, 3_000_000)).toBe(3_000_000);
  });

  it('keeps the values and fills only the new part', () => {
    let column = new Int32Array(0);
    for (let i = 0; i < 200_000; i++) {
      column = grownInt32(column, i + 1);
      column[i] = i;
    }
    // A quarter at a time past 65,536: a large column holds at most a quarter more rows than it needs.
    expect(column.length).toBeLessThan(200_000 * 1.25 + 1);
    expect(column.subarray(0, 200_000).every((v, i) => v === i)).toBe(true);
    const filled = grownInt32Filled(Int32Array.from([7, 8]), 100_000, -1);
    expect([filled[0], filled[1], filled[2], filled[filled.length - 1]]).toEqual([7, 8, -1, -1]);
  });
});
