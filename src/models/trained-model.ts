/**
 * A model as serving loads it: the fitted model rebuilt from its snapshot bytes, with the item ids its indices
 * stand for (recorded by `foryou train` in the snapshot's meta).
 */
import type { RetrievalModel } from './model.js';
import { decodeBatchArtifact } from './batch-artifact.js';
import { modelFromSnapshot } from './registry.js';
import { decodeSnapshot } from './snapshot.js';
import { topK } from './top-k.js';

export interface TrainedModel {
  name: string;
  version: number;
  model: RetrievalModel;
  itemIds: string[];
  itemIndex: Map<string, number>;
}

export interface SnapshotRecordLike {
  name: string;
  version: number;
  bytes: Uint8Array;
  meta: Record<string, unknown>;
}

export function loadTrainedModel(record: SnapshotRecordLike): TrainedModel {
  const itemIds = record.meta.itemIds;
  if (!Array.isArray(itemIds)) throw new Error(`model snapshot ${record.name} v${record.version} has no item ids`);
  const ids = itemIds.map(String);
  return {
    name: record.name,
    version: record.version,
    model: decodeBatchArtifact(record.bytes)?.model ?? modelFromSnapshot(decodeSnapshot(record.bytes)),
    itemIds: ids,
    itemIndex: new Map(ids.map((id, i) => [id, i])),
  };
}

/** Scores a history of item ids (unknown ids are ignored) and returns the top k item ids, history excluded. */
export function recommendForHistory(trained: TrainedModel, history: string[], k: number): Array<{ item: string; score: number }> {
  const indices = [...new Set(history.map((id) => trained.itemIndex.get(id)).filter((i): i is number => i !== undefined))].sort(
    (a, b) => a - b,
  );
  const items = Int32Array.from(indices);
  const scores = new Float32Array(trained.itemIds.length);
  trained.model.scoreHistory(items, undefined, scores);
  const top = new Int32Array(k);
  const values = new Float64Array(k);
  const count = topK(scores, k, items, top, values);
  return Array.from(top.subarray(0, count), (i, r) => ({ item: trained.itemIds[i]!, score: values[r]! }));
}
