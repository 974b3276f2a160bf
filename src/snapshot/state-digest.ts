/**
 * A digest of the whole online state but the vector index's graph (an approximate structure, compared by recall
 * instead): two states with one digest hold the same values in every field, in the same order, with the same sharing.
 * It walks the values themselves, not V8's serialization of them, whose bytes depend on how V8 happens to store an
 * array or a string (a restored array of ids serializes differently from the one it was read from).
 */
import { createHash, type Hash } from 'node:crypto';
import type { OnlineState } from '../features/online-state.js';
import { STATE_CLASSES } from './state-classes.js';

export function stateDigest(state: OnlineState): string {
  return digestGraph(state, state.videoVectors ? [state.videoVectors] : []);
}

/** The digest of any graph of values, `omit` left out. */
export function digestGraph(root: unknown, omit: readonly object[] = []): string {
  const hash = createHash('sha256');
  const visited = new Map<object, number>();
  for (const object of omit) visited.set(object, -1);
  // Iterative: the graph is deep enough (users → sets → …) to be walked safely, and a million-element array is not.
  const stack: unknown[] = [root];
  const number = new Float64Array(1);
  const numberBytes = new Uint8Array(number.buffer);
  const tag = (text: string) => hash.update(text);
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === undefined) tag('u');
    else if (value === null) tag('n');
    else if (typeof value === 'number') {
      number[0] = value;
      tag('#');
      hash.update(numberBytes);
    } else if (typeof value === 'string') tag(`s${value.length}:${value}`);
    else if (typeof value === 'boolean') tag(value ? 't' : 'f');
    else if (typeof value === 'bigint') tag(`b${value}`);
    else if (typeof value === 'function') tag('F');
    else if (typeof value === 'object') {
      // Instances of the state's classes are shared on purpose (one catalogue read by every index) and may form
      // cycles: each is walked once, then named by its order. Containers and arrays are compared by content only —
      // whether two users' empty block lists are one object or two is not state.
      const proto = Object.getPrototypeOf(value) as object | null;
      const shared = proto !== null && proto !== Object.prototype && !Array.isArray(value) && !(value instanceof Map) && !(value instanceof Set) && !ArrayBuffer.isView(value);
      if (shared) {
        const seen = visited.get(value);
        if (seen !== undefined) {
          tag(`@${seen}`);
          continue;
        }
        visited.set(value, visited.size);
      } else if (visited.get(value) === -1) continue;
      digestObject(value, hash, stack);
    }
  }
  return hash.digest('hex');
}

/** Hashes what identifies the object's kind and size, and pushes its parts in reverse so they are walked in order. */
function digestObject(value: object, hash: Hash, stack: unknown[]): void {
  if (ArrayBuffer.isView(value)) {
    hash.update(`${value.constructor.name}${value.byteLength}:`);
    hash.update(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    return;
  }
  const parts: unknown[] = [];
  if (Array.isArray(value)) {
    hash.update(`[${value.length}`);
    for (let i = 0; i < value.length; i++) parts.push(value[i]);
  } else if (value instanceof Map) {
    hash.update(`M${value.size}`);
    for (const [key, entry] of value) parts.push(key, entry);
  } else if (value instanceof Set) {
    hash.update(`S${value.size}`);
    for (const member of value) parts.push(member);
  } else {
    // Fields without a value, and functions (rebuilt after a restore, not restored: state-classes.ts), are left out.
    // So are caches and scratch space (state-classes.ts): serving a feed fills them without changing the state.
    const record = value as Record<string, unknown>;
    const rule = STATE_CLASSES.describe(value);
    if (rule?.digestAs) {
      hash.update(`=${rule.name}`);
      stack.push(rule.digestAs(value));
      return;
    }
    const caches = rule?.caches;
    const keys = Object.keys(value).filter((key) => record[key] !== undefined && typeof record[key] !== 'function' && !caches?.has(key));
    hash.update(`{${(Object.getPrototypeOf(value) as object | null)?.constructor?.name ?? ''}${keys.length}`);
    for (const key of keys) parts.push(key, record[key]);
  }
  for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]);
}
