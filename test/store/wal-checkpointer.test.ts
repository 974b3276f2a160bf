/**
 * A serving store's write-ahead log is copied into the database file by a thread of its own: the commit that
 * crosses SQLite's threshold no longer pauses the serving thread for it. Without that thread, the pages a commit
 * wrote stay in the log (the serving connection's own threshold is far above them).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AcceptedEvent } from '../../src/core/schemas.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

const events = (n: number): AcceptedEvent[] =>
  Array.from({ length: n }, (_, i) => ({ id: `e${i}`, user: `u${i % 500}`, video: null, creator: `c${i % 50}`, type: 'follow', ts: 1_700_000_000_000 + i, watchMs: null }));

async function fileGrowth(serving: boolean): Promise<number> {
  const path = join(temp.dir, `${serving ? 'with' : 'without'}.db`);
  const store = new SqliteStore(path, { serving });
  try {
    const before = statSync(path).size;
    await store.appendEvents(events(30_000), []);
    // The commit left the pages in the log; the checkpointer copies them within a second or two.
    const deadline = Date.now() + 5_000;
    while (statSync(path).size === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    return statSync(path).size - before;
  } finally {
    await store.close();
  }
}

describe('the WAL checkpointer', () => {
  it('copies committed pages into the database file off the serving thread', async () => {
    expect(await fileGrowth(true)).toBeGreaterThan(1_000_000);
  });

  it('is what copies them: without it the pages stay in the log', async () => {
    expect(await fileGrowth(false)).toBe(0);
  }, 10_000);
});
