import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { isModelName, MODEL_NAMES, type ModelName } from '../models/registry.js';
import { writeEvalReport } from '../eval/report.js';
import { evalFiles, loadEvalDataset, resultJson, resultTable, runEval } from '../eval/run-eval.js';
import { runTuning } from '../eval/tuning-plan.js';
import { runScaleCheck } from '../eval/scale-check.js';
import { buildEvalDataset } from '../eval/dataset.js';
import { evaluateEngine } from '../eval/engine-eval.js';
import { readInteractionCsv } from '../eval/interaction-csv.js';

/** `engine`: the served feed itself (engine-eval.ts), beside every batch model. */
const EVAL_MODELS = [...MODEL_NAMES, 'engine'] as const;
type EvalModel = ModelName | 'engine';

function evalModelOption(text: string): EvalModel {
  if (text === 'engine') return text;
  if (!isModelName(text)) throw new Error(`--model must be one of ${EVAL_MODELS.join(', ')}, got "${text}"`);
  return text;
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a whole number ≥ 1, got "${text}"`);
  return value;
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('train a retrieval model on TRAIN and measure precision, recall, nDCG, MAP at k and coverage on TEST')
    .option('--train <file>', 'training interactions (CSV: user,item[,rating,timestamp,watch_ratio])')
    .option('--test <file>', 'test interactions: every row is a relevant item for its user')
    .option('--dataset <dir>', 'a folder holding train.csv and test.csv')
    .option('--model <name>', `one of ${EVAL_MODELS.join(', ')} (engine: the served feed, see the README)`, 'best')
    .option('--k <n>', 'cutoff of the ranked list', '10')
    .option('--json', 'print one JSON object on stdout')
    .option('--threads <n>', 'worker threads (default: all cores)')
    .option('--keep <dir>', 'engine: keep the store built from TRAIN in this directory')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const files = evalFiles({
        train: options.train as string | undefined,
        test: options.test as string | undefined,
        dataset: options.dataset as string | undefined,
      });
      const model = evalModelOption(String(options.model));
      const k = positive('k', String(options.k));
      const threads = options.threads === undefined ? undefined : positive('threads', String(options.threads));
      const log = (line: string) => console.error(line);
      let dataset;
      let result;
      if (model === 'engine') {
        const rows = readInteractionCsv(files.train);
        dataset = buildEvalDataset(rows, readInteractionCsv(files.test));
        result = await evaluateEngine(rows, dataset, k, { threads, log, dir: options.keep as string | undefined });
      } else {
        dataset = loadEvalDataset(files);
        result = await runEval(dataset, model, k, { threads, log });
      }
      console.log(options.json ? resultJson(result) : resultTable(result, dataset));
    });

  program
    .command('eval-report')
    .description('evaluate every model on the data sets and write bench/results/eval.md')
    .option('--data <dir>', 'folder holding the data set folders', resolve('..', 'shared', 'data'))
    .option('--datasets <names>', 'comma-separated data set folders', 'ml-100k,lastfm')
    .option('--models <names>', 'comma-separated models', EVAL_MODELS.join(','))
    .option('--k <n>', 'cutoff', '10')
    .option('--scale', 'also time `best` and `engine` on a synthetic 30,000 × 41,000 × 1,000,000 data set')
    .option('--out <file>', 'where to write the report', resolve('bench', 'results', 'eval.md'))
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const models = String(options.models).split(',').map((name) => evalModelOption(name.trim()));
      const file = await writeEvalReport({
        dataDir: String(options.data),
        datasets: String(options.datasets).split(',').map((name) => name.trim()),
        models,
        k: positive('k', String(options.k)),
        scale: options.scale === true,
        out: String(options.out),
        log: (line) => console.error(line),
      });
      console.error(`eval-report: written to ${file}`);
    });

  program
    .command('tune')
    .description('choose hyperparameters on a validation holdout cut from TRAIN only (the test file is never read)')
    .option('--train <file>', 'training interactions')
    .option('--dataset <dir>', 'a folder holding train.csv (test.csv is not read)')
    .option('--models <names>', 'comma-separated: ease, ials, item-knn, rp3beta, blend', 'ease,ials,item-knn,rp3beta,blend')
    .option('--out <file>', 'append the trials as markdown to this file')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const train = options.train !== undefined ? String(options.train) : options.dataset !== undefined ? join(String(options.dataset), 'train.csv') : undefined;
      if (train === undefined) throw new Error('give --train FILE or --dataset DIR');
      await runTuning({
        train,
        models: String(options.models).split(',').map((name) => name.trim()),
        out: options.out === undefined ? undefined : String(options.out),
        log: (line) => console.log(line),
      });
    });

  program
    .command('eval-scale')
    .description('time training and scoring of a model on a synthetic data set of the target size')
    .option('--users <n>', 'users', '30000')
    .option('--items <n>', 'items', '41000')
    .option('--interactions <n>', 'interactions', '1000000')
    .option('--model <name>', `one of ${EVAL_MODELS.join(', ')}`, 'best')
    .option('--json', 'print one JSON object on stdout')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const result = await runScaleCheck({
        users: positive('users', String(options.users)),
        items: positive('items', String(options.items)),
        interactions: positive('interactions', String(options.interactions)),
        model: evalModelOption(String(options.model)),
        log: (line) => console.error(line),
      });
      console.log(options.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
    });
}
