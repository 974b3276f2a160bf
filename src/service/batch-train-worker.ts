/**
 * The serving retrainer's thread (batch-retrainer.ts): fits a batch model on its own connection to the store and
 * saves it, so the thread that serves never pauses for a fit. It answers with the fit's result and the saved model
 * as serving loads it (its bytes in shared memory, read here rather than by the serving thread), or its error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { batchModelRecord } from '../features/batch-model-loading.js';
import { trainBatchModel } from '../models/batch-training.js';
import type { BatchModelChoice } from '../models/batch-training.js';
import { openStore } from '../store/open-store.js';

export interface TrainWorkerData {
  location: string;
  model: BatchModelChoice;
  maxItems: number;
}

const { location, model, maxItems } = workerData as TrainWorkerData;
const store = openStore(location, { cacheMb: 8 });
try {
  // One thread: the other cores serve.
  const result = await trainBatchModel(store, model, { threads: 1, maxItems });
  parentPort!.postMessage({ ok: true, result, record: await batchModelRecord(store, result.model, result.version) });
} catch (error) {
  parentPort!.postMessage({ ok: false, name: (error as Error).name, message: (error as Error).message });
} finally {
  await store.close();
}
