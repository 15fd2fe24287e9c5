/**
 * The scoring terms of one pair, each a pure formula with values in [0, 1]. The explainer
 * (./explain.ts) calls `pairTerms`; the kernel (./kernel.ts) writes the same formulas out
 * inline with hoisted locals (see the comment there), in the same order of operations, so
 * the score a pair is ranked by and the breakdown shown for it are equal bit for bit
 * (test/scoring/kernel.test.ts checks it, for the contract's seven industries and others).
 */
import type { PlatformFeatures, TalentFeatures } from '../features/build.js';
import { STAGE_COLUMNS } from '../features/build.js';
import { popcount } from '../features/tables.js';
import type { ScoringContext } from './context.js';
import { T_CAPACITY, T_CAPITAL, T_CONCEPT, T_INDUSTRY, T_LEVEL, T_MODE, T_PRIORITY, T_SIGNING, T_STAGE, T_TEXT } from './context.js';

/**
 * Text term. c = cosDesc when the talent has no profile, else
 * (1 - s) * cosDesc + s * cosProfile with s = textProfileShare in [0, 1];
 * text = c ^ textExponent (exponent in (0, 1], default 0.5: TF-IDF cosines of short
 * texts sit mostly in 0.02..0.4, and the root spreads them over the unit interval).
 */
export function textTerm(ctx: ScoringContext, cosDesc: number, cosProfile: number, hasProfile: boolean): number {
  let c = hasProfile ? (1 - ctx.textProfileShare) * cosDesc + ctx.textProfileShare * cosProfile : cosDesc;
  if (c <= 0) return 0;
  if (c > 1) c = 1;
  const e = ctx.textExponent;
  return e === 1 ? c : e === 0.5 ? Math.sqrt(c) : Math.pow(c, e);
}

/** Concept term: the cosine of the two bilingual concept vectors, clamped to [0, 1]. */
export function conceptTerm(cos: number): number {
  return cos <= 0 ? 0 : cos > 1 ? 1 : cos;
}

/**
 * The part of their words' language two profiles share: 1 - |zhT - zhP| for Chinese shares
 * in [0, 1] (1: same language; 0: one writes only Chinese, the other none).
 */
export function sharedLanguage(zhTalent: number, zhPlatform: number): number {
  return 1 - Math.abs(zhTalent - zhPlatform);
}

/**
 * One side's weights for one pair (language-aware scoring). With s = sharedLanguage and
 * m = 1 - s, the text term keeps w_text * s; the rest of its weight moves, a share
 * crossLingualConcept to the concept term and crossLingualIndustry to the industry term:
 *   w'_text = w_text * s,  w'_industry = w_industry + w_text * m * ci,  w'_concept = w_concept + w_text * m * cc.
 * A same-language pair (s = 1) keeps its weights exactly. `out` gets every term's weight.
 */
export function pairWeights(ctx: ScoringContext, w: Float64Array, shared: number, out: Float64Array): void {
  const mv = 1 - shared;
  for (let k = 0; k < w.length; k++) out[k] = w[k];
  out[T_TEXT] = w[T_TEXT] * shared;
  out[T_INDUSTRY] = w[T_INDUSTRY] + w[T_TEXT] * mv * ctx.crossIndustry;
  out[T_CONCEPT] = w[T_CONCEPT] + w[T_TEXT] * mv * ctx.crossConcept;
}

/** Share of the talent's needs (bit mask) that the platform's offers meet; 1 with no needs. */
export function modeTerm(need: number, offer: number): number {
  if (need === 0) return 1;
  return popcount(need & offer) / popcount(need);
}

/** modeTerm for every (need, offer) pair of 4-bit masks, read as MODE_TABLE[need * 16 + offer]. */
export const MODE_TABLE: Float64Array = (() => {
  const t = new Float64Array(256);
  for (let n = 0; n < 16; n++) for (let o = 0; o < 16; o++) t[n * 16 + o] = modeTerm(n, o);
  return t;
})();

/**
 * Capacity left after hosting the talent: half from free slots (freeSlots / slots), half
 * from seats left after its needs ((freeSeats - seats) / max(1, total seats)). The pair is
 * only scored when freeSlots >= 1 and freeSeats >= seats; `explain` also shows pairs that do
 * not fit, so a platform with no slots at all scores 0 on slots (not 0/0) and a seat
 * shortfall scores 0 on seats (not a negative share): the term stays in [0, 1].
 */
export function capacityTerm(slots: number, freeSlots: number, seatsTotal: number, freeSeats: number, seats: number): number {
  const slotShare = slots > 0 ? freeSlots / slots : 0;
  return 0.5 * slotShare + 0.5 * (Math.max(0, freeSeats - seats) / Math.max(1, seatsTotal));
}

/** Capital the platform can connect as a share of what the talent seeks; 1 when none is sought. */
export function capitalTerm(need: number, available: number): number {
  if (need <= 0) return 1;
  return available >= need ? 1 : available / need;
}

/**
 * Fills x[0..9] with the term values of (talent ti, platform pi) given its cosines in `cos`:
 * description, profile, concept (read in place: no double crosses the call, so none is boxed).
 * Industry: cosine of the unit industry vectors. Priority: the government priority of the
 * industries the pair shares, sum_d t_d p_d prio_d / sum_d t_d p_d (0 with no overlap).
 */
export function pairTerms(ctx: ScoringContext, T: TalentFeatures, ti: number, P: PlatformFeatures, pi: number, cos: Float64Array, x: Float64Array): void {
  const D = ctx.dims;
  const tb = ti * D;
  const pb = pi * D;
  let fit = 0;
  let pr = 0;
  for (let d = 0; d < D; d++) {
    const m = T.industry[tb + d] * P.industry[pb + d];
    fit += m;
    pr += m * ctx.priority[d];
  }
  const hasProfile = T.profile.indptr[ti + 1] > T.profile.indptr[ti];
  x[T_TEXT] = textTerm(ctx, cos[0], hasProfile ? cos[1] : 0, hasProfile);
  x[T_INDUSTRY] = fit <= 0 ? 0 : fit > 1 ? 1 : fit;
  x[T_PRIORITY] = fit > 0 ? Math.min(1, pr / fit) : 0;
  x[T_MODE] = MODE_TABLE[T.needMask[ti] * 16 + P.offerMask[pi]];
  x[T_CAPACITY] = capacityTerm(P.slots[pi], P.freeSlots[pi], P.seats[pi], P.freeSeats[pi], T.seats[ti]);
  x[T_CAPITAL] = capitalTerm(T.capital[ti], P.capital[pi]);
  x[T_STAGE] = P.stageFit[pi * STAGE_COLUMNS + T.stage[ti]];
  x[T_LEVEL] = T.level[ti];
  x[T_SIGNING] = P.signing[pi];
  x[T_CONCEPT] = conceptTerm(cos[2]);
}

/** Weighted sum of the terms with one side's normalised weights (from 0, in term order, as the kernel). */
export function sideScore(w: Float64Array, x: Float64Array): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += w[k] * x[k];
  return s;
}
