/**
 * Warm start of the online ranker from the latest batch model saved by `foryou train`: the video vectors begin as
 * the model's item factors, so a fresh ranker already knows which videos are watched by the same people.
 */
import { decodeSnapshot } from '../models/snapshot.js';
import type { ModelSnapshot } from '../models/model.js';
import type { BatchFactors } from '../models/online/multi-task-ranker.js';
import type { Store } from '../store/store.js';

/** Snapshot names searched, in order of preference: models whose item factors are embeddings. */
const FACTOR_MODELS = ['ials', 'best'] as const;

export async function latestBatchFactors(store: Store): Promise<BatchFactors | undefined> {
  for (const name of FACTOR_MODELS) {
    const record = await store.latestModelSnapshot(name);
    if (!record) continue;
    const itemIds = record.meta.itemIds;
    if (!Array.isArray(itemIds) || itemIds.length === 0) continue;
    let snapshot: ModelSnapshot;
    try {
      snapshot = decodeSnapshot(record.bytes);
    } catch {
      continue;
    }
    const itemVectors = findItemFactors(snapshot);
    if (!itemVectors || itemVectors.length % itemIds.length !== 0) continue;
    return {
      dim: itemVectors.length / itemIds.length,
      userIds: [],
      userVectors: new Float32Array(0),
      itemIds: itemIds as string[],
      itemVectors,
      trainedAt: record.createdAt,
    };
  }
  return undefined;
}

function findItemFactors(snapshot: ModelSnapshot): Float32Array | undefined {
  const factors = snapshot.arrays.itemFactors;
  if (factors instanceof Float32Array) return factors;
  for (const part of snapshot.parts ?? []) {
    const found = findItemFactors(part);
    if (found) return found;
  }
  return undefined;
}
