/**
 * Typed-array growth for per-video and per-user columns. Geometric growth keeps appends amortised O(1): doubling
 * while small, then a quarter at a time, so that a column of a million rows is never twice what it holds (one new
 * video past a full table of 1M rows doubled it in every replica; a cold rebuild left tables up to half empty).
 */
export function nextCapacity(length: number, minLength: number): number {
  const grown = length < LARGE ? length * 2 : length + Math.ceil(length / 4);
  return Math.max(minLength, grown, 1024);
}

/** From this length on, columns grow by a quarter instead of doubling. */
const LARGE = 65_536;

export function grownFloat64(array: Float64Array<ArrayBuffer>, minLength: number): Float64Array<ArrayBuffer> {
  if (minLength <= array.length) return array;
  const next = new Float64Array(nextCapacity(array.length, minLength));
  next.set(array);
  return next;
}

export function grownInt32(array: Int32Array<ArrayBuffer>, minLength: number): Int32Array<ArrayBuffer> {
  if (minLength <= array.length) return array;
  const next = new Int32Array(nextCapacity(array.length, minLength));
  next.set(array);
  return next;
}

export function grownUint8(array: Uint8Array<ArrayBuffer>, minLength: number): Uint8Array<ArrayBuffer> {
  if (minLength <= array.length) return array;
  const next = new Uint8Array(nextCapacity(array.length, minLength));
  next.set(array);
  return next;
}
