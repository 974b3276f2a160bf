/** Entry point of a kernel worker thread (see parallel.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { KERNELS, type KernelName } from './kernels.js';
import { makeContext } from './parallel.js';

const { name, args, index, count, control } = workerData as {
  name: KernelName;
  args: Record<string, unknown>;
  index: number;
  count: number;
  control: Int32Array;
};
KERNELS[name](args, makeContext(control, index, count));
parentPort!.postMessage('done');
