/**
 * Bounds for exact pruning (ranking/rows.ts RowRanker with `prune`): per platform, a lower
 * and an upper bound of a pair's reciprocal score without its text cosine. Split from
 * kernel.ts (the exact pair formula); the formula here is a second copy of kernel.ts
 * scoreListed with the text term bounded, kept in step with it by test/ranking/prune.test.ts.
 */
import type { PlatformFeatures } from '../features/build.js';
import type { CsrMatrix } from '../vector/sparse.js';
import { MODE_TABLE } from './terms.js';
import { STAGE_COLUMNS } from '../features/build.js';
import { hasRoom } from './acceptability.js';
import type { RowScratch, ScoringModel } from './kernel.js';
import { UNACCEPTABLE, accumulate } from './kernel.js';

/** Relative and absolute slack added to a bound so that rounding in the exact path can never cross it. */
const BOUND_SLACK = 1e-9;

const termMaxCache = new WeakMap<CsrMatrix, Float32Array>();

/** Per term, the largest weight any platform's text row gives it (0 for a term no platform has). */
export function termMaxima(P: PlatformFeatures): Float32Array {
  const inv = P.docIndex;
  let t = termMaxCache.get(inv);
  if (t === undefined) {
    const terms = inv.indptr.length - 1;
    t = new Float32Array(terms);
    for (let v = 0; v < terms; v++) {
      let mx = 0;
      for (let q = inv.indptr[v]; q < inv.indptr[v + 1]; q++) if (inv.values[q] > mx) mx = inv.values[q];
      t[v] = mx;
    }
    termMaxCache.set(inv, t);
  }
  return t;
}

/** Upper bound of a talent row's cosine with any platform: sum of its weights times each term's largest platform weight, at most 1. */
function cosineBound(rows: CsrMatrix, ti: number, termMax: Float32Array): number {
  let c = 0;
  for (let k = rows.indptr[ti]; k < rows.indptr[ti + 1]; k++) c += rows.values[k] * termMax[rows.indices[k]];
  c = c * (1 + BOUND_SLACK) + BOUND_SLACK;
  return c > 1 ? 1 : c;
}

/**
 * Bounds of talent ti's reciprocal score with every platform, without the text cosines:
 * s.upper[p] >= the score scoreRow computes >= s.lower[p] (s.upper[p] = UNACCEPTABLE where
 * the pair is excluded or has no room: exactly the pairs scoreRow marks before scoring).
 * Every term but text is computed as in scoreListed; the text term is bounded by the talent's
 * cosine bound (above) and by 0 (below). Each side's score grows with every term (weights
 * >= 0) and every fusion grows with both sides, so the bounds hold; a slack of 1e-9 covers
 * rounding. This is a second copy of the pair formula, kept for speed: exact pruning in
 * ranking/rows.ts scores only the pairs whose upper bound can still enter a heap
 * (docs/PERFORMANCE.md); test/ranking/prune.test.ts checks the bounds and the pruned result.
 */
export function boundRow(m: ScoringModel, ti: number, s: RowScratch, termMax: Float32Array): void {
  const { ctx, talents: T, platforms: P } = m;
  const M = P.count;
  const D = ctx.dims;
  const hasProfile = T.profile.indptr[ti + 1] > T.profile.indptr[ti];
  const tps = ctx.textProfileShare;
  const texp = ctx.textExponent;
  let cU = cosineBound(T.desc, ti, termMax);
  if (hasProfile) {
    cU = (1 - tps) * cU + tps * cosineBound(T.profile, ti, termMax);
    cU = cU * (1 + BOUND_SLACK) + BOUND_SLACK;
    if (cU > 1) cU = 1;
  }
  const x0U = texp === 1 ? cU : texp === 0.5 ? Math.sqrt(cU) : Math.pow(cU, texp);
  const e0 = T.exclIndptr[ti];
  const e1 = T.exclIndptr[ti + 1];
  const blocked = s.blocked;
  for (let e = e0; e < e1; e++) blocked[T.exclIdx[e]] = 1;
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
  const tzh = T.zh[ti];
  const pzh = P.zh;
  const cosC = s.cosConcept;
  const ca = ctx.crossConcept;
  const cb = ctx.crossIndustry;
  const conceptOn = wt[9] !== 0 || wp[9] !== 0;
  let needConcept = conceptOn;
  for (let p = 0; p < M && !needConcept; p++) if (pzh[p] !== tzh) needConcept = true;
  if (needConcept) accumulate(T.concept.indptr, T.concept.indices, T.concept.values, ti, P.conceptIndex, cosC);
  const pInd = P.industry;
  const freeSlots = P.freeSlots;
  const freeSeats = P.freeSeats;
  const fusion = ctx.fusion;
  const share = ctx.fusionTalentShare;
  const offerMask = P.offerMask;
  const slots = P.slots;
  const seatsTotal = P.seats;
  const capital = P.capital;
  const stageFit = P.stageFit;
  const signing = P.signing;
  const lower = s.lower;
  const upper = s.upper;
  const modeTable = MODE_TABLE;
  const x7 = level;
  const wt0 = wt[0], wt1 = wt[1], wt2 = wt[2], wt3 = wt[3], wt4 = wt[4], wt5 = wt[5], wt6 = wt[6], wt7 = wt[7], wt8 = wt[8], wt9 = wt[9];
  const wp0 = wp[0], wp1 = wp[1], wp2 = wp[2], wp3 = wp[3], wp4 = wp[4], wp5 = wp[5], wp6 = wp[6], wp7 = wp[7], wp8 = wp[8], wp9 = wp[9];
  const seven = D === 7;
  const i0 = seven ? tInd[tb] : 0, i1 = seven ? tInd[tb + 1] : 0, i2 = seven ? tInd[tb + 2] : 0, i3 = seven ? tInd[tb + 3] : 0;
  const i4 = seven ? tInd[tb + 4] : 0, i5 = seven ? tInd[tb + 5] : 0, i6 = seven ? tInd[tb + 6] : 0;
  const r0 = seven ? prio[0] : 0, r1 = seven ? prio[1] : 0, r2 = seven ? prio[2] : 0, r3 = seven ? prio[3] : 0;
  const r4 = seven ? prio[4] : 0, r5 = seven ? prio[5] : 0, r6 = seven ? prio[6] : 0;
  // the same-language side scores without text, then the text term's most
  const fText = wt0 * x0U;
  const bText = wp0 * x0U;
  for (let p = 0; p < M; p++) {
    if (blocked[p] === 1 || !hasRoom(freeSlots[p], freeSeats[p], seats)) {
      upper[p] = UNACCEPTABLE;
      lower[p] = UNACCEPTABLE;
      continue;
    }
    const pb = p * D;
    let fit = 0;
    let pr = 0;
    if (seven) {
      const y0 = i0 * pInd[pb], y1 = i1 * pInd[pb + 1], y2 = i2 * pInd[pb + 2], y3 = i3 * pInd[pb + 3];
      const y4 = i4 * pInd[pb + 4], y5 = i5 * pInd[pb + 5], y6 = i6 * pInd[pb + 6];
      fit = y0 + y1 + y2 + y3 + y4 + y5 + y6;
      pr = y0 * r0 + y1 * r1 + y2 * r2 + y3 * r3 + y4 * r4 + y5 * r5 + y6 * r6;
    } else {
      for (let d = 0; d < D; d++) {
        const x = tInd[tb + d] * pInd[pb + d];
        fit += x;
        pr += x * prio[d];
      }
    }
    const x1 = fit <= 0 ? 0 : fit > 1 ? 1 : fit;
    const x2 = fit > 0 ? Math.min(1, pr / fit) : 0;
    const x3 = modeTable[modeRow + offerMask[p]];
    const x4 = 0.5 * (freeSlots[p] / slots[p]) + 0.5 * ((freeSeats[p] - seats) / Math.max(1, seatsTotal[p]));
    const cap = capital[p];
    const x5 = needCapital <= 0 ? 1 : cap >= needCapital ? 1 : cap / needCapital;
    const x6 = stageFit[p * STAGE_COLUMNS + stageCol];
    const x8 = signing[p];
    // the side scores without text (fL, bL) and the text term's most (wt0 * sh * x0U)
    let fL: number;
    let bL: number;
    let ft: number;
    let bt: number;
    const zp = pzh[p];
    if (zp === tzh && !conceptOn) {
      fL = wt1 * x1 + wt2 * x2 + wt3 * x3 + wt4 * x4 + wt5 * x5 + wt6 * x6 + wt7 * x7 + wt8 * x8;
      bL = wp1 * x1 + wp2 * x2 + wp3 * x3 + wp4 * x4 + wp5 * x5 + wp6 * x6 + wp7 * x7 + wp8 * x8;
      ft = fText;
      bt = bText;
    } else {
      const cc = cosC[p];
      const x9 = cc <= 0 ? 0 : cc > 1 ? 1 : cc;
      const sh = 1 - Math.abs(tzh - zp);
      const mv = 1 - sh;
      fL = (wt1 + wt0 * mv * cb) * x1 + wt2 * x2 + wt3 * x3 + wt4 * x4 + wt5 * x5 + wt6 * x6 + wt7 * x7 + wt8 * x8 + (wt9 + wt0 * mv * ca) * x9;
      bL = (wp1 + wp0 * mv * cb) * x1 + wp2 * x2 + wp3 * x3 + wp4 * x4 + wp5 * x5 + wp6 * x6 + wp7 * x7 + wp8 * x8 + (wp9 + wp0 * mv * ca) * x9;
      ft = wt0 * sh * x0U;
      bt = wp0 * sh * x0U;
    }
    let lo: number;
    let hi: number;
    if (fusion === 0) {
      // harmonic, the default, inline: 2fb / (f + b) as scoreListed computes it
      const sl = fL + bL;
      lo = sl <= 0 ? 0 : (bL / sl) * fL + (fL / sl) * bL;
      const fu = fL + ft;
      const bu = bL + bt;
      const su = fu + bu;
      hi = su <= 0 ? 0 : (bu / su) * fu + (fu / su) * bu;
    } else {
      lo = fuseValue(fusion, share, fL, bL);
      hi = fuseValue(fusion, share, fL + ft, bL + bt);
    }
    lower[p] = lo * (1 - BOUND_SLACK) - BOUND_SLACK;
    upper[p] = hi * (1 + BOUND_SLACK) + BOUND_SLACK;
  }
  for (let e = e0; e < e1; e++) blocked[T.exclIdx[e]] = 0;
}

/** The reciprocal score of one-sided scores f and b, as scoreListed computes it (nondecreasing in f and in b). */
function fuseValue(fusion: number, share: number, f: number, b: number): number {
  const sum = f + b;
  if (fusion === 0) return sum <= 0 ? 0 : (b / sum) * f + (f / sum) * b;
  if (fusion === 1) {
    const g = sum <= 0 ? 0 : Math.sqrt(f * b) / sum;
    return g * f + g * b;
  }
  if (fusion === 2) return f < b ? f : f > b ? b : 0.5 * f + 0.5 * b;
  return share * f + (1 - share) * b;
}
