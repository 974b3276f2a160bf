/**
 * Turns an object graph of registered classes, Maps, Sets, arrays, plain objects and typed arrays into bytes and
 * back, keeping shared references shared. The online state is that graph: one generic codec instead of one per
 * component means a field added to any component is in the next snapshot without anyone remembering to add it — a
 * field the codec cannot carry (a function, a native handle, an unregistered class) fails the snapshot loudly,
 * naming its path, unless its class declares it transient and rebuilds it after restore.
 *
 * The graph is first mapped to a "skeleton" that V8's own serializer (node:v8) can write — class instances become
 * tagged records — and large typed arrays are taken out of it: their bytes go to the file straight from the
 * arrays' memory (no copy of a GB-sized state), the skeleton holds a reference to each.
 */
import { deserialize, serialize } from 'node:v8';

/** A class whose instances may be in a snapshot. */
export interface SnapshotClass {
  name: string;
  ctor: abstract new (...args: never[]) => object;
  /** Fields that are not written (functions, native handles, data reloaded from elsewhere); `revive` restores them. */
  transient?: readonly string[];
  /**
   * Fields that are scratch space or caches of values computed from the rest (recomputed, or overwritten, before any
   * use): written like the others, but left out of a state's digest, since merely serving a feed fills them.
   */
  caches?: readonly string[];
  /**
   * What a state's digest compares instead of the instance's fields, when they hold its value in a layout that depends
   * on history (a hash set's slots depend on the order its members came in and left).
   */
  digestAs?: (instance: never) => unknown;
}

/** Typed arrays at least this large are written as raw bytes beside the skeleton rather than inside it. */
const LARGE_ARRAY_BYTES = 64 * 1024;

const CLASS_TAG = '\u0000class';
const FIELDS_TAG = '\u0000fields';
const ARRAY_TAG = '\u0000array';

type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

const ARRAY_TYPES = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;
type ArrayTypeName = keyof typeof ARRAY_TYPES;

/** Where a large array's bytes are: the index of its buffer among `buffers`, and the view's place in it. */
interface ArrayRef {
  [ARRAY_TAG]: number;
  type: ArrayTypeName;
  byteOffset: number;
  length: number;
}

interface ClassRecord {
  [CLASS_TAG]: string;
  [FIELDS_TAG]: Record<string, unknown>;
}

/** A registered class as the codec and the digest use it. */
export interface ClassRule {
  name: string;
  transient: ReadonlySet<string>;
  caches: ReadonlySet<string>;
  digestAs: ((instance: object) => unknown) | undefined;
}

export class ClassRegistry {
  private readonly byCtor = new Map<unknown, ClassRule>();
  private readonly byName = new Map<string, SnapshotClass['ctor']>();

  constructor(classes: readonly SnapshotClass[]) {
    for (const entry of classes) {
      if (this.byName.has(entry.name)) throw new Error(`snapshot class "${entry.name}" registered twice`);
      this.byCtor.set(entry.ctor, {
        name: entry.name,
        transient: new Set(entry.transient ?? []),
        caches: new Set(entry.caches ?? []),
        digestAs: entry.digestAs as ((instance: object) => unknown) | undefined,
      });
      this.byName.set(entry.name, entry.ctor);
    }
  }

  describe(value: object): ClassRule | undefined {
    return this.byCtor.get(Object.getPrototypeOf(value)?.constructor);
  }

  prototypeOf(name: string): object {
    const ctor = this.byName.get(name);
    if (!ctor) throw new Error(`snapshot names class "${name}", which this version does not know`);
    return ctor.prototype as object;
  }
}

/** A graph as written: the skeleton's bytes and the large arrays' buffers (whole, in order of `ArrayRef` index). */
export interface EncodedGraph {
  skeleton: Uint8Array;
  buffers: ArrayBuffer[];
}

/**
 * Encodes `root`; the buffers are the live state's own memory: write them before the state changes again. Objects in
 * `omit` are written as null (a digest leaves out what it compares otherwise).
 */
export function encodeGraph(root: unknown, registry: ClassRegistry, omit: ReadonlySet<object> = new Set()): EncodedGraph {
  const memo = new Map<object, unknown>();
  for (const object of omit) memo.set(object, null);
  const bufferIndex = new Map<ArrayBufferLike, number>();
  const buffers: ArrayBuffer[] = [];

  const encode = (value: unknown, path: string): unknown => {
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'function' || typeof value === 'symbol') throw new Error(`snapshot cannot hold the ${typeof value} at ${path}`);
      return value;
    }
    const known = memo.get(value);
    if (known !== undefined) return known;
    if (omit.has(value)) return null;
    if (ArrayBuffer.isView(value)) return encodeView(value, path);
    const proto = Object.getPrototypeOf(value) as object | null;
    if (Array.isArray(value)) {
      // Arrays of primitives (a million ids) pass as they are; a copy is made only when an element changes.
      let out: unknown[] | undefined;
      memo.set(value, value);
      for (let i = 0; i < value.length; i++) {
        const element = value[i] as unknown;
        const encoded = encode(element, path);
        if (encoded !== element && !out) {
          out = value.slice(0, i);
          memo.set(value, out);
        }
        if (out) out.push(encoded);
      }
      return out ?? value;
    }
    if (value instanceof Map) {
      let out: Map<unknown, unknown> | undefined;
      memo.set(value, value);
      let i = 0;
      for (const [key, entry] of value) {
        const encodedKey = encode(key, `${path}.<key>`);
        const encoded = encode(entry, `${path}[${String(key)}]`);
        if ((encoded !== entry || encodedKey !== key) && !out) {
          out = new Map();
          let j = 0;
          for (const [k, v] of value) {
            if (j++ === i) break;
            out.set(k, v);
          }
          memo.set(value, out);
        }
        out?.set(encodedKey, encoded);
        i++;
      }
      return out ?? value;
    }
    if (value instanceof Set) {
      let out: Set<unknown> | undefined;
      memo.set(value, value);
      let i = 0;
      for (const entry of value) {
        const encoded = encode(entry, `${path}.<member>`);
        if (encoded !== entry && !out) {
          out = new Set([...value].slice(0, i));
          memo.set(value, out);
        }
        out?.add(encoded);
        i++;
      }
      return out ?? value;
    }
    if (proto === Object.prototype || proto === null) {
      const out: Record<string, unknown> = proto === null ? Object.create(null) : {};
      memo.set(value, out);
      for (const [key, field] of Object.entries(value)) out[key] = encode(field, `${path}.${key}`);
      return out;
    }
    const described = registry.describe(value);
    if (!described) throw new Error(`snapshot cannot hold the ${proto?.constructor?.name ?? 'unknown'} object at ${path}: not a registered class`);
    const fields: Record<string, unknown> = {};
    const record: ClassRecord = { [CLASS_TAG]: described.name, [FIELDS_TAG]: fields };
    memo.set(value, record);
    for (const [key, field] of Object.entries(value)) {
      if (!described.transient.has(key)) fields[key] = encode(field, `${path}.${key}`);
    }
    return record;
  };

  const encodeView = (view: ArrayBufferView, path: string): unknown => {
    if (view instanceof DataView) throw new Error(`snapshot cannot hold the DataView at ${path}`);
    const array = view as TypedArray;
    if (array.buffer instanceof SharedArrayBuffer) {
      throw new Error(`snapshot cannot hold the shared-memory array at ${path}: its class must mark it transient and reload it`);
    }
    if (array.buffer.byteLength < LARGE_ARRAY_BYTES) return array; // V8 writes it, keeping views of one buffer together
    let index = bufferIndex.get(array.buffer);
    if (index === undefined) {
      index = buffers.length;
      buffers.push(array.buffer as ArrayBuffer);
      bufferIndex.set(array.buffer, index);
    }
    const ref: ArrayRef = {
      [ARRAY_TAG]: index,
      type: array.constructor.name as ArrayTypeName,
      byteOffset: array.byteOffset,
      length: array.length,
    };
    memo.set(view, ref);
    return ref;
  };

  const skeleton = encode(root, 'state');
  return { skeleton: serialize(skeleton), buffers };
}

/** Rebuilds the graph from `encodeGraph`'s skeleton and the buffers' bytes (in the same order). */
export function decodeGraph(skeletonBytes: Uint8Array, buffers: readonly ArrayBuffer[], registry: ClassRegistry): unknown {
  const skeleton = deserialize(skeletonBytes) as unknown;
  const memo = new Map<object, unknown>();

  const decode = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const known = memo.get(value);
    if (known !== undefined) return known;
    if (ArrayBuffer.isView(value)) {
      // node:v8 reads a small typed array as a view into the skeleton's bytes: copied out, or every such array would
      // keep the whole skeleton alive, and the next snapshot would write it again (strings of erased users included).
      const copy = (value as TypedArray).slice();
      memo.set(value, copy);
      return copy;
    }
    if (Array.isArray(value)) {
      memo.set(value, value);
      for (let i = 0; i < value.length; i++) {
        const element = value[i] as unknown;
        if (element !== null && typeof element === 'object') value[i] = decode(element);
      }
      return value;
    }
    if (value instanceof Map) {
      memo.set(value, value);
      let objectKeys = false;
      for (const [key, entry] of value) {
        if (key !== null && typeof key === 'object') objectKeys = true;
        else if (entry !== null && typeof entry === 'object') value.set(key, decode(entry));
      }
      if (!objectKeys) return value;
      const out = new Map<unknown, unknown>();
      memo.set(value, out);
      for (const [key, entry] of value) out.set(decode(key), decode(entry));
      return out;
    }
    if (value instanceof Set) {
      let objects = false;
      for (const member of value) if (member !== null && typeof member === 'object') objects = true;
      if (!objects) {
        memo.set(value, value);
        return value;
      }
      const out = new Set<unknown>();
      memo.set(value, out);
      for (const member of value) out.add(decode(member));
      return out;
    }
    const record = value as Partial<ClassRecord> & Partial<ArrayRef> & Record<string, unknown>;
    if (record[ARRAY_TAG] !== undefined) {
      const ref = record as ArrayRef;
      const buffer = buffers[ref[ARRAY_TAG]];
      const Type = ARRAY_TYPES[ref.type];
      if (!buffer || !Type) throw new Error(`snapshot refers to a missing array (${ref.type} in buffer ${ref[ARRAY_TAG]})`);
      const array = new Type(buffer, ref.byteOffset, ref.length);
      memo.set(value, array);
      return array;
    }
    if (record[CLASS_TAG] !== undefined) {
      const instance = Object.create(registry.prototypeOf(record[CLASS_TAG])) as Record<string, unknown>;
      memo.set(value, instance);
      for (const [key, field] of Object.entries(record[FIELDS_TAG]!)) instance[key] = decode(field);
      return instance;
    }
    memo.set(value, value);
    for (const [key, field] of Object.entries(record)) if (field !== null && typeof field === 'object') record[key] = decode(field);
    return value;
  };

  return decode(skeleton);
}
