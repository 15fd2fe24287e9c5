/**
 * The hot path: one talent against every platform. Text cosines come from the platforms'
 * inverted index (term -> platforms), accumulated in float64 in ascending term order, so
 * they equal the merge dot product used by the explainer bit for bit. The row is scored
 * into caller-owned typed arrays: no allocation per pair.
 */
import type { PlatformFeatures, TalentFeatures } from '../features/build.js';
import type { CsrMatrix } from '../vector/sparse.js';
import type { ScoringContext } from './context.js';
import { MODE_TABLE } from './terms.js';
import { STAGE_COLUMNS } from '../features/build.js';
import { hasRoom, meetsMinimum } from './acceptability.js';
import type { PairSide } from './pairSide.js';
import { sideOf } from './pairSide.js';

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
  cosConcept: Float64Array;
  blocked: Uint8Array;
  /** outputs, per platform */
  forward: Float64Array;
  backward: Float64Array;
  score: Float64Array;
  /** every platform index, ascending (the list scoreRow scores) */
  all: Int32Array;
  /** boundRow's outputs, per platform: a lower and an upper bound of the reciprocal score (upper = UNACCEPTABLE: no room or excluded) */
  lower: Float64Array;
  upper: Float64Array;
}

export function createRowScratch(platforms: number): RowScratch {
  const all = new Int32Array(platforms);
  for (let i = 0; i < platforms; i++) all[i] = i;
  return {
    cosDesc: new Float64Array(platforms),
    cosProfile: new Float64Array(platforms),
    cosConcept: new Float64Array(platforms),
    blocked: new Uint8Array(platforms),
    forward: new Float64Array(platforms),
    backward: new Float64Array(platforms),
    score: new Float64Array(platforms),
    all,
    lower: new Float64Array(platforms),
    upper: new Float64Array(platforms),
  };
}

/**
 * An inverted index as accumulate reads it: the platforms' own (float32 weights, the
 * unpruned kernel) or one numbered by block position (scoring/blockReads.ts PositionIndex:
 * the same weights as float64, the pruned ranker's). A process that prunes reads only the
 * latter, so the loop below stays monomorphic there.
 */
export type PostingIndex = Pick<CsrMatrix, 'indptr' | 'indices'> & { values: Float32Array | Float64Array };

/** Text cosines of talent row ti with every platform, through the platforms' inverted index, into acc (float64, ascending terms). */
export function accumulate(rowPtr: Int32Array, rowIdx: Int32Array, rowVal: Float32Array, ti: number, inv: PostingIndex, acc: Float64Array): void {
  acc.fill(0);
  // the index's arrays and each list's end in locals: V8 cannot prove that a store into acc
  // leaves another typed array alone, so it reloaded the end (one more load and bounds
  // check per posting). Same products, same order: the same bits (-15% CPU per row, rich).
  const ptr = inv.indptr;
  const idx = inv.indices;
  const val = inv.values;
  // A term's postings eight at a time, each statement the plain loop's (a later one reads
  // what an earlier one stored, so a repeated index adds as it did): the same operations in
  // the same order, the same bits, with an eighth of the loop's compares and back-edges
  // (rich 100k: rowCosines alone ~23 -> ~14 us a row for ~11.6k postings; the ranking in
  // process ~2% less: docs/PERFORMANCE.md, branch bb15).
  const k1 = rowPtr[ti + 1];
  for (let k = rowPtr[ti]; k < k1; k++) {
    const term = rowIdx[k];
    const v = rowVal[k];
    const e = ptr[term + 1];
    let q = ptr[term];
    for (; q + 7 < e; q += 8) {
      acc[idx[q]] += v * val[q];
      acc[idx[q + 1]] += v * val[q + 1];
      acc[idx[q + 2]] += v * val[q + 2];
      acc[idx[q + 3]] += v * val[q + 3];
      acc[idx[q + 4]] += v * val[q + 4];
      acc[idx[q + 5]] += v * val[q + 5];
      acc[idx[q + 6]] += v * val[q + 6];
      acc[idx[q + 7]] += v * val[q + 7];
    }
    for (; q < e; q++) acc[idx[q]] += v * val[q];
  }
}

/**
 * Scores talent ti against every platform. After the call, for each platform p:
 * score[p] is the reciprocal score, or UNACCEPTABLE; forward[p] / backward[p] are the
 * talent's and the platform's one-sided scores (defined where score[p] >= 0).
 *
 * This is pairTerms + sideScore + fuse written out with locals (no per-pair array traffic,
 * talent-only values hoisted). The arithmetic and its order are the same as the
 * explainer's, so both give identical bits; test/engine/known-answers.test.ts checks it.
 */
export function scoreRow(m: ScoringModel, ti: number, s: RowScratch): void {
  rowCosines(m, ti, s);
  scoreListed(m, ti, s, s.all, m.platforms.count);
}

/** The text cosines of talent ti (description, and profile when it has one) into s.cosDesc / s.cosProfile, through `inv`: the platforms' inverted index, or one numbered otherwise (bounds.ts docPos). */
export function rowCosines(m: ScoringModel, ti: number, s: RowScratch, inv: PostingIndex = m.platforms.docIndex): void {
  const T = m.talents;
  accumulate(T.desc.indptr, T.desc.indices, T.desc.values, ti, inv, s.cosDesc);
  if (T.profile.indptr[ti + 1] > T.profile.indptr[ti]) accumulate(T.profile.indptr, T.profile.indices, T.profile.values, ti, inv, s.cosProfile);
}

/**
 * Text cosines of talent ti with the listed platforms only, by a dot product over each
 * platform's row against the talent's row scattered into `dense` (float64, one slot per
 * term, left zeroed). The sum runs over the platform's terms ascending and adds exact zeros
 * for terms the talent lacks, so it equals the inverted-index accumulation (ascending
 * shared terms) bit for bit.
 */
export function listedCosines(m: ScoringModel, ti: number, s: RowScratch, dense: Float64Array, list: Int32Array, n: number): void {
  const { talents: T, platforms: P } = m;
  listedDot(T.desc, ti, P.doc, dense, list, n, s.cosDesc);
  if (T.profile.indptr[ti + 1] > T.profile.indptr[ti]) listedDot(T.profile, ti, P.doc, dense, list, n, s.cosProfile);
}

function listedDot(rows: CsrMatrix, ti: number, doc: CsrMatrix, dense: Float64Array, list: Int32Array, n: number, out: Float64Array): void {
  const r0 = rows.indptr[ti];
  const r1 = rows.indptr[ti + 1];
  for (let k = r0; k < r1; k++) dense[rows.indices[k]] = rows.values[k];
  const ptr = doc.indptr;
  const idx = doc.indices;
  const val = doc.values;
  for (let j = 0; j < n; j++) {
    const p = list[j];
    let acc = 0;
    for (let q = ptr[p]; q < ptr[p + 1]; q++) acc += dense[idx[q]] * val[q];
    out[p] = acc;
  }
  for (let k = r0; k < r1; k++) dense[rows.indices[k]] = 0;
}

/**
 * Scores talent ti against the platforms list[0 .. n) (their text cosines already in
 * s.cosDesc / s.cosProfile); the outputs of other platforms are left as they were.
 */
export function scoreListed(m: ScoringModel, ti: number, s: RowScratch, list: Int32Array, n: number): void {
  beginRow(m, ti, s);
  scoreSpan(m, ti, s, list, 0, n, list, sideOf(m.platforms, m.ctx.dims));
  endRow(m, ti, s);
}

/**
 * The per-row preparation of scoreSpan: marks the talent's exclusions in s.blocked and
 * accumulates its concept cosines through `conceptIndex` (the platforms' own, or one
 * numbered otherwise: bounds.ts conceptPos) when a pair will read them (returns whether it
 * did). endRow clears the marks.
 */
export function beginRow(m: ScoringModel, ti: number, s: RowScratch, conceptIndex: PostingIndex = m.platforms.conceptIndex): boolean {
  const { ctx, talents: T, platforms: P } = m;
  const M = P.count;
  for (let e = T.exclIndptr[ti]; e < T.exclIndptr[ti + 1]; e++) s.blocked[T.exclIdx[e]] = 1;
  const tzh = T.zh[ti];
  const pzh = P.zh;
  // concept cosines are read only by pairs that move text weight or weigh the concept term
  let needConcept = ctx.wTalent[9] !== 0 || ctx.wPlatform[9] !== 0;
  for (let p = 0; p < M && !needConcept; p++) if (pzh[p] !== tzh) needConcept = true;
  if (needConcept) accumulate(T.concept.indptr, T.concept.indices, T.concept.values, ti, conceptIndex, s.cosConcept);
  return needConcept;
}

/** Clears the exclusion marks beginRow set. */
export function endRow(m: ScoringModel, ti: number, s: RowScratch): void {
  const T = m.talents;
  for (let e = T.exclIndptr[ti]; e < T.exclIndptr[ti + 1]; e++) s.blocked[T.exclIdx[e]] = 0;
}

/**
 * Scores talent ti against the platforms list[from .. to), between beginRow and endRow
 * (the cosines in s.cosDesc / s.cosProfile, the concept cosines and exclusion marks from
 * beginRow); the outputs of other platforms are left as they were. The cosines and the
 * platform's inputs of list[j] are read at slot at[j] of the cosines and of `side`: the
 * platform itself with sideOf's platform order (at = list), its block position in the pruned
 * ranking (ranking/rows.ts, bounds.ts docPos and side). The outputs and the exclusion marks
 * are by platform either way.
 */
export function scoreSpan(m: ScoringModel, ti: number, s: RowScratch, list: Int32Array, from: number, to: number, at: Int32Array, side: PairSide): void {
  const { ctx, talents: T } = m;
  const D = ctx.dims;
  const hasProfile = T.profile.indptr[ti + 1] > T.profile.indptr[ti];
  const seats = T.seats[ti];
  const needCapital = T.capital[ti];
  const modeRow = T.needMask[ti] * 16;
  const stageCol = T.stage[ti];
  const level = T.level[ti];
  const tInd = T.industry;
  const tb = ti * D;
  const prio = ctx.priority;
  const wt = ctx.wTalent;
  const wp = ctx.wPlatform;
  const wt0 = wt[0], wt1 = wt[1], wt2 = wt[2], wt3 = wt[3], wt4 = wt[4], wt5 = wt[5], wt6 = wt[6], wt7 = wt[7], wt8 = wt[8], wt9 = wt[9];
  const wp0 = wp[0], wp1 = wp[1], wp2 = wp[2], wp3 = wp[3], wp4 = wp[4], wp5 = wp[5], wp6 = wp[6], wp7 = wp[7], wp8 = wp[8], wp9 = wp[9];
  // language-aware text weight (./terms.ts pairWeights): the talent's Chinese share, the platforms'
  const tzh = T.zh[ti];
  const pzh = side.zh;
  const cosC = s.cosConcept;
  const ca = ctx.crossConcept;
  const cb = ctx.crossIndustry;
  const conceptOn = wt9 !== 0 || wp9 !== 0;
  const pInd = side.industry;
  const freeSlots = side.freeSlots;
  const freeSeats = side.freeSeats;
  const cosD = s.cosDesc;
  const cosP = s.cosProfile;
  const fusion = ctx.fusion;
  const tps = ctx.textProfileShare;
  const texp = ctx.textExponent;
  const offer = side.offerMask;
  const slotHalf = side.slotHalf;
  const seatDen = side.seatDen;
  const capital = side.capital;
  const stageFit = side.stageFit;
  const signing = side.signing;
  const share = ctx.fusionTalentShare;
  const minScore = ctx.minScore;
  // outputs and tables in locals: V8 reloads object fields on every iteration otherwise
  const blocked = s.blocked;
  const outScore = s.score;
  const outForward = s.forward;
  const outBackward = s.backward;
  const modeTable = MODE_TABLE;
  // the talent's industry vector and the priorities, hoisted for the contract's seven
  // industries (same products, same order of additions: identical bits). The unrolled
  // seven-industry branch below is a deliberate copy of the generic loop after it (V8 keeps
  // the fourteen values in registers); bounds.ts boundRow carries the same copy.
  const seven = D === 7;
  const i0 = seven ? tInd[tb] : 0, i1 = seven ? tInd[tb + 1] : 0, i2 = seven ? tInd[tb + 2] : 0, i3 = seven ? tInd[tb + 3] : 0;
  const i4 = seven ? tInd[tb + 4] : 0, i5 = seven ? tInd[tb + 5] : 0, i6 = seven ? tInd[tb + 6] : 0;
  const r0 = seven ? prio[0] : 0, r1 = seven ? prio[1] : 0, r2 = seven ? prio[2] : 0, r3 = seven ? prio[3] : 0;
  const r4 = seven ? prio[4] : 0, r5 = seven ? prio[5] : 0, r6 = seven ? prio[6] : 0;

  for (let j = from; j < to; j++) {
    const p = list[j];
    const a = at[j];
    // the acceptability rule (./acceptability.ts), in its order: exclusion, room, minimum
    if (blocked[p] === 1 || !hasRoom(freeSlots[a], freeSeats[a], seats)) {
      outScore[p] = UNACCEPTABLE;
      continue;
    }
    const pb = a * D;
    let fit = 0;
    let pr = 0;
    if (seven) {
      const y0 = i0 * pInd[pb], y1 = i1 * pInd[pb + 1], y2 = i2 * pInd[pb + 2], y3 = i3 * pInd[pb + 3];
      const y4 = i4 * pInd[pb + 4], y5 = i5 * pInd[pb + 5], y6 = i6 * pInd[pb + 6];
      fit = 0 + y0 + y1 + y2 + y3 + y4 + y5 + y6;
      pr = 0 + y0 * r0 + y1 * r1 + y2 * r2 + y3 * r3 + y4 * r4 + y5 * r5 + y6 * r6;
    } else {
      for (let d = 0; d < D; d++) {
        const x = tInd[tb + d] * pInd[pb + d];
        fit += x;
        pr += x * prio[d];
      }
    }
    // --- the formulas of ./terms.ts and ./fusion.ts, written inline (V8 does not inline
    // them into a loop this large, and boxed doubles would cost an allocation per call) ---
    let c = hasProfile ? (1 - tps) * cosD[a] + tps * cosP[a] : cosD[a];
    let x0: number;
    if (c <= 0) x0 = 0;
    else {
      if (c > 1) c = 1;
      x0 = texp === 1 ? c : texp === 0.5 ? Math.sqrt(c) : Math.pow(c, texp);
    }
    const x1 = fit <= 0 ? 0 : fit > 1 ? 1 : fit;
    const x2 = fit > 0 ? Math.min(1, pr / fit) : 0;
    const x3 = modeTable[modeRow + offer[a]];
    // 0.5 * (freeSlots / slots) + 0.5 * ((freeSeats - seats) / max(1, seats)), its platform-only parts from side
    const x4 = slotHalf[a] + 0.5 * ((freeSeats[a] - seats) / seatDen[a]);
    const cap = capital[a];
    const x5 = needCapital <= 0 ? 1 : cap >= needCapital ? 1 : cap / needCapital;
    const x6 = stageFit[a * STAGE_COLUMNS + stageCol];
    const x7 = level;
    const x8 = signing[a];
    let f: number;
    let b: number;
    const zp = pzh[a];
    if (zp === tzh && !conceptOn) {
      // same language and no concept weight: pairWeights keeps the side weights exactly
      // (nothing moves) and the concept term adds +0, so this is the full formula's value
      f = 0 + wt0 * x0 + wt1 * x1 + wt2 * x2 + wt3 * x3 + wt4 * x4 + wt5 * x5 + wt6 * x6 + wt7 * x7 + wt8 * x8;
      b = 0 + wp0 * x0 + wp1 * x1 + wp2 * x2 + wp3 * x3 + wp4 * x4 + wp5 * x5 + wp6 * x6 + wp7 * x7 + wp8 * x8;
    } else {
      const cc = cosC[a];
      const x9 = cc <= 0 ? 0 : cc > 1 ? 1 : cc;
      // the unshared part of the pair's language moves the text weight to concept and industry
      const sh = 1 - Math.abs(tzh - zp);
      const mv = 1 - sh;
      f = 0 + wt0 * sh * x0 + (wt1 + wt0 * mv * cb) * x1 + wt2 * x2 + wt3 * x3 + wt4 * x4 + wt5 * x5 + wt6 * x6 + wt7 * x7 + wt8 * x8 + (wt9 + wt0 * mv * ca) * x9;
      b = 0 + wp0 * sh * x0 + (wp1 + wp0 * mv * cb) * x1 + wp2 * x2 + wp3 * x3 + wp4 * x4 + wp5 * x5 + wp6 * x6 + wp7 * x7 + wp8 * x8 + (wp9 + wp0 * mv * ca) * x9;
    }
    const sum = f + b;
    let lf: number;
    let lb: number;
    if (fusion === 0) {
      lf = sum <= 0 ? 0 : b / sum;
      lb = sum <= 0 ? 0 : f / sum;
    } else if (fusion === 1) {
      const g = sum <= 0 ? 0 : Math.sqrt(f * b) / sum;
      lf = g;
      lb = g;
    } else if (fusion === 2) {
      lf = f < b ? 1 : f > b ? 0 : 0.5;
      lb = 1 - lf;
    } else {
      lf = share;
      lb = 1 - share;
    }
    const sc = lf * f + lb * b;
    outForward[p] = f;
    outBackward[p] = b;
    // two stores, not `meetsMinimum(...) ? sc : UNACCEPTABLE`: that value merges a double with
    // a tagged module constant, which V8 boxes, a heap number per acceptable pair (13.8 MB of a
    // batch chunk's short-lived heap); the same values stored
    if (meetsMinimum(sc, minScore)) outScore[p] = sc;
    else outScore[p] = UNACCEPTABLE;
  }
}
