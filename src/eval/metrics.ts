/**
 * Ranking metrics at a cutoff k, as defined by the common recommender libraries (Microsoft Recommenders, RecBole)
 * and the `foryou eval` contract. Each function takes one user's ranked list (best first; it may be shorter than k)
 * and a predicate telling whether an item is relevant, and returns that user's value; the caller averages over
 * the scored users. Binary relevance throughout.
 */

/** The relevant items of one user. `size` counts every relevant item, including ones that can never be ranked. */
export interface Relevant {
  has(item: number): boolean;
  readonly size: number;
}

export function hitsAtK(ranked: ArrayLike<number>, relevant: Relevant, k: number): number {
  let hits = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) if (relevant.has(ranked[r]!)) hits++;
  return hits;
}

/** hits / k (not / list length: a short list is not rewarded). */
export function precisionAtK(ranked: ArrayLike<number>, relevant: Relevant, k: number): number {
  return k > 0 ? hitsAtK(ranked, relevant, k) / k : 0;
}

/** hits / |relevant|. */
export function recallAtK(ranked: ArrayLike<number>, relevant: Relevant, k: number): number {
  return relevant.size > 0 ? hitsAtK(ranked, relevant, k) / relevant.size : 0;
}

/** DCG with binary gains (1 / log2(rank + 1), ranks from 1) over the ideal DCG of min(|relevant|, k) hits. */
export function ndcgAtK(ranked: ArrayLike<number>, relevant: Relevant, k: number): number {
  const ideal = Math.min(relevant.size, k);
  if (ideal === 0) return 0;
  let dcg = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) if (relevant.has(ranked[r]!)) dcg += 1 / Math.log2(r + 2);
  let idcg = 0;
  for (let r = 0; r < ideal; r++) idcg += 1 / Math.log2(r + 2);
  return dcg / idcg;
}

/** Average precision at k: Σ over hits of (hits so far / rank), divided by min(|relevant|, k). */
export function averagePrecisionAtK(ranked: ArrayLike<number>, relevant: Relevant, k: number): number {
  const denominator = Math.min(relevant.size, k);
  if (denominator === 0) return 0;
  let hits = 0;
  let sum = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) {
    if (relevant.has(ranked[r]!)) {
      hits++;
      sum += hits / (r + 1);
    }
  }
  return sum / denominator;
}

/** Catalogue coverage: distinct items recommended to anyone over the number of items that could be recommended. */
export function coverage(recommendedItems: Iterable<number>, catalogueSize: number): number {
  if (catalogueSize === 0) return 0;
  const distinct = new Set<number>();
  for (const item of recommendedItems) distinct.add(item);
  return distinct.size / catalogueSize;
}

/** A Relevant from a set of items and a total count (the set may hold fewer: items unknown to the catalogue). */
export function relevantOf(items: Iterable<number>, size?: number): Relevant {
  const set = new Set(items);
  return { has: (item) => set.has(item), size: size ?? set.size };
}

export interface MetricValues {
  precision: number;
  recall: number;
  ndcg: number;
  map: number;
}

/** Sums per-user metrics so the runner can average them. */
export class MetricAccumulator {
  private sums: MetricValues = { precision: 0, recall: 0, ndcg: 0, map: 0 };
  users = 0;

  add(ranked: ArrayLike<number>, relevant: Relevant, k: number): void {
    this.sums.precision += precisionAtK(ranked, relevant, k);
    this.sums.recall += recallAtK(ranked, relevant, k);
    this.sums.ndcg += ndcgAtK(ranked, relevant, k);
    this.sums.map += averagePrecisionAtK(ranked, relevant, k);
    this.users++;
  }

  means(): MetricValues {
    const n = this.users || 1;
    return {
      precision: this.sums.precision / n,
      recall: this.sums.recall / n,
      ndcg: this.sums.ndcg / n,
      map: this.sums.map / n,
    };
  }
}
