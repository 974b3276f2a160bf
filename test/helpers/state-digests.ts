/** The digests a test compares a running or restored state with, read from a store file on disk. */
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import { OnlineState } from '../../src/features/online-state.js';
import { restoreState } from '../../src/snapshot/restore-state.js';
import { stateDigest } from '../../src/snapshot/state-digest.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

/**
 * The digest of the state a start without any snapshot makes (the whole log replayed), and of the state a start makes
 * from the newest usable snapshot and the log after it (undefined when there is none).
 */
export async function digestsOfStore(db: string): Promise<{ replayed: string; restored: string | undefined }> {
  const store = new SqliteStore(db);
  try {
    const restored = await restoreState(store, db, DEFAULT_ALGORITHM);
    const replayed = await OnlineState.rebuild(store, DEFAULT_ALGORITHM);
    return { replayed: stateDigest(replayed), restored: restored && stateDigest(restored.state) };
  } finally {
    await store.close();
  }
}
