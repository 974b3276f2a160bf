/** Typed-array growth for per-video and per-user columns: doubling keeps appends amortised O(1). */
export function grownFloat64(array: Float64Array<ArrayBuffer>, minLength: number): Float64Array<ArrayBuffer> {
  if (minLength <= array.length) return array;
  const next = new Float64Array(Math.max(minLength, array.length * 2, 1024));
  next.set(array);
  return next;
}

export function grownInt32(array: Int32Array<ArrayBuffer>, minLength: number): Int32Array<ArrayBuffer> {
  if (minLength <= array.length) return array;
  const next = new Int32Array(Math.max(minLength, array.length * 2, 1024));
  next.set(array);
  return next;
}

export function grownUint8(array: Uint8Array<ArrayBuffer>, minLength: number): Uint8Array<ArrayBuffer> {
  if (minLength <= array.length) return array;
  const next = new Uint8Array(Math.max(minLength, array.length * 2, 1024));
  next.set(array);
  return next;
}
