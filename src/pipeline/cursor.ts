/**
 * The opaque paging cursor. Personalized pages need no position (the seen filter excludes what was served), so
 * their cursor only counts pages; the non-profiled feed pages by offset (it must not read the user's history), and
 * the chronological following feed by the last item's time. A personalised cursor also names the last video served
 * (`after`), so the re-ranker's "not twice in a row" rules hold across the page boundary.
 */
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

export function encodeCursor(cursor: FeedCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(text: string, mode: FeedMode): FeedCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new InputError('invalid cursor', [{ field: 'cursor', message: 'not a cursor this service issued' }]);
  }
  const result = CursorSchema.safeParse(parsed);
  if (!result.success) {
    throw new InputError('invalid cursor', [{ field: 'cursor', message: 'not a cursor this service issued' }]);
  }
  if (result.data.mode !== mode) {
    throw new InputError('cursor belongs to another feed mode', [
      { field: 'cursor', message: `issued for mode ${result.data.mode}, not ${mode}` },
    ]);
  }
  return result.data;
}
