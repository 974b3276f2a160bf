/**
 * The one interface every batch retrieval model implements. A model fits on an interaction matrix and then scores
 * every item for a user; recommending is scoring plus top-k without the user's seen items (see `recommend`).
 * Models are pure computation over typed arrays: state leaves through `snapshot()` (see snapshot.ts).
 */
import type { Interactions } from './interactions.js';
import { topK } from './top-k.js';

export interface FitOptions {
  /** Worker threads to use where a model parallelises (default: the machine's cores). */
  threads?: number;
  /** Called now and then during a fit: done of total steps of the named stage. */
  onProgress?: (stage: string, done: number, total: number) => void;
}

/** Numeric arrays and plain parameters that fully describe a fitted model. */
export interface ModelSnapshot {
  model: string;
  params: Record<string, number | string | boolean>;
  arrays: Record<string, Float32Array | Int32Array | Float64Array>;
  /** Sub-models of an ensemble, in order. */
  parts?: ModelSnapshot[];
}

export interface RetrievalModel {
  readonly name: string;
  fit(data: Interactions, options?: FitOptions): Promise<void>;
  /** Writes a score for every item into `out` (length numItems) for a user of the fitted matrix; higher is better. */
  scoreUser(user: number, out: Float32Array): void;
  /**
   * Scores every item for a history the fit may not have seen (a new or changed user): `items` ascending, with
   * optional per-item strengths. This is what serving calls with a user's recent positive events.
   */
  scoreHistory(items: Int32Array, weights: Float32Array | undefined, out: Float32Array): void;
  snapshot(): ModelSnapshot;
}

/** Scratch buffers for `recommend`, reusable across users of one model. */
export interface RecommendBuffers {
  scores: Float32Array;
  items: Int32Array;
  values: Float64Array;
}

export function recommendBuffers(numItems: number, k: number): RecommendBuffers {
  return { scores: new Float32Array(numItems), items: new Int32Array(k), values: new Float64Array(k) };
}

/** The top-k items for a user of the fitted matrix, best first, never one of their training items. */
export function recommend(
  model: RetrievalModel,
  data: Interactions,
  user: number,
  k: number,
  buffers: RecommendBuffers = recommendBuffers(data.numItems, k),
): Int32Array {
  model.scoreUser(user, buffers.scores);
  const seen = data.userItems.subarray(data.userPtr[user]!, data.userPtr[user + 1]!);
  const count = topK(buffers.scores, k, seen, buffers.items, buffers.values);
  return buffers.items.subarray(0, count);
}
