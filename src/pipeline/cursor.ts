/**
 * The opaque paging cursor. Personalized pages need no position (the seen filter excludes what was served), so
 * their cursor only counts pages; the non-profiled feed pages by offset (it must not read the user's history), and
 * the chronological following feed by the last item's time. A personalised cursor also names the last video served
 * (`after`), so the re-ranker's "not twice in a row" rules hold across the page boundary.
 *
 * A cursor is signed (HMAC-SHA256 under a key the store keeps) over its user and its content: a client cannot
 * forge one (an offset of 1e12 cost eight pages' work) nor page another user's feed with it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { FeedModeSchema, type FeedMode } from '../core/schemas.js';

const CursorSchema = z.strictObject({
  mode: FeedModeSchema,
  page: z.number().int().min(1),
  offset: z.number().int().min(0).optional(),
  before: z.tuple([z.number(), z.number().int()]).optional(),
  after: z.string().min(1).max(128).optional(),
});
export type FeedCursor = z.infer<typeof CursorSchema>;

/** The key cursors are signed with: the store's (feedCursorKey), or a key of this process for a state in memory. */
export type CursorKey = Buffer;

export function newCursorKey(): CursorKey {
  return randomBytes(32);
}

/** 128 bits of the MAC: enough against forgery, short in a URL. */
const MAC_BYTES = 16;

function mac(key: CursorKey, user: string, payload: string): Buffer {
  return createHmac('sha256', key).update(user).update('\0').update(payload).digest().subarray(0, MAC_BYTES);
}

export function encodeCursor(cursor: FeedCursor, user: string, key: CursorKey): string {
  const payload = Buffer.from(JSON.stringify(cursor)).toString('base64url');
  return `${payload}.${mac(key, user, payload).toString('base64url')}`;
}

function notOurs(message = 'not a cursor this service issued to this user'): InputError {
  return new InputError('invalid cursor', [{ field: 'cursor', message }]);
}

export function decodeCursor(text: string, mode: FeedMode, user: string, key: CursorKey): FeedCursor {
  const dot = text.indexOf('.');
  if (dot < 0) throw notOurs();
  const payload = text.slice(0, dot);
  const signature = Buffer.from(text.slice(dot + 1), 'base64url');
  if (signature.length !== MAC_BYTES || !timingSafeEqual(signature, mac(key, user, payload))) throw notOurs();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw notOurs();
  }
  const result = CursorSchema.safeParse(parsed);
  if (!result.success) throw notOurs();
  if (result.data.mode !== mode) {
    throw new InputError('cursor belongs to another feed mode', [
      { field: 'cursor', message: `issued for mode ${result.data.mode}, not ${mode}` },
    ]);
  }
  return result.data;
}
