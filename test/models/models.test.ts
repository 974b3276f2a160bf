import { describe, expect, it } from 'vitest';
import { EaseModel } from '../../src/models/ease.js';
import { EnsembleModel } from '../../src/models/ensemble.js';
import { IalsModel } from '../../src/models/ials.js';
import { ItemKnnModel } from '../../src/models/item-knn.js';
import { recommend, type RetrievalModel } from '../../src/models/model.js';
import { PopularModel } from '../../src/models/popular.js';
import { createModel, MODEL_NAMES, modelFromSnapshot } from '../../src/models/registry.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/models/snapshot.js';
import { HISTORY_USER, OBVIOUS_NEXT, twoGroups } from './fixtures.js';

const data = twoGroups();

const models: Array<[string, () => RetrievalModel]> = [
  ['item-knn (cosine)', () => new ItemKnnModel({ neighbours: 5, shrink: 1 })],
  ['rp3beta', () => new ItemKnnModel({ similarity: 'rp3beta', neighbours: 5, alpha: 0.8, beta: 0.3 })],
  ['ials', () => new IalsModel({ factors: 4, epochs: 15, alpha0: 0.1, lambda: 0.01, cgSteps: 4 })],
  ['ease', () => new EaseModel({ lambda: 1 })],
  ['ease (catalogue capped)', () => new EaseModel({ lambda: 1, maxItems: 9 })],
  [
    'ensemble',
    () =>
      new EnsembleModel('blend', [
        { model: new EaseModel({ lambda: 1 }), weight: 1 },
        { model: new ItemKnnModel({ neighbours: 5 }), weight: 0.5 },
      ]),
  ],
];

describe.each(models)('%s', (_name, make) => {
  it('ranks the obviously co-consumed item first, and never a seen one', async () => {
    const model = make();
    await model.fit(data, { threads: 1 });
    const top = Array.from(recommend(model, data, HISTORY_USER, 3));
    expect(top[0]).toBe(OBVIOUS_NEXT);
    expect(top).not.toContain(0);
    expect(top).not.toContain(8);
    // and a user of the other group gets the missing item of their group
    expect(Array.from(recommend(model, data, 19, 1))).toEqual([7]);
  });

  it('scores a new history like a fitted user with the same history', async () => {
    const model = make();
    await model.fit(data, { threads: 1 });
    const fromUser = new Float32Array(data.numItems);
    const fromHistory = new Float32Array(data.numItems);
    model.scoreUser(HISTORY_USER, fromUser);
    model.scoreHistory(Int32Array.from([0, 1, 2, 8]), undefined, fromHistory);
    const best = (s: Float32Array) => [4, 5, 6, 7, 3, 9].sort((a, b) => s[b]! - s[a]!)[0];
    expect(best(fromHistory)).toBe(best(fromUser));
  });

  it('survives a snapshot round trip with identical scores', async () => {
    const model = make();
    await model.fit(data, { threads: 1 });
    const restored = modelFromSnapshot(decodeSnapshot(encodeSnapshot(model.snapshot())));
    const history = Int32Array.from([0, 1, 2, 8]);
    const a = new Float32Array(data.numItems);
    const b = new Float32Array(data.numItems);
    model.scoreHistory(history, undefined, a);
    restored.scoreHistory(history, undefined, b);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 4);
  });
});

describe('popular', () => {
  it('ranks by training count, excluding seen items', async () => {
    const model = new PopularModel();
    await model.fit(data);
    // user 20 saw 0, 1, 2, 8; the rest tie at 10 except 3 (10 users) and 9 (1 user)
    expect(Array.from(recommend(model, data, HISTORY_USER, 2))).toEqual([3, 4]);
  });
});

describe('EASE', () => {
  it('matches the closed form B = I − P·diag(1/diag P) on a tiny matrix', async () => {
    const model = new EaseModel({ lambda: 2 });
    await model.fit(data, { threads: 1 });
    // Gram matrix by hand, then a plain Gauss–Jordan inverse in doubles.
    const n = data.numItems;
    const g: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let u = 0; u < data.numUsers; u++) {
      const row = Array.from(data.userItems.subarray(data.userPtr[u], data.userPtr[u + 1]));
      for (const a of row) for (const b of row) g[a]![b]! += 1;
    }
    for (let i = 0; i < n; i++) g[i]![i]! += 2;
    const p = invert(g);
    const scores = new Float32Array(n);
    model.scoreUser(HISTORY_USER, scores);
    const history = [0, 1, 2, 8];
    for (let j = 0; j < n; j++) {
      let expected = 0;
      for (const i of history) if (i !== j) expected += -p[i]![j]! / p[j]![j]!;
      expect(scores[j]).toBeCloseTo(expected, 4);
    }
  });
});

describe('registry', () => {
  it('creates every shipped model', () => {
    for (const name of MODEL_NAMES) expect(createModel(name).name).toBe(name);
  });
});

function invert(m: number[][]): number[][] {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let k = 0; k < n; k++) {
    const d = a[k]![k]!;
    for (let j = 0; j < 2 * n; j++) a[k]![j]! /= d;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const f = a[i]![k]!;
      for (let j = 0; j < 2 * n; j++) a[i]![j]! -= f * a[k]![j]!;
    }
  }
  return a.map((row) => row.slice(n));
}
