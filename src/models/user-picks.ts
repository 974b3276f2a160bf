/**
 * Every training user's top picks, computed once when the model is fitted (on the training thread), so that serving
 * reads a user's picks instead of scoring the whole model at each request: the same answer while the user has done
 * nothing new since the fit, at a fraction of the cost (a fold-in scores every item; a catalogue of 50k items costs
 * milliseconds). Users with new positive engagement since the fit are folded in online (batch-model-state.ts).
 */
import type { Interactions } from './interactions.js';
import type { RetrievalModel } from './model.js';
import { topK } from './top-k.js';

/** Picks kept per user: more than a budget of candidates ever takes, fewer than the memory of one user's history. */
export const PICKS_PER_USER = 64;

/** Row u holds user u's picks, best first, -1 after the last: `picks[u * perUser + r]`. */
export function precomputePicks(model: RetrievalModel, data: Interactions, perUser = PICKS_PER_USER, onProgress?: (done: number, total: number) => void): Int32Array {
  const picks = new Int32Array(data.numUsers * perUser).fill(-1);
  const scores = new Float32Array(data.numItems);
  const top = new Int32Array(perUser);
  const values = new Float64Array(perUser);
  for (let u = 0; u < data.numUsers; u++) {
    model.scoreUser(u, scores);
    const seen = data.userItems.subarray(data.userPtr[u]!, data.userPtr[u + 1]!);
    const count = topK(scores, perUser, seen, top, values);
    picks.set(top.subarray(0, count), u * perUser);
    if (onProgress && (u & 1023) === 1023) onProgress(u + 1, data.numUsers);
  }
  onProgress?.(data.numUsers, data.numUsers);
  return picks;
}
