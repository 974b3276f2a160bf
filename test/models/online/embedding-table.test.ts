import { describe, expect, it } from 'vitest';
import { EmbeddingTable } from '../../../src/models/online/embedding-table.js';

const options = { dim: 4, minOccurrences: 3, ttlMs: 1000, initScale: 0.1, seed: 7 };

describe('EmbeddingTable', () => {
  it('keeps one Adagrad accumulator per id when row-wise, through growth, release and a snapshot', () => {
    const table = new EmbeddingTable({ ...options, minOccurrences: 1, rowwiseAccumulator: true }, 2);
    for (let i = 0; i < 100; i++) {
      const slot = table.touch(`id${i}`, 0); // may grow the table, replacing its arrays
      table.accumulators[slot] = i + 1;
    }
    expect(table.accumulatorWidth).toBe(1);
    expect(table.accumulators.length).toBe(table.vectors.length / options.dim);
    table.remove('id7');
    const restored = EmbeddingTable.restore(table.snapshot());
    expect(restored.accumulatorWidth).toBe(1);
    for (let i = 0; i < 100; i++) {
      const slot = restored.slotOf(`id${i}`);
      if (i === 7) expect(slot).toBe(-1);
      else expect(restored.accumulators[slot]).toBe(i + 1);
    }
    // A freed slot is handed out again with a zero accumulator.
    const reused = table.touch('new', 1);
    expect(table.accumulators[reused]).toBe(0);
  });

  it('gives an id its own vector only after the frequency filter', () => {
    const table = new EmbeddingTable(options);
    expect(table.touch('a', 0)).toBe(-1);
    expect(table.touch('a', 1)).toBe(-1);
    expect(table.slotOf('a')).toBe(-1);
    const slot = table.touch('a', 2);
    expect(slot).toBeGreaterThanOrEqual(0);
    expect(table.slotOf('a')).toBe(slot);
    expect(table.size).toBe(1);
    expect(table.pendingSize).toBe(0);
  });

  it('never shares a slot between two ids', () => {
    const table = new EmbeddingTable(options, 2);
    const slots = new Set<number>();
    for (let i = 0; i < 500; i++) for (let k = 0; k < 3; k++) table.touch(`id${i}`, k);
    for (let i = 0; i < 500; i++) slots.add(table.slotOf(`id${i}`));
    expect(slots.size).toBe(500);
    expect(slots.has(-1)).toBe(false);
  });

  it('frees the slot of an expired id, zeroes it, and reuses it', () => {
    const table = new EmbeddingTable(options);
    for (let k = 0; k < 3; k++) table.touch('old', 0);
    for (let k = 0; k < 3; k++) table.touch('recent', 900);
    const oldSlot = table.slotOf('old');
    table.vectors[table.offset(oldSlot)] = 5;
    expect(table.expire(1500)).toBe(1);
    expect(table.slotOf('old')).toBe(-1);
    expect(table.slotOf('recent')).toBeGreaterThanOrEqual(0);
    expect(Array.from(table.vectors.subarray(table.offset(oldSlot), table.offset(oldSlot) + 4))).toEqual([0, 0, 0, 0]);
    for (let k = 0; k < 3; k++) table.touch('new', 1600);
    expect(table.slotOf('new')).toBe(oldSlot);
  });

  it('restores a snapshot with identical vectors, counts and pending ids', () => {
    const table = new EmbeddingTable(options);
    for (let i = 0; i < 50; i++) for (let k = 0; k < 3; k++) table.touch(`id${i}`, i);
    table.touch('rare', 10);
    table.vectors[table.offset(table.slotOf('id7')) + 2] = 0.123;
    const restored = EmbeddingTable.restore(table.snapshot());
    for (let i = 0; i < 50; i++) {
      const a = table.offset(table.slotOf(`id${i}`));
      const b = restored.offset(restored.slotOf(`id${i}`));
      expect(Array.from(restored.vectors.subarray(b, b + 4))).toEqual(Array.from(table.vectors.subarray(a, a + 4)));
    }
    expect(restored.pendingSize).toBe(1);
    restored.touch('rare', 11);
    expect(restored.touch('rare', 12)).toBeGreaterThanOrEqual(0);
  });

  it('removes an id on request (erasure)', () => {
    const table = new EmbeddingTable(options);
    for (let k = 0; k < 3; k++) table.touch('gone', 0);
    table.touch('half', 0);
    expect(table.remove('gone')).toBe(true);
    table.remove('half');
    expect(table.slotOf('gone')).toBe(-1);
    expect(table.snapshot().ids).toEqual([]);
    expect(table.snapshot().pending).toEqual([]);
  });
});
