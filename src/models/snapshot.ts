/**
 * The bytes of a fitted model, as saved in the store by `foryou train` and loaded by serving.
 *
 * Layout: "FYMS", u32 format version, u32 header length, the header (UTF-8 JSON: model name, parameters, the
 * name, type, offset and length of every array, and nested parts), then the arrays' raw little-endian bytes,
 * each starting on an 8-byte boundary.
 */
import type { ModelSnapshot } from './model.js';

const MAGIC = 0x534d5946; // "FYMS" read as little-endian u32
const FORMAT_VERSION = 1;

type ArrayType = 'f32' | 'f64' | 'i32';
interface ArrayEntry {
  name: string;
  type: ArrayType;
  offset: number;
  length: number;
}
interface HeaderNode {
  model: string;
  params: ModelSnapshot['params'];
  arrays: ArrayEntry[];
  parts?: HeaderNode[];
}

function typeOf(array: Float32Array | Float64Array | Int32Array): ArrayType {
  if (array instanceof Float32Array) return 'f32';
  if (array instanceof Float64Array) return 'f64';
  return 'i32';
}

export function encodeSnapshot(snapshot: ModelSnapshot): Uint8Array {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const describe = (node: ModelSnapshot): HeaderNode => {
    const arrays: ArrayEntry[] = [];
    for (const [name, array] of Object.entries(node.arrays)) {
      arrays.push({ name, type: typeOf(array), offset, length: array.length });
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      chunks.push(bytes);
      offset += bytes.byteLength;
      const pad = (8 - (offset % 8)) % 8;
      if (pad > 0) {
        chunks.push(new Uint8Array(pad));
        offset += pad;
      }
    }
    const header: HeaderNode = { model: node.model, params: node.params, arrays };
    if (node.parts) header.parts = node.parts.map(describe);
    return header;
  };
  const header = new TextEncoder().encode(JSON.stringify(describe(snapshot)));
  const headerPadded = header.byteLength + ((8 - ((12 + header.byteLength) % 8)) % 8);
  const dataStart = 12 + headerPadded;
  const out = new Uint8Array(dataStart + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, FORMAT_VERSION, true);
  view.setUint32(8, headerPadded, true);
  out.set(header, 12);
  out.fill(0x20, 12 + header.byteLength, dataStart); // pad the JSON with spaces
  let at = dataStart;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** Decodes a snapshot; bytes in a SharedArrayBuffer (see `shareBytes`) are read in place, other bytes copied out. */
export function decodeSnapshot(bytes: Uint8Array): ModelSnapshot {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12 || view.getUint32(0, true) !== MAGIC) throw new Error('not a foryou model snapshot');
  const version = view.getUint32(4, true);
  if (version !== FORMAT_VERSION) throw new Error(`model snapshot format ${version} is not supported (expected ${FORMAT_VERSION})`);
  const headerLength = view.getUint32(8, true);
  // Arrays start on 8-byte boundaries of the data: with the bytes themselves 8-byte aligned in shared memory, they
  // can be read in place.
  const shared = typeof SharedArrayBuffer !== 'undefined' && bytes.buffer instanceof SharedArrayBuffer && bytes.byteOffset % 8 === 0;
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as HeaderNode;
  const dataStart = 12 + headerLength;
  const build = (node: HeaderNode): ModelSnapshot => {
    const arrays: ModelSnapshot['arrays'] = {};
    for (const entry of node.arrays) {
      const size = entry.type === 'f64' ? 8 : 4;
      const start = dataStart + entry.offset;
      let buffer: ArrayBufferLike;
      let at = 0;
      if (shared) {
        // Views into shared memory: every thread that decodes the same bytes reads one copy of the arrays.
        buffer = bytes.buffer;
        at = bytes.byteOffset + start;
      } else {
        // Copy out: the source may not be aligned (e.g. a Buffer from SQLite), and a copy owns its memory.
        buffer = bytes.slice(start, start + entry.length * size).buffer;
      }
      arrays[entry.name] =
        entry.type === 'f32'
          ? new Float32Array(buffer, at, entry.length)
          : entry.type === 'f64'
            ? new Float64Array(buffer, at, entry.length)
            : new Int32Array(buffer, at, entry.length);
    }
    const snapshot: ModelSnapshot = { model: node.model, params: node.params, arrays };
    if (node.parts) snapshot.parts = node.parts.map(build);
    return snapshot;
  };
  return build(header);
}

/** The bytes copied once into shared memory, 8-byte aligned, so that decoding (on any thread) reads them in place. */
export function shareBytes(bytes: Uint8Array): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  shared.set(bytes);
  return shared;
}
