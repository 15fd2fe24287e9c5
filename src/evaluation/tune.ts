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
 * penalty defaults to 0.1. Gini(exposure) is ./metrics.ts exposureGini over the talents'
 * top-k lists: the one exposure measure, the same `evaluate` reports and its list-controls
 * table (./controls.ts) compares.
 *
 * Methods: `random` (the search above), `learn` (weights fitted to the outcomes by a
 * conditional logit, ./learn.ts: one fit per fold instead of a search, the budget unused),
 * `auto` (both on the same folds; the one with the better held-out objective is kept, and
 * both held-out figures are reported).
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
import type { TuneMethod, TuneObjective } from '../config/tuning.js';
import { learnWeights } from './learn.js';
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
  /** random search (default), weights learned from the outcomes, or auto (both, the better held-out kept) */
  method?: TuneMethod;
  /** called after every candidate evaluation */
  onProgress?: (done: number, total: number) => void;
}

export interface TuneResult {
  weights: Point;
  baseline: { cv: number; all: number };
  tuned: { cv: number; all: number };
  perFold: { baseline: number; tuned: number }[];
  evaluations: number;
  /** the method whose weights these are ('random' or 'learn'; auto keeps one of them) */
  method: Exclude<TuneMethod, 'auto'>;
  /** with auto: each method's held-out objective */
  compared?: { random: number; learn: number };
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

type Steps<T> = Generator<{ model: ScoringModel; k: number }, T, Recommendations>;

/** The search as a coroutine: yields each candidate's model, receives its two-way top-k. */
function* tuneSteps(engine: EvaluationSubject, outcomes: readonly Outcome[], options: TuneOptions): Steps<TuneResult> {
  const d = defaultTuneOptions;
  const opts = {
    budget: options.budget ?? d.budget,
    seed: options.seed ?? d.seed,
    folds: options.folds ?? d.folds,
    objective: options.objective ?? d.objective,
    exposurePenalty: options.exposurePenalty ?? d.exposurePenalty,
    k: options.k ?? d.k,
    method: options.method ?? d.method,
  };
  // evaluations of one method's cross-validation: searches (folds + final), two held-out
  // scorings per fold and the baseline on all outcomes; a learned search is one evaluation
  const perMethod = (m: Exclude<TuneMethod, 'auto'>) => (m === 'learn' ? 1 : opts.budget) * (opts.folds + 1) + 2 * opts.folds + 1;
  const total = opts.method === 'auto' ? perMethod('random') + perMethod('learn') : perMethod(opts.method);
  const progress = { done: 0, total };
  if (opts.method !== 'auto') return yield* crossValidate(engine, outcomes, opts, opts.method, progress, options.onProgress);
  const random = yield* crossValidate(engine, outcomes, opts, 'random', progress, options.onProgress);
  const learned = yield* crossValidate(engine, outcomes, opts, 'learn', progress, options.onProgress);
  // ties keep the random search's result (the method the project had first)
  const kept = learned.tuned.cv > random.tuned.cv ? learned : random;
  return { ...kept, evaluations: random.evaluations + learned.evaluations, compared: { random: random.tuned.cv, learn: learned.tuned.cv } };
}

/** One method's k-fold cross-validation and its final search on all outcomes. */
function* crossValidate(
  engine: EvaluationSubject,
  outcomes: readonly Outcome[],
  opts: TuneResult['options'],
  method: Exclude<TuneMethod, 'auto'>,
  progress: { done: number; total: number },
  onProgress: TuneOptions['onProgress'],
): Steps<TuneResult> {
  const relevant = relevantPairs(engine, outcomes);
  const start = Object.fromEntries(TUNED_KEYS.map((key) => [key, (engine.weights as Weights)[key]])) as Point;
  let done = 0;

  const score = function* (point: Point, rel: readonly [number, number][]): Generator<{ model: ScoringModel; k: number }, number, Recommendations> {
    const model = modelWithWeights(engine, point);
    const rec = yield { model, k: opts.k };
    const ev = evaluateRanking(model, rec, rel, opts.k);
    done++;
    progress.done++;
    onProgress?.(progress.done, progress.total);
    return objectiveValue(opts.objective, opts.exposurePenalty, ev.talent.ndcg, ev.platform.ndcg, ev.exposureGini);
  };

  const search = function* (rel: readonly [number, number][], seed: number): Steps<{ best: Point; value: number }> {
    if (method === 'learn') {
      // one fit on these outcomes; the text's profile share is not a term, it keeps its start
      const fit = learnWeights(engine.model, rel);
      const best = fit.weights ? { ...start, ...fit.weights } : { ...start };
      return { best, value: yield* score(best, rel) };
    }
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
  if (method === 'learn' || opts.method !== 'auto') {
    progress.done = progress.total; // searches may stop early when steps stop helping
    onProgress?.(progress.total, progress.total);
  }
  return {
    weights: final.best,
    baseline: { cv: mean(perFold.map((x) => x.baseline)), all: baselineAll },
    tuned: { cv: mean(perFold.map((x) => x.tuned)), all: final.value },
    perFold,
    evaluations: done,
    method,
    options: opts,
  };
}
