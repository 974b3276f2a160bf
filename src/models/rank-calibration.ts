/**
 * What a batch model's rank is worth: for a sample of training users, a share of their items is hidden, the model
 * scores the rest as a history it folds in (`scoreHistory`, exactly what serving calls), and `hitRate[r]` is the
 * share of those users whose r-th ranked item (0-based, history excluded) was one they had hidden. Serving turns a
 * candidate's rank into this number: a prior on engagement that needs no impressions or skips in the log, and the
 * same scale whatever the model's raw scores are.
 *
 * The fold-in reuses the fitted model, so calibration costs one scoring per sampled user, not a second fit; the
 * model has seen the hidden pairs of these few users during its fit, which flatters the absolute rates a little but
 * keeps their order, and only the order and relative size of the rates are used.
 */
import type { Interactions } from './interactions.js';
import type { RetrievalModel } from './model.js';
import { seededRandom } from './random.js';
import { topK } from './top-k.js';

export interface CalibrationOptions {
  /** Ranks calibrated; a rank beyond gets the last rate. */
  ranks: number;
  /** Share of each sampled user's items hidden. */
  fraction: number;
  maxUsers: number;
  seed: number;
}

export const DEFAULT_CALIBRATION: CalibrationOptions = { ranks: 200, fraction: 0.2, maxUsers: 1000, seed: 11 };

export function rankCalibration(model: RetrievalModel, data: Interactions, options: CalibrationOptions = DEFAULT_CALIBRATION): Float32Array {
  const { ranks } = options;
  const random = seededRandom(options.seed);
  const eligible: number[] = [];
  for (let u = 0; u < data.numUsers; u++) if (data.userPtr[u + 1]! - data.userPtr[u]! >= 5) eligible.push(u);
  // An even spread of users, not the first ones (often the oldest accounts).
  const step = Math.max(1, eligible.length / options.maxUsers);
  const hits = new Float64Array(ranks);
  const scores = new Float32Array(data.numItems);
  const top = new Int32Array(ranks);
  const values = new Float64Array(ranks);
  const hidden = new Uint8Array(data.numItems);
  let sampled = 0;
  for (let s = 0; s < eligible.length; s += step) {
    const u = eligible[Math.floor(s)]!;
    const start = data.userPtr[u]!;
    const end = data.userPtr[u + 1]!;
    const kept: number[] = [];
    const keptWeights: number[] = [];
    const hiddenItems: number[] = [];
    for (let p = start; p < end; p++) {
      if (random() < options.fraction) hiddenItems.push(data.userItems[p]!);
      else {
        kept.push(data.userItems[p]!);
        keptWeights.push(data.userWeights[p]!);
      }
    }
    if (hiddenItems.length === 0 || kept.length === 0) continue;
    for (const i of hiddenItems) hidden[i] = 1;
    model.scoreHistory(Int32Array.from(kept), Float32Array.from(keptWeights), scores);
    const count = topK(scores, ranks, kept, top, values);
    for (let r = 0; r < count; r++) if (hidden[top[r]!] === 1) hits[r]++;
    for (const i of hiddenItems) hidden[i] = 0;
    sampled++;
  }
  const rates = new Float64Array(ranks);
  for (let r = 0; r < ranks; r++) rates[r] = sampled > 0 ? hits[r]! / sampled : 0;
  return Float32Array.from(nonIncreasing(rates));
}

/**
 * The closest non-increasing sequence in least squares (pool adjacent violators): a lower rank is never worth more
 * than a higher one, and the noise of a few hundred users per rank is averaged over neighbouring ranks.
 */
export function nonIncreasing(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const sums: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    sums.push(values[i]!);
    counts.push(1);
    while (sums.length > 1 && sums[sums.length - 2]! / counts[counts.length - 2]! < sums[sums.length - 1]! / counts[counts.length - 1]!) {
      const s = sums.pop()!;
      const c = counts.pop()!;
      sums[sums.length - 1]! += s;
      counts[counts.length - 1]! += c;
    }
  }
  const out = new Float64Array(n);
  let at = 0;
  for (let b = 0; b < sums.length; b++) {
    const mean = sums[b]! / counts[b]!;
    for (let c = 0; c < counts[b]!; c++) out[at++] = mean;
  }
  return out;
}
