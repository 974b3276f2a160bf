/**
 * Implicit alternating least squares (iALS) on worker threads, in the formulation of Rendle et al., "Revisiting
 * the Performance of iALS on Item Recommendation Benchmarks" (RecSys 2022):
 *
 *   L = Σ_(u,i)∈S c_ui (1 − ⟨x_u, y_i⟩)² + α₀ Σ_u Σ_i ⟨x_u, y_i⟩² + Σ_u λ_u ‖x_u‖² + Σ_i λ_i ‖y_i‖²,
 *   λ_u = λ·(|I_u| + α₀·|I|)^ν  (and alike for items).
 *
 * Each half-step solves, for every row, (α₀·G + Σ_S c y yᵀ + λ I) x = Σ_S c y with G the other side's Gramian,
 * by a few conjugate-gradient steps warm-started at the previous x (Takács et al. 2011): O(f² + |S|·f) per step
 * instead of a full f³ solve.
 */
import { range, type KernelContext } from './kernel-context.js';

export interface IalsKernelArgs {
  numUsers: number;
  numItems: number;
  factors: number;
  userPtr: Int32Array;
  userItems: Int32Array;
  userWeights: Float32Array;
  itemPtr: Int32Array;
  itemUsers: Int32Array;
  itemWeights: Float32Array;
  /** Shared, row-major: numUsers × factors and numItems × factors, initialised by the caller. */
  userFactors: Float64Array;
  itemFactors: Float64Array;
  /** Shared scratch: workers × factors². */
  partialGram: Float64Array;
  epochs: number;
  alpha0: number;
  lambda: number;
  nu: number;
  cgSteps: number;
}

export function ialsKernel(rawArgs: Record<string, unknown>, context: KernelContext): void {
  const args = rawArgs as unknown as IalsKernelArgs;
  const f = args.factors;
  const gram = new Float64Array(f * f);
  const scratch = solverScratch(f);
  for (let epoch = 0; epoch < args.epochs; epoch++) {
    // Item step first, then users: the fit ends with user vectors that fit the final item vectors.
    halfStep(args.itemFactors, args.numItems, args.itemPtr, args.itemUsers, args.itemWeights, args.userFactors, args.numUsers);
    halfStep(args.userFactors, args.numUsers, args.userPtr, args.userItems, args.userWeights, args.itemFactors, args.numItems);
    context.progress(1);
  }

  function halfStep(
    solve: Float64Array,
    rows: number,
    ptr: Int32Array,
    indices: Int32Array,
    weights: Float32Array,
    fixed: Float64Array,
    fixedRows: number,
  ): void {
    // Gramian of the fixed side: each worker sums its share, then every worker adds up all shares.
    const [gs, ge] = range(fixedRows, context.index, context.count);
    const mine = args.partialGram.subarray(context.index * f * f, (context.index + 1) * f * f);
    gramian(fixed, f, gs, ge, mine);
    context.barrier();
    gram.fill(0);
    for (let w = 0; w < context.count; w++) {
      const part = args.partialGram.subarray(w * f * f, (w + 1) * f * f);
      for (let p = 0; p < f * f; p++) gram[p] += part[p]!;
    }
    const [rs, re] = range(rows, context.index, context.count);
    for (let r = rs; r < re; r++) {
      const start = ptr[r]!;
      const end = ptr[r + 1]!;
      const reg = args.lambda * Math.pow(end - start + args.alpha0 * fixedRows, args.nu);
      solveRow(solve, r * f, f, gram, args.alpha0, reg, fixed, indices, weights, start, end, args.cgSteps, scratch);
    }
    context.barrier();
  }
}

/** G = Σ y yᵀ over rows [start, end) of a row-major matrix (full symmetric result). */
export function gramian(m: Float64Array, f: number, start: number, end: number, out: Float64Array): void {
  out.fill(0);
  for (let r = start; r < end; r++) {
    const o = r * f;
    for (let a = 0; a < f; a++) {
      const v = m[o + a]!;
      if (v === 0) continue;
      const go = a * f;
      for (let b = a; b < f; b++) out[go + b] += v * m[o + b]!;
    }
  }
  for (let a = 0; a < f; a++) for (let b = 0; b < a; b++) out[a * f + b] = out[b * f + a]!;
}

export interface SolverScratch {
  r: Float64Array;
  p: Float64Array;
  ap: Float64Array;
}

export function solverScratch(f: number): SolverScratch {
  return { r: new Float64Array(f), p: new Float64Array(f), ap: new Float64Array(f) };
}

/**
 * Conjugate-gradient steps on (α₀G + Σ c y yᵀ + reg·I) x = Σ c y, where the history rows are
 * `fixed[indices[p]]` with weights c = `weights[p]` for p in [start, end). x = `solve[offset…offset+f)`, updated
 * in place from its current value.
 */
export function solveRow(
  solve: Float64Array,
  offset: number,
  f: number,
  gram: Float64Array,
  alpha0: number,
  reg: number,
  fixed: Float64Array,
  indices: Int32Array,
  weights: Float32Array | undefined,
  start: number,
  end: number,
  steps: number,
  scratch: SolverScratch,
): void {
  const { r, p, ap } = scratch;
  // r = b − A x
  applyA(solve, offset, r, f, gram, alpha0, reg, fixed, indices, weights, start, end);
  for (let a = 0; a < f; a++) r[a] = -r[a]!;
  for (let q = start; q < end; q++) {
    const c = weights ? weights[q]! : 1;
    const yo = indices[q]! * f;
    for (let a = 0; a < f; a++) r[a] += c * fixed[yo + a]!;
  }
  let rs = 0;
  for (let a = 0; a < f; a++) {
    p[a] = r[a]!;
    rs += r[a]! * r[a]!;
  }
  for (let step = 0; step < steps && rs > 1e-20; step++) {
    applyA(p, 0, ap, f, gram, alpha0, reg, fixed, indices, weights, start, end);
    let pAp = 0;
    for (let a = 0; a < f; a++) pAp += p[a]! * ap[a]!;
    if (!(pAp > 0)) break;
    const alpha = rs / pAp;
    let rsNew = 0;
    for (let a = 0; a < f; a++) {
      solve[offset + a] += alpha * p[a]!;
      r[a] -= alpha * ap[a]!;
      rsNew += r[a]! * r[a]!;
    }
    const beta = rsNew / rs;
    for (let a = 0; a < f; a++) p[a] = r[a]! + beta * p[a]!;
    rs = rsNew;
  }
}

/** out = (α₀G + Σ c y yᵀ + reg·I)·v, with v = `v[vOffset…vOffset+f)`. */
function applyA(
  v: Float64Array,
  vOffset: number,
  out: Float64Array,
  f: number,
  gram: Float64Array,
  alpha0: number,
  reg: number,
  fixed: Float64Array,
  indices: Int32Array,
  weights: Float32Array | undefined,
  start: number,
  end: number,
): void {
  for (let a = 0; a < f; a++) {
    let sum = 0;
    const go = a * f;
    for (let b = 0; b < f; b++) sum += gram[go + b]! * v[vOffset + b]!;
    out[a] = alpha0 * sum + reg * v[vOffset + a]!;
  }
  for (let q = start; q < end; q++) {
    const c = weights ? weights[q]! : 1;
    const yo = indices[q]! * f;
    let dot = 0;
    for (let a = 0; a < f; a++) dot += fixed[yo + a]! * v[vOffset + a]!;
    dot *= c;
    for (let a = 0; a < f; a++) out[a] += dot * fixed[yo + a]!;
  }
}
