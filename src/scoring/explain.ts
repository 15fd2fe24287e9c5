/**
 * The "why" of one pair: every term's value, both one-sided scores, the reciprocal score,
 * and each term's contribution to it. Contributions add up to the reciprocal score
 * (fusion coefficients lf, lb: contribution_k = lf * wT_k * x_k + lb * wP_k * x_k).
 */
import type { Term } from '../config/weights.js';
import { TERMS } from '../config/weights.js';
import { csrRow, sparseDot } from '../vector/sparse.js';
import { TERM_COUNT } from './context.js';
import { fuse } from './fusion.js';
import type { ScoringModel } from './kernel.js';
import { pairTerms, pairWeights, sharedLanguage, sideScore } from './terms.js';
import type { RejectReason } from './acceptability.js';
import { rejectReason } from './acceptability.js';

export type Breakdown = Record<Term, number>;

export interface PairExplanation {
  acceptable: boolean;
  /** why a pair is not acceptable (the first rule of ./acceptability.ts it breaks) */
  reason?: RejectReason;
  talentScore: number;
  platformScore: number;
  score: number;
  /** each term's raw value in [0, 1] */
  terms: Breakdown;
  /** each term's contribution to the reciprocal score; they add up to `score` */
  why: Breakdown;
}

export function explainPair(m: ScoringModel, ti: number, pi: number): PairExplanation {
  const { ctx, talents: T, platforms: P } = m;
  const pdoc = csrRow(P.doc, pi);
  const cosDesc = sparseDot(csrRow(T.desc, ti), pdoc);
  const cosProfile = sparseDot(csrRow(T.profile, ti), pdoc);
  const cosConcept = sparseDot(csrRow(T.concept, ti), csrRow(P.concept, pi));
  const x = new Float64Array(TERM_COUNT);
  pairTerms(ctx, T, ti, P, pi, cosDesc, cosProfile, cosConcept, x);
  // the pair's weights: the text weight its unshared language moves (./terms.ts pairWeights)
  const shared = sharedLanguage(T.zh[ti], P.zh[pi]);
  const wT = new Float64Array(TERM_COUNT);
  const wP = new Float64Array(TERM_COUNT);
  pairWeights(ctx, ctx.wTalent, shared, wT);
  pairWeights(ctx, ctx.wPlatform, shared, wP);
  const f = sideScore(wT, x);
  const b = sideScore(wP, x);
  const lambda = new Float64Array(2);
  const score = fuse(ctx.fusion, ctx.fusionTalentShare, f, b, lambda);
  const terms = {} as Breakdown;
  const why = {} as Breakdown;
  TERMS.forEach((t, k) => {
    terms[t] = x[k];
    why[t] = lambda[0] * wT[k] * x[k] + lambda[1] * wP[k] * x[k];
  });
  const reason = rejectReason(m, ti, pi, score);
  return { acceptable: reason === undefined, ...(reason ? { reason } : {}), talentScore: f, platformScore: b, score, terms, why };
}
