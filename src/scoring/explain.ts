/**
 * The "why" of one pair: every term's value, both one-sided scores, the reciprocal score,
 * and each term's contribution to it. Contributions add up to the reciprocal score
 * (fusion coefficients lf, lb: contribution_k = lf * wT_k * x_k + lb * wP_k * x_k).
 */
import type { Term } from '../config/weights.js';
import { TERMS } from '../config/weights.js';
import { csrRowDot, denseDot, scatterRow } from '../vector/sparse.js';
import type { CsrMatrix } from '../vector/sparse.js';
import type { TalentFeatures } from '../features/build.js';
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

/**
 * The numbers of a pair's explanation in a caller-owned buffer (no allocation): the writers
 * of large outputs read these; `explainPair` wraps them in an object. Layout:
 * [0] talentScore, [1] platformScore, [2] score, [3 .. 3+K) terms, [3+K .. 3+2K) why.
 */
export const EXPLAIN_SCORE = 2;
export const EXPLAIN_TERMS = 3;
export const EXPLAIN_WHY = 3 + TERM_COUNT;
export const EXPLAIN_SIZE = 3 + 2 * TERM_COUNT;

export interface ExplainBuffer {
  out: Float64Array;
  x: Float64Array;
  lambda: Float64Array;
  /** the pair's term weights on each side (language-aware, ./terms.ts pairWeights) */
  wT: Float64Array;
  wP: Float64Array;
  /** the pair's three cosines (description, profile, concept), read by `explainFrom` (no double crosses a call) */
  cos: Float64Array;
  /** one talent's text and concept rows by column (`scatterTalent`), and whose: features and index */
  rows: { desc: Float64Array; profile: Float64Array; concept: Float64Array; of: TalentFeatures | undefined; ti: number };
}

export function createExplainBuffer(): ExplainBuffer {
  const none = new Float64Array(0);
  return {
    out: new Float64Array(EXPLAIN_SIZE),
    x: new Float64Array(TERM_COUNT),
    lambda: new Float64Array(2),
    wT: new Float64Array(TERM_COUNT),
    wP: new Float64Array(TERM_COUNT),
    cos: new Float64Array(3),
    rows: { desc: none, profile: none, concept: none, of: undefined, ti: -1 },
  };
}

export function explainInto(m: ScoringModel, ti: number, pi: number, buf: ExplainBuffer): Float64Array {
  // the three cosines read the rows in place (no views: this runs for every explained item)
  const { talents: T, platforms: P } = m;
  const cos = buf.cos;
  cos[0] = csrRowDot(T.desc, ti, P.doc, pi);
  cos[1] = csrRowDot(T.profile, ti, P.doc, pi);
  cos[2] = csrRowDot(T.concept, ti, P.concept, pi);
  return explainFrom(m, ti, pi, buf);
}

/** Makes talent ti's rows the scattered ones of `buf` (the previous talent's cleared). */
function scatterTalent(m: ScoringModel, ti: number, buf: ExplainBuffer): void {
  const T = m.talents;
  const r = buf.rows;
  releaseScattered(buf);
  if (r.desc.length < T.desc.cols) r.desc = new Float64Array(T.desc.cols);
  if (r.profile.length < T.profile.cols) r.profile = new Float64Array(T.profile.cols);
  if (r.concept.length < T.concept.cols) r.concept = new Float64Array(T.concept.cols);
  scatterRow(T.desc, ti, r.desc);
  scatterRow(T.profile, ti, r.profile);
  scatterRow(T.concept, ti, r.concept);
  r.of = T;
  r.ti = ti;
}

/**
 * Clears the scattered talent rows of `buf` (a writer calls this after a talent's line, so
 * that no state outlives it).
 */
export function releaseScattered(buf: ExplainBuffer): void {
  const r = buf.rows;
  if (!r.of) return;
  scatterRow(r.of.desc, r.ti, r.desc, true);
  scatterRow(r.of.profile, r.ti, r.profile, true);
  scatterRow(r.of.concept, r.ti, r.concept, true);
  r.of = undefined;
  r.ti = -1;
}

/**
 * explainInto (the same numbers, bit for bit) for many platforms against one talent in a
 * row, as a talent's line lists them: the talent's text and concept rows are scattered by
 * column once (when ti or the model's talents change), and each pair's cosines are one
 * pass over the platform's rows instead of a merge of two.
 */
export function explainScattered(m: ScoringModel, ti: number, pi: number, buf: ExplainBuffer): Float64Array {
  const { talents: T, platforms: P } = m;
  const r = buf.rows;
  if (r.of !== T || r.ti !== ti) scatterTalent(m, ti, buf);
  const cos = buf.cos;
  denseDots(r.desc, r.profile, P.doc, pi, cos);
  cos[2] = denseDot(r.concept, P.concept, pi);
  return explainFrom(m, ti, pi, buf);
}

/**
 * out[0] = denseDot(a, M, r) and out[1] = denseDot(b, M, r) in one pass over row r of M (the
 * description's and the profile's cosines share the platform's text row): each sum adds the
 * same products in the same order as denseDot, so the same bits, with the row read once.
 */
export function denseDots(a: Float64Array, b: Float64Array, M: CsrMatrix, r: number, out: Float64Array): void {
  const mi = M.indices;
  const mv = M.values;
  const end = M.indptr[r + 1];
  let sa = 0;
  let sb = 0;
  for (let e = M.indptr[r]; e < end; e++) {
    const c = mi[e];
    const v = mv[e];
    sa += a[c] * v;
    sb += b[c] * v;
  }
  out[0] = sa;
  out[1] = sb;
}

/** The explanation of pair (ti, pi) from its cosines in buf.cos (explainInto and explainScattered fill them). */
function explainFrom(m: ScoringModel, ti: number, pi: number, buf: ExplainBuffer): Float64Array {
  const { ctx, talents: T, platforms: P } = m;
  const { x, lambda, out, wT, wP, cos } = buf;
  pairTerms(ctx, T, ti, P, pi, cos, x);
  // the pair's weights: the text weight its unshared language moves (./terms.ts pairWeights)
  const shared = sharedLanguage(T.zh[ti], P.zh[pi]);
  pairWeights(ctx, ctx.wTalent, shared, wT);
  pairWeights(ctx, ctx.wPlatform, shared, wP);
  const f = sideScore(wT, x);
  const b = sideScore(wP, x);
  out[0] = f;
  out[1] = b;
  out[EXPLAIN_SCORE] = fuse(ctx.fusion, ctx.fusionTalentShare, f, b, lambda);
  for (let k = 0; k < TERM_COUNT; k++) {
    out[EXPLAIN_TERMS + k] = x[k];
    out[EXPLAIN_WHY + k] = lambda[0] * wT[k] * x[k] + lambda[1] * wP[k] * x[k];
  }
  return out;
}

/** Pair (ti, pi) explained; `buf`: a buffer to reuse across calls (explainInto overwrites what it reads). */
export function explainPair(m: ScoringModel, ti: number, pi: number, buf: ExplainBuffer = createExplainBuffer()): PairExplanation {
  const out = explainInto(m, ti, pi, buf);
  const score = out[EXPLAIN_SCORE];
  const terms = {} as Breakdown;
  const why = {} as Breakdown;
  TERMS.forEach((t, k) => {
    terms[t] = out[EXPLAIN_TERMS + k];
    why[t] = out[EXPLAIN_WHY + k];
  });
  const reason = rejectReason(m, ti, pi, score);
  return { acceptable: reason === undefined, ...(reason ? { reason } : {}), talentScore: out[0], platformScore: out[1], score, terms, why };
}
