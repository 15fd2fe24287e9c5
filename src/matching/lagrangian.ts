/**
 * Optimal assignment when seats bind, at scale: Lagrangian relaxation of the seat rows,
 * driven on the LP dual.
 *
 * With a seat price λ(p) >= 0 per platform the seat rows Σ need(t) x(t,p) <= seats(p) move
 * into the objective and what is left is the slots-only transportation problem on the
 * adjusted scores s(t,p) - λ(p)·need(t). With a slot price w(p) >= 0 as well, the dual of
 * the whole LP relaxation is
 *
 *   F(w, λ) = Σ_p (w(p) slots(p) + λ(p) seats(p)) + Σ_t max(0, max_p s(t,p) - w(p) - λ(p) need(t))
 *
 * and F(w, λ) >= LP optimum >= integer optimum for every w, λ >= 0 (weak duality): any
 * point is a proven upper bound, and min_w F(w, λ) is the Lagrangian value L(λ).
 *
 *  1. iteration 1: the exact slots-only optimum (λ = 0, ./slots.ts); its value is L(0) and
 *     its platform prices are the optimal w for λ = 0;
 *  2. every later iteration: `dualSteps` projected subgradient steps on (w, λ) together
 *     (Polyak step length towards the best feasible total; the direction is the subgradient
 *     plus `lagrangianDeflection` times the last direction, which damps the zig-zag; the
 *     factor is halved and the point reset to the best one after `stallSteps` steps without
 *     a better F). A step costs one
 *     pass over the pairs (each talent's best pair under the prices), not a flow: at 20k x
 *     500 with 50 pairs a talent that is milliseconds, against seconds for the flow that an
 *     exact L(λ) per step needs;
 *  3. each iteration's relaxed solution (iteration 1: the flow's; later: each talent's best
 *     pair under the best (w, λ), if its profit is > 0) is made seat-feasible and improved by
 *     the `repair` callback; the best feasible total is kept.
 * It stops at the target gap, at maxIterations, on the time budget, or when the subgradient
 * vanishes (the dual point is optimal).
 *
 * Pure: no clock of its own. The caller may pass `now` with a time budget, and a progress
 * callback that sees every iteration (the CLI prints it on stderr).
 */
import { defaultAssignOptions } from '../config/assignment.js';
import type { PairSet } from './pairs.js';
import { optimalSlots } from './slots.js';

export interface LagrangianProgress {
  iteration: number;
  /** best (smallest) upper bound so far */
  bound: number;
  /** best feasible total so far */
  best: number;
  /** (bound - best) / bound */
  gap: number;
}

export interface LagrangianOptions {
  /** default: config/assignment.ts lagrangianMaxIterations (300) */
  maxIterations?: number;
  /** stop when the gap is at most this (default: config/assignment.ts lagrangianTargetGap, 0.005) */
  targetGap?: number;
  /** a clock (ms) and the time the iterations may take; without a clock only maxIterations bounds the work */
  now?: () => number;
  timeBudgetMs?: number;
  onProgress?: (p: LagrangianProgress) => void;
  /** makes a relaxed solution seat-feasible and improves it (iteration: 1, 2, ...; the first one's result only sets the first step lengths, so a caller may make it cheap) */
  repair: (ps: PairSet, relaxed: Int32Array, iteration: number) => Int32Array;
  /** dual steps per iteration after the first (default: config/assignment.ts lagrangianDualSteps, 300) */
  dualSteps?: number;
}

export interface LagrangianResult {
  pairOf: Int32Array;
  total: number;
  bound: number;
  iterations: number;
  /** the seat prices at the best bound */
  prices: Float64Array;
}

/** F(w, λ) of the module comment, and each talent's best pair under the prices (-1: none with profit > 0). */
export function dualValue(ps: PairSet, w: Float64Array, lambda: Float64Array, choice?: Int32Array): number {
  const { tPtr, plat, s, seats } = ps;
  let F = 0;
  for (let p = 0; p < ps.platforms; p++) F += w[p] * ps.freeSlots[p] + lambda[p] * ps.freeSeats[p];
  for (let t = 0; t < ps.talents; t++) {
    const n = seats[t];
    let best = 0;
    let be = -1;
    for (let e = tPtr[t], e1 = tPtr[t + 1]; e < e1; e++) {
      const p = plat[e];
      const v = s[e] - w[p] - n * lambda[p];
      if (v > best) {
        best = v;
        be = e;
      }
    }
    F += best;
    if (choice) choice[t] = be;
  }
  return F;
}

export function lagrangianSeats(ps: PairSet, o: LagrangianOptions): LagrangianResult {
  const N = ps.talents;
  const M = ps.platforms;
  const maxIt = o.maxIterations ?? defaultAssignOptions.lagrangianMaxIterations;
  const target = o.targetGap ?? defaultAssignOptions.lagrangianTargetGap;
  const dualSteps = Math.max(1, o.dualSteps ?? defaultAssignOptions.lagrangianDualSteps);
  const start = o.now?.() ?? 0;
  const w = new Float64Array(M);
  const lambda = new Float64Array(M);
  const bestW = new Float64Array(M);
  const bestLambda = new Float64Array(M);
  const gw = new Float64Array(M);
  const gl = new Float64Array(M);
  const dw = new Float64Array(M);
  const dl = new Float64Array(M);
  const deflect = defaultAssignOptions.lagrangianDeflection;
  const stallSteps = defaultAssignOptions.lagrangianStallSteps;
  const choice = new Int32Array(N);
  let bound = Infinity;
  let best = -Infinity;
  let bestPairOf: Int32Array = new Int32Array(N).fill(-1);
  let theta = 1;
  let stall = 0;
  let it = 0;
  let optimal = false;
  const total = (x: Int32Array) => {
    let v = 0;
    for (let t = 0; t < N; t++) if (x[t] >= 0) v += ps.s[x[t]];
    return v;
  };
  while (it < maxIt) {
    it++;
    let relaxed: Int32Array;
    if (it === 1) {
      // λ = 0: the exact slots-only optimum, its prices the best w for λ = 0
      const r = optimalSlots(ps, ps.freeSlots);
      relaxed = r.pairOf;
      w.set(r.prices);
      bound = Math.min(r.totalScore, dualValue(ps, w, lambda));
      bestW.set(w);
    } else {
      for (let k = 0; k < dualSteps && !optimal; k++) {
        const F = dualValue(ps, w, lambda, choice);
        if (F < bound) {
          bound = F;
          bestW.set(w);
          bestLambda.set(lambda);
          stall = 0;
        } else if (++stall >= stallSteps) {
          theta /= 2;
          stall = 0;
          w.set(bestW);
          lambda.set(bestLambda);
          dw.fill(0);
          dl.fill(0);
          continue;
        }
        // subgradient of F: slots(p) - talents choosing p, seats(p) - their needs
        gw.set(ps.freeSlots);
        gl.set(ps.freeSeats);
        for (let t = 0; t < N; t++) {
          const e = choice[t];
          if (e < 0) continue;
          gw[ps.plat[e]]--;
          gl[ps.plat[e]] -= ps.seats[t];
        }
        let gnorm = 0;
        let norm = 0;
        for (let p = 0; p < M; p++) {
          // the direction: the subgradient deflected by the last one (less zig-zag)
          dw[p] = gw[p] + deflect * dw[p];
          dl[p] = gl[p] + deflect * dl[p];
          if (w[p] > 0 || gw[p] < 0) gnorm += gw[p] * gw[p];
          if (lambda[p] > 0 || gl[p] < 0) gnorm += gl[p] * gl[p];
          if (w[p] > 0 || dw[p] < 0) norm += dw[p] * dw[p];
          if (lambda[p] > 0 || dl[p] < 0) norm += dl[p] * dl[p];
        }
        if (gnorm === 0) {
          optimal = true; // a zero subgradient: (w, λ) minimises F, the bound is the LP optimum
          break;
        }
        if (norm === 0) continue;
        const step = (theta * Math.max(F - best, 1e-9 * Math.abs(F))) / norm;
        for (let p = 0; p < M; p++) {
          w[p] = Math.max(0, w[p] - step * dw[p]);
          lambda[p] = Math.max(0, lambda[p] - step * dl[p]);
        }
      }
      dualValue(ps, bestW, bestLambda, choice);
      relaxed = choice;
    }
    const primal = o.repair(ps, relaxed, it);
    const value = total(primal);
    if (value > best) {
      best = value;
      bestPairOf = primal;
    }
    bound = Math.max(bound, best); // rounding: a bound never below a feasible total
    const gap = bound > 0 ? (bound - best) / bound : 0;
    o.onProgress?.({ iteration: it, bound, best, gap });
    if (gap <= target || optimal || theta < 1e-6) break;
    if (o.now && o.timeBudgetMs !== undefined && o.now() - start >= o.timeBudgetMs) break;
  }
  return { pairOf: bestPairOf, total: best, bound, iterations: it, prices: bestLambda };
}
