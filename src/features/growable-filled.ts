/**
 * Typed-array growth for indexes whose empty entries are not zero (-1 = "none"), and float32 and uint16 columns.
 * Geometric growth keeps appends amortised O(1), as in growable.ts (`nextCapacity`); `growth` lets a caller with
 * very large arrays trade a few more copies for less slack.
 */
import { nextCapacity } from './growable.js';

export function grownInt32Filled(
  array: Int32Array<ArrayBuffer>,
  minLength: number,
  empty: number,
  growth?: number,
): Int32Array<ArrayBuffer> {
  if (minLength <= array.length) return array;
  const next = new Int32Array(grownLength(array.length, minLength, growth));
  next.set(array);
  next.fill(empty, array.length);
  return next;
}

export function grownFloat32(array: Float32Array<ArrayBuffer>, minLength: number, growth?: number): Float32Array<ArrayBuffer> {
  if (minLength <= array.length) return array;
  const next = new Float32Array(grownLength(array.length, minLength, growth));
  next.set(array);
  return next;
}

export function grownUint16(array: Uint16Array<ArrayBuffer>, minLength: number): Uint16Array<ArrayBuffer> {
  if (minLength <= array.length) return array;
  const next = new Uint16Array(nextCapacity(array.length, minLength));
  next.set(array);
  return next;
}

function grownLength(length: number, minLength: number, growth: number | undefined): number {
  return growth === undefined ? nextCapacity(length, minLength) : Math.max(minLength, Math.ceil(length * growth), 1024);
}
