/**
 * Runs a numerical kernel on worker threads over shared memory. A kernel is a plain function that every worker
 * runs with its index; it splits the work by index and meets the others at `barrier()`. Inputs that workers write
 * must live in SharedArrayBuffers (see `shared`); read-only inputs may be ordinary typed arrays (each worker gets
 * a copy).
 *
 * When the compiled worker script is not next to this module (running from TypeScript sources, as the tests do),
 * the kernel runs inline on the calling thread as a single worker: same code path, same result.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { KernelContext } from './kernel-context.js';
import { KERNELS, type KernelName } from './kernels.js';

const WORKER_URL = new URL('./parallel-worker.js', import.meta.url);
const WORKERS_AVAILABLE = existsSync(fileURLToPath(WORKER_URL));

/** Control words in the shared control block. */
const ARRIVED = 0;
const GENERATION = 1;
const PROGRESS = 2;

export function defaultThreads(): number {
  const fromEnv = Number(process.env.FORYOU_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.max(1, availableParallelism());
}

export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * 8));
}
export function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * 4));
}
export function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * 4));
}

export function makeContext(control: Int32Array, index: number, count: number): KernelContext {
  return {
    index,
    count,
    barrier() {
      if (count === 1) return;
      const generation = Atomics.load(control, GENERATION);
      if (Atomics.add(control, ARRIVED, 1) === count - 1) {
        Atomics.store(control, ARRIVED, 0);
        Atomics.add(control, GENERATION, 1);
        Atomics.notify(control, GENERATION);
      } else {
        while (Atomics.load(control, GENERATION) === generation) Atomics.wait(control, GENERATION, generation);
      }
    },
    progress(steps) {
      Atomics.add(control, PROGRESS, steps);
    },
  };
}

export async function runKernel(
  name: KernelName,
  args: Record<string, unknown>,
  threads: number,
  onProgress?: (done: number) => void,
): Promise<void> {
  const control = new Int32Array(new SharedArrayBuffer(16));
  if (!WORKERS_AVAILABLE) {
    KERNELS[name](args, makeContext(control, 0, 1));
    onProgress?.(Atomics.load(control, PROGRESS));
    return;
  }
  const count = Math.max(1, threads);
  const timer = onProgress ? setInterval(() => onProgress(Atomics.load(control, PROGRESS)), 200) : undefined;
  try {
    await Promise.all(
      Array.from({ length: count }, (_, index) => {
        return new Promise<void>((resolve, reject) => {
          const worker = new Worker(WORKER_URL, { workerData: { name, args, index, count, control } });
          worker.once('message', () => resolve());
          worker.once('error', reject);
          worker.once('exit', (code) => {
            if (code !== 0) reject(new Error(`kernel ${name} worker ${index} exited with code ${code}`));
          });
        });
      }),
    );
  } finally {
    if (timer) clearInterval(timer);
  }
  onProgress?.(Atomics.load(control, PROGRESS));
}
