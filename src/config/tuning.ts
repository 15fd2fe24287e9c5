/**
 * Weight tuning defaults (evaluation/tune.ts, the CLI's `tune`). See tune.ts for the search.
 */
export const TUNE_OBJECTIVES = ['balanced', 'talent', 'platform'] as const;
export type TuneObjective = (typeof TUNE_OBJECTIVES)[number];

/** How `tune` searches: seeded random + coordinate search, weights learned from outcomes, or both (the better held-out one kept). */
export const TUNE_METHODS = ['random', 'learn', 'auto'] as const;
export type TuneMethod = (typeof TUNE_METHODS)[number];

export const defaultTuneOptions = {
  /** candidate evaluations per search (each fold's and the final one) */
  budget: 40,
  seed: 1,
  /** cross-validation folds, 2..20 */
  folds: 5,
  objective: 'balanced' as TuneObjective,
  /** weight of the exposure Gini in the objective */
  exposurePenalty: 0.1,
  /** cutoff k of the ranking metrics */
  k: 10,
  /** random search, weights learned from outcomes (evaluation/learn.ts), or auto: both, the better held-out kept */
  method: 'random' as TuneMethod,
};


/** The learned method's fit (evaluation/learn.ts): conditional logit by Newton's method. */
export const defaultLearnOptions = {
  /** L2 penalty on the coefficients */
  l2: 1e-3,
  /** Newton iterations at most */
  maxIterations: 50,
  /** stop when no coefficient moves by more than this */
  tolerance: 1e-9,
};
