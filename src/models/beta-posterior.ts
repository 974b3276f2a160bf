/**
 * The Beta distribution as a posterior over a rate (here: the share of good views of a new video): draws for
 * Thompson sampling and the tail probability P(θ > x) for deciding whether the rate holds up. Pure computation on
 * numbers: nothing here allocates, so it can run once per candidate in a feed request.
 */
import { gaussian } from './random.js';

/** Integer shapes up to this are drawn as sums of exponentials (12 uniforms multiply to at least 2^-384: no underflow). */
const SMALL_INTEGER_SHAPE = 12;

/**
 * Gamma(shape, 1) by Marsaglia and Tsang (2000): a squeeze-accelerated rejection sampler that accepts about 98% of
 * proposals for shape ≥ 1. Shapes below 1 use Gamma(a) = Gamma(a + 1) · U^(1/a). `normal` lets a caller with its own
 * normal generator (the simulator) keep its random stream.
 */
export function sampleGamma(random: () => number, shape: number, normal: () => number = () => gaussian(random)): number {
  if (shape < 1) {
    const u = 1 - random(); // in (0, 1]
    return sampleGamma(random, shape + 1, normal) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random(); // in (0, 1], so its log is finite
    const xx = x * x;
    if (u < 1 - 0.0331 * xx * xx) return d * v;
    if (Math.log(u) < 0.5 * xx + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * θ ~ Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). Thompson sampling draws one per exploring video
 * per feed request, mostly with small whole-number counts (a video's first views): those take the cheap exact path.
 */
export function sampleBeta(random: () => number, a: number, b: number): number {
  const x = isSmallInteger(a) ? sampleGammaOfInteger(random, a) : sampleGamma(random, a);
  const y = isSmallInteger(b) ? sampleGammaOfInteger(random, b) : sampleGamma(random, b);
  return x / (x + y);
}

/**
 * Gamma(k) for a whole k ≥ 1: the sum of k standard exponentials, −log of the product of k uniforms. One log and
 * no rejection loop.
 */
export function sampleGammaOfInteger(random: () => number, k: number): number {
  let product = 1;
  for (let i = 0; i < k; i++) product *= 1 - random(); // each in (0, 1]
  return -Math.log(product);
}

function isSmallInteger(shape: number): boolean {
  return shape >= 1 && shape <= SMALL_INTEGER_SHAPE && Number.isInteger(shape);
}

/** P(θ > x) for θ ~ Beta(a, b): one minus the regularized incomplete beta function I_x(a, b). */
export function betaSurvival(x: number, a: number, b: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  return 1 - regularizedIncompleteBeta(x, a, b);
}

/**
 * I_x(a, b) by its continued fraction (modified Lentz), which converges fast for x < (a + 1) / (a + b + 2); above
 * that point the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) moves x to the fast side.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

const TINY = 1e-300;

function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-12) break;
  }
  return h;
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(z) for z > 0 by the Lanczos approximation (g = 7), accurate to about 15 digits. */
export function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const zm = z - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) sum += LANCZOS[i]! / (zm + i);
  const t = zm + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (zm + 0.5) * Math.log(t) - t + Math.log(sum);
}
