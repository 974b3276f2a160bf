/**
 * Ranker snapshots as bytes for the store. V8's structured serialisation keeps typed arrays exact (scores after a
 * restore are bit-identical) and is fast; a snapshot that no longer decodes (say, after a Node upgrade) is simply
 * not used, and the ranker relearns from the event log.
 */
import { deserialize, serialize } from 'node:v8';
import { MultiTaskRanker, type RankerSnapshot } from './multi-task-ranker.js';

export const RANKER_SNAPSHOT_NAME = 'online-ranker';
const FORMAT = 1;

export function encodeRanker(ranker: MultiTaskRanker): Uint8Array {
  return serialize({ format: FORMAT, snapshot: ranker.snapshot() });
}

/** The ranker, or undefined when the bytes are not a snapshot this version can read. */
export function decodeRanker(bytes: Uint8Array): MultiTaskRanker | undefined {
  try {
    const decoded = deserialize(bytes) as { format?: number; snapshot?: RankerSnapshot };
    if (decoded.format !== FORMAT || !decoded.snapshot) return undefined;
    return MultiTaskRanker.restore(decoded.snapshot);
  } catch {
    return undefined;
  }
}
