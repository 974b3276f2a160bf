/** What a kernel running on one of several worker threads knows of its peers (see parallel.ts). */
export interface KernelContext {
  index: number;
  count: number;
  /** Waits until every worker of this run has arrived. */
  barrier(): void;
  /** Reports finished steps (summed over workers) for progress display. */
  progress(steps: number): void;
}

export type Kernel = (args: Record<string, unknown>, context: KernelContext) => void;

/** Splits [0, n) into `count` contiguous ranges; returns the `index`-th as [start, end). */
export function range(n: number, index: number, count: number): [number, number] {
  return [Math.floor((n * index) / count), Math.floor((n * (index + 1)) / count)];
}
