import type { Command } from 'commander';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { DEFAULT_ENGAGEMENT } from '../models/engagement.js';
import { trainBatchModel } from '../models/batch-training.js';
import { isModelName, MODEL_NAMES } from '../models/registry.js';
import { stageProgress } from '../eval/progress.js';
import { AuditLog } from '../service/audit-log.js';
import { auditBatchModel } from '../service/batch-model-audit.js';

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description("fit a batch retrieval model on the store's positive engagement and save a versioned snapshot that serving uses")
    .requiredOption('--db <file>', 'the SQLite store')
    .option('--model <name>', `one of ${MODEL_NAMES.join(', ')}`, 'best')
    .option('--min-watch-ratio <r>', 'a play counts when watchMs / durationMs reaches this', String(DEFAULT_ENGAGEMENT.minWatchRatio))
    .option('--json', 'print the result as one JSON object on stdout')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const name = String(options.model);
      if (!isModelName(name)) throw new Error(`--model must be one of ${MODEL_NAMES.join(', ')}, got "${name}"`);
      const minWatchRatio = Number(options.minWatchRatio);
      if (!(minWatchRatio >= 0)) throw new Error(`--min-watch-ratio must be a number ≥ 0, got "${String(options.minWatchRatio)}"`);
      const store = new SqliteStore(String(options.db));
      try {
        const progress = stageProgress();
        let result;
        try {
          result = await trainBatchModel(store, name, { minWatchRatio, onProgress: progress.update, log: (line) => console.error(line) });
        } finally {
          progress.stop();
        }
        await auditBatchModel(new AuditLog(store), result, 'foryou train');
        const { model, version, users, items, interactions, bytes, trainSeconds } = result;
        console.log(
          options.json
            ? JSON.stringify({ model, version, users, items, interactions, bytes, trainSeconds })
            : `train: saved ${model} version ${version} (${(bytes / 1_048_576).toFixed(1)} MB, ${trainSeconds.toFixed(1)} s)`,
        );
      } finally {
        await store.close();
      }
    });
}
