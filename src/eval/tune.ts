/**
 * Hyperparameter search on a validation holdout cut from TRAIN (see split.ts): the test file is never read.
 * `gridSearch` fits one model per parameter set; `blendSearch` fits the parts of an ensemble once and scores
 * many weightings of their standardised scores in a single pass over the users.
 */
import type { RetrievalModel } from '../models/model.js';
import { topK } from '../models/top-k.js';
import { standardise } from '../models/validation.js';
import type { EvalDataset } from './dataset.js';
import { fitAndEvaluate, type EvalResult } from './evaluate.js';
import { MetricAccumulator, type MetricValues, type Relevant } from './metrics.js';

export interface TrialResult {
  params: Record<string, unknown>;
  result: EvalResult;
}

export async function gridSearch(
  make: (params: Record<string, unknown>) => RetrievalModel,
  grid: Array<Record<string, unknown>>,
  validation: EvalDataset,
  k: number,
  log?: (trial: TrialResult) => void,
): Promise<TrialResult[]> {
  const trials: TrialResult[] = [];
  for (const params of grid) {
    const result = await fitAndEvaluate(make(params), validation, k);
    const trial = { params, result };
    trials.push(trial);
    log?.(trial);
  }
  return trials;
}

/** Every combination of the listed values, e.g. {a:[1,2], b:[3]} → [{a:1,b:3},{a:2,b:3}]. */
export function expandGrid(spec: Record<string, unknown[]>): Array<Record<string, unknown>> {
  let combos: Array<Record<string, unknown>> = [{}];
  for (const [key, values] of Object.entries(spec)) {
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [key]: value })));
  }
  return combos;
}

/** Metrics at k of Σ w_p·z_p for every weight vector, the parts already fitted on `validation.train`. */
export function blendSearch(
  parts: RetrievalModel[],
  weightings: number[][],
  validation: EvalDataset,
  k: number,
): Array<{ weights: number[]; metrics: MetricValues }> {
  const { train, testUsers, testPtr, testItems, relevantCounts } = validation;
  const n = train.numItems;
  const z = parts.map(() => new Float32Array(n));
  const blended = new Float32Array(n);
  const items = new Int32Array(k);
  const values = new Float64Array(k);
  const accumulators = weightings.map(() => new MetricAccumulator());
  const marked = new Uint8Array(n);
  const relevant = { has: (item: number) => marked[item] === 1, size: 0 } satisfies Relevant;
  for (let t = 0; t < testUsers.length; t++) {
    const user = testUsers[t]!;
    parts.forEach((part, p) => {
      const scores = z[p]!;
      part.scoreUser(user, scores);
      standardise(scores);
    });
    const seen = train.userItems.subarray(train.userPtr[user]!, train.userPtr[user + 1]!);
    for (let q = testPtr[t]!; q < testPtr[t + 1]!; q++) marked[testItems[q]!] = 1;
    relevant.size = relevantCounts[t]!;
    weightings.forEach((weights, w) => {
      blended.fill(0);
      for (let p = 0; p < parts.length; p++) {
        const weight = weights[p]!;
        if (weight === 0) continue;
        const scores = z[p]!;
        for (let i = 0; i < n; i++) blended[i] += weight * scores[i]!;
      }
      const count = topK(blended, k, seen, items, values);
      accumulators[w]!.add(items.subarray(0, count), relevant, k);
    });
    for (let q = testPtr[t]!; q < testPtr[t + 1]!; q++) marked[testItems[q]!] = 0;
  }
  return weightings.map((weights, w) => ({ weights, metrics: accumulators[w]!.means() }));
}
