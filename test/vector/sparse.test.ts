// vector/sparse.ts: the in-place row dot the explainer uses equals the merge of row views, bit for bit.
import { describe, expect, it } from 'vitest';
import { rng } from '../../src/util/rng.js';
import type { CsrMatrix } from '../../src/vector/sparse.js';
import { csrDot, csrRow, sparseDot } from '../../src/vector/sparse.js';

/** A random CSR matrix: rows of 0..maxLen ascending distinct columns, float32 values of both signs. */
function randomCsr(r: () => number, rows: number, cols: number, maxLen: number): CsrMatrix {
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    const set = new Set<number>();
    const len = Math.floor(r() * (maxLen + 1));
    while (set.size < Math.min(len, cols)) set.add(Math.floor(r() * cols));
    for (const c of [...set].sort((a, b) => a - b)) {
      indices.push(c);
      values.push((r() - 0.3) * 2);
    }
    indptr[i + 1] = indices.length;
  }
  return { rows, cols, indptr, indices: Int32Array.from(indices), values: Float32Array.from(values) };
}

describe('csrDot', () => {
  it('equals sparseDot of the two row views bit for bit (empty rows, disjoint and overlapping rows)', () => {
    const r = rng(11);
    const a = randomCsr(r, 60, 40, 25);
    const b = randomCsr(r, 50, 40, 25);
    let nonzero = 0;
    for (let i = 0; i < a.rows; i++)
      for (let j = 0; j < b.rows; j++) {
        const want = sparseDot(csrRow(a, i), csrRow(b, j));
        expect(Object.is(csrDot(a, i, b, j), want)).toBe(true);
        if (want !== 0) nonzero++;
      }
    expect(nonzero).toBeGreaterThan(1000);
  });

  it('known answer: only the shared columns multiply', () => {
    const a: CsrMatrix = { rows: 1, cols: 5, indptr: Int32Array.from([0, 3]), indices: Int32Array.from([0, 2, 4]), values: Float32Array.from([1, 2, 3]) };
    const b: CsrMatrix = { rows: 2, cols: 5, indptr: Int32Array.from([0, 2, 4]), indices: Int32Array.from([2, 3, 1, 4]), values: Float32Array.from([5, 7, 11, 0.5]) };
    expect(csrDot(a, 0, b, 0)).toBe(10);
    expect(csrDot(a, 0, b, 1)).toBe(1.5);
  });
});
