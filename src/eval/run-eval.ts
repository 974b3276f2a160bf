/** `foryou eval` without the command line: load the files, fit the named model, evaluate, format. */
import { join } from 'node:path';
import { AutoBlendModel, type AutoBlendChoice } from '../models/auto-blend.js';
import { createModel, type ModelName } from '../models/registry.js';
import { buildEvalDataset, type EvalDataset } from './dataset.js';
import { fitAndEvaluate, type EvalResult } from './evaluate.js';
import { readInteractionCsv } from './interaction-csv.js';
import { stageProgress } from './progress.js';

export interface EvalFiles {
  train: string;
  test: string;
}

export function evalFiles(options: { train?: string; test?: string; dataset?: string }): EvalFiles {
  if (options.dataset !== undefined) {
    if (options.train !== undefined || options.test !== undefined) throw new Error('give either --dataset or --train/--test, not both');
    return { train: join(options.dataset, 'train.csv'), test: join(options.dataset, 'test.csv') };
  }
  if (options.train === undefined || options.test === undefined) throw new Error('give --train FILE and --test FILE (or --dataset DIR)');
  return { train: options.train, test: options.test };
}

export function loadEvalDataset(files: EvalFiles): EvalDataset {
  return buildEvalDataset(readInteractionCsv(files.train), readInteractionCsv(files.test));
}

export async function runEval(
  dataset: EvalDataset,
  model: ModelName,
  k: number,
  options: { threads?: number; progress?: boolean; log?: (line: string) => void } = {},
): Promise<EvalResult> {
  const progress = stageProgress(options.progress);
  const instance = createModel(model);
  try {
    return await fitAndEvaluate(instance, dataset, k, { threads: options.threads, onProgress: progress.update });
  } finally {
    progress.stop();
    if (instance instanceof AutoBlendModel && instance.choice) options.log?.(describeChoice(instance.choice));
  }
}

/** The contract's JSON object, key order included. */
export function resultJson(result: EvalResult): string {
  const { precision, recall, ndcg, map, coverage } = result.metrics;
  return JSON.stringify({
    model: result.model,
    k: result.k,
    users: result.users,
    metrics: { precision, recall, ndcg, map, coverage },
    trainSeconds: round(result.trainSeconds, 3),
    evalSeconds: round(result.evalSeconds, 3),
  });
}

export function resultTable(result: EvalResult, dataset: EvalDataset): string {
  const { precision, recall, ndcg, map, coverage } = result.metrics;
  const k = result.k;
  const rows: Array<[string, string]> = [
    ['model', result.model],
    ['training data', `${dataset.train.numUsers} users × ${dataset.train.numItems} items, ${dataset.train.userItems.length} interactions`],
    ['scored users', String(result.users)],
    [`precision@${k}`, precision.toFixed(4)],
    [`recall@${k}`, recall.toFixed(4)],
    [`ndcg@${k}`, ndcg.toFixed(4)],
    [`map@${k}`, map.toFixed(4)],
    ['coverage', coverage.toFixed(4)],
    ['train time', `${result.trainSeconds.toFixed(2)} s`],
    ['eval time', `${result.evalSeconds.toFixed(2)} s`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n');
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** One line naming what `best` chose on its validation holdout. */
export function describeChoice(choice: AutoBlendChoice): string {
  const [ease, ials, rp3beta] = choice.weights;
  return (
    `best chose (on a holdout of TRAIN): weights ease ${ease} / ials ${ials} / rp3beta ${rp3beta}; ` +
    `ease λ ${choice.ease.lambda}; ials ${choice.ials.factors} factors, α₀ ratio ${choice.ials.alpha0Ratio}, reg ${choice.ials.regStrength}; ` +
    `rp3beta α ${choice.rp3beta.alpha}, β ${choice.rp3beta.beta}`
  );
}
