/**
 * In-place inversion of a dense symmetric positive definite matrix by the blocked symmetric sweep operator
 * (Goodnight 1979), split over worker threads. SPD matrices need no pivoting, and symmetry lets every step touch
 * only the upper triangle: n³/2 multiply–adds in all. Each block of `block` pivots is one pass over the matrix (a
 * rank-`block` update), so memory traffic is n/block passes, and the inner loop is an unrolled multiply–add over
 * contiguous row segments.
 *
 * Sweeping pivot block K (rest R), with P = M_KK⁻¹:
 *   M_KR ← P·M_KR,  M_RK ← M_RK·P,  M_RR ← M_RR − M_RK·P·M_KR,  M_KK ← −P.
 * After every block has been swept, M = −A⁻¹; a last pass negates it and mirrors the upper triangle down.
 */
import { type KernelContext } from './kernel-context.js';

export interface InvertArgs {
  /** n×n, row-major, in a SharedArrayBuffer when run on several threads; replaced by its inverse. */
  matrix: Float64Array;
  n: number;
  /** Shared scratch of block×n values. */
  scratch: Float64Array;
  block: number;
}

export function invertKernel(rawArgs: Record<string, unknown>, context: KernelContext): void {
  const { matrix: a, n, scratch: w, block } = rawArgs as unknown as InvertArgs;
  const { index, count } = context;
  const pivot = new Float64Array(block * block);
  const c = new Float64Array(block);
  for (let k0 = 0; k0 < n; k0 += block) {
    const bs = Math.min(block, n - k0);
    const k1 = k0 + bs;
    // 1. P = M_KK⁻¹ from the upper triangle (every worker computes the same small inverse).
    for (let r = 0; r < bs; r++) {
      for (let s = r; s < bs; s++) {
        const v = a[(k0 + r) * n + k0 + s]!;
        pivot[r * bs + s] = v;
        pivot[s * bs + r] = v;
      }
    }
    invertSmall(pivot, bs);
    // 2. W[:, j] = P·M_Kj for this worker's columns j outside K (M_Kj read from the upper triangle).
    for (let j = index; j < n; j += count) {
      if (j >= k0 && j < k1) continue;
      if (j < k0) for (let l = 0; l < bs; l++) c[l] = a[j * n + k0 + l]!;
      else for (let l = 0; l < bs; l++) c[l] = a[(k0 + l) * n + j]!;
      for (let r = 0; r < bs; r++) {
        let sum = 0;
        const po = r * bs;
        for (let l = 0; l < bs; l++) sum += pivot[po + l]! * c[l]!;
        w[r * n + j] = sum;
      }
    }
    context.barrier();
    // 3. Rank-bs update of the upper triangle of this worker's rows (interleaved: rows shrink going down).
    for (let i = index; i < n; i += count) {
      if (i >= k0 && i < k1) continue;
      const io = i * n;
      if (i < k0) for (let l = 0; l < bs; l++) c[l] = a[io + k0 + l]!;
      else for (let l = 0; l < bs; l++) c[l] = a[(k0 + l) * n + i]!;
      if (i < k0) {
        updateRow(a, io, w, n, c, bs, i, k0);
        updateRow(a, io, w, n, c, bs, k1, n);
        // M_iK ← M_iK·P = W[:, i]ᵀ by symmetry of P.
        for (let t = 0; t < bs; t++) a[io + k0 + t] = w[t * n + i]!;
      } else {
        updateRow(a, io, w, n, c, bs, i, n);
        // M_Ki ← P·M_Ki
        for (let t = 0; t < bs; t++) a[(k0 + t) * n + i] = w[t * n + i]!;
      }
    }
    if (index === 0) {
      for (let r = 0; r < bs; r++) for (let s = r; s < bs; s++) a[(k0 + r) * n + k0 + s] = -pivot[r * bs + s]!;
    }
    context.progress(bs);
    context.barrier();
  }
  // M = −A⁻¹ in the upper triangle: negate, and mirror into the lower.
  for (let i = index; i < n; i += count) {
    for (let j = i; j < n; j++) a[i * n + j] = -a[i * n + j]!;
  }
  context.barrier();
  for (let i = index; i < n; i += count) {
    for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i]!;
  }
}

/** row[from…to) −= Σ_s c[s]·W[s][from…to), four W rows at a time. */
function updateRow(
  a: Float64Array,
  rowOffset: number,
  w: Float64Array,
  n: number,
  c: Float64Array,
  bs: number,
  from: number,
  to: number,
): void {
  if (from >= to) return;
  const row = a.subarray(rowOffset + from, rowOffset + to);
  const len = to - from;
  let s = 0;
  for (; s + 4 <= bs; s += 4) {
    const c0 = c[s]!;
    const c1 = c[s + 1]!;
    const c2 = c[s + 2]!;
    const c3 = c[s + 3]!;
    if (c0 === 0 && c1 === 0 && c2 === 0 && c3 === 0) continue;
    const x0 = w.subarray(s * n + from, s * n + to);
    const x1 = w.subarray((s + 1) * n + from, (s + 1) * n + to);
    const x2 = w.subarray((s + 2) * n + from, (s + 2) * n + to);
    const x3 = w.subarray((s + 3) * n + from, (s + 3) * n + to);
    for (let j = 0; j < len; j++) row[j] -= c0 * x0[j]! + c1 * x1[j]! + c2 * x2[j]! + c3 * x3[j]!;
  }
  for (; s < bs; s++) {
    const f = c[s]!;
    if (f === 0) continue;
    const x = w.subarray(s * n + from, s * n + to);
    for (let j = 0; j < len; j++) row[j] -= f * x[j]!;
  }
}

/** Plain in-place Gauss–Jordan inverse of a small SPD matrix. */
export function invertSmall(m: Float64Array, n: number): void {
  for (let k = 0; k < n; k++) {
    const d = m[k * n + k]!;
    if (!(d > 0)) throw new Error('matrix is not positive definite (increase the regularisation)');
    const inv = 1 / d;
    m[k * n + k] = 1;
    for (let j = 0; j < n; j++) m[k * n + j] *= inv;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const f = m[i * n + k]!;
      if (f === 0) continue;
      m[i * n + k] = 0;
      for (let j = 0; j < n; j++) m[i * n + j] -= f * m[k * n + j]!;
    }
  }
}
