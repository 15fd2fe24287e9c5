/**
 * Term weights learned from outcomes: a conditional logit (McFadden's choice model) over
 * the scorer's term values, fitted by Newton's method (IRLS) with an L2 penalty, the
 * normal equations solved by ml-matrix's Cholesky decomposition. Pure: no I/O, no clock.
 *
 * Model. A relevant outcome (talent t signed with / was financed by platform p) is a choice
 * of p among t's choice set C(t): every platform t could be placed with (not excluded, a
 * free slot, enough seats) plus p itself; and, from the platform's side, a choice of t
 * among the talents p could host, C(p). With x(t, q) the vector of term values in [0, 1]
 * (the explainer's `terms`, identical to the kernel's),
 *
 *   P(p | t) = exp(β·x(t,p)) / Σ_{q ∈ C(t)} exp(β·x(t,q))   (and P(t | p) alike),
 *
 * and β maximises Σ [log P(p | t) + log P(t | p)] − (l2 / 2)·|β|². This is the question the
 * two-sided ranking metrics ask — is the chosen one ahead of the others in the full list —
 * posed as a smooth, concave likelihood, so it is solved instead of searched.
 *
 * Weights. The scorer's side scores are weighted means of the same terms, so a positive
 * rescaling of β ranks alike; the weights are β⁺ / max β⁺ (negative coefficients — a term
 * that argues against the observed choices — become 0), rounded to 1e-3 as the random
 * search rounds. When no coefficient is positive the fit carries no usable signal and the
 * caller keeps its starting weights.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { TERMS } from '../config/weights.js';
import type { Term } from '../config/weights.js';
import type { ScoringModel } from '../scoring/kernel.js';
import { isExcluded, roomReason } from '../scoring/acceptability.js';
import { explainPair } from '../scoring/explain.js';
import { defaultLearnOptions } from '../config/tuning.js';

export interface LearnOptions {
  /** L2 penalty on the coefficients (>= 0). Default 1e-3. */
  l2?: number;
  /** Newton iterations at most. Default 50. */
  maxIterations?: number;
  /** stop when no coefficient moves by more than this. Default 1e-9. */
  tolerance?: number;
}

export interface LearnedWeights {
  /** the fitted coefficients, one per term */
  coefficients: Record<Term, number>;
  /** β⁺ / max β⁺ rounded to 1e-3; undefined when no coefficient is positive */
  weights: Record<Term, number> | undefined;
  /** mean log-likelihood per choice at the optimum (the penalty excluded) */
  logLikelihood: number;
  iterations: number;
  /** choices the fit used: two per relevant outcome (the talent's and the platform's) */
  choices: number;
}

/**
 * One entity's choice set: the term values of its alternatives (rows x K) and the rows it
 * chose (an entity with several relevant outcomes chose several times from the same set,
 * so the set's probabilities, mean and covariance are computed once for all of them).
 */
export interface Choice {
  x: Float64Array;
  rows: number;
  chosen: number[];
}

/** Term values of every alternative of one talent or platform, keyed by entity index (computed once per model). */
type SideCache = Map<number, { set: number[]; x: Float64Array }>;
const caches = new WeakMap<ScoringModel, { talent: SideCache; platform: SideCache }>();

/**
 * The choice sets of the given (talent, platform) index pairs, term values from the
 * explainer. Each outcome is a choice on both sides: the talent chose the platform among
 * the platforms it could join, and the platform chose the talent among the talents it
 * could host. Both enter the likelihood, so terms constant on one side (a talent's level
 * within its own list, a platform's signing rate within its) are learned from the other.
 * The alternatives' term values are cached per model, so cross-validation folds reuse them.
 */
export function choiceSets(model: ScoringModel, chosen: readonly (readonly [number, number])[]): Choice[] {
  const K = TERMS.length;
  const P = model.platforms;
  const T = model.talents;
  let cache = caches.get(model);
  if (!cache) {
    cache = { talent: new Map(), platform: new Map() };
    caches.set(model, cache);
  }
  const termsOf = (ti: number, pi: number, into: Float64Array, row: number) => {
    const e = explainPair(model, ti, pi).terms;
    for (let k = 0; k < K; k++) into[row * K + k] = e[TERMS[k]];
  };
  const feasible = (ti: number, pi: number) => roomReason(isExcluded(model, ti, pi), P.freeSlots[pi], P.freeSeats[pi], T.seats[ti]) === undefined;
  // one side's choices grouped by entity; `pairOf(entity, other)` orders a pair as (talent, platform)
  const side = (sets: SideCache, count: number, pairOf: (e: number, o: number) => [number, number], picks: Map<number, number[]>): Choice[] => {
    const out: Choice[] = [];
    for (const [entity, others] of [...picks].sort((a, b) => a[0] - b[0])) {
      let c = sets.get(entity);
      if (!c) {
        const set: number[] = [];
        for (let o = 0; o < count; o++) if (feasible(...pairOf(entity, o))) set.push(o);
        const x = new Float64Array(set.length * K);
        set.forEach((o, r) => termsOf(...pairOf(entity, o), x, r));
        c = { set, x };
        sets.set(entity, c);
      }
      // chosen historically but full or excluded now: still a choice, appended to this set
      const extra = [...new Set(others.filter((o) => c.set.indexOf(o) < 0))];
      const rows = c.set.length + extra.length;
      let x = c.x;
      if (extra.length) {
        x = new Float64Array(rows * K);
        x.set(c.x);
        extra.forEach((o, i) => termsOf(...pairOf(entity, o), x, c.set.length + i));
      }
      const rowOf = (o: number) => {
        const r = c.set.indexOf(o);
        return r >= 0 ? r : c.set.length + extra.indexOf(o);
      };
      out.push({ x, rows, chosen: others.map(rowOf) });
    }
    return out;
  };
  const byTalent = new Map<number, number[]>();
  const byPlatform = new Map<number, number[]>();
  for (const [ti, pi] of chosen) {
    if (!byTalent.has(ti)) byTalent.set(ti, []);
    byTalent.get(ti)!.push(pi);
    if (!byPlatform.has(pi)) byPlatform.set(pi, []);
    byPlatform.get(pi)!.push(ti);
  }
  return [...side(cache.talent, P.count, (t, p) => [t, p], byTalent), ...side(cache.platform, T.count, (p, t) => [t, p], byPlatform)];
}

/** Fits the conditional logit on the choices. Deterministic (no randomness; fixed order). */
export function fitConditionalLogit(choices: readonly Choice[], options: LearnOptions = {}): LearnedWeights {
  const K = TERMS.length;
  const l2 = options.l2 ?? defaultLearnOptions.l2;
  const maxIterations = options.maxIterations ?? defaultLearnOptions.maxIterations;
  const tolerance = options.tolerance ?? defaultLearnOptions.tolerance;
  const beta = new Float64Array(K);
  const grad = new Float64Array(K);
  const hess = new Float64Array(K * K);
  const mu = new Float64Array(K);
  let prob = new Float64Array(64);

  /** log-likelihood (penalised) at b, and optionally the gradient and the negated Hessian. */
  const evaluate = (b: Float64Array, derivatives: boolean): number => {
    let ll = 0;
    if (derivatives) {
      grad.fill(0);
      hess.fill(0);
    }
    for (const c of choices) {
      if (prob.length < c.rows) prob = new Float64Array(c.rows * 2);
      let max = -Infinity;
      for (let r = 0; r < c.rows; r++) {
        let u = 0;
        for (let k = 0; k < K; k++) u += b[k] * c.x[r * K + k];
        prob[r] = u;
        if (u > max) max = u;
      }
      let z = 0;
      for (let r = 0; r < c.rows; r++) {
        prob[r] = Math.exp(prob[r] - max);
        z += prob[r];
      }
      const n = c.chosen.length;
      let chosenU = 0;
      for (const row of c.chosen) for (let k = 0; k < K; k++) chosenU += b[k] * c.x[row * K + k];
      ll += chosenU - n * (max + Math.log(z));
      if (!derivatives) continue;
      mu.fill(0);
      for (let r = 0; r < c.rows; r++) {
        const w = prob[r] / z;
        prob[r] = w;
        for (let k = 0; k < K; k++) mu[k] += w * c.x[r * K + k];
      }
      for (const row of c.chosen) for (let k = 0; k < K; k++) grad[k] += c.x[row * K + k];
      for (let k = 0; k < K; k++) grad[k] -= n * mu[k];
      // negated Hessian: the choice-weighted covariance of the term values
      for (let r = 0; r < c.rows; r++) {
        const w = n * prob[r];
        if (w === 0) continue;
        for (let i = 0; i < K; i++) {
          const di = c.x[r * K + i] - mu[i];
          for (let j = 0; j <= i; j++) hess[i * K + j] += w * di * (c.x[r * K + j] - mu[j]);
        }
      }
    }
    let pen = 0;
    for (let k = 0; k < K; k++) pen += b[k] * b[k];
    if (derivatives) {
      for (let k = 0; k < K; k++) {
        grad[k] -= l2 * b[k];
        hess[k * K + k] += l2;
        for (let j = 0; j < k; j++) hess[j * K + k] = hess[k * K + j];
      }
    }
    return ll - 0.5 * l2 * pen;
  };

  let current = evaluate(beta, true);
  let iterations = 0;
  const trial = new Float64Array(K);
  for (; iterations < maxIterations; iterations++) {
    // a term constant across every choice set has a zero row: the penalty keeps H positive
    // definite when l2 > 0; with l2 = 0 a tiny ridge stands in for it
    const H = new Matrix(K, K);
    for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) H.set(i, j, hess[i * K + j] + (i === j && l2 === 0 ? 1e-12 : 0));
    const step = new CholeskyDecomposition(H).solve(Matrix.columnVector(Array.from(grad))).getColumn(0);
    // Newton step with halving: the penalised log-likelihood is concave, so a full step
    // almost always improves it; halving guards the first steps from far away
    let t = 1;
    let next = current;
    for (let h = 0; h < 30; h++) {
      for (let k = 0; k < K; k++) trial[k] = beta[k] + t * step[k];
      next = evaluate(trial, false);
      if (next >= current) break;
      t /= 2;
    }
    let moved = 0;
    for (let k = 0; k < K; k++) {
      moved = Math.max(moved, Math.abs(trial[k] - beta[k]));
      beta[k] = trial[k];
    }
    current = evaluate(beta, true);
    if (moved <= tolerance) {
      iterations++;
      break;
    }
  }
  let pen = 0;
  for (let k = 0; k < K; k++) pen += beta[k] * beta[k];
  const coefficients = Object.fromEntries(TERMS.map((t, k) => [t, beta[k]])) as Record<Term, number>;
  const top = Math.max(...beta);
  const weights = top > 0 ? (Object.fromEntries(TERMS.map((t, k) => [t, Math.round((Math.max(0, beta[k]) / top) * 1000) / 1000])) as Record<Term, number>) : undefined;
  const count = choices.reduce((a, c) => a + c.chosen.length, 0);
  return { coefficients, weights, logLikelihood: count ? (current + 0.5 * l2 * pen) / count : 0, iterations, choices: count };
}

/** Learns term weights from relevant (talent, platform) index pairs of a model. */
export function learnWeights(model: ScoringModel, relevant: readonly (readonly [number, number])[], options: LearnOptions = {}): LearnedWeights {
  return fitConditionalLogit(choiceSets(model, relevant), options);
}
