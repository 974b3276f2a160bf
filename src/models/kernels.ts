/** The kernels that can run on worker threads, by name. */
import { invertKernel } from './dense-inverse.js';
import { ialsKernel } from './ials-kernel.js';
import { itemKnnKernel } from './item-knn-kernel.js';
import type { Kernel } from './kernel-context.js';

export const KERNELS = {
  invert: invertKernel,
  itemKnn: itemKnnKernel,
  ials: ialsKernel,
} satisfies Record<string, Kernel>;

export type KernelName = keyof typeof KERNELS;
