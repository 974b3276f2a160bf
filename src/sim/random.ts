/**
 * A small seeded PRNG, so that a simulated world and its event stream are the same on every machine and every run.
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128 bits of state, passes PractRand, and its period
 * (≥ 2^32, about 2^127 on average) is far beyond the ~10^9 draws a 10-million-event world makes, unlike mulberry32.
 */
import { sampleGamma } from '../models/beta-posterior.js';

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Box–Muller yields normals in pairs; the second waits here. */
  private spareNormal = Number.NaN;
  private readonly uniformDraw = () => this.next();
  private readonly normalDraw = () => this.normal();

  constructor(seed: number) {
    // splitmix32 spreads any seed (0, 1, 2, … included) over the whole state, so nearby seeds give unrelated streams.
    let s = seed >>> 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix() | 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** An independent stream for one purpose, so that adding draws to one purpose never shifts another's. */
  fork(label: number): Random {
    return new Random((this.nextUint32() ^ Math.imul(label + 1, 0x85ebca6b)) >>> 0);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4_294_967_296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Standard normal. */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const spare = this.spareNormal;
      this.spareNormal = Number.NaN;
      return spare;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * this.next();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Gamma(shape, 1) (Marsaglia–Tsang, see models/beta-posterior.ts), drawn from this stream. */
  gamma(shape: number): number {
    return sampleGamma(this.uniformDraw, shape, this.normalDraw);
  }
}

/**
 * The index i with cumulative[i-1] ≤ target < cumulative[i], searched among the first `count` entries: sampling by
 * weight in O(log n) from a prefix-sum table, without building anything per draw.
 */
export function searchCumulative(cumulative: Float64Array, target: number, count = cumulative.length): number {
  let low = 0;
  let high = count - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (cumulative[mid]! > target) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Draws an index with probability proportional to its weight, among the first `count` entries of the prefix sums. */
export function pickWeighted(cumulative: Float64Array, random: Random, count = cumulative.length): number {
  return searchCumulative(cumulative, random.next() * cumulative[count - 1]!, count);
}

/** Prefix sums of the weights, the table `pickWeighted` samples from. */
export function cumulativeSums(weights: ArrayLike<number>): Float64Array {
  const sums = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    total += weights[i]!;
    sums[i] = total;
  }
  return sums;
}
