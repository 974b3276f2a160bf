import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

describe('model snapshots in the SQLite store', () => {
  it('numbers versions per name from 1 and returns the latest', async () => {
    const store = new SqliteStore(join(temp.dir, 'snapshots.db'));
    expect(await store.latestModelSnapshot('best')).toBeUndefined();
    expect(await store.saveModelSnapshot('best', Uint8Array.from([1, 2, 3]), { note: 'first' })).toBe(1);
    expect(await store.saveModelSnapshot('best', Uint8Array.from([4, 5]), { note: 'second' })).toBe(2);
    expect(await store.saveModelSnapshot('ials', Uint8Array.from([9]), {})).toBe(1);
    const latest = await store.latestModelSnapshot('best');
    expect(latest?.version).toBe(2);
    expect(Array.from(latest!.bytes)).toEqual([4, 5]);
    expect(latest?.meta).toEqual({ note: 'second' });
    expect(latest?.sizeBytes).toBe(2);
    const first = await store.modelSnapshot('best', 1);
    expect(Array.from(first!.bytes)).toEqual([1, 2, 3]);
    expect(await store.modelSnapshot('best', 3)).toBeUndefined();
    expect((await store.listModelSnapshots()).map((s) => `${s.name}@${s.version}`)).toEqual(['best@1', 'best@2', 'ials@1']);
    await store.close();
  });

  it('keeps snapshots across reopening, byte for byte', async () => {
    const path = join(temp.dir, 'reopen.db');
    const bytes = new Uint8Array(1_000_003).map((_, i) => (i * 31) & 255);
    let store = new SqliteStore(path);
    await store.saveModelSnapshot('ease', bytes, { items: 3 });
    await store.close();
    store = new SqliteStore(path);
    const loaded = await store.latestModelSnapshot('ease');
    expect(loaded?.bytes.byteLength).toBe(bytes.byteLength);
    expect(Buffer.from(loaded!.bytes).equals(Buffer.from(bytes))).toBe(true);
    await store.close();
  });

  it('writes a large snapshot in parts, from one buffer refilled chunk by chunk, and deletes the parts with it', async () => {
    const path = join(temp.dir, 'parts.db');
    const total = 9 * 2 ** 20 + 12_345; // three parts of at most 4 MiB
    const expected = new Uint8Array(total).map((_, i) => (i * 7 + (i >> 20)) & 255);
    const buffer = new Uint8Array(3 * 2 ** 20 + 1);
    function* chunks(): Iterable<Uint8Array> {
      for (let at = 0; at < total; at += buffer.byteLength) {
        const n = Math.min(buffer.byteLength, total - at);
        buffer.set(expected.subarray(at, at + n)); // the same buffer, refilled: the store must have written the last
        yield buffer.subarray(0, n);
      }
    }
    let store = new SqliteStore(path);
    expect(await store.saveModelSnapshot('index', chunks(), { note: 'chunked' })).toBe(1);
    expect(await store.saveModelSnapshot('index', Uint8Array.from([1, 2]), {})).toBe(2);
    await store.close();
    store = new SqliteStore(path);
    const first = await store.modelSnapshot('index', 1);
    expect(first?.sizeBytes).toBe(total);
    expect(Buffer.from(first!.bytes).equals(Buffer.from(expected))).toBe(true);
    expect((await store.listModelSnapshots()).map((s) => s.sizeBytes)).toEqual([total, 2]);
    expect(await store.deleteModelSnapshots('index', 2)).toBe(1);
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT COUNT(*) AS n FROM model_snapshot_parts WHERE name = 'index' AND version = 1").get()).toEqual({ n: 0 });
    db.close();
    expect(Array.from((await store.latestModelSnapshot('index'))!.bytes)).toEqual([1, 2]);
    await store.close();
  });

  it('reads a snapshot stored inline by an older version', async () => {
    const path = join(temp.dir, 'inline.db');
    let store = new SqliteStore(path);
    await store.close();
    const db = new Database(path);
    db.prepare("INSERT INTO model_snapshots (name, version, created_at, meta, bytes) VALUES ('old', 1, 0, '{}', ?)").run(Buffer.from([5, 6, 7]));
    db.close();
    store = new SqliteStore(path);
    const old = await store.latestModelSnapshot('old');
    expect(Array.from(old!.bytes)).toEqual([5, 6, 7]);
    expect(old?.sizeBytes).toBe(3);
    await store.close();
  });
});
