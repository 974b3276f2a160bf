/**
 * Typed-array growth for indexes whose empty entries are not zero (-1 = "none"), and float32 and uint16 columns.
 * Geometric growth keeps appends amortised O(1), as in growable.ts; `growth` (default: double) lets a caller with
 * very large arrays trade a few more copies for less slack.
 */
export function grownInt32Filled(
  array: Int32Array<ArrayBuffer>,
  minLength: number,
  empty: number,
  growth = 2,
): Int32Array<ArrayBuffer> {
  if (minLength <= array.length) return array;
  const next = new Int32Array(Math.max(minLength, Math.ceil(array.length * growth), 1024));
  next.set(array);
  next.fill(empty, array.length);
  return next;
}

export function grownFloat32(array: Float32Array<ArrayBuffer>, minLength: number, growth = 2): Float32Array<ArrayBuffer> {
  if (minLength <= array.length) return array;
  const next = new Float32Array(Math.max(minLength, Math.ceil(array.length * growth), 1024));
  next.set(array);
  return next;
}

export function grownUint16(array: Uint16Array<ArrayBuffer>, minLength: number): Uint16Array<ArrayBuffer> {
  if (minLength <= array.length) return array;
  const next = new Uint16Array(Math.max(minLength, array.length * 2, 1024));
  next.set(array);
  return next;
}
