/**
 * `foryou tune`: the hyperparameter search behind the shipped values in src/models/registry.ts. It reads only a
 * training file, holds out a random 20 % of every user's interactions (seed 7) as validation, and tries the grids
 * below; the blend weights are then searched with each part at its best validation setting.
 */
import { appendFileSync } from 'node:fs';
import { EaseModel } from '../models/ease.js';
import { IalsModel } from '../models/ials.js';
import { ItemKnnModel } from '../models/item-knn.js';
import type { RetrievalModel } from '../models/model.js';
import { SHIPPED } from '../models/registry.js';
import { indexTraining } from './dataset.js';
import { readInteractionCsv } from './interaction-csv.js';
import { holdoutSplit } from './split.js';
import { blendSearch, expandGrid, gridSearch, type TrialResult } from './tune.js';

export const VALIDATION_FRACTION = 0.2;
export const VALIDATION_SEED = 7;
const K = 10;

export const GRIDS: Record<string, { make: (params: Record<string, unknown>) => RetrievalModel; grid: Record<string, unknown[]> }> = {
  ease: {
    make: (params) => new EaseModel({ ...SHIPPED.ease, ...params }),
    grid: { lambda: [50, 100, 200, 300, 500, 800, 1200] },
  },
  ials: {
    make: (params) => new IalsModel({ ...SHIPPED.ials, alpha0Ratio: undefined, regStrength: undefined, ...params }),
    grid: { factors: [16, 24, 32, 64], alpha0: [0.1, 0.2, 0.3], lambda: [0.005, 0.01, 0.02, 0.04] },
  },
  'item-knn': {
    make: (params) => new ItemKnnModel({ ...SHIPPED.itemKnn, ...params }),
    grid: { shrink: [0, 10, 50], neighbours: [50, 200, 500] },
  },
  rp3beta: {
    make: (params) => new ItemKnnModel({ ...SHIPPED.rp3beta, ...params }),
    grid: { alpha: [0.4, 0.6, 0.8, 1], beta: [0, 0.1, 0.2, 0.3], neighbours: [100, 300] },
  },
};

export const BLEND_WEIGHTS: number[][] = expandGrid({ ease: [0, 1], ials: [0, 0.5, 1, 2], rp3beta: [0, 0.25, 0.5] })
  .map((w) => [w.ease as number, w.ials as number, w.rp3beta as number])
  .filter((w) => w.some((x) => x > 0));

export interface TuningOptions {
  train: string;
  models: string[];
  out?: string;
  log: (line: string) => void;
}

export async function runTuning(options: TuningOptions): Promise<void> {
  const { train } = indexTraining(readInteractionCsv(options.train));
  const validation = holdoutSplit(train, VALIDATION_FRACTION, VALIDATION_SEED);
  const lines: string[] = [
    `## ${options.train}`,
    '',
    `Validation: ${VALIDATION_FRACTION * 100} % of each user's training interactions held out (seed ${VALIDATION_SEED}); ` +
      `${validation.testUsers.length} users scored, nDCG@${K}.`,
    '',
  ];
  const emit = (line: string) => {
    lines.push(line);
    options.log(line);
  };
  const best: Record<string, Record<string, unknown>> = {};
  for (const name of options.models) {
    const spec = GRIDS[name];
    if (!spec) continue;
    emit(`### ${name}`, );
    emit('');
    emit('| params | nDCG@10 | precision@10 | train s |');
    emit('| --- | ---: | ---: | ---: |');
    const trials = await gridSearch(spec.make, expandGrid(spec.grid), validation, K, (trial: TrialResult) =>
      emit(`| ${JSON.stringify(trial.params)} | ${trial.result.metrics.ndcg.toFixed(4)} | ${trial.result.metrics.precision.toFixed(4)} | ${trial.result.trainSeconds.toFixed(1)} |`),
    );
    trials.sort((a, b) => b.result.metrics.ndcg - a.result.metrics.ndcg);
    best[name] = trials[0]!.params;
    emit('');
    emit(`best ${name}: ${JSON.stringify(trials[0]!.params)} nDCG@10 ${trials[0]!.result.metrics.ndcg.toFixed(4)}`);
    emit('');
  }
  if (options.models.includes('blend')) {
    const parts = [GRIDS.ease!.make(best.ease ?? {}), GRIDS.ials!.make(best.ials ?? {}), GRIDS.rp3beta!.make(best.rp3beta ?? {})];
    for (const part of parts) await part.fit(validation.train);
    const results = blendSearch(parts, BLEND_WEIGHTS, validation, K).sort((a, b) => b.metrics.ndcg - a.metrics.ndcg);
    emit('### blend (ease, ials, rp3beta weights on per-user z-scores)');
    emit('');
    emit('| weights | nDCG@10 | precision@10 |');
    emit('| --- | ---: | ---: |');
    for (const r of results) emit(`| ${r.weights.join(', ')} | ${r.metrics.ndcg.toFixed(4)} | ${r.metrics.precision.toFixed(4)} |`);
    emit('');
  }
  if (options.out) appendFileSync(options.out, lines.join('\n') + '\n');
}
