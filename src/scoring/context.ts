/**
 * Resolved scoring parameters in the form the kernels read: per-side term weights already
 * divided by the side's sum, the fusion as a small integer, priorities per industry.
 */
import type { Weights } from '../config/weights.js';
import { FUSIONS, SIDE_TERMS, TERMS } from '../config/weights.js';

export const TERM_COUNT = TERMS.length;
/** Positions of the terms in the x[] vector the term function fills. */
export const T_TEXT = 0, T_INDUSTRY = 1, T_PRIORITY = 2, T_MODE = 3, T_CAPACITY = 4, T_CAPITAL = 5, T_STAGE = 6, T_LEVEL = 7, T_SIGNING = 8, T_CONCEPT = 9;

export interface ScoringContext {
  dims: number;
  priority: Float64Array;
  /** talent side's weight per term, normalised to sum 1 (0 for terms not on that side) */
  wTalent: Float64Array;
  /** platform side's weight per term, normalised to sum 1 */
  wPlatform: Float64Array;
  /** index into FUSIONS */
  fusion: number;
  fusionTalentShare: number;
  textProfileShare: number;
  textExponent: number;
  /** share of the text weight a pair's unshared language moves to the concept term */
  crossConcept: number;
  /** share of it moved to the industry term */
  crossIndustry: number;
  /** pairs whose reciprocal score is below this are unacceptable */
  minScore: number;
}

function sideVector(w: Weights, side: 'talent' | 'platform'): Float64Array {
  const v = new Float64Array(TERM_COUNT);
  let sum = 0;
  for (const t of SIDE_TERMS[side]) sum += w[t];
  if (sum > 0) for (const t of SIDE_TERMS[side]) v[TERMS.indexOf(t)] = w[t] / sum;
  return v;
}

export function createScoringContext(w: Weights, priority: Float64Array, minScore: number): ScoringContext {
  return {
    dims: priority.length,
    priority,
    wTalent: sideVector(w, 'talent'),
    wPlatform: sideVector(w, 'platform'),
    fusion: FUSIONS.indexOf(w.fusion),
    fusionTalentShare: w.fusionTalentShare,
    textProfileShare: w.textProfileShare,
    textExponent: w.textExponent,
    crossConcept: w.crossLingualConcept,
    crossIndustry: w.crossLingualIndustry,
    minScore,
  };
}
