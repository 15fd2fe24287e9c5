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

/**
 * A CSR matrix written row by row into buffers that grow by doubling (no object per row):
 * `reserve(n)` before writing n entries at `nnz`, then `endRow()`. `finish` copies the rows
 * into arrays of their exact sizes, in `buffer`'s memory (ordinary, or shared for workers).
 */
export class CsrBuilder {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  rows = 0;
  nnz = 0;

  constructor(rows = 64, nnz = 1024) {
    this.indptr = new Int32Array(rows + 1);
    this.indices = new Int32Array(nnz);
    this.values = new Float32Array(nnz);
  }

  /** Room for `n` more entries after `nnz`. */
  reserve(n: number): void {
    if (this.nnz + n <= this.indices.length) return;
    const size = Math.max(this.nnz + n, this.indices.length * 2);
    const indices = new Int32Array(size);
    indices.set(this.indices.subarray(0, this.nnz));
    this.indices = indices;
    const values = new Float32Array(size);
    values.set(this.values.subarray(0, this.nnz));
    this.values = values;
  }

  /** Closes the current row at `nnz`. */
  endRow(): void {
    if (this.rows + 1 === this.indptr.length) {
      const indptr = new Int32Array(this.indptr.length * 2);
      indptr.set(this.indptr);
      this.indptr = indptr;
    }
    this.indptr[++this.rows] = this.nnz;
  }

  /** Appends a whole row. */
  push(v: SparseVector): void {
    const n = v.indices.length;
    this.reserve(n);
    this.indices.set(v.indices, this.nnz);
    this.values.set(v.values, this.nnz);
    this.nnz += n;
    this.endRow();
  }

  /** The rows as a CSR matrix of `cols` columns, copied into arrays of their exact sizes. */
  finish(cols: number, buffer?: (bytes: number) => ArrayBufferLike): CsrMatrix {
    const copy = <T extends Int32Array | Float32Array>(C: { new (b: ArrayBufferLike, o: number, n: number): T }, from: T, n: number): T => {
      if (buffer === undefined) return from.slice(0, n) as T;
      const out = new C(buffer(Math.max(1, n) * 4), 0, n);
      out.set(from.subarray(0, n));
      return out;
    };
    return { rows: this.rows, cols, indptr: copy(Int32Array, this.indptr, this.rows + 1), indices: copy(Int32Array, this.indices, this.nnz), values: copy(Float32Array, this.values, this.nnz) };
  }
}
