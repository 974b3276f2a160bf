/**
 * The key feed cursors are signed with (pipeline/cursor.ts), kept in the store so that cursors stay valid across a
 * restart and every feed thread signs and checks with the same one. Made at the first start.
 */
import { randomBytes } from 'node:crypto';
import type { CursorKey } from '../pipeline/cursor.js';
import type { Store } from '../store/store.js';

const CURSOR_KEY_META = 'feed.cursorKey';

export async function feedCursorKey(store: Store): Promise<CursorKey> {
  let hex = await store.getMeta(CURSOR_KEY_META);
  if (hex === undefined) {
    hex = randomBytes(32).toString('hex');
    await store.setMeta(CURSOR_KEY_META, hex);
  }
  return Buffer.from(hex, 'hex');
}
