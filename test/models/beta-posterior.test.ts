import { describe, expect, it } from 'vitest';
import { betaSurvival, logGamma, regularizedIncompleteBeta, sampleBeta, sampleGamma, sampleGammaOfInteger } from '../../src/models/beta-posterior.js';
import { seededRandom } from '../../src/models/random.js';

const SAMPLES = 200_000;

function moments(draw: () => number): { mean: number; variance: number } {
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const x = draw();
    sum += x;
    sumSquares += x * x;
  }
  const mean = sum / SAMPLES;
  return { mean, variance: sumSquares / SAMPLES - mean * mean };
}

describe('Beta sampling', () => {
  // Includes shapes below 1 (the boosted Gamma path), the uniform prior, and posteriors after much evidence.
  it.each([
    [0.5, 0.5],
    [1, 1],
    [2, 5],
    [1, 21],
    [16, 3],
    [300, 120],
  ])('Beta(%f, %f): sample mean and variance match a/(a+b) and ab/((a+b)²(a+b+1))', (a, b) => {
    const random = seededRandom(12345);
    const { mean, variance } = moments(() => sampleBeta(random, a, b));
    const expectedMean = a / (a + b);
    const expectedVariance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    // Five standard errors of the sample mean; the sample variance of a bounded variable is within a few percent.
    expect(Math.abs(mean - expectedMean)).toBeLessThan(5 * Math.sqrt(expectedVariance / SAMPLES));
    expect(Math.abs(variance / expectedVariance - 1)).toBeLessThan(0.03);
  });

  it('Gamma(k) draws have mean k and variance k, and every Beta draw lies in [0, 1]', () => {
    for (const shape of [0.3, 1, 4.5, 50]) {
      const random = seededRandom(7);
      const { mean, variance } = moments(() => sampleGamma(random, shape));
      expect(Math.abs(mean - shape)).toBeLessThan(5 * Math.sqrt(shape / SAMPLES));
      expect(Math.abs(variance / shape - 1)).toBeLessThan(0.05);
    }
    for (const shape of [1, 3, 12]) {
      const random = seededRandom(11);
      const { mean, variance } = moments(() => sampleGammaOfInteger(random, shape));
      expect(Math.abs(mean - shape)).toBeLessThan(5 * Math.sqrt(shape / SAMPLES));
      expect(Math.abs(variance / shape - 1)).toBeLessThan(0.05);
    }
    const random = seededRandom(99);
    for (let i = 0; i < 10_000; i++) {
      const theta = sampleBeta(random, 1 + (i % 7), 1 + (i % 11));
      expect(theta >= 0 && theta <= 1).toBe(true);
    }
  });

  it('the same seed gives the same draws', () => {
    const first = seededRandom(42);
    const second = seededRandom(42);
    for (let i = 0; i < 100; i++) expect(sampleBeta(first, 3, 4)).toBe(sampleBeta(second, 3, 4));
  });
});

describe('Beta tail probability', () => {
  it('matches closed forms: Beta(1,1) is uniform, Beta(a,1) has CDF x^a, Beta(1,b) has CDF 1 − (1−x)^b', () => {
    for (const x of [0.01, 0.2, 0.4, 0.5, 0.77, 0.99]) {
      expect(betaSurvival(x, 1, 1)).toBeCloseTo(1 - x, 12);
      expect(betaSurvival(x, 5, 1)).toBeCloseTo(1 - x ** 5, 12);
      expect(betaSurvival(x, 1, 21)).toBeCloseTo((1 - x) ** 21, 12);
      // symmetry I_x(a, b) = 1 − I_{1−x}(b, a)
      expect(regularizedIncompleteBeta(x, 3.5, 8)).toBeCloseTo(1 - regularizedIncompleteBeta(1 - x, 8, 3.5), 12);
    }
    expect(betaSurvival(0, 2, 3)).toBe(1);
    expect(betaSurvival(1, 2, 3)).toBe(0);
  });

  it('agrees with the share of sampled draws above the threshold', () => {
    const random = seededRandom(2024);
    for (const [a, b, x] of [
      [16, 3, 0.4],
      [6, 8, 0.4],
      [2.5, 40, 0.1],
    ] as const) {
      let above = 0;
      for (let i = 0; i < SAMPLES; i++) if (sampleBeta(random, a, b) > x) above++;
      const p = betaSurvival(x, a, b);
      expect(Math.abs(above / SAMPLES - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / SAMPLES) + 1e-4);
    }
  });

  it('log Γ matches factorials', () => {
    let factorial = 1;
    for (let n = 1; n <= 20; n++) {
      expect(logGamma(n)).toBeCloseTo(Math.log(factorial), 10);
      factorial *= n;
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });
});
