/** One step of Marsaglia's xorshift32: the next state (a nonzero uint32 stays nonzero). Seeded, reproducible draws. */
export function xorshift32(state: number): number {
  let x = state;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}
