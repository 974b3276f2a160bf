/**
 * EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): a closed-form item-item model.
 * With G = XᵀX + λI and P = G⁻¹, the weights are B = I − P·diag(1/diag(P)) (zero diagonal), and a user's scores are
 * x_u·B. It is among the strongest known models on implicit feedback, but needs a dense inverse of an n×n matrix,
 * O(n³) time and n² memory. On a large catalogue it is therefore fitted on the `maxItems` most popular items only:
 * other items get no score of their own (0), and an ensemble covers them with another model.
 */
import { itemCounts, type Interactions } from './interactions.js';
import type { FitOptions, ModelSnapshot, RetrievalModel } from './model.js';
import { defaultThreads, runKernel, sharedFloat64 } from './parallel.js';

export interface EaseParams {
  /** L2 regularisation λ added to the Gram matrix's diagonal. */
  lambda: number;
  /**
   * Dropout-style emphasis q = p/(1−p) (Steck, "Autoencoders that don't overfit towards the identity", NeurIPS
   * 2020): the diagonal also gets q·G_jj, regularising popular items more. 0 = plain EASE.
   */
  dropout: number;
  /** Largest catalogue fitted exactly; beyond it only the most popular items (by training count). */
  maxItems: number;
}

export const EASE_DEFAULTS: EaseParams = { lambda: 300, dropout: 0, maxItems: 6000 };

export class EaseModel implements RetrievalModel {
  readonly name = 'ease';
  readonly params: EaseParams;
  private data: Interactions | undefined;
  private numItems = 0;
  /** Items with weights (ascending global index) and the global → local map (−1 outside). */
  private items: Int32Array = new Int32Array(0);
  private local: Int32Array = new Int32Array(0);
  /** m×m weights, row i = how item i's presence raises every other item. */
  private weights: Float32Array = new Float32Array(0);
  private accumulator: Float64Array = new Float64Array(0);

  constructor(params: Partial<EaseParams> = {}) {
    this.params = { ...EASE_DEFAULTS, ...params };
  }

  async fit(data: Interactions, options: FitOptions = {}): Promise<void> {
    this.data = data;
    this.numItems = data.numItems;
    this.items = mostPopular(data, this.params.maxItems);
    const m = this.items.length;
    this.local = new Int32Array(data.numItems).fill(-1);
    for (let l = 0; l < m; l++) this.local[this.items[l]!] = l;
    const gram = sharedFloat64(m * m);
    gramMatrix(data, this.local, gram, m);
    for (let l = 0; l < m; l++) gram[l * m + l] += this.params.lambda + this.params.dropout * gram[l * m + l]!;
    await invertSpd(gram, m, options.threads ?? defaultThreads(), (done) => options.onProgress?.('ease', done, m));
    const weights = new Float32Array(m * m);
    for (let j = 0; j < m; j++) {
      const d = gram[j * m + j]!;
      for (let i = 0; i < m; i++) weights[i * m + j] = i === j ? 0 : -gram[i * m + j]! / d;
    }
    this.weights = weights;
    this.accumulator = new Float64Array(m);
  }

  scoreUser(user: number, out: Float32Array): void {
    const data = this.data!;
    const start = data.userPtr[user]!;
    this.scoreHistory(data.userItems.subarray(start, data.userPtr[user + 1]!), undefined, out);
  }

  scoreHistory(history: Int32Array, strengths: Float32Array | undefined, out: Float32Array): void {
    const m = this.items.length;
    const acc = this.accumulator;
    acc.fill(0);
    const w = this.weights;
    for (let h = 0; h < history.length; h++) {
      const l = this.local[history[h]!]!;
      if (l < 0) continue;
      const x = strengths ? strengths[h]! : 1;
      const row = l * m;
      for (let j = 0; j < m; j++) acc[j] += x * w[row + j]!;
    }
    out.fill(0, 0, this.numItems);
    for (let j = 0; j < m; j++) out[this.items[j]!] = acc[j]!;
  }

  snapshot(): ModelSnapshot {
    return {
      model: this.name,
      params: { ...this.params, numItems: this.numItems },
      arrays: { items: this.items, weights: this.weights },
    };
  }

  static fromSnapshot(snapshot: ModelSnapshot): EaseModel {
    const model = new EaseModel(snapshot.params as unknown as Partial<EaseParams>);
    model.numItems = Number(snapshot.params.numItems);
    model.items = snapshot.arrays.items as Int32Array;
    model.weights = snapshot.arrays.weights as Float32Array;
    model.local = new Int32Array(model.numItems).fill(-1);
    for (let l = 0; l < model.items.length; l++) model.local[model.items[l]!] = l;
    model.accumulator = new Float64Array(model.items.length);
    return model;
  }
}

/** The `limit` items with most interactions (ties: lower index), ascending by index. */
export function mostPopular(data: Interactions, limit: number): Int32Array {
  const counts = itemCounts(data);
  if (data.numItems <= limit) return Int32Array.from({ length: data.numItems }, (_, i) => i);
  const order = Int32Array.from({ length: data.numItems }, (_, i) => i);
  order.sort((a, b) => counts[b]! - counts[a]! || a - b);
  return order.slice(0, limit).sort();
}

/** XᵀX restricted to the mapped items (binary: co-occurrence counts). */
export function gramMatrix(data: Interactions, local: Int32Array, gram: Float64Array, m: number): void {
  const row = new Int32Array(data.numItems);
  for (let u = 0; u < data.numUsers; u++) {
    let len = 0;
    for (let p = data.userPtr[u]!; p < data.userPtr[u + 1]!; p++) {
      const l = local[data.userItems[p]!]!;
      if (l >= 0) row[len++] = l;
    }
    for (let a = 0; a < len; a++) {
      const base = row[a]! * m;
      for (let b = 0; b < len; b++) gram[base + row[b]!] += 1;
    }
  }
}

/** Replaces an SPD matrix (n×n, row-major, shared memory) by its inverse, on `threads` threads. */
export async function invertSpd(
  matrix: Float64Array,
  n: number,
  threads: number,
  onProgress?: (done: number) => void,
): Promise<void> {
  const block = 48;
  const scratch = sharedFloat64(block * n);
  await runKernel('invert', { matrix, n, scratch, block }, Math.min(threads, Math.max(1, Math.floor(n / 256))), onProgress);
}
