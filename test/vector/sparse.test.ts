import { describe, expect, it } from 'vitest';
import { csrRow, csrRowDot, denseDot, scatterRow, sparseDot, toCsr } from '../../src/vector/sparse.js';
import type { SparseVector } from '../../src/vector/sparse.js';

/** A seeded sparse row: ascending distinct indices below `cols`, each kept with probability `p`. */
function row(seed: number, cols: number, p: number): SparseVector {
  let x = seed >>> 0 || 1;
  const rnd = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const idx: number[] = [];
  const val: number[] = [];
  for (let c = 0; c < cols; c++) if (rnd() < p) (idx.push(c), val.push(rnd() * 2 - 1));
  return { indices: Int32Array.from(idx), values: Float32Array.from(val) };
}

describe('csrRowDot', () => {
  it('equals sparseDot of the two rows, bit for bit, on every pair of rows (empty, disjoint, identical, overlapping)', () => {
    const cols = 40;
    const a = toCsr([row(1, cols, 0.3), row(2, cols, 0), row(3, cols, 0.9), { indices: Int32Array.of(0, 39), values: Float32Array.of(0.5, -0.25) }], cols);
    const b = toCsr([row(4, cols, 0.5), row(5, cols, 0.1), { indices: Int32Array.of(1, 38), values: Float32Array.of(1, 1) }, row(1, cols, 0.3)], cols);
    let nonzero = 0;
    for (let i = 0; i < a.rows; i++) {
      for (let j = 0; j < b.rows; j++) {
        const want = sparseDot(csrRow(a, i), csrRow(b, j));
        expect(Object.is(csrRowDot(a, i, b, j), want)).toBe(true);
        if (want !== 0) nonzero++;
      }
    }
    expect(nonzero).toBeGreaterThan(4); // the fixture does overlap
    // a row with itself: the sum of its squares (float32 values, float64 sum, ascending order)
    const r = csrRow(a, 0);
    let sq = 0;
    for (let k = 0; k < r.values.length; k++) sq += r.values[k]! * r.values[k]!;
    expect(csrRowDot(a, 0, b, 3)).toBe(sq);
    // rows that share no index, and an empty row
    expect(csrRowDot(a, 3, b, 2)).toBe(0);
    expect(csrRowDot(a, 1, b, 0)).toBe(0);
  });
});

describe('scatterRow + denseDot', () => {
  it('equal sparseDot of the two rows bit for bit on every pair, and clearing returns the dense row to zeros', () => {
    const cols = 40;
    const a = toCsr([row(11, cols, 0.3), row(12, cols, 0), row(13, cols, 0.9), { indices: Int32Array.of(0, 39), values: Float32Array.of(0.5, -0.25) }], cols);
    const b = toCsr([row(14, cols, 0.5), row(15, cols, 0.1), { indices: Int32Array.of(1, 38), values: Float32Array.of(1, 1) }, row(11, cols, 0.3), row(16, cols, 1)], cols);
    const dense = new Float64Array(cols);
    let nonzero = 0;
    for (let i = 0; i < a.rows; i++) {
      scatterRow(a, i, dense);
      for (let j = 0; j < b.rows; j++) {
        const want = sparseDot(csrRow(a, i), csrRow(b, j));
        expect(Object.is(denseDot(dense, b, j), want)).toBe(true);
        if (want !== 0) nonzero++;
      }
      scatterRow(a, i, dense, true);
      expect(dense.every((v) => v === 0)).toBe(true);
    }
    expect(nonzero).toBeGreaterThan(4);
    // known answer: only the shared columns multiply
    const c = toCsr([{ indices: Int32Array.of(0, 2, 4), values: Float32Array.of(1, 2, 3) }], 5);
    const d = toCsr([{ indices: Int32Array.of(2, 3), values: Float32Array.of(5, 7) }, { indices: Int32Array.of(1, 4), values: Float32Array.of(11, 0.5) }], 5);
    const dc = new Float64Array(5);
    scatterRow(c, 0, dc);
    expect(denseDot(dc, d, 0)).toBe(10);
    expect(denseDot(dc, d, 1)).toBe(1.5);
  });
});
