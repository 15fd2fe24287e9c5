/**
 * What a block of platforms (bounds.ts PlatformBlocks) gives a talent's row before any pair
 * is scored: how many of its platforms have room for the talent (roomCount), a loose upper
 * bound of its text cosines from each term's largest weight in the block, read without
 * touching a posting (looseCosines), and the exact cosines of its platforms alone, from the
 * block's own postings (accumulateBlock: the same bits as kernel.ts accumulate), and the
 * largest of a block's cosines once accumulated (blockMax, blockMaxes). The ranker
 * (ranking/rows.ts) reads one block at a time only where few blocks can enter a heap.
 */
import type { PlatformBlocks } from './bounds.js';
import type { ScoringModel } from './kernel.js';
import type { CsrMatrix } from '../vector/sparse.js';

/**
 * An inverted index numbered by block position (bounds.ts docPos, conceptPos, conceptOther):
 * the platforms' own postings with float64 weights, the same values (a float32 widens
 * exactly), so accumulating through it converts no weight per posting (the same products).
 */
export type PositionIndex = Omit<CsrMatrix, 'values'> & { values: Float64Array };

/** The empty index bounds.ts platformBlocks starts from (replaced before it returns). */
export const NO_INDEX: PositionIndex = { rows: 0, cols: 0, indptr: new Int32Array(1), indices: new Int32Array(0), values: new Float64Array(0) };

/**
 * Platforms of block b with room for a talent needing `seats` seats (a free slot and at least
 * that many free seats; scoring/acceptability.ts hasRoom), exclusions not subtracted.
 */
export function roomCount(k: PlatformBlocks, b: number, seats: number): number {
  const j0 = k.start[b];
  const a = k.seatsDesc;
  // the platforms with room are a prefix of the descending free seats: find its length
  let lo = 0;
  let hi = k.roomy[b];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[j0 + mid] >= seats) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Per block b: an upper bound of the combined text cosine (as scoreSpan forms it from
 * cosDesc and cosProfile) of talent ti with every platform of the block, from the block's
 * largest weight per term, without touching a posting. Each product v * termMax is at least
 * the platform's v * w (exactly: the products of two float32 are exact in float64), a term
 * the platform lacks adds 0 there, and rounded addition is monotone, so the float64 sums are
 * at least the exact path's sums (kernel.ts accumulate) bit for bit, no slack needed.
 */
export function looseCosines(m: ScoringModel, ti: number, k: PlatformBlocks, out: Float64Array, tmp: Float64Array): void {
  const T = m.talents;
  const B = k.count;
  termSums(T.desc.indptr, T.desc.indices, T.desc.values, ti, k.termMax, B, out);
  if (T.profile.indptr[ti + 1] > T.profile.indptr[ti]) {
    termSums(T.profile.indptr, T.profile.indices, T.profile.values, ti, k.termMax, B, tmp);
    const tps = m.ctx.textProfileShare;
    for (let b = 0; b < B; b++) out[b] = (1 - tps) * out[b] + tps * tmp[b];
  }
}

function termSums(rowPtr: Int32Array, rowIdx: Int32Array, rowVal: Float32Array, ti: number, termMax: Float64Array, B: number, out: Float64Array): void {
  out.fill(0, 0, B);
  for (let q = rowPtr[ti]; q < rowPtr[ti + 1]; q++) {
    const v = rowVal[q];
    const base = rowIdx[q] * B;
    for (let b = 0; b < B; b++) out[b] += v * termMax[base + b];
  }
}

/**
 * The text cosines of talent ti with the platforms of block b only, into cosDesc / cosProfile
 * at the block's positions start[b] .. start[b + 1] (block order, as through k.docPos; the
 * other slots are left as they were): the same products added in the same order (the
 * talent's terms ascending) as kernel.ts accumulate, so the same bits.
 */
export function accumulateBlock(m: ScoringModel, ti: number, k: PlatformBlocks, b: number, cosDesc: Float64Array, cosProfile: Float64Array): void {
  const T = m.talents;
  cosDesc.fill(0, k.start[b], k.start[b + 1]);
  blockSums(T.desc.indptr, T.desc.indices, T.desc.values, ti, k, b, cosDesc);
  if (T.profile.indptr[ti + 1] > T.profile.indptr[ti]) {
    cosProfile.fill(0, k.start[b], k.start[b + 1]);
    blockSums(T.profile.indptr, T.profile.indices, T.profile.values, ti, k, b, cosProfile);
  }
}

function blockSums(rowPtr: Int32Array, rowIdx: Int32Array, rowVal: Float32Array, ti: number, k: PlatformBlocks, b: number, acc: Float64Array): void {
  const stride = k.count + 1;
  const ptr = k.postPtr;
  const idx = k.postIdx;
  const val = k.postVal;
  for (let q = rowPtr[ti]; q < rowPtr[ti + 1]; q++) {
    const v = rowVal[q];
    const base = rowIdx[q] * stride + b;
    const e = ptr[base + 1];
    for (let r = ptr[base]; r < e; r++) acc[idx[r]] += v * val[r];
  }
}

/**
 * Fills k.termMax and k.postPtr/postIdx/postVal (bounds.ts platformBlocks, once k.blockOf and
 * k.pos are known) from the platforms' inverted index `inv`: each term's postings regrouped by
 * block, a stable counting sort, so a block's postings keep the ascending platform order,
 * numbered by position. Returns the whole index so numbered (bounds.ts docPos): a term's
 * postings over all blocks are one span.
 */
export function groupPostings(k: PlatformBlocks, inv: CsrMatrix): PositionIndex {
  const B = k.count;
  const V = inv.rows;
  const stride = B + 1;
  const fill = new Int32Array(B);
  for (let t = 0; t < V; t++) {
    const q0 = inv.indptr[t];
    const q1 = inv.indptr[t + 1];
    const base = t * stride;
    for (let q = q0; q < q1; q++) {
      const b = k.blockOf[inv.indices[q]];
      k.postPtr[base + b + 1]++;
      const w = inv.values[q];
      if (w > k.termMax[t * B + b]) k.termMax[t * B + b] = w;
    }
    k.postPtr[base] = q0;
    for (let b = 0; b < B; b++) k.postPtr[base + b + 1] += k.postPtr[base + b];
    for (let q = q0; q < q1; q++) {
      const b = k.blockOf[inv.indices[q]];
      // fill from each block's start: the block's postings keep the ascending platform order
      const at = k.postPtr[base + b] + fill[b]++;
      k.postIdx[at] = k.pos[inv.indices[q]];
      k.postVal[at] = inv.values[q];
    }
    fill.fill(0);
  }
  return { rows: inv.rows, cols: inv.cols, indptr: inv.indptr, indices: k.postIdx, values: k.postVal };
}

/**
 * The inverted index `inv` with each platform p numbered pos[p]: the concept index in block
 * order (bounds.ts conceptPos); given `zh` and `drop`, without the platforms whose zh is
 * `drop` (conceptOther). A term's postings keep their order.
 */
export function byPosition(inv: CsrMatrix, pos: Int32Array, zh?: Float64Array, drop?: number): PositionIndex {
  if (zh === undefined) return { rows: inv.rows, cols: inv.cols, indptr: inv.indptr, indices: inv.indices.map((p) => pos[p]), values: Float64Array.from(inv.values) };
  const indptr = new Int32Array(inv.rows + 1);
  let n = 0;
  for (let q = 0; q < inv.indices.length; q++) if (zh[inv.indices[q]] !== drop) n++;
  const indices = new Int32Array(n);
  const values = new Float64Array(n);
  n = 0;
  for (let t = 0; t < inv.rows; t++) {
    for (let q = inv.indptr[t]; q < inv.indptr[t + 1]; q++) {
      const p = inv.indices[q];
      if (zh[p] === drop) continue;
      indices[n] = pos[p];
      values[n++] = inv.values[q];
    }
    indptr[t + 1] = n;
  }
  return { rows: inv.rows, cols: inv.cols, indptr, indices, values };
}

/**
 * The concept index talent ti's row is accumulated through (kernel.ts beginRow), in block
 * order. A pair reads its concept cosine only across languages or when the concept term is
 * weighted (kernel.ts scoreSpan), so without concept weight a talent whose language some
 * platforms share needs none of theirs: k.conceptOther leaves them at 0. The cosines read
 * are the same bits; a block's largest concept cosine (bounds.ts blockBounds) is then taken
 * over its pairs that read one, and zeros: still at least each of theirs.
 */
export function conceptFor(m: ScoringModel, ti: number, k: PlatformBlocks): PositionIndex {
  const ctx = m.ctx;
  if (ctx.wTalent[9] !== 0 || ctx.wPlatform[9] !== 0) return k.conceptPos;
  const z = m.talents.zh[ti];
  const langs = k.langs;
  for (let i = 0; i < langs.length; i++) if (langs[i] === z) return k.conceptOther[i];
  return k.conceptPos;
}

/** The largest of a[j] over j in [j0, j1) (-Infinity for none): a block's largest cosine, in block order (bounds.ts blockBounds). */
export function blockMax(a: Float64Array, j0: number, j1: number): number {
  let x = -Infinity;
  for (let j = j0; j < j1; j++) {
    const c = a[j];
    if (c > x) x = c;
  }
  return x;
}

/**
 * A block's two largest cosines in one pass over [j0, j1) (-Infinity for none), into out[0]
 * and out[1]: the combined text cosine exactly as the kernel forms it (wd * d[j] + wp * q[j],
 * wd = 1 - textProfileShare; d[j] alone when q is null: a talent without a profile) and the
 * concept cosine c[j]. Two independent running maxima in one loop instead of a loop each
 * (bounds.ts blockBounds, in block order).
 */
export function blockMaxes(d: Float64Array, q: Float64Array | null, wd: number, wp: number, c: Float64Array, j0: number, j1: number, out: Float64Array): void {
  let x = -Infinity;
  let y = -Infinity;
  if (q === null) {
    for (let j = j0; j < j1; j++) {
      const t = d[j];
      const k = c[j];
      if (t > x) x = t;
      if (k > y) y = k;
    }
  } else {
    for (let j = j0; j < j1; j++) {
      const t = wd * d[j] + wp * q[j];
      const k = c[j];
      if (t > x) x = t;
      if (k > y) y = k;
    }
  }
  out[0] = x;
  out[1] = y;
}
