/**
 * Neighbour lists of the item-kNN model, computed on worker threads. For each target item j it accumulates the
 * (user-weighted) co-occurrence c_ij with every other item i from the users of j, turns it into a similarity
 * s(i→j) and keeps the `neighbours` largest: the items whose presence in a history most raises j.
 *
 *   cosine:  s = c / (n_i^α · n_j^(1−α) + shrink)          (α = ½: cosine; other α: asymmetric cosine)
 *   rp3beta: s = c · n_i^(−α) / n_j^β, with c weighted by |I_u|^(−α)   (Paudel et al. 2017, random walk
 *            item → user → item with popularity penalty β)
 */
import type { KernelContext } from './kernel-context.js';

export interface ItemKnnKernelArgs {
  numItems: number;
  userPtr: Int32Array;
  userItems: Int32Array;
  itemPtr: Int32Array;
  itemUsers: Int32Array;
  /** Weight of each user's co-occurrences. */
  userFactor: Float64Array;
  similarity: 'cosine' | 'rp3beta';
  alpha: number;
  beta: number;
  shrink: number;
  neighbours: number;
  /** Outputs (shared): numItems × neighbours, padded with −1 / 0. */
  outItems: Int32Array;
  outSims: Float32Array;
}

export function itemKnnKernel(rawArgs: Record<string, unknown>, context: KernelContext): void {
  const args = rawArgs as unknown as ItemKnnKernelArgs;
  const { numItems, userPtr, userItems, itemPtr, itemUsers, userFactor, alpha, beta, shrink, neighbours: k } = args;
  const rp3 = args.similarity === 'rp3beta';
  const acc = new Float64Array(numItems);
  const touched = new Int32Array(numItems);
  const heapItems = new Int32Array(k);
  const heapSims = new Float64Array(k);
  const count = new Float64Array(numItems);
  for (let i = 0; i < numItems; i++) count[i] = itemPtr[i + 1]! - itemPtr[i]!;
  let done = 0;
  for (let j = context.index; j < numItems; j += context.count) {
    let nTouched = 0;
    for (let p = itemPtr[j]!; p < itemPtr[j + 1]!; p++) {
      const u = itemUsers[p]!;
      const f = userFactor[u]!;
      for (let q = userPtr[u]!; q < userPtr[u + 1]!; q++) {
        const i = userItems[q]!;
        if (acc[i] === 0) touched[nTouched++] = i;
        acc[i] += f;
      }
    }
    const nj = count[j]!;
    const targetTerm = rp3 ? Math.pow(nj, -beta) : Math.pow(nj, 1 - alpha);
    let size = 0;
    for (let t = 0; t < nTouched; t++) {
      const i = touched[t]!;
      const c = acc[i]!;
      acc[i] = 0;
      if (i === j) continue;
      const s = rp3 ? c * Math.pow(count[i]!, -alpha) * targetTerm : c / (Math.pow(count[i]!, alpha) * targetTerm + shrink);
      if (size < k) {
        heapPush(heapItems, heapSims, size++, i, s);
      } else if (s > heapSims[0]!) {
        heapReplaceTop(heapItems, heapSims, size, i, s);
      }
    }
    const base = j * k;
    // Store best first.
    for (let r = size - 1; r >= 0; r--) {
      args.outItems[base + r] = heapItems[0]!;
      args.outSims[base + r] = heapSims[0]!;
      heapReplaceTop(heapItems, heapSims, r, heapItems[r]!, heapSims[r]!);
    }
    for (let r = size; r < k; r++) {
      args.outItems[base + r] = -1;
      args.outSims[base + r] = 0;
    }
    if (++done % 256 === 0) context.progress(256);
  }
  context.progress(done % 256);
}

/** Min-heap on similarity. */
function heapPush(items: Int32Array, sims: Float64Array, size: number, item: number, sim: number): void {
  let c = size;
  while (c > 0) {
    const parent = (c - 1) >> 1;
    if (sims[parent]! <= sim) break;
    items[c] = items[parent]!;
    sims[c] = sims[parent]!;
    c = parent;
  }
  items[c] = item;
  sims[c] = sim;
}

function heapReplaceTop(items: Int32Array, sims: Float64Array, size: number, item: number, sim: number): void {
  let c = 0;
  for (;;) {
    const left = 2 * c + 1;
    if (left >= size) break;
    const right = left + 1;
    const child = right < size && sims[right]! < sims[left]! ? right : left;
    if (sims[child]! >= sim) break;
    items[c] = items[child]!;
    sims[c] = sims[child]!;
    c = child;
  }
  items[c] = item;
  sims[c] = sim;
}
