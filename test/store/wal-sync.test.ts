/**
 * The serving store's off-thread flush of its write-ahead log: every caller waits for an fsync that began after it
 * asked, and callers that ask while one runs share the next.
 */
import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { WalSync } from '../../src/store/sqlite/wal-sync.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

describe('WalSync', () => {
  it('flushes once for the first caller and once more for all who asked while it ran', async () => {
    const path = join(temp.dir, 'x.db');
    writeFileSync(`${path}-wal`, 'log');
    const probe = await open(`${path}-wal`, 'r');
    const spy = vi.spyOn(Object.getPrototypeOf(probe) as { datasync: () => Promise<void> }, 'datasync');
    await probe.close();
    const sync = new WalSync(path);
    const order: string[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => sync.sync().then(() => order.push(`s${n}`))));
    expect(spy).toHaveBeenCalledTimes(2);
    expect(order[0]).toBe('s1');
    await sync.sync();
    expect(spy).toHaveBeenCalledTimes(3);
    await sync.close();
    spy.mockRestore();
  });
});
