import { describe, expect, it } from 'vitest';
import { buildEvalDataset } from '../../src/eval/dataset.js';
import { fitAndEvaluate } from '../../src/eval/evaluate.js';
import { parseInteractionCsv } from '../../src/eval/interaction-csv.js';
import type { Interactions } from '../../src/models/interactions.js';
import type { ModelSnapshot, RetrievalModel } from '../../src/models/model.js';

/** Scores items by a fixed table: lets a test control the ranking exactly. */
class FixedScores implements RetrievalModel {
  readonly name = 'fixed';
  constructor(private readonly scores: (itemId: number) => number) {}
  async fit(_data: Interactions): Promise<void> {}
  scoreUser(_user: number, out: Float32Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.scores(i);
  }
  scoreHistory(_items: Int32Array, _w: Float32Array | undefined, out: Float32Array): void {
    this.scoreUser(0, out);
  }
  snapshot(): ModelSnapshot {
    return { model: this.name, params: {}, arrays: {} };
  }
}

describe('evaluation runner', () => {
  // Items in training order: a=0, b=1, c=2, d=3.
  const train = parseInteractionCsv('user,item\nu1,a\nu2,b\nu2,c\nu3,d\n');
  const test = parseInteractionCsv('user,item\nu1,b\nu1,z\nu2,a\n');
  const data = buildEvalDataset(train, test);

  it("excludes each user's training items from the ranking and scores over the training catalogue", async () => {
    // The model prefers a > b > c > d. u1 (has a) gets [b, c]; u2 (has b, c) gets [a, d].
    const result = await fitAndEvaluate(new FixedScores((i) => 10 - i), data, 2);
    expect(result.users).toBe(2);
    // u1: relevant {b, z} (z unknown to training): hit at rank 1 → P 1/2, R 1/2, nDCG 1/(1 + 1/log2 3), AP 1/2;
    // u2: relevant {a}: hit at rank 1 → P 1/2, R 1, nDCG 1, AP 1.
    expect(result.metrics.precision).toBeCloseTo(0.5, 12);
    expect(result.metrics.recall).toBeCloseTo(0.75, 12);
    expect(result.metrics.ndcg).toBeCloseTo((1 / (1 + 1 / Math.log2(3)) + 1) / 2, 12);
    expect(result.metrics.map).toBeCloseTo(0.75, 12);
    // recommended: b, c, a, d = whole catalogue
    expect(result.metrics.coverage).toBeCloseTo(1, 12);
    expect(result.trainSeconds).toBeGreaterThanOrEqual(0);
  });

  it('never hits with a model that prefers seen items: they are masked, so the next best are used', async () => {
    // Prefers d > c > b > a: u1 → [d, c] (miss), u2 → [d, a] (a hit at 2).
    const result = await fitAndEvaluate(new FixedScores((i) => i), data, 2);
    expect(result.metrics.precision).toBeCloseTo((0 + 0.5) / 2, 12);
    expect(result.metrics.ndcg).toBeCloseTo((0 + 1 / Math.log2(3)) / 2, 12);
    expect(result.metrics.coverage).toBeCloseTo(3 / 4, 12);
  });
});
