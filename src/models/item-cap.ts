/**
 * Keeps a model to the most engaged items. Serving scores every item of the model for each request, so its
 * catalogue must stay bounded however large the store grows; the long tail it drops has too little engagement for
 * collaborative filtering and is left to the online sources (fresh, embedding, co-engagement).
 */
import { buildInteractions, type Interactions } from './interactions.js';

export function capItems(data: Interactions, itemIds: readonly string[], maxItems: number): { data: Interactions; itemIds: string[] } {
  if (data.numItems <= maxItems) return { data, itemIds: [...itemIds] };
  const order = Array.from({ length: data.numItems }, (_, i) => i);
  const degree = (i: number) => data.itemPtr[i + 1]! - data.itemPtr[i]!;
  // Most users first; ties by index, so the cut is deterministic.
  order.sort((a, b) => degree(b) - degree(a) || a - b);
  const newIndex = new Int32Array(data.numItems).fill(-1);
  const kept: string[] = [];
  for (let r = 0; r < maxItems; r++) {
    newIndex[order[r]!] = r;
    kept.push(itemIds[order[r]!]!);
  }
  const users: number[] = [];
  const items: number[] = [];
  const weights: number[] = [];
  for (let u = 0; u < data.numUsers; u++) {
    for (let p = data.userPtr[u]!; p < data.userPtr[u + 1]!; p++) {
      const item = newIndex[data.userItems[p]!]!;
      if (item < 0) continue;
      users.push(u);
      items.push(item);
      weights.push(data.userWeights[p]!);
    }
  }
  return { data: buildInteractions(data.numUsers, maxItems, users, items, weights), itemIds: kept };
}
