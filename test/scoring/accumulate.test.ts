/**
 * kernel.ts accumulate walks a term's postings eight at a time. It must stay the plain loop
 * (every posting added in index order, a later add reading what an earlier one stored) bit
 * for bit: posting lists of every length around the unrolled step (0..40: empty, shorter
 * than eight, multiples of eight, eight plus a tail), repeated platforms within a term's list,
 * and a row through a real district's inverted index against listedCosines (a dot product over
 * each platform's row: independent code with the same sums).
 */
import { describe, expect, it } from 'vitest';
import type { CsrMatrix } from '../../src/vector/sparse.js';
import { accumulate, createRowScratch, listedCosines, rowCosines } from '../../src/scoring/kernel.js';
import { generateDistrict } from '../../src/synth/generate.js';
import { rng } from '../../src/util/rng.js';
import { createEngine } from '../../src/engine/engine.js';
import { JIANGDONG_INDUSTRIES, JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';


/** An inverted index of `terms` terms over `cols` platforms, term t with lengths[t] postings (platforms drawn with repeats when `repeats`). */
function index(terms: number, cols: number, lengths: number[], r: () => number, repeats: boolean): CsrMatrix {
  const indptr = new Int32Array(terms + 1);
  for (let t = 0; t < terms; t++) indptr[t + 1] = indptr[t] + lengths[t];
  const n = indptr[terms];
  const indices = new Int32Array(n);
  const values = new Float32Array(n);
  for (let t = 0; t < terms; t++) {
    const len = lengths[t];
    // distinct ascending platforms (an inverted index's own shape), or any with repeats
    const pick = repeats ? Array.from({ length: len }, () => Math.floor(r() * cols)) : [...Array(cols).keys()].sort(() => r() - 0.5).slice(0, len).sort((a, b) => a - b);
    for (let i = 0; i < len; i++) {
      indices[indptr[t] + i] = pick[i];
      values[indptr[t] + i] = Math.fround(r() * 2 - 0.5);
    }
  }
  return { rows: terms, cols, indptr, indices, values };
}

/** The plain loop: the oracle. */
function plain(rowPtr: Int32Array, rowIdx: Int32Array, rowVal: Float32Array, ti: number, inv: CsrMatrix, acc: Float64Array): void {
  acc.fill(0);
  for (let k = rowPtr[ti]; k < rowPtr[ti + 1]; k++) {
    const t = rowIdx[k];
    for (let q = inv.indptr[t]; q < inv.indptr[t + 1]; q++) acc[inv.indices[q]] += rowVal[k] * inv.values[q];
  }
}

describe('accumulate (a term\'s postings eight at a time)', () => {
  for (const repeats of [false, true]) {
    it(`equals the plain loop bit for bit on every posting length 0..40, float32 or float64 weights${repeats ? ', platforms repeated within a term' : ''}`, () => {
      const r = rng(repeats ? 7 : 3);
      const cols = 48;
      const terms = 41;
      const inv = index(terms, cols, Array.from({ length: terms }, (_, t) => t), r, repeats);
      // talent rows: each term alone (every length on its own), then random ascending subsets
      const rows: number[][] = [...Array.from({ length: terms }, (_, t) => [t]), ...Array.from({ length: 30 }, () => [...Array(terms).keys()].filter(() => r() < 0.3))];
      const rowPtr = new Int32Array(rows.length + 1);
      rows.forEach((x, i) => (rowPtr[i + 1] = rowPtr[i] + x.length));
      const rowIdx = Int32Array.from(rows.flat());
      const rowVal = Float32Array.from(rowIdx, () => Math.fround(r()));
      const want = new Float64Array(cols);
      const got = new Float64Array(cols);
      const got64 = new Float64Array(cols);
      const inv64 = { ...inv, values: Float64Array.from(inv.values) };
      let nonzero = 0;
      for (let ti = 0; ti < rows.length; ti++) {
        plain(rowPtr, rowIdx, rowVal, ti, inv, want);
        got.fill(NaN); // the call zeroes its output first
        accumulate(rowPtr, rowIdx, rowVal, ti, inv, got);
        // the same index with its weights widened to float64 (the pruned ranker's, blockReads.ts PositionIndex)
        got64.fill(NaN);
        accumulate(rowPtr, rowIdx, rowVal, ti, inv64, got64);
        for (let p = 0; p < cols; p++) {
          expect(Object.is(got[p], want[p]), `row ${ti} platform ${p}: ${got[p]} vs ${want[p]}`).toBe(true);
          expect(Object.is(got64[p], want[p]), `row ${ti} platform ${p} (float64 weights): ${got64[p]} vs ${want[p]}`).toBe(true);
          if (want[p] !== 0) nonzero++;
        }
      }
      expect(nonzero).toBeGreaterThan(cols * 20);
    });
  }

  it('a district with long posting lists: rowCosines equals listedCosines (a dot product per platform) bit for bit', () => {
    const d = generateDistrict({ seed: 5, talents: 40, platforms: 400, words: [20, 60], curated: false, outcomes: false });
    const m = createEngine({ industries: JIANGDONG_INDUSTRIES, platforms: d.platforms, talents: d.talents, policy: JIANGDONG_POLICY }).model;
    const P = m.platforms;
    const M = P.count;
    // the unrolled step runs: many terms have eight postings or more, and tails of every length
    const lens = new Set<number>();
    let long = 0;
    for (let t = 0; t < P.docIndex.rows; t++) {
      const len = P.docIndex.indptr[t + 1] - P.docIndex.indptr[t];
      if (len >= 8) long++;
      lens.add(len % 8);
    }
    expect(long).toBeGreaterThan(50);
    expect(lens.size).toBe(8);
    const a = createRowScratch(M);
    const b = createRowScratch(M);
    const dense = new Float64Array(P.docIndex.rows);
    const all = Int32Array.from({ length: M }, (_, i) => i);
    let nonzero = 0;
    for (let ti = 0; ti < m.talents.count; ti++) {
      rowCosines(m, ti, a);
      listedCosines(m, ti, b, dense, all, M);
      const prof = m.talents.profile.indptr[ti + 1] > m.talents.profile.indptr[ti];
      for (let p = 0; p < M; p++) {
        expect(Object.is(a.cosDesc[p], b.cosDesc[p]), `talent ${ti} platform ${p}`).toBe(true);
        if (prof) expect(Object.is(a.cosProfile[p], b.cosProfile[p]), `talent ${ti} platform ${p} (profile)`).toBe(true);
        if (a.cosDesc[p] > 0) nonzero++;
      }
    }
    expect(nonzero).toBeGreaterThan(M * 10);
  });
});
