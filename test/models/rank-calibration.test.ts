import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildInteractions } from '../../src/models/interactions.js';
import { ItemKnnModel } from '../../src/models/item-knn.js';
import { PopularModel } from '../../src/models/popular.js';
import { nonIncreasing, rankCalibration } from '../../src/models/rank-calibration.js';
import { SHIPPED } from '../../src/models/registry.js';

describe('nonIncreasing (pool adjacent violators)', () => {
  it('is non-increasing, keeps the sum, and leaves a non-increasing input as it is', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 }), (values) => {
        const out = nonIncreasing(values);
        for (let i = 1; i < out.length; i++) expect(out[i]!).toBeLessThanOrEqual(out[i - 1]! + 1e-12);
        const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0);
        expect(sum(out)).toBeCloseTo(sum(values), 9);
        const sorted = [...values].sort((a, b) => b - a);
        expect(Array.from(nonIncreasing(sorted))).toEqual(sorted);
      }),
    );
  });
});

/** Two taste groups of 100 users over 40 items each; every user engages with a random 60 % of their group's items. */
function twoGroups() {
  let seed = 5;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u < 200; u++) {
    const base = u < 100 ? 0 : 40;
    for (let i = 0; i < 40; i++) {
      if (random() < 0.6) {
        users.push(u);
        items.push(base + i);
      }
    }
  }
  return buildInteractions(200, 80, users, items);
}

describe('rankCalibration', () => {
  it("gives a model that knows the groups high rates at its top ranks and none past the group's items", async () => {
    const data = twoGroups();
    const model = new ItemKnnModel(SHIPPED.itemKnn);
    await model.fit(data);
    const rates = rankCalibration(model, data, { ranks: 60, fraction: 0.2, maxUsers: 200, seed: 3 });
    expect(rates).toHaveLength(60);
    for (let r = 1; r < rates.length; r++) expect(rates[r]!).toBeLessThanOrEqual(rates[r - 1]!);
    // A held-out item is one of the ~16 group items the history lacks: the first picks are mostly hits.
    expect(rates[0]!).toBeGreaterThan(0.4);
    // Past the user's own group there is nothing to find.
    expect(rates[59]!).toBeLessThan(0.05);
  });

  it('rates the top picks of a model blind to the groups (popularity) well below those of one that sees them', async () => {
    const data = twoGroups();
    const options = { ranks: 60, fraction: 0.2, maxUsers: 200, seed: 3 };
    const popular = new PopularModel();
    await popular.fit(data);
    const knn = new ItemKnnModel(SHIPPED.itemKnn);
    await knn.fit(data);
    const blind = rankCalibration(popular, data, options);
    const seeing = rankCalibration(knn, data, options);
    const top10 = (rates: Float32Array) => rates.subarray(0, 10).reduce((a, b) => a + b, 0) / 10;
    expect(top10(seeing)).toBeGreaterThan(top10(blind) + 0.1);
  });
});
