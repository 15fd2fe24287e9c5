/**
 * Seeded weight tuning with k-fold cross-validation.
 *
 * Search space: the ten term weights (concept included) and textProfileShare, each in [0, 1] (weights that
 * only the scoring context reads, so a candidate costs one re-ranking, not a rebuild).
 * Search: the current weights first, then random search (half the budget), then
 * coordinate ascent from the best point (x 1.5 / x 0.5 steps, then finer) until the budget
 * is spent. Same seed, same data: same result.
 *
 * Objective (higher is better), selectable:
 *   balanced : 0.5 * NDCG@k(talent side) + 0.5 * NDCG@k(platform side) - penalty * Gini(exposure)
 *   talent   : NDCG@k(talent side) - penalty * Gini(exposure)
 *   platform : NDCG@k(platform side) - penalty * Gini(exposure)
 * penalty defaults to 0.1.
 *
 * Cross-validation: talents with a relevant outcome are split into `folds` groups (seeded).
 * For each fold, the search runs on the other folds' outcomes and both the starting
 * weights and the tuned weights are scored on the held-out fold; the reported gain is the
 * mean over held-out folds. The weights returned are a final search on all outcomes.
 */
import type { Outcome } from '../domain/schemas.js';
import { TERMS } from '../config/weights.js';
import type { Weights } from '../config/weights.js';
import type { EvaluationSubject } from './subject.js';
import type { ScoringModel } from '../scoring/kernel.js';
import type { Recommendations } from '../ranking/twoWay.js';
import { rng } from '../util/rng.js';
import { TUNE_OBJECTIVES, defaultTuneOptions } from '../config/tuning.js';
import type { TuneObjective } from '../config/tuning.js';
import { evaluateRanking, modelWithWeights, recommendWith, relevantPairs } from './evaluate.js';

export const OBJECTIVES = TUNE_OBJECTIVES;
export type Objective = TuneObjective;

export const TUNED_KEYS = [...TERMS, 'textProfileShare'] as const;
export type TunedKey = (typeof TUNED_KEYS)[number];
export type Point = Record<TunedKey, number>;

export interface TuneOptions {
  /** candidate evaluations per search (each fold's and the final one). Default 40. */
  budget?: number;
  seed?: number;
  folds?: number;
  objective?: Objective;
  exposurePenalty?: number;
  k?: number;
  /** called after every candidate evaluation */
  onProgress?: (done: number, total: number) => void;
}

export interface TuneResult {
  weights: Point;
  baseline: { cv: number; all: number };
  tuned: { cv: number; all: number };
  perFold: { baseline: number; tuned: number }[];
  evaluations: number;
  options: Required<Omit<TuneOptions, 'onProgress'>>;
}

export function objectiveValue(o: Objective, penalty: number, talentNdcg: number, platformNdcg: number, giniExposure: number): number {
  const t = Number.isNaN(talentNdcg) ? 0 : talentNdcg;
  const p = Number.isNaN(platformNdcg) ? 0 : platformNdcg;
  const base = o === 'talent' ? t : o === 'platform' ? p : 0.5 * t + 0.5 * p;
  return base - penalty * giniExposure;
}

/** Tunes in process (one thread). */
export function tune(engine: EvaluationSubject, outcomes: readonly Outcome[], options: TuneOptions = {}): TuneResult {
  const steps = tuneSteps(engine, outcomes, options);
  let step = steps.next();
  while (!step.done) step = steps.next(recommendWith(step.value.model, step.value.k));
  return step.value;
}

/**
 * Tunes with a caller's ranker (workers/threaded.ts ThreadedRanker: every candidate ranked
 * on worker threads). Same candidates, same order, same result as `tune`.
 */
export async function tuneAsync(engine: EvaluationSubject, outcomes: readonly Outcome[], options: TuneOptions, rank: (model: ScoringModel, k: number) => Promise<Recommendations>): Promise<TuneResult> {
  const steps = tuneSteps(engine, outcomes, options);
  let step = steps.next();
  while (!step.done) step = steps.next(await rank(step.value.model, step.value.k));
  return step.value;
}

/** The search as a coroutine: yields each candidate's model, receives its two-way top-k. */
function* tuneSteps(engine: EvaluationSubject, outcomes: readonly Outcome[], options: TuneOptions): Generator<{ model: ScoringModel; k: number }, TuneResult, Recommendations> {
  const d = defaultTuneOptions;
  const opts = {
    budget: options.budget ?? d.budget,
    seed: options.seed ?? d.seed,
    folds: options.folds ?? d.folds,
    objective: options.objective ?? d.objective,
    exposurePenalty: options.exposurePenalty ?? d.exposurePenalty,
    k: options.k ?? d.k,
  };
  const relevant = relevantPairs(engine, outcomes);
  const start = Object.fromEntries(TUNED_KEYS.map((key) => [key, (engine.weights as Weights)[key]])) as Point;
  // searches (folds + final) plus two held-out scorings per fold and the baseline on all outcomes
  const total = opts.budget * (opts.folds + 1) + 2 * opts.folds + 1;
  let done = 0;

  const score = function* (point: Point, rel: readonly [number, number][]): Generator<{ model: ScoringModel; k: number }, number, Recommendations> {
    const model = modelWithWeights(engine, point);
    const rec = yield { model, k: opts.k };
    const ev = evaluateRanking(model, rec, rel, opts.k);
    done++;
    options.onProgress?.(done, total);
    return objectiveValue(opts.objective, opts.exposurePenalty, ev.talent.ndcg, ev.platform.ndcg, ev.exposureGini);
  };

  const search = function* (rel: readonly [number, number][], seed: number): Generator<{ model: ScoringModel; k: number }, { best: Point; value: number }, Recommendations> {
    const r = rng(seed);
    let best = { ...start };
    let bestValue = yield* score(best, rel);
    let used = 1;
    const randomShare = Math.floor(opts.budget / 2);
    while (used < randomShare) {
      const cand = Object.fromEntries(TUNED_KEYS.map((key) => [key, Math.round(r() * 1000) / 1000])) as Point;
      const v = yield* score(cand, rel);
      used++;
      if (v > bestValue) {
        best = cand;
        bestValue = v;
      }
    }
    let factor = 1.5;
    while (used < opts.budget) {
      let improved = false;
      for (const key of TUNED_KEYS) {
        for (const step of [factor, 1 / factor]) {
          if (used >= opts.budget) break;
          const x = best[key];
          const next = Math.min(1, Math.round((x === 0 ? 0.05 : x * step) * 1000) / 1000);
          if (next === x) continue;
          const cand = { ...best, [key]: next };
          const v = yield* score(cand, rel);
          used++;
          if (v > bestValue) {
            best = cand;
            bestValue = v;
            improved = true;
            break;
          }
        }
        if (used >= opts.budget) break;
      }
      if (!improved) factor = 1 + (factor - 1) / 2;
      if (factor < 1.01) break;
    }
    return { best, value: bestValue };
  };

  // folds by talent (a talent's outcomes stay together), seeded shuffle
  const talents = [...new Set(relevant.map(([t]) => t))].sort((a, b) => a - b);
  const r = rng(opts.seed);
  for (let i = talents.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [talents[i], talents[j]] = [talents[j], talents[i]];
  }
  const foldOf = new Map(talents.map((t, i) => [t, i % opts.folds]));
  const perFold: TuneResult['perFold'] = [];
  for (let f = 0; f < opts.folds; f++) {
    const train = relevant.filter(([t]) => foldOf.get(t) !== f);
    const test = relevant.filter(([t]) => foldOf.get(t) === f);
    const { best } = yield* search(train, opts.seed * 1000 + f + 1);
    const baseline = yield* score(start, test);
    const tuned = yield* score(best, test);
    perFold.push({ baseline, tuned });
  }
  const final = yield* search(relevant, opts.seed * 1000);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const baselineAll = yield* score(start, relevant);
  options.onProgress?.(total, total); // searches may stop early when steps stop helping
  return {
    weights: final.best,
    baseline: { cv: mean(perFold.map((x) => x.baseline)), all: baselineAll },
    tuned: { cv: mean(perFold.map((x) => x.tuned)), all: final.value },
    perFold,
    evaluations: done,
    options: opts,
  };
}
