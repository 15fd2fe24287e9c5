/**
 * Optimal assignment when seats bind, at scale: Lagrangian relaxation of the seat rows.
 *
 * With a seat price λ(p) >= 0 per platform, the seat rows Σ need(t) x(t,p) <= seats(p) move
 * into the objective and what is left is the slots-only transportation problem on the
 * adjusted scores s(t,p) - λ(p)·need(t), solved exactly by the min-cost flow (./slots.ts):
 *
 *   L(λ) = max_{x slots-feasible} Σ (s - λ·need) x  +  Σ_p λ(p) seats(p)   >=   optimum
 *
 * for every λ >= 0 (weak duality), so the smallest L seen is a proven upper bound (it tends
 * to the LP relaxation's value: the slots-only problem is integral). λ moves by projected
 * subgradient steps (Polyak step length towards the best primal value, the step factor
 * halved when the bound stalls). Each relaxed solution is made seat-feasible (drop the
 * lowest score per seat where seats overflow, fill greedily) and improved by swaps
 * (./optimal.ts); the best feasible one is kept.
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
  /** makes a relaxed (slots-feasible) solution seat-feasible and improves it */
  repair: (ps: PairSet, relaxed: Int32Array) => Int32Array;
}

export interface LagrangianResult {
  pairOf: Int32Array;
  total: number;
  bound: number;
  iterations: number;
  /** the seat prices at the best bound */
  prices: Float64Array;
}

export function lagrangianSeats(ps: PairSet, o: LagrangianOptions): LagrangianResult {
  const M = ps.platforms;
  const E = ps.plat.length;
  const maxIt = o.maxIterations ?? defaultAssignOptions.lagrangianMaxIterations;
  const target = o.targetGap ?? defaultAssignOptions.lagrangianTargetGap;
  const start = o.now?.() ?? 0;
  const lambda = new Float64Array(M);
  const bestLambda = new Float64Array(M);
  const adj = new Float64Array(E);
  const adjusted: PairSet = { ...ps, s: adj };
  const seatsUsed = new Float64Array(M);
  let bound = Infinity;
  let best = -Infinity;
  let bestPairOf: Int32Array = new Int32Array(ps.talents).fill(-1);
  let theta = 1;
  let stall = 0;
  let it = 0;
  while (it < maxIt) {
    it++;
    for (let e = 0; e < E; e++) adj[e] = ps.s[e] - lambda[ps.plat[e]] * ps.seats[ps.talentOf[e]];
    // the slots-only optimum on adjusted scores (a warm start from the last iteration's
    // prices was slower: see docs/PERFORMANCE.md, issue 17)
    const relaxed = optimalSlots(adjusted, ps.freeSlots).pairOf;
    let L = 0;
    for (let t = 0; t < ps.talents; t++) if (relaxed[t] >= 0) L += adj[relaxed[t]];
    for (let p = 0; p < M; p++) L += lambda[p] * ps.freeSeats[p];
    if (bound === Infinity || L < bound - 1e-12 * Math.abs(bound)) {
      bound = L;
      bestLambda.set(lambda);
      stall = 0;
    } else if (++stall >= 3) {
      theta /= 2;
      stall = 0;
    }
    const primal = o.repair(ps, relaxed);
    let total = 0;
    for (let t = 0; t < ps.talents; t++) if (primal[t] >= 0) total += ps.s[primal[t]];
    if (total > best) {
      best = total;
      bestPairOf = primal;
    }
    bound = Math.max(bound, best); // rounding: a bound never below a feasible total
    const gap = bound > 0 ? (bound - best) / bound : 0;
    o.onProgress?.({ iteration: it, bound, best, gap });
    if (gap <= target || theta < 1e-4) break;
    if (o.now && o.timeBudgetMs !== undefined && o.now() - start >= o.timeBudgetMs) break;
    // subgradient of L at λ: seats(p) - seats used by the relaxed solution
    seatsUsed.fill(0);
    for (let t = 0; t < ps.talents; t++) if (relaxed[t] >= 0) seatsUsed[ps.plat[relaxed[t]]] += ps.seats[t];
    let norm = 0;
    for (let p = 0; p < M; p++) {
      const g = ps.freeSeats[p] - seatsUsed[p];
      if (lambda[p] > 0 || g < 0) norm += g * g;
    }
    if (norm === 0) break; // the relaxed solution respects every seat row with complementary prices: optimal
    const step = (theta * (L - best)) / norm;
    for (let p = 0; p < M; p++) lambda[p] = Math.max(0, lambda[p] - step * (ps.freeSeats[p] - seatsUsed[p]));
  }
  return { pairOf: bestPairOf, total: best, bound, iterations: it, prices: bestLambda };
}
