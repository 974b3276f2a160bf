/**
 * The only request body type the API takes: JSON in strict UTF-8, bounded before it is parsed. Invalid UTF-8 is
 * refused rather than silently replaced with U+FFFD, and so are strings with a lone surrogate (`"\ud800"`, valid JSON
 * but no Unicode text: stored, it turns into bytes no URL can name), so an id never changes on its way into the store.
 *
 * JSON.parse runs on the one event loop: a 16 MB body of eight million nested brackets held every other request for
 * seconds. Nesting is counted in one pass over the bytes first (tens of milliseconds for the largest body) and a body
 * deeper than any request of the API refused unparsed.
 */
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { InputError } from '../core/errors.js';
import { ILL_FORMED_TEXT_MESSAGE, isWellFormedText } from '../core/unicode-text.js';

/** No request body of the API nests deeper than 4; this leaves room and refuses the pathological. */
export const MAX_JSON_DEPTH = 16;

export function registerJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) {
      done(new InputError('request body is not valid UTF-8', [{ field: 'body', message: 'not valid UTF-8' }]));
      return;
    }
    const depth = jsonDepthExceeding(bytes, MAX_JSON_DEPTH);
    if (depth !== undefined) {
      done(new InputError('request body nests too deep', [{ field: 'body', message: `nests deeper than ${MAX_JSON_DEPTH} levels (at byte ${depth})` }]));
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      const message = error instanceof Error ? error.message : 'malformed JSON';
      done(new InputError('request body is not valid JSON', [{ field: 'body', message }]));
      return;
    }
    const path: (string | number)[] = [];
    if (findIllFormedString(parsed, path)) {
      done(new InputError('request body holds text that is not valid Unicode', [illFormedProblem(path)]));
      return;
    }
    done(null, parsed);
  });
}

/**
 * The byte offset at which `bytes` (JSON text) opens its (max+1)-th nested array or object, or undefined when it
 * nests no deeper than `max`. Brackets inside strings do not count.
 */
export function jsonDepthExceeding(bytes: Uint8Array, max: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (inString) {
      if (byte === 0x5c /* \ */) i++;
      else if (byte === 0x22 /* " */) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x5b /* [ */ || byte === 0x7b /* { */) {
      if (++depth > max) return i;
    } else if (byte === 0x5d /* ] */ || byte === 0x7d /* } */) {
      depth--;
    }
  }
  return undefined;
}

/**
 * Whether some string (value or key) in `value` is not well-formed Unicode; if so `path` is left holding its path.
 * One stack for the walk: a batch of 10,000 events allocates nothing here.
 */
function findIllFormedString(value: unknown, path: (string | number)[]): boolean {
  if (typeof value === 'string') return !isWellFormedText(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      if (findIllFormedString(value[i], path)) return true;
      path.pop();
    }
    return false;
  }
  if (value !== null && typeof value === 'object') {
    for (const key in value) {
      path.push(key);
      if (!isWellFormedText(key) || findIllFormedString((value as Record<string, unknown>)[key], path)) return true;
      path.pop();
    }
  }
  return false;
}

/** Named as the API names fields elsewhere: `events.3.user`, with the batch index given apart. */
function illFormedProblem(path: (string | number)[]): { index?: number; field: string; message: string } {
  const message = ILL_FORMED_TEXT_MESSAGE;
  if (path[0] === 'events' && typeof path[1] === 'number') {
    return { index: path[1], field: path.slice(2).join('.') || 'events', message };
  }
  return { field: path.join('.') || 'body', message };
}
