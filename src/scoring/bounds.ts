/**
 * Bounds for exact block-max pruning (ranking/rows.ts RowRanker with `prune`). The platforms
 * are grouped into blocks of up to BLOCK_SIZE platforms of one dominant industry (by offer
 * mask within it); per block, the smallest and largest value of every platform-side input
 * over its platforms with a free slot. For a talent, blockBounds gives each block a lower and
 * an upper bound of the reciprocal score of any acceptable pair with one of its platforms,
 * from those extremes, the talent's own values and the block's extreme text cosines (exact,
 * already accumulated). Valid when every input is non-negative (prunable.ts; the ranker does
 * not prune otherwise): each side's score grows with every term and every fusion with both
 * sides, so extreme inputs give extreme scores; a slack of 1e-9 covers rounding. The pair
 * formula stays in kernel.ts; test/ranking/prune.test.ts checks that every scored pair lies
 * within its block's bounds and that pruned rankings equal unpruned ones. What a block's own
 * postings and free seats give before scoring (room counts, cosines): blockReads.ts.
 */
import type { PlatformFeatures } from '../features/build.js';
import { STAGE_COLUMNS } from '../features/build.js';
import { MODE_TABLE } from './terms.js';
import type { RowScratch, ScoringModel } from './kernel.js';
import type { PositionIndex } from './blockReads.js';
import { blockMax, blockMaxes, byPosition, groupPostings, NO_INDEX } from './blockReads.js';
import type { PairSide } from './pairSide.js';
import { pairSide } from './pairSide.js';

/** Relative and absolute slack added to a bound so that rounding in the exact path can never cross it. */
const BOUND_SLACK = 1e-9;
/** Platforms per block: a bound per block costs about as much as scoring one pair. */
export const BLOCK_SIZE = 32;

const MODE_ROWS = 16; // need masks (4 bits): the rows of MODE_TABLE

/** Platform-side extremes per block (lo/hi: smallest/largest over the block's platforms with a free slot). */
export interface PlatformBlocks {
  count: number;
  /** platform indices in block order (dominant industry, offer mask, index); block b is order[start[b] .. start[b + 1]) */
  order: Int32Array;
  start: Int32Array;
  /** 1 where some platform of the block has a free slot (no pair with the others is acceptable) */
  live: Uint8Array;
  dims: number;
  indLo: Float64Array;
  indHi: Float64Array;
  modeLo: Float64Array;
  modeHi: Float64Array;
  /** freeSlots / slots */
  roomLo: Float64Array;
  roomHi: Float64Array;
  /** freeSeats / max(1, seats) */
  seatLo: Float64Array;
  seatHi: Float64Array;
  /** 1 / max(1, seats) */
  invLo: Float64Array;
  invHi: Float64Array;
  capLo: Float64Array;
  capHi: Float64Array;
  stageLo: Float64Array;
  stageHi: Float64Array;
  signLo: Float64Array;
  signHi: Float64Array;
  zhLo: Float64Array;
  zhHi: Float64Array;
  /** per platform, its block, and its position j in `order` (pos[order[j]] = j) */
  blockOf: Int32Array;
  pos: Int32Array;
  /**
   * per block, the free seats of its platforms with a free slot, largest first, in
   * seatsDesc[start[b] .. start[b] + roomy[b]): the platforms with room for a talent needing
   * s seats are a prefix (roomCount)
   */
  roomy: Int32Array;
  seatsDesc: Float64Array;
  /** the platforms' text vocabulary (columns of P.doc) */
  terms: number;
  /**
   * per term and block, the largest weight of the term over the block's platforms, at
   * [term * count + block]: sum of the talent's weights times these is at least the text cosine
   * of every platform of the block (looseCosines)
   */
  termMax: Float64Array;
  /**
   * the platforms' inverted index (P.docIndex) with each term's postings grouped by block
   * and numbered by position (pos): the postings of term t in block b are
   * postIdx/postVal[postPtr[t * (count + 1) + b] .. postPtr[t * (count + 1) + b + 1]), in
   * ascending platform order (accumulateBlock)
   */
  postPtr: Int32Array;
  postIdx: Int32Array;
  postVal: Float64Array;
  /**
   * P.docIndex and P.conceptIndex numbered by position: accumulated through them
   * (kernel.ts accumulate), a row's cosines lie in block order, each the same sum of the same
   * products in the same order (the talent's terms ascending) as through the platforms' own,
   * so the same bits. The pruned ranker's cosines are all in this numbering (blockBounds
   * reads a block's as one contiguous span). docPos shares postIdx and postVal.
   */
  docPos: PositionIndex;
  conceptPos: PositionIndex;
  /** the platforms' languages (zh) when at most LANGUAGES (else none), and per langs[i] conceptPos without its platforms (blockReads.ts conceptFor) */
  langs: Float64Array;
  conceptOther: PositionIndex[];
  /** the platforms' pair inputs in block order (pairSide.ts): scoreSpan reads a block's as contiguous spans */
  side: PairSide;
}

/** The most platform languages for which conceptOther keeps an index each. */
const LANGUAGES = 4;
/** blockBounds' two block maxima, written by blockMaxes (a double returned would be a heap number) */
const maxes = new Float64Array(2);

/** Groups the platforms into blocks and computes their extremes (O(platforms), once per ranker: free seats may change between rankings). */
export function platformBlocks(P: PlatformFeatures, dims: number, size = BLOCK_SIZE): PlatformBlocks {
  const M = P.count;
  const D = dims;
  const pInd = P.industry;
  // per platform its dominant industry and its second (-1 for none: a platform of one industry)
  const dominant = new Int32Array(M);
  const second = new Int32Array(M);
  for (let p = 0; p < M; p++) {
    let best = 0;
    let next = -1;
    for (let d = 1; d < D; d++) {
      const v = pInd[p * D + d];
      if (v > pInd[p * D + best]) {
        next = best;
        best = d;
      } else if (next < 0 || v > pInd[p * D + next]) next = d;
    }
    dominant[p] = best;
    second[p] = next >= 0 && pInd[p * D + next] > 0 ? next : -1;
  }
  // dominant industry, then second industry, language (Chinese or not) and offer mask: blocks
  // alike in what a bound takes per dimension (industry maxima, text weight moved across
  // languages, mode). Rich 20k x 1k: the batch's chunks score 48% of their pairs in full
  // (66% by dominant industry and offer mask alone), recommend's rows 37% (43%).
  const offer = P.offerMask;
  const zh = P.zh;
  const order = Int32Array.from({ length: M }, (_, i) => i).sort((a, b) => dominant[a] - dominant[b] || second[a] - second[b] || (zh[a] > 0.5 ? 1 : 0) - (zh[b] > 0.5 ? 1 : 0) || offer[a] - offer[b] || a - b);
  const starts: number[] = [];
  for (let i = 0; i < M; ) {
    starts.push(i);
    const g = dominant[order[i]];
    let j = i + 1;
    while (j < M && j - i < size && dominant[order[j]] === g) j++;
    i = j;
  }
  starts.push(M);
  const B = starts.length - 1;
  const arr = (n: number, v: number) => new Float64Array(n).fill(v);
  const k: PlatformBlocks = {
    count: B,
    order,
    start: Int32Array.from(starts),
    live: new Uint8Array(B),
    dims: D,
    indLo: arr(B * D, Infinity),
    indHi: arr(B * D, -Infinity),
    modeLo: arr(B * MODE_ROWS, Infinity),
    modeHi: arr(B * MODE_ROWS, -Infinity),
    roomLo: arr(B, Infinity),
    roomHi: arr(B, -Infinity),
    seatLo: arr(B, Infinity),
    seatHi: arr(B, -Infinity),
    invLo: arr(B, Infinity),
    invHi: arr(B, -Infinity),
    capLo: arr(B, Infinity),
    capHi: arr(B, -Infinity),
    stageLo: arr(B * STAGE_COLUMNS, Infinity),
    stageHi: arr(B * STAGE_COLUMNS, -Infinity),
    signLo: arr(B, Infinity),
    signHi: arr(B, -Infinity),
    zhLo: arr(B, Infinity),
    zhHi: arr(B, -Infinity),
    blockOf: new Int32Array(M),
    pos: new Int32Array(M),
    roomy: new Int32Array(B),
    seatsDesc: new Float64Array(M),
    terms: P.docIndex.rows,
    termMax: new Float64Array(P.docIndex.rows * B),
    postPtr: new Int32Array(P.docIndex.rows * (B + 1)),
    postIdx: new Int32Array(P.docIndex.indices.length),
    postVal: new Float64Array(P.docIndex.values.length),
    docPos: NO_INDEX,
    conceptPos: NO_INDEX,
    langs: new Float64Array(0),
    conceptOther: [],
    side: pairSide(P, D, order),
  };
  const lo = (a: Float64Array, i: number, v: number): void => { if (v < a[i]) a[i] = v; };
  const hi = (a: Float64Array, i: number, v: number): void => { if (v > a[i]) a[i] = v; };
  for (let b = 0; b < B; b++) {
    for (let j = k.start[b]; j < k.start[b + 1]; j++) {
      const p = order[j];
      if (P.freeSlots[p] <= 0) continue;
      k.live[b] = 1;
      for (let d = 0; d < D; d++) {
        lo(k.indLo, b * D + d, pInd[p * D + d]);
        hi(k.indHi, b * D + d, pInd[p * D + d]);
      }
      for (let r = 0; r < MODE_ROWS; r++) {
        const v = MODE_TABLE[r * 16 + P.offerMask[p]];
        lo(k.modeLo, b * MODE_ROWS + r, v);
        hi(k.modeHi, b * MODE_ROWS + r, v);
      }
      const room = P.freeSlots[p] / P.slots[p];
      const inv = 1 / Math.max(1, P.seats[p]);
      const seat = P.freeSeats[p] / Math.max(1, P.seats[p]);
      lo(k.roomLo, b, room);
      hi(k.roomHi, b, room);
      lo(k.seatLo, b, seat);
      hi(k.seatHi, b, seat);
      lo(k.invLo, b, inv);
      hi(k.invHi, b, inv);
      lo(k.capLo, b, P.capital[p]);
      hi(k.capHi, b, P.capital[p]);
      for (let c = 0; c < STAGE_COLUMNS; c++) {
        lo(k.stageLo, b * STAGE_COLUMNS + c, P.stageFit[p * STAGE_COLUMNS + c]);
        hi(k.stageHi, b * STAGE_COLUMNS + c, P.stageFit[p * STAGE_COLUMNS + c]);
      }
      lo(k.signLo, b, P.signing[p]);
      hi(k.signHi, b, P.signing[p]);
      lo(k.zhLo, b, P.zh[p]);
      hi(k.zhHi, b, P.zh[p]);
    }
  }
  // room per block: the free seats of the platforms with a free slot, largest first
  for (let b = 0; b < B; b++) {
    const j0 = k.start[b];
    let n = 0;
    for (let j = j0; j < k.start[b + 1]; j++) {
      const p = order[j];
      k.blockOf[p] = b;
      k.pos[p] = j;
      if (P.freeSlots[p] > 0) k.seatsDesc[j0 + n++] = P.freeSeats[p];
    }
    k.roomy[b] = n;
    k.seatsDesc.subarray(j0, j0 + n).sort().reverse();
  }
  k.docPos = groupPostings(k, P.docIndex);
  k.conceptPos = byPosition(P.conceptIndex, k.pos);
  const langs = [...new Set(P.zh)];
  if (langs.length <= LANGUAGES) {
    k.langs = Float64Array.from(langs);
    k.conceptOther = langs.map((z) => byPosition(P.conceptIndex, k.pos, P.zh, z));
  }
  return k;
}

/** The text term of a cosine c, as the kernel computes it (nondecreasing in c). */
function textTerm(c: number, texp: number): number {
  if (c <= 0) return 0;
  if (c > 1) c = 1;
  return texp === 1 ? c : texp === 0.5 ? Math.sqrt(c) : Math.pow(c, texp);
}

/**
 * Per block b of talent ti (blocks from .. to - 1): outLo[b] <= the reciprocal score of
 * every acceptable pair of the talent with a platform of the block <= outHi[b] (both
 * -Infinity for a block without a free slot; outLo is left as it was unless `lower`), and,
 * given `outF`, outF[b] >= the talent's one-sided (forward) score of every such pair (the
 * preference list's order). Reads the talent's exact cosines of the block's platforms from
 * s.cosDesc / s.cosProfile in block order (slot j for the platform order[j]: accumulated
 * through k.docPos, or accumulateBlock), or, given `cosHi`, bounds the text by cosHi[b] (looseCosines: no
 * cosine of the block need have been accumulated; the text's lower bound is then 0), and,
 * when `concept` (beginRow accumulated them through k.conceptPos), s.cosConcept, in block order.
 */
export function blockBounds(m: ScoringModel, ti: number, s: RowScratch, k: PlatformBlocks, concept: boolean, outLo: Float64Array, outHi: Float64Array, lower = true, from = 0, to = k.count, cosHi?: Float64Array, outF?: Float64Array): void {
  const { ctx, talents: T } = m;
  const D = ctx.dims;
  const start = k.start;
  const hasProfile = T.profile.indptr[ti + 1] > T.profile.indptr[ti];
  const tps = ctx.textProfileShare;
  const texp = ctx.textExponent;
  const cosD = s.cosDesc;
  const cosP = s.cosProfile;
  const cosC = s.cosConcept;
  const tInd = T.industry;
  const tb = ti * D;
  const prio = ctx.priority;
  const seats = T.seats[ti];
  const needCapital = T.capital[ti];
  const modeRow = T.needMask[ti];
  const stageCol = T.stage[ti];
  const x7 = T.level[ti];
  const tzh = T.zh[ti];
  const wt = ctx.wTalent;
  const wp = ctx.wPlatform;
  const ca = ctx.crossConcept;
  const cb = ctx.crossIndustry;
  const fusion = ctx.fusion;
  const share = ctx.fusionTalentShare;
  for (let b = from; b < to; b++) {
    if (k.live[b] === 0) {
      outLo[b] = -Infinity;
      outHi[b] = -Infinity;
      if (outF !== undefined) outF[b] = -Infinity;
      continue;
    }
    // the block's extreme cosines (exact values, so the text term's extremes are the block's own)
    let cLo = Infinity;
    let cHi = -Infinity;
    let kLo = Infinity;
    let kHi = -Infinity;
    const j0 = start[b];
    const j1 = start[b + 1];
    if (cosHi !== undefined) {
      // the loose text bound: every cosine is >= 0 (non-negative weights) and <= cosHi[b]
      cLo = 0;
      cHi = cosHi[b];
      if (concept) {
        if (lower) {
          for (let j = j0; j < j1; j++) {
            const cc = cosC[j];
            if (cc < kLo) kLo = cc;
            if (cc > kHi) kHi = cc;
          }
        } else kHi = blockMax(cosC, j0, j1);
      }
    } else if (!lower) {
      // only the upper bounds are written: the largest text and concept cosines, in one pass
      blockMaxes(cosD, hasProfile ? cosP : null, 1 - tps, tps, cosC, j0, j1, maxes);
      cHi = maxes[0];
      if (concept) kHi = maxes[1];
    } else {
      for (let j = j0; j < j1; j++) {
        const c = hasProfile ? (1 - tps) * cosD[j] + tps * cosP[j] : cosD[j];
        if (c < cLo) cLo = c;
        if (c > cHi) cHi = c;
        if (concept) {
          const cc = cosC[j];
          if (cc < kLo) kLo = cc;
          if (cc > kHi) kHi = cc;
        }
      }
    }
    // the upper bounds first; the lower one only when asked for (recommend's rows never ask)
    const x0H = textTerm(cHi, texp);
    const x9H = concept ? (kHi <= 0 ? 0 : kHi > 1 ? 1 : kHi) : 1;
    // industry fit and priority (a weighted mean of the priorities of the industries both sides hold, at most 1)
    let fitH = 0;
    let prH = -Infinity;
    for (let d = 0; d < D; d++) {
      const t = tInd[tb + d];
      const hi = k.indHi[b * D + d];
      fitH += t * hi;
      if (t > 0 && hi > 0 && prio[d] > prH) prH = prio[d];
    }
    const x1H = fitH <= 0 ? 0 : fitH > 1 ? 1 : fitH;
    const x2H = fitH > 0 && prH > 0 ? (prH < 1 ? prH : 1) : 0;
    const x3H = k.modeHi[b * MODE_ROWS + modeRow];
    // capacity: 0.5 * freeSlots / slots + 0.5 * (freeSeats - seats) / max(1, seats of the platform)
    // (at least 0 for a pair with room: freeSeats >= seats)
    const x4H = 0.5 * k.roomHi[b] + 0.5 * (k.seatHi[b] - seats * (seats >= 0 ? k.invLo[b] : k.invHi[b]));
    const x5H = needCapital <= 0 ? 1 : k.capHi[b] >= needCapital ? 1 : k.capHi[b] / needCapital;
    const x6H = k.stageHi[b * STAGE_COLUMNS + stageCol];
    const x8H = k.signHi[b];
    // text weight: a pair sharing the talent's language keeps it on text; otherwise the share
    // 1 - sh moves to cb * industry + ca * concept, so the text part lies between the two
    const sameLang = k.zhLo[b] === tzh && k.zhHi[b] === tzh;
    const aH = sameLang ? x0H : Math.max(x0H, cb * x1H + ca * x9H);
    const fH = wt[0] * aH + wt[1] * x1H + wt[2] * x2H + wt[3] * x3H + wt[4] * x4H + wt[5] * x5H + wt[6] * x6H + wt[7] * x7 + wt[8] * x8H + wt[9] * x9H;
    const bH = wp[0] * aH + wp[1] * x1H + wp[2] * x2H + wp[3] * x3H + wp[4] * x4H + wp[5] * x5H + wp[6] * x6H + wp[7] * x7 + wp[8] * x8H + wp[9] * x9H;
    // the forward score is fH's sum over the pair's own terms, each at most its block extreme
    if (outF !== undefined) outF[b] = fH + Math.abs(fH) * BOUND_SLACK + BOUND_SLACK;
    const hi = fuseValue(fusion, share, fH, bH);
    outHi[b] = hi + Math.abs(hi) * BOUND_SLACK + BOUND_SLACK;
    if (!lower) continue;
    const x0L = textTerm(cLo, texp);
    const x9L = concept ? (kLo <= 0 ? 0 : kLo > 1 ? 1 : kLo) : 0;
    let fitL = 0;
    let prL = Infinity;
    for (let d = 0; d < D; d++) {
      const t = tInd[tb + d];
      fitL += t * k.indLo[b * D + d];
      if (t > 0 && prio[d] < prL) prL = prio[d];
    }
    const x1L = fitL <= 0 ? 0 : fitL > 1 ? 1 : fitL;
    const x2L = fitL > 0 ? (prL < 1 ? prL : 1) : 0;
    const x3L = k.modeLo[b * MODE_ROWS + modeRow];
    const x4L = Math.max(0, 0.5 * k.roomLo[b] + 0.5 * (k.seatLo[b] - seats * (seats >= 0 ? k.invHi[b] : k.invLo[b])));
    const x5L = needCapital <= 0 ? 1 : k.capLo[b] >= needCapital ? 1 : k.capLo[b] / needCapital;
    const x6L = k.stageLo[b * STAGE_COLUMNS + stageCol];
    const x8L = k.signLo[b];
    const aL = sameLang ? x0L : Math.min(x0L, cb * x1L + ca * x9L);
    const fL = wt[0] * aL + wt[1] * x1L + wt[2] * x2L + wt[3] * x3L + wt[4] * x4L + wt[5] * x5L + wt[6] * x6L + wt[7] * x7 + wt[8] * x8L + wt[9] * x9L;
    const bL = wp[0] * aL + wp[1] * x1L + wp[2] * x2L + wp[3] * x3L + wp[4] * x4L + wp[5] * x5L + wp[6] * x6L + wp[7] * x7 + wp[8] * x8L + wp[9] * x9L;
    const lo = fuseValue(fusion, share, fL, bL);
    outLo[b] = lo - Math.abs(lo) * BOUND_SLACK - BOUND_SLACK;
  }
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
