/**
 * Weight tuning defaults (evaluation/tune.ts, the CLI's `tune`). See tune.ts for the search.
 */
export const TUNE_OBJECTIVES = ['balanced', 'talent', 'platform'] as const;
export type TuneObjective = (typeof TUNE_OBJECTIVES)[number];

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
};
