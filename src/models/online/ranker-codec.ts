/**
 * Snapshots of the online models (the ranker and the retrieval tower, learned from the same events up to the same
 * log position) as bytes for the store. V8's structured serialisation keeps typed arrays exact (scores after a
 * restore are bit-identical) and is fast; a snapshot that no longer decodes (say, after a Node upgrade, or one of an
 * older format) is simply not used, and the models relearn from the event log.
 */
import { deserialize, serialize } from 'node:v8';
import { MultiTaskRanker, type RankerSnapshot } from './multi-task-ranker.js';
import { RetrievalTower, type RetrievalTowerSnapshot } from './retrieval-tower.js';

export const RANKER_SNAPSHOT_NAME = 'online-ranker';
/** 2: the retrieval tower joined the ranker. */
const FORMAT = 2;

export interface OnlineModels {
  ranker: MultiTaskRanker;
  retrieval: RetrievalTower;
}

export function encodeRanker(models: OnlineModels): Uint8Array {
  return serialize({ format: FORMAT, snapshot: models.ranker.snapshot(), retrieval: models.retrieval.snapshot() });
}

/** The models, or undefined when the bytes are not a snapshot this version can read. */
export function decodeRanker(bytes: Uint8Array): OnlineModels | undefined {
  try {
    const decoded = deserialize(bytes) as { format?: number; snapshot?: RankerSnapshot; retrieval?: RetrievalTowerSnapshot };
    if (decoded.format !== FORMAT || !decoded.snapshot || !decoded.retrieval) return undefined;
    return { ranker: MultiTaskRanker.restore(decoded.snapshot), retrieval: RetrievalTower.restore(decoded.retrieval) };
  } catch {
    return undefined;
  }
}
