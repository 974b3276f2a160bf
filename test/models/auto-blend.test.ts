import { describe, expect, it } from 'vitest';
import { AutoBlendModel, simplestWithin, type AutoBlendSearch } from '../../src/models/auto-blend.js';
import { buildInteractions } from '../../src/models/interactions.js';
import { recommend } from '../../src/models/model.js';
import { seededRandom } from '../../src/models/random.js';
import { modelFromSnapshot } from '../../src/models/registry.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/models/snapshot.js';
import { holdout } from '../../src/models/validation.js';

/** 60 users in 3 taste groups of 10 items, 7 random group items each. */
function groups() {
  const random = seededRandom(11);
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u < 60; u++) {
    const group = u % 3;
    const picks = Array.from({ length: 10 }, (_, i) => group * 10 + i).sort(() => random() - 0.5).slice(0, 7);
    for (const i of picks) {
      users.push(u);
      items.push(i);
    }
  }
  return buildInteractions(60, 30, users, items);
}

const search: AutoBlendSearch = {
  ease: [{ lambda: 1, dropout: 0, maxItems: 100 }, { lambda: 50, dropout: 0, maxItems: 100 }],
  ials: {
    base: { factors: 4, epochs: 8, alpha0: 0.1, lambda: 0.01, nu: 1, cgSteps: 3, initStd: 0.1, seed: 1 },
    alpha0Ratios: [5, 20],
    baseStrength: 10,
    regStrengths: [3],
  },
  rp3beta: [{ similarity: 'rp3beta', neighbours: 10, alpha: 0.8, beta: 0.3, shrink: 0 }],
  finalFactors: 4,
  finalEpochs: 8,
  weights: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
    [1, 1, 1],
  ],
  blendTolerance: 0.005,
  validationFraction: 0.2,
  validationSeed: 7,
  maxValidationUsers: 1000,
  k: 5,
};

describe('best (auto-tuned blend)', () => {
  it('chooses its settings on a holdout of the training data, records them, and ranks in-group items', async () => {
    const data = groups();
    const model = new AutoBlendModel(search);
    await model.fit(data, { threads: 1 });
    const choice = model.choice!;
    expect(choice.trials.filter((t) => t.family === 'ease')).toHaveLength(2);
    expect(choice.trials.filter((t) => t.family === 'ials')).toHaveLength(3);
    expect(choice.trials.filter((t) => t.family === 'blend')).toHaveLength(4);
    expect(search.weights).toContainEqual(choice.weights);
    for (let u = 0; u < 6; u++) {
      const top = Array.from(recommend(model, data, u, 3));
      for (const item of top) expect(Math.floor(item / 10)).toBe(u % 3);
    }
    const restored = modelFromSnapshot(decodeSnapshot(encodeSnapshot(model.snapshot())));
    const a = new Float32Array(30);
    const b = new Float32Array(30);
    model.scoreHistory(Int32Array.from([0, 1, 2]), undefined, a);
    restored.scoreHistory(Int32Array.from([0, 1, 2]), undefined, b);
    for (let i = 0; i < 30; i++) expect(b[i]).toBeCloseTo(a[i]!, 4);
  });

  it('holds out a fraction of each user and caps the scored users', () => {
    const split = holdout(groups(), 0.2, 7, 10);
    expect(split.users.length).toBe(10);
    for (let t = 0; t < split.users.length; t++) expect(split.relevantCounts[t]).toBe(1);
    expect(split.train.userItems.length).toBe(60 * 6);
  });
});

describe('blend choice', () => {
  it('keeps the simplest weighting within the tolerance of the best', () => {
    const weightings = [[1, 0, 0], [1, 1, 0], [1, 1, 1], [0, 1, 0]];
    expect(simplestWithin([0.2, 0.3, 0.301, 0.3], weightings, 0.005)).toBe(3);
    expect(simplestWithin([0.2, 0.3, 0.301, 0.299], weightings, 0.005)).toBe(1);
    expect(simplestWithin([0.2, 0.3, 0.32, 0.299], weightings, 0.005)).toBe(2);
    expect(simplestWithin([0.3, 0.3, 0.3, 0.29], weightings, 0.005)).toBe(0);
  });
});
