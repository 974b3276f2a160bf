/**
 * Snapshots of the online models (the ranker and the retrieval tower, learned from the same events up to the same
 * log position) as bytes for the store. V8's structured serialisation keeps typed arrays exact (scores after a
 * restore are bit-identical) and is fast; a snapshot that no longer decodes (say, after a Node upgrade, or one of an
 * older format) is simply not used, and the models relearn from the event log.
 *
 * Format 3 is framed: a magic, then length-prefixed pieces — the models without their embedding tables, then each
 * table on its own. The encoder yields the pieces one at a time, so that only one table's copy and its serialised
 * bytes exist at once: whole, at a million videos, the copy and the bytes were 280 MB beside the serving state.
 */
import { deserialize, serialize } from 'node:v8';
import type { EmbeddingTableSnapshot } from './embedding-table.js';
import { MultiTaskRanker, type RankerSnapshot } from './multi-task-ranker.js';
import { RetrievalTower, type RetrievalTowerSnapshot } from './retrieval-tower.js';

export const RANKER_SNAPSHOT_NAME = 'online-ranker';
/** 2: the retrieval tower joined the ranker (one serialised object). 3: framed, table by table. */
const FORMAT = 3;
const MAGIC = new TextEncoder().encode('foryou-ranker-3\n');

export interface OnlineModels {
  ranker: MultiTaskRanker;
  retrieval: RetrievalTower;
}

interface Head {
  format: number;
  snapshot: RankerSnapshot;
  retrieval: RetrievalTowerSnapshot;
}

interface TablePiece {
  model: 'ranker' | 'retrieval';
  name: string;
  table: EmbeddingTableSnapshot;
}

/** The snapshot's bytes, piece by piece (each may be dropped once the next is asked for). */
export function* encodeRanker(models: OnlineModels): Generator<Uint8Array> {
  yield MAGIC;
  const head: Head = {
    format: FORMAT,
    snapshot: models.ranker.snapshot({ tables: false }),
    retrieval: models.retrieval.snapshot({ tables: false }),
  };
  yield* framed(serialize(head));
  for (const [model, tables] of [
    ['ranker', models.ranker.tables],
    ['retrieval', models.retrieval.tables],
  ] as const) {
    for (const [name, table] of Object.entries(tables)) {
      const piece: TablePiece = { model, name, table: table.snapshot() };
      yield* framed(serialize(piece));
    }
  }
}

/** The whole snapshot in one buffer (tests, small states). */
export function encodeRankerBytes(models: OnlineModels): Uint8Array {
  return Buffer.concat([...encodeRanker(models)]);
}

function* framed(bytes: Uint8Array): Generator<Uint8Array> {
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, bytes.byteLength, true);
  yield length;
  yield bytes;
}

/** The models, or undefined when the bytes are not a snapshot this version can read. */
export function decodeRanker(bytes: Uint8Array): OnlineModels | undefined {
  try {
    const head = hasMagic(bytes) ? decodeFramed(bytes) : (deserialize(bytes) as Partial<Head>);
    if ((head.format !== FORMAT && head.format !== 2) || !head.snapshot || !head.retrieval) return undefined;
    return { ranker: MultiTaskRanker.restore(head.snapshot), retrieval: RetrievalTower.restore(head.retrieval) };
  } catch {
    return undefined;
  }
}

function hasMagic(bytes: Uint8Array): boolean {
  if (bytes.byteLength < MAGIC.byteLength) return false;
  for (let i = 0; i < MAGIC.byteLength; i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

/** Reassembles a format-3 snapshot into the objects the models restore from. */
function decodeFramed(bytes: Uint8Array): Partial<Head> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = MAGIC.byteLength;
  const next = (): unknown => {
    if (at + 4 > bytes.byteLength) throw new Error('truncated ranker snapshot');
    const length = view.getUint32(at, true);
    at += 4;
    if (at + length > bytes.byteLength) throw new Error('truncated ranker snapshot');
    const value = deserialize(bytes.subarray(at, at + length));
    at += length;
    return value;
  };
  const head = next() as Partial<Head>;
  if (!head.snapshot || !head.retrieval) return head;
  while (at < bytes.byteLength) {
    const piece = next() as TablePiece;
    const target = piece.model === 'ranker' ? head.snapshot.tables : head.retrieval.tables;
    (target as Record<string, EmbeddingTableSnapshot>)[piece.name] = piece.table;
  }
  return head;
}
