/**
 * Item-based co-engagement ("people who engaged with i also engaged with j"): a sparse item–item similarity with
 * the `neighbours` best source items kept per target item. A user's score for j sums the similarities from the
 * items of their history. Cosine (optionally asymmetric, with shrinkage) or RP3beta similarity; see
 * item-knn-kernel.ts. Pure sparse computation: it scales to any catalogue, in time Σ_u |I_u|².
 */
import type { Interactions } from './interactions.js';
import type { ItemKnnKernelArgs } from './item-knn-kernel.js';
import type { FitOptions, ModelSnapshot, RetrievalModel } from './model.js';
import { defaultThreads, runKernel, sharedFloat32, sharedInt32 } from './parallel.js';

export interface ItemKnnParams {
  similarity: 'cosine' | 'rp3beta';
  /** Neighbours kept per item. */
  neighbours: number;
  /** cosine: exponent of the source item's count (½ = cosine); rp3beta: exponent of the transition probabilities. */
  alpha: number;
  /** rp3beta: popularity penalty of the target item. */
  beta: number;
  /** cosine: shrinkage added to the denominator, damping similarities built on few co-occurrences. */
  shrink: number;
}

export const ITEM_KNN_DEFAULTS: ItemKnnParams = { similarity: 'cosine', neighbours: 100, alpha: 0.5, beta: 0, shrink: 10 };

export class ItemKnnModel implements RetrievalModel {
  readonly name: string;
  readonly params: ItemKnnParams;
  private data: Interactions | undefined;
  private numItems = 0;
  /** Inverted neighbour lists: source item i raises `targets[ptr[i]…ptr[i+1])` by `sims`. */
  private ptr: Int32Array = new Int32Array(1);
  private targets: Int32Array = new Int32Array(0);
  private sims: Float32Array = new Float32Array(0);

  constructor(params: Partial<ItemKnnParams> = {}, name?: string) {
    this.params = { ...ITEM_KNN_DEFAULTS, ...params };
    this.name = name ?? (this.params.similarity === 'rp3beta' ? 'rp3beta' : 'item-knn');
  }

  async fit(data: Interactions, options: FitOptions = {}): Promise<void> {
    this.data = data;
    this.numItems = data.numItems;
    const k = Math.max(1, Math.min(this.params.neighbours, data.numItems));
    const userFactor = new Float64Array(data.numUsers);
    for (let u = 0; u < data.numUsers; u++) {
      const n = data.userPtr[u + 1]! - data.userPtr[u]!;
      userFactor[u] = this.params.similarity === 'rp3beta' ? Math.pow(Math.max(1, n), -this.params.alpha) : 1;
    }
    const outItems = sharedInt32(data.numItems * k);
    const outSims = sharedFloat32(data.numItems * k);
    const args: ItemKnnKernelArgs = {
      numItems: data.numItems,
      userPtr: data.userPtr,
      userItems: data.userItems,
      itemPtr: data.itemPtr,
      itemUsers: data.itemUsers,
      userFactor,
      similarity: this.params.similarity,
      alpha: this.params.alpha,
      beta: this.params.beta,
      shrink: this.params.shrink,
      neighbours: k,
      outItems,
      outSims,
    };
    const threads = Math.min(options.threads ?? defaultThreads(), Math.max(1, Math.floor(data.userItems.length / 20_000)));
    await runKernel('itemKnn', args as unknown as Record<string, unknown>, threads, (done) =>
      options.onProgress?.(this.name, done, data.numItems),
    );
    this.invert(outItems, outSims, k);
  }

  /** Turns per-target lists into per-source lists, so scoring walks only the history's items. */
  private invert(outItems: Int32Array, outSims: Float32Array, k: number): void {
    const n = this.numItems;
    const ptr = new Int32Array(n + 1);
    for (let p = 0; p < outItems.length; p++) if (outItems[p]! >= 0) ptr[outItems[p]! + 1]++;
    for (let i = 0; i < n; i++) ptr[i + 1] += ptr[i]!;
    const cursor = ptr.slice(0, n);
    const targets = new Int32Array(ptr[n]!);
    const sims = new Float32Array(ptr[n]!);
    for (let j = 0; j < n; j++) {
      for (let r = 0; r < k; r++) {
        const i = outItems[j * k + r]!;
        if (i < 0) break;
        const at = cursor[i]!++;
        targets[at] = j;
        sims[at] = outSims[j * k + r]!;
      }
    }
    this.ptr = ptr;
    this.targets = targets;
    this.sims = sims;
  }

  scoreUser(user: number, out: Float32Array): void {
    const data = this.data!;
    const start = data.userPtr[user]!;
    this.scoreHistory(data.userItems.subarray(start, data.userPtr[user + 1]!), undefined, out);
  }

  scoreHistory(history: Int32Array, strengths: Float32Array | undefined, out: Float32Array): void {
    out.fill(0, 0, this.numItems);
    const { ptr, targets, sims } = this;
    for (let h = 0; h < history.length; h++) {
      const i = history[h]!;
      if (i < 0 || i >= this.numItems) continue;
      const x = strengths ? strengths[h]! : 1;
      for (let p = ptr[i]!; p < ptr[i + 1]!; p++) out[targets[p]!] += x * sims[p]!;
    }
  }

  /** The neighbours of item i (targets it raises most), for co-engagement candidate sources. */
  neighboursOf(item: number): { items: Int32Array; sims: Float32Array } {
    return { items: this.targets.subarray(this.ptr[item]!, this.ptr[item + 1]!), sims: this.sims.subarray(this.ptr[item]!, this.ptr[item + 1]!) };
  }

  snapshot(): ModelSnapshot {
    return {
      model: this.name,
      params: { ...this.params, numItems: this.numItems },
      arrays: { ptr: this.ptr, targets: this.targets, sims: this.sims },
    };
  }

  static fromSnapshot(snapshot: ModelSnapshot): ItemKnnModel {
    const model = new ItemKnnModel(snapshot.params as unknown as Partial<ItemKnnParams>, snapshot.model);
    model.numItems = Number(snapshot.params.numItems);
    model.ptr = snapshot.arrays.ptr as Int32Array;
    model.targets = snapshot.arrays.targets as Int32Array;
    model.sims = snapshot.arrays.sims as Float32Array;
    return model;
  }
}
