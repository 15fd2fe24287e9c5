/**
 * The hot path: one talent against every platform. Text cosines come from the platforms'
 * inverted index (term -> platforms), accumulated in float64 in ascending term order, so
 * they equal the merge dot product used by the explainer bit for bit. The row is scored
 * into caller-owned typed arrays: no allocation per pair.
 */
import type { PlatformFeatures, TalentFeatures } from '../features/build.js';
import type { ScoringContext } from './context.js';
import { TERM_COUNT } from './context.js';
import { fuse } from './fusion.js';
import { fits, pairTerms, sideScore } from './terms.js';

export interface ScoringModel {
  ctx: ScoringContext;
  talents: TalentFeatures;
  platforms: PlatformFeatures;
}

/** Marks a pair that must not appear anywhere (excluded, no room, or below the minimum score). */
export const UNACCEPTABLE = -1;

/** Per-thread scratch for scoreRow; one per worker, reused for every row. */
export interface RowScratch {
  cosDesc: Float64Array;
  cosProfile: Float64Array;
  blocked: Uint8Array;
  x: Float64Array;
  lambda: Float64Array;
  /** outputs, per platform */
  forward: Float64Array;
  backward: Float64Array;
  score: Float64Array;
}

export function createRowScratch(platforms: number): RowScratch {
  return {
    cosDesc: new Float64Array(platforms),
    cosProfile: new Float64Array(platforms),
    blocked: new Uint8Array(platforms),
    x: new Float64Array(TERM_COUNT),
    lambda: new Float64Array(2),
    forward: new Float64Array(platforms),
    backward: new Float64Array(platforms),
    score: new Float64Array(platforms),
  };
}

function accumulate(rowPtr: Int32Array, rowIdx: Int32Array, rowVal: Float32Array, ti: number, P: PlatformFeatures, acc: Float64Array): void {
  acc.fill(0);
  const inv = P.docIndex;
  for (let k = rowPtr[ti]; k < rowPtr[ti + 1]; k++) {
    const term = rowIdx[k];
    const v = rowVal[k];
    for (let q = inv.indptr[term]; q < inv.indptr[term + 1]; q++) acc[inv.indices[q]] += v * inv.values[q];
  }
}

/**
 * Scores talent ti against every platform. After the call, for each platform p:
 * score[p] is the reciprocal score, or UNACCEPTABLE; forward[p] / backward[p] are the
 * talent's and the platform's one-sided scores (defined where score[p] >= 0).
 */
export function scoreRow(m: ScoringModel, ti: number, s: RowScratch): void {
  const { ctx, talents: T, platforms: P } = m;
  const M = P.count;
  accumulate(T.desc.indptr, T.desc.indices, T.desc.values, ti, P, s.cosDesc);
  accumulate(T.profile.indptr, T.profile.indices, T.profile.values, ti, P, s.cosProfile);
  const e0 = T.exclIndptr[ti];
  const e1 = T.exclIndptr[ti + 1];
  for (let e = e0; e < e1; e++) s.blocked[T.exclIdx[e]] = 1;
  const seats = T.seats[ti];
  for (let p = 0; p < M; p++) {
    if (s.blocked[p] === 1 || !fits(P, p, seats)) {
      s.score[p] = UNACCEPTABLE;
      continue;
    }
    pairTerms(ctx, T, ti, P, p, s.cosDesc[p], s.cosProfile[p], s.x);
    const f = sideScore(ctx.wTalent, s.x);
    const b = sideScore(ctx.wPlatform, s.x);
    const sc = fuse(ctx.fusion, ctx.fusionTalentShare, f, b, s.lambda);
    s.forward[p] = f;
    s.backward[p] = b;
    s.score[p] = sc < ctx.minScore ? UNACCEPTABLE : sc;
  }
  for (let e = e0; e < e1; e++) s.blocked[T.exclIdx[e]] = 0;
}
