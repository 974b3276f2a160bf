/**
 * Validation on a holdout cut from the training matrix, so a model can choose its own hyperparameters without
 * any test data: per user, a random fraction of their interactions is held out (users with fewer than two keep
 * all and are not scored), the rest is the reduced training matrix, re-indexed to the items still present in it.
 */
import { buildInteractions, type Interactions } from './interactions.js';
import type { RetrievalModel } from './model.js';
import { seededRandom } from './random.js';
import { topK } from './top-k.js';

export interface Holdout {
  train: Interactions;
  /** Scored users (indices shared with the full matrix), ascending. */
  users: Int32Array;
  /** Held-out items of users[t] that the reduced catalogue knows: `items[ptr[t] … ptr[t+1])` (reduced indices). */
  ptr: Int32Array;
  items: Int32Array;
  /** Held-out count of users[t], including items no longer in the reduced catalogue. */
  relevantCounts: Int32Array;
  /** Reduced item index → item index in the full matrix. */
  itemMap: Int32Array;
}

export function holdout(data: Interactions, fraction: number, seed: number, maxScoredUsers = Infinity): Holdout {
  const random = seededRandom(seed);
  const trainUsers: number[] = [];
  const trainItems: number[] = [];
  const heldUsers: number[] = [];
  const heldItems: number[] = [];
  const row: number[] = [];
  for (let u = 0; u < data.numUsers; u++) {
    row.length = 0;
    for (let p = data.userPtr[u]!; p < data.userPtr[u + 1]!; p++) row.push(data.userItems[p]!);
    for (let a = row.length - 1; a > 0; a--) {
      const b = Math.floor(random() * (a + 1));
      const t = row[a]!;
      row[a] = row[b]!;
      row[b] = t;
    }
    const held = row.length < 2 ? 0 : Math.min(row.length - 1, Math.max(1, Math.round(fraction * row.length)));
    for (let q = 0; q < row.length; q++) {
      if (q < held) {
        heldUsers.push(u);
        heldItems.push(row[q]!);
      } else {
        trainUsers.push(u);
        trainItems.push(row[q]!);
      }
    }
  }
  const itemIndex = new Int32Array(data.numItems).fill(-1);
  const itemMap: number[] = [];
  for (const i of trainItems) {
    if (itemIndex[i] === -1) {
      itemIndex[i] = itemMap.length;
      itemMap.push(i);
    }
  }
  const train = buildInteractions(data.numUsers, itemMap.length, trainUsers, trainItems.map((i) => itemIndex[i]!));
  const relevant = new Map<number, number[]>();
  for (let e = 0; e < heldUsers.length; e++) {
    let list = relevant.get(heldUsers[e]!);
    if (!list) relevant.set(heldUsers[e]!, (list = []));
    list.push(heldItems[e]!);
  }
  let candidates = [...relevant.keys()].filter((u) => train.userPtr[u + 1]! > train.userPtr[u]!).sort((a, b) => a - b);
  if (candidates.length > maxScoredUsers) {
    const step = candidates.length / maxScoredUsers;
    candidates = Array.from({ length: maxScoredUsers }, (_, t) => candidates[Math.floor(t * step)]!);
  }
  const users = Int32Array.from(candidates);
  const ptr = new Int32Array(users.length + 1);
  const relevantCounts = new Int32Array(users.length);
  const known: number[] = [];
  for (let t = 0; t < users.length; t++) {
    const items = relevant.get(users[t]!)!;
    relevantCounts[t] = items.length;
    const mapped = items.map((i) => itemIndex[i]!).filter((i) => i >= 0).sort((a, b) => a - b);
    for (const i of mapped) known.push(i);
    ptr[t + 1] = known.length;
  }
  return { train, users, ptr, items: Int32Array.from(known), relevantCounts, itemMap: Int32Array.from(itemMap) };
}

/** Mean nDCG@k (binary gains, ideal over min(|relevant|, k)) of each scorer over the holdout's users. */
export function holdoutNdcg(
  scorers: Array<(user: number, out: Float32Array) => void>,
  split: Holdout,
  k: number,
): number[] {
  const { train, users, ptr, items, relevantCounts } = split;
  const n = train.numItems;
  const scores = new Float32Array(n);
  const top = new Int32Array(k);
  const values = new Float64Array(k);
  const marked = new Uint8Array(n);
  const sums = scorers.map(() => 0);
  for (let t = 0; t < users.length; t++) {
    const user = users[t]!;
    for (let q = ptr[t]!; q < ptr[t + 1]!; q++) marked[items[q]!] = 1;
    const seen = train.userItems.subarray(train.userPtr[user]!, train.userPtr[user + 1]!);
    const ideal = Math.min(relevantCounts[t]!, k);
    let idcg = 0;
    for (let r = 0; r < ideal; r++) idcg += 1 / Math.log2(r + 2);
    scorers.forEach((score, s) => {
      score(user, scores);
      const count = topK(scores, k, seen, top, values);
      let dcg = 0;
      for (let r = 0; r < count; r++) if (marked[top[r]!] === 1) dcg += 1 / Math.log2(r + 2);
      sums[s] += idcg > 0 ? dcg / idcg : 0;
    });
    for (let q = ptr[t]!; q < ptr[t + 1]!; q++) marked[items[q]!] = 0;
  }
  return sums.map((sum) => sum / Math.max(1, users.length));
}

/** Mean nDCG@k of a fitted model on the holdout. */
export function modelNdcg(model: RetrievalModel, split: Holdout, k: number): number {
  return holdoutNdcg([(user, out) => model.scoreUser(user, out)], split, k)[0]!;
}

/** Replaces scores by per-user z-scores over the catalogue (how ensembles put models on one scale). */
export function standardise(scores: Float32Array): void {
  const n = scores.length;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    sum += scores[i]!;
    squares += scores[i]! * scores[i]!;
  }
  const mean = sum / n;
  const variance = squares / n - mean * mean;
  const scale = variance > 1e-24 ? 1 / Math.sqrt(variance) : 0;
  for (let i = 0; i < n; i++) scores[i] = (scores[i]! - mean) * scale;
}

/** nDCG@k on the holdout of Σ w_p·z_p for every weight vector; parts are fitted on `split.train`. */
export function blendNdcg(parts: RetrievalModel[], weightings: number[][], split: Holdout, k: number): number[] {
  const n = split.train.numItems;
  const z = parts.map(() => new Float32Array(n));
  let cachedUser = -1;
  const load = (user: number) => {
    if (user === cachedUser) return;
    parts.forEach((part, p) => {
      part.scoreUser(user, z[p]!);
      standardise(z[p]!);
    });
    cachedUser = user;
  };
  return holdoutNdcg(
    weightings.map((weights) => (user: number, out: Float32Array) => {
      load(user);
      out.fill(0);
      for (let p = 0; p < parts.length; p++) {
        const weight = weights[p]!;
        if (weight === 0) continue;
        const scores = z[p]!;
        for (let i = 0; i < n; i++) out[i] += weight * scores[i]!;
      }
    }),
    split,
    k,
  );
}
