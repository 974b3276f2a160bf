/**
 * The offline evaluation runner: fit a model on the training matrix, rank every training item for each scored
 * user (their own training items excluded) and average the metrics at k over those users.
 */
import type { FitOptions, RetrievalModel } from '../models/model.js';
import { recommend, recommendBuffers } from '../models/model.js';
import type { EvalDataset } from './dataset.js';
import { MetricAccumulator, type MetricValues, type Relevant } from './metrics.js';

export interface EvalResult {
  model: string;
  k: number;
  users: number;
  metrics: MetricValues & { coverage: number };
  trainSeconds: number;
  evalSeconds: number;
}

export interface EvalOptions {
  threads?: number;
  /** Progress of the fit (stage, done, total) and of the ranking ('rank', users done, users). */
  onProgress?: FitOptions['onProgress'];
}

export async function fitAndEvaluate(
  model: RetrievalModel,
  dataset: EvalDataset,
  k: number,
  options: EvalOptions = {},
): Promise<EvalResult> {
  const fitStart = performance.now();
  await model.fit(dataset.train, { threads: options.threads, onProgress: options.onProgress });
  const trainSeconds = (performance.now() - fitStart) / 1000;
  const evalStart = performance.now();
  const { metrics, users } = rankAndScore(model, dataset, k, options.onProgress);
  const evalSeconds = (performance.now() - evalStart) / 1000;
  return { model: model.name, k, users, metrics, trainSeconds, evalSeconds };
}

/** Ranks for every scored user and averages precision, recall, nDCG and MAP at k; coverage over the catalogue. */
export function rankAndScore(
  model: RetrievalModel,
  dataset: EvalDataset,
  k: number,
  onProgress?: FitOptions['onProgress'],
): { metrics: MetricValues & { coverage: number }; users: number } {
  const { train, testUsers, testPtr, testItems, relevantCounts } = dataset;
  const marked = new Uint8Array(train.numItems);
  const recommended = new Uint8Array(train.numItems);
  let distinct = 0;
  const buffers = recommendBuffers(train.numItems, k);
  const accumulator = new MetricAccumulator();
  const relevant = { has: (item: number) => marked[item] === 1, size: 0 } satisfies Relevant;
  const total = testUsers.length;
  for (let t = 0; t < total; t++) {
    const user = testUsers[t]!;
    const ranked = recommend(model, train, user, k, buffers);
    for (let p = testPtr[t]!; p < testPtr[t + 1]!; p++) marked[testItems[p]!] = 1;
    relevant.size = relevantCounts[t]!;
    accumulator.add(ranked, relevant, k);
    for (let p = testPtr[t]!; p < testPtr[t + 1]!; p++) marked[testItems[p]!] = 0;
    for (let r = 0; r < ranked.length; r++) {
      if (recommended[ranked[r]!] === 0) {
        recommended[ranked[r]!] = 1;
        distinct++;
      }
    }
    if (onProgress && (t & 255) === 255) onProgress('rank', t + 1, total);
  }
  onProgress?.('rank', total, total);
  const coverage = train.numItems > 0 ? distinct / train.numItems : 0;
  return { metrics: { ...accumulator.means(), coverage }, users: accumulator.users };
}
