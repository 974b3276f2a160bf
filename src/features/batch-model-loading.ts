/** Finds the batch model serving should use: the newest artifact any trainer saved, whatever its model's name. */
import { MODEL_NAMES } from '../models/registry.js';
import { shareBytes } from '../models/snapshot.js';
import type { Store } from '../store/store.js';
import type { BatchModelInfo } from './batch-model-state.js';

/** A saved model as it travels to every replica: its bytes and the ids its indices stand for. */
export interface BatchModelRecord {
  info: BatchModelInfo;
  bytes: Uint8Array;
  itemIds: string[];
  userIds: string[];
}

export async function latestBatchModel(store: Store): Promise<BatchModelRecord | undefined> {
  const candidates = (await store.listModelSnapshots())
    .filter((s) => (MODEL_NAMES as readonly string[]).includes(s.name) && Array.isArray(s.meta.userIds))
    .sort((a, b) => b.createdAt - a.createdAt || b.version - a.version);
  // Only artifacts carry user ids in their meta (bare models saved before them do not); the bytes are decoded once,
  // by the state that serves them.
  for (const info of candidates) {
    const record = await batchModelRecord(store, info.name, info.version);
    if (record) return record;
  }
  return undefined;
}

/** The saved model `name` v`version` as serving loads it; undefined when it is no longer stored or no artifact. */
export async function batchModelRecord(store: Store, name: string, version: number): Promise<BatchModelRecord | undefined> {
  const record = await store.modelSnapshot(name, version);
  if (!record || !Array.isArray(record.meta.userIds) || !Array.isArray(record.meta.itemIds)) return undefined;
  return {
    info: { name: record.name, version: record.version, seq: Number(record.meta.seq ?? 0), trainedAt: record.createdAt },
    bytes: shareBytes(record.bytes),
    itemIds: (record.meta.itemIds as unknown[]).map(String),
    userIds: (record.meta.userIds as unknown[]).map(String),
  };
}
