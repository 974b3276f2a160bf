import { describe, expect, it } from 'vitest';
import { holdoutSplit } from '../../src/eval/split.js';
import { buildInteractions } from '../../src/models/interactions.js';

describe('validation holdout from training data', () => {
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u < 20; u++) for (let i = 0; i < (u === 0 ? 1 : 10); i++) {
    users.push(u);
    items.push((u * 3 + i) % 30);
  }
  const data = buildInteractions(20, 30, users, items);

  it('holds out about the fraction per user, never all, and is reproducible', () => {
    const a = holdoutSplit(data, 0.2, 7);
    const b = holdoutSplit(data, 0.2, 7);
    expect(Array.from(a.testItems)).toEqual(Array.from(b.testItems));
    // user 0 has one interaction: kept for training, not scored
    expect(Array.from(a.testUsers)).not.toContain(0);
    expect(a.testUsers.length).toBe(19);
    for (let t = 0; t < a.testUsers.length; t++) expect(a.relevantCounts[t]).toBe(2);
    expect(a.train.userItems.length).toBe(1 + 19 * 8);
  });

  it('keeps held-out pairs out of the reduced training matrix', () => {
    const split = holdoutSplit(data, 0.2, 3);
    for (let t = 0; t < split.testUsers.length; t++) {
      const u = split.testUsers[t]!;
      const trainRow = new Set(split.train.userItems.subarray(split.train.userPtr[u], split.train.userPtr[u + 1]));
      for (let p = split.testPtr[t]!; p < split.testPtr[t + 1]!; p++) expect(trainRow.has(split.testItems[p]!)).toBe(false);
    }
  });
});
