/**
 * Times a model on a synthetic data set of the size real deployments reach (default 30,000 users × 41,000
 * items with 1,000,000 training interactions): a fifth more interactions are generated and held out per user as
 * the test set, so training sees the requested number. Reports fit and ranking time and the peak memory.
 */
import { availableParallelism } from 'node:os';
import { buildInteractions } from '../models/interactions.js';
import { createModel, type ModelName } from '../models/registry.js';
import type { EvalDataset } from './dataset.js';
import { evaluateEngine } from './engine-eval.js';
import { fitAndEvaluate, type EvalResult } from './evaluate.js';
import type { InteractionRows } from './interaction-csv.js';
import { stageProgress } from './progress.js';
import { holdoutSplit } from './split.js';
import { syntheticInteractions } from './synthetic.js';

export interface ScaleCheckOptions {
  users: number;
  items: number;
  interactions: number;
  /** A batch model, or `engine`: the served feed (engine-eval.ts) on the same split. */
  model: ModelName | 'engine';
  log?: (line: string) => void;
}

export interface ScaleCheckResult {
  model: string;
  users: number;
  items: number;
  trainInteractions: number;
  cores: number;
  trainSeconds: number;
  evalSeconds: number;
  ndcg: number;
  precision: number;
  peakRssMb: number;
  /** Wall-clock seconds of each fit stage (ensemble parts) and of ranking. */
  stageSeconds: Record<string, number>;
}

export async function runScaleCheck(options: ScaleCheckOptions): Promise<ScaleCheckResult> {
  const log = options.log ?? (() => {});
  const generated = Math.round(options.interactions * 1.25);
  log(`eval-scale: generating ${options.users} users × ${options.items} items × ${generated} interactions`);
  const { users, items } = syntheticInteractions({ users: options.users, items: options.items, interactions: generated });
  const all = buildInteractions(options.users, options.items, users, items);
  const dataset = holdoutSplit(all, 0.2, 7);
  log(`eval-scale: training ${options.model} on ${dataset.train.userItems.length} interactions (${dataset.train.numItems} items)`);
  const progress = stageProgress();
  // A stage runs from its first progress report until the next stage's first report (or the end).
  const starts: Array<[string, number]> = [];
  const started = performance.now();
  const onProgress = (stage: string, done: number, total: number) => {
    if (!starts.some(([name]) => name === stage)) {
      const now = performance.now();
      starts.push([stage, now]);
      log(`eval-scale: ${((now - started) / 1000).toFixed(1)} s: ${stage}`);
    }
    progress.update(stage, done, total);
  };
  let result: EvalResult;
  if (options.model === 'engine') {
    result = await evaluateEngine(trainRows(dataset), dataset, 10, { log, onStage: (stage) => onProgress(stage, 0, 1) });
  } else {
    result = await fitAndEvaluate(createModel(options.model), dataset, 10, { onProgress });
  }
  const ended = performance.now();
  progress.stop();
  const stageSeconds: Record<string, number> = {};
  starts.forEach(([stage, at], s) => {
    const next = s + 1 < starts.length ? starts[s + 1]![1] : ended;
    stageSeconds[stage] = Math.round((next - at) / 100) / 10;
  });
  log(`eval-scale: stages ${JSON.stringify(stageSeconds)}`);
  return {
    model: result.model,
    users: dataset.train.numUsers,
    items: dataset.train.numItems,
    trainInteractions: dataset.train.userItems.length,
    cores: availableParallelism(),
    trainSeconds: Math.round(result.trainSeconds * 10) / 10,
    evalSeconds: Math.round(result.evalSeconds * 10) / 10,
    ndcg: result.metrics.ndcg,
    precision: result.metrics.precision,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    stageSeconds,
  };
}

/** The training split as the rows of a CSV (user-major, as the generator wrote them): what `foryou import` gets. */
function trainRows(dataset: EvalDataset): InteractionRows {
  const { train, userIds, itemIds } = dataset;
  const users: string[] = [];
  const items: string[] = [];
  for (let u = 0; u < train.numUsers; u++) {
    for (let p = train.userPtr[u]!; p < train.userPtr[u + 1]!; p++) {
      users.push(userIds[u]!);
      items.push(itemIds[train.userItems[p]!]!);
    }
  }
  return { users, items };
}
