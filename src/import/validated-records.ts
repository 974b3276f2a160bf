/**
 * Reading plus validation of one import file, as a stream of validated batches. On a worker thread when the
 * compiled worker is at hand: parsing and schema checks then run on the second core while the main thread writes
 * to the store, which is where an import spends most of its time. Otherwise (e.g. tests running the TypeScript
 * sources) in this thread; both run the same code and yield the same batches.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RecordKind } from '../core/csv-records.js';
import { readRecords, type FileFormat } from './record-readers.js';
import { validateBatch, type ValidatedBatch } from './record-validation.js';

export interface SourceFile {
  kind: RecordKind;
  /** The path as the user gave it, used in messages. */
  file: string;
  path: string;
  format: FileFormat;
}

/** What the worker posts back. */
export type WorkerMessage =
  | { type: 'batch'; batch: ValidatedBatch }
  | { type: 'end' }
  | { type: 'error'; message: string };

/** Batches the worker may have posted and not yet seen consumed: bounds memory when the store is the slower side. */
export const BATCHES_IN_FLIGHT = 4;

const WORKER_URL = new URL('./validate-worker.js', import.meta.url);

export function canValidateInWorker(): boolean {
  return WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL));
}

/** Starting a worker costs about 0.2 s (it loads zod afresh), more than validating a small file takes. */
export const WORKER_MIN_BYTES = 4 * 1024 * 1024;

/**
 * `parallel`: true = on a worker thread, false = here; by default on a worker when the file has at least
 * WORKER_MIN_BYTES and the compiled worker exists.
 */
export function validatedBatches(
  source: SourceFile & { bytes?: number },
  parallel?: boolean,
): AsyncGenerator<ValidatedBatch> {
  const useWorker = parallel ?? ((source.bytes ?? Infinity) >= WORKER_MIN_BYTES && canValidateInWorker());
  return useWorker ? validateInWorker(source) : validateHere(source);
}

export async function* validateHere(source: SourceFile): AsyncGenerator<ValidatedBatch> {
  for await (const raw of readRecords(source.path, source.file, source.format)) {
    yield validateBatch(source.kind, source.file, raw);
  }
}

async function* validateInWorker(source: SourceFile): AsyncGenerator<ValidatedBatch> {
  const worker = new Worker(WORKER_URL, { workerData: source });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | undefined;
  const arrive = (message: WorkerMessage) => {
    queue.push(message);
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  worker.on('message', (message: WorkerMessage) => {
    // A credit per batch received lets the worker read ahead by BATCHES_IN_FLIGHT batches, no further.
    if (message.type === 'batch') worker.postMessage('credit');
    arrive(message);
  });
  worker.on('error', (error) => arrive({ type: 'error', message: error.message }));
  worker.on('exit', (code) => arrive({ type: 'error', message: `the import worker stopped (exit code ${code})` }));
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const message = queue.shift()!;
      if (message.type === 'batch') yield message.batch;
      else if (message.type === 'end') return;
      else throw new Error(`${source.file}: ${message.message}`);
    }
  } finally {
    worker.removeAllListeners('exit');
    await worker.terminate();
  }
}
