/**
 * Sparse vectors and CSR matrices over typed arrays. Indices within a row are strictly
 * ascending, which fixes the order of every floating-point sum (and so makes the
 * inverted-index accumulation and the merge dot bit-identical).
 */

export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

export interface CsrMatrix {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** Dot product of two sparse vectors by merging their ascending indices (float64 sum). */
export function sparseDot(a: SparseVector, b: SparseVector): number {
  const ai = a.indices;
  const bi = b.indices;
  let i = 0;
  let j = 0;
  let s = 0;
  while (i < ai.length && j < bi.length) {
    const x = ai[i];
    const y = bi[j];
    if (x === y) {
      s += a.values[i] * b.values[j];
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return s;
}

/**
 * sparseDot(csrRow(a, ra), csrRow(b, rb)) read in place: the same merge in the same order
 * (bit-identical), without the four views (the live API explains ten pairs a request).
 */
export function csrRowDot(a: CsrMatrix, ra: number, b: CsrMatrix, rb: number): number {
  const ai = a.indices;
  const bi = b.indices;
  const av = a.values;
  const bv = b.values;
  let i = a.indptr[ra];
  const iEnd = a.indptr[ra + 1];
  let j = b.indptr[rb];
  const jEnd = b.indptr[rb + 1];
  let s = 0;
  while (i < iEnd && j < jEnd) {
    const x = ai[i];
    const y = bi[j];
    if (x === y) {
      s += av[i] * bv[j];
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return s;
}

/**
 * Row r of `m` written into `dense` by column (with `clear`, zeros written there instead:
 * the dense row is returned to all zeros in the row's length, not the vocabulary's).
 */
export function scatterRow(m: CsrMatrix, r: number, dense: Float64Array, clear = false): void {
  const end = m.indptr[r + 1];
  for (let e = m.indptr[r]; e < end; e++) dense[m.indices[e]] = clear ? 0 : m.values[e];
}

/**
 * csrRowDot of a scattered row (`dense`, all zeros outside its row) with row rb of `b`: the
 * products of the shared columns are added in ascending column order as the merge adds
 * them; the other columns add t * p = ±0, which leaves a sum started at +0 unchanged, so
 * the same bits. One pass over b's row, no branch per entry.
 */
export function denseDot(dense: Float64Array, b: CsrMatrix, rb: number): number {
  const bi = b.indices;
  const bv = b.values;
  const end = b.indptr[rb + 1];
  let s = 0;
  for (let e = b.indptr[rb]; e < end; e++) s += dense[bi[e]] * bv[e];
  return s;
}

/** Row r of a CSR matrix as a view (no copy). */
export function csrRow(m: CsrMatrix, r: number): SparseVector {
  const a = m.indptr[r];
  const b = m.indptr[r + 1];
  return { indices: m.indices.subarray(a, b), values: m.values.subarray(a, b) };
}

/** Stacks sparse vectors into a CSR matrix. */
export function toCsr(rows: readonly SparseVector[], cols: number): CsrMatrix {
  let nnz = 0;
  for (const r of rows) nnz += r.indices.length;
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let o = 0;
  for (let i = 0; i < rows.length; i++) {
    indices.set(rows[i].indices, o);
    values.set(rows[i].values, o);
    o += rows[i].indices.length;
    indptr[i + 1] = o;
  }
  return { rows: rows.length, cols, indptr, indices, values };
}

/**
 * Transposes a CSR matrix (rows x cols) into its column-major twin (cols x rows): the
 * inverted index, term -> (row, weight), with rows ascending inside each term.
 */
export function transposeCsr(m: CsrMatrix): CsrMatrix {
  const counts = new Int32Array(m.cols + 1);
  for (let k = 0; k < m.indices.length; k++) counts[m.indices[k] + 1]++;
  for (let c = 0; c < m.cols; c++) counts[c + 1] += counts[c];
  const indptr = counts.slice();
  const fill = counts.slice(0, m.cols);
  const indices = new Int32Array(m.indices.length);
  const values = new Float32Array(m.indices.length);
  for (let r = 0; r < m.rows; r++) {
    for (let k = m.indptr[r]; k < m.indptr[r + 1]; k++) {
      const c = m.indices[k];
      const at = fill[c]++;
      indices[at] = r;
      values[at] = m.values[k];
    }
  }
  return { rows: m.cols, cols: m.rows, indptr, indices, values };
}
