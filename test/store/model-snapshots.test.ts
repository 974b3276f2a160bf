import { join } from 'node:path';
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
});
