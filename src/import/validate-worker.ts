/**
 * Worker thread entry: reads and validates one import file and posts the validated batches to the importing
 * thread, waiting for a credit whenever BATCHES_IN_FLIGHT batches are unconsumed (backpressure across threads).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BATCHES_IN_FLIGHT, validateHere, type SourceFile, type WorkerMessage } from './validated-records.js';

const port = parentPort!;
let credits = BATCHES_IN_FLIGHT;
let wake: (() => void) | undefined;
port.on('message', () => {
  credits++;
  const resolve = wake;
  wake = undefined;
  resolve?.();
});

const post = (message: WorkerMessage) => port.postMessage(message);

try {
  for await (const batch of validateHere(workerData as SourceFile)) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    post({ type: 'batch', batch });
  }
  post({ type: 'end' });
} catch (error) {
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
port.close();
