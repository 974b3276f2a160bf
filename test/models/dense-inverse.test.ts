import { describe, expect, it } from 'vitest';
import { invertSpd } from '../../src/models/ease.js';
import { sharedFloat64 } from '../../src/models/parallel.js';
import { seededRandom } from '../../src/models/random.js';

describe('blocked symmetric inverse', () => {
  it.each([1, 7, 48, 49, 130])('inverts a random SPD matrix of size %i', async (n) => {
    const random = seededRandom(n);
    const x = Array.from({ length: n * n }, () => random() - 0.5);
    const a = sharedFloat64(n * n);
    // A = XᵀX + n·I
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += x[k * n + i]! * x[k * n + j]!;
        a[i * n + j] = sum + (i === j ? 1 : 0);
      }
    }
    const original = a.slice();
    await invertSpd(a, n, 2);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += original[i * n + k]! * a[k * n + j]!;
        expect(sum).toBeCloseTo(i === j ? 1 : 0, 8);
      }
    }
  });
});
