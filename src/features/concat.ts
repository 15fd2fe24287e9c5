/**
 * Talent features of consecutive ranges stacked into one set (pure). A talent's features
 * depend only on its own profile and the platform side, so vectorizing ranges apart (in
 * worker threads) and stacking them gives exactly the features of one pass over every
 * talent; test/features/concat.test.ts checks it against buildTalentFeatures.
 */
import type { TalentFeatures } from './build.js';
import type { CsrMatrix } from '../vector/sparse.js';
import { TalentmatchError } from '../errors.js';

/** Where the stacked arrays live: ordinary memory by default, or shared memory for worker threads. */
export type BufferOf = (bytes: number) => ArrayBufferLike;

const plain: BufferOf = (bytes) => new ArrayBuffer(bytes);

type TypedCtor<T> = { new (b: ArrayBufferLike, offset: number, length: number): T; BYTES_PER_ELEMENT: number };

function alloc<T>(C: TypedCtor<T>, n: number, buffer: BufferOf): T {
  return new C(buffer(Math.max(1, n) * C.BYTES_PER_ELEMENT), 0, n);
}

type Flat = Int32Array | Float32Array | Float64Array | Uint8Array;

function stack<T extends Flat>(C: TypedCtor<T>, parts: readonly T[], buffer: BufferOf): T {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = alloc(C, n, buffer);
  let o = 0;
  for (const p of parts) {
    (out as Flat).set(p as never, o);
    o += p.length;
  }
  return out;
}

/** CSR pointers of consecutive row blocks: each block's pointers shifted by the entries before it. */
function stackIndptr(parts: readonly Int32Array[], buffer: BufferOf): Int32Array {
  let rows = 0;
  for (const p of parts) rows += p.length - 1;
  const out = alloc(Int32Array, rows + 1, buffer);
  let r = 0;
  let base = 0;
  for (const p of parts) {
    for (let i = 1; i < p.length; i++) out[r + i] = base + p[i];
    r += p.length - 1;
    base += p[p.length - 1];
  }
  return out;
}

function stackCsr(parts: readonly CsrMatrix[], buffer: BufferOf): CsrMatrix {
  const indptr = stackIndptr(parts.map((m) => m.indptr), buffer);
  return {
    rows: indptr.length - 1,
    cols: parts.length > 0 ? parts[0].cols : 0,
    indptr,
    indices: stack(Int32Array, parts.map((m) => m.indices), buffer),
    values: stack(Float32Array, parts.map((m) => m.values), buffer),
  };
}

/** The features of `parts` (consecutive talent ranges, in order) as one set; `ids` are every talent's ids, in the same order. */
export function concatTalentFeatures(parts: readonly TalentFeatures[], ids: readonly string[], buffer: BufferOf = plain): TalentFeatures {
  let count = 0;
  for (const p of parts) count += p.count;
  if (count !== ids.length) throw new TalentmatchError('E_INTERNAL', `concatTalentFeatures: ${count} rows for ${ids.length} ids`);
  return {
    count,
    ids,
    desc: stackCsr(parts.map((p) => p.desc), buffer),
    profile: stackCsr(parts.map((p) => p.profile), buffer),
    industry: stack(Float32Array, parts.map((p) => p.industry), buffer),
    needMask: stack(Uint8Array, parts.map((p) => p.needMask), buffer),
    seats: stack(Int32Array, parts.map((p) => p.seats), buffer),
    capital: stack(Float64Array, parts.map((p) => p.capital), buffer),
    stage: stack(Uint8Array, parts.map((p) => p.stage), buffer),
    level: stack(Float64Array, parts.map((p) => p.level), buffer),
    exclIndptr: stackIndptr(parts.map((p) => p.exclIndptr), buffer),
    exclIdx: stack(Int32Array, parts.map((p) => p.exclIdx), buffer),
    concept: stackCsr(parts.map((p) => p.concept), buffer),
    zh: stack(Float64Array, parts.map((p) => p.zh), buffer),
  };
}

/** Rows `rows` of a CSR matrix, in that order. */
function pickCsr(m: CsrMatrix, rows: readonly number[], buffer: BufferOf): CsrMatrix {
  const indptr = alloc(Int32Array, rows.length + 1, buffer);
  for (let i = 0; i < rows.length; i++) indptr[i + 1] = indptr[i] + m.indptr[rows[i] + 1] - m.indptr[rows[i]];
  const nnz = indptr[rows.length];
  const indices = alloc(Int32Array, nnz, buffer);
  const values = alloc(Float32Array, nnz, buffer);
  for (let i = 0; i < rows.length; i++) {
    const a = m.indptr[rows[i]];
    const b = m.indptr[rows[i] + 1];
    indices.set(m.indices.subarray(a, b), indptr[i]);
    values.set(m.values.subarray(a, b), indptr[i]);
  }
  return { rows: rows.length, cols: m.cols, indptr, indices, values };
}

/** Rows `rows` of a flat array of `width` values per row, in that order. */
function pickFlat<T extends Flat>(C: TypedCtor<T>, a: T, width: number, rows: readonly number[], buffer: BufferOf): T {
  const out = alloc(C, rows.length * width, buffer);
  for (let i = 0; i < rows.length; i++) (out as Flat).set(a.subarray(rows[i] * width, (rows[i] + 1) * width) as never, i * width);
  return out;
}

/**
 * Rows `rows` of `T`, in that order, as one set (`ids`: their ids): the talents kept once the
 * cross-record rules dropped some, or put in id order. Exactly the features of vectorizing
 * those talents alone, in that order (a talent's features depend only on its own profile).
 */
export function pickTalentRows(T: TalentFeatures, rows: readonly number[], ids: readonly string[], buffer: BufferOf = plain): TalentFeatures {
  if (rows.length !== ids.length) throw new TalentmatchError('E_INTERNAL', `pickTalentRows: ${rows.length} rows for ${ids.length} ids`);
  const excl = pickCsr({ rows: T.count, cols: 0, indptr: T.exclIndptr, indices: T.exclIdx, values: new Float32Array(T.exclIdx.length) }, rows, buffer);
  return {
    count: rows.length,
    ids,
    desc: pickCsr(T.desc, rows, buffer),
    profile: pickCsr(T.profile, rows, buffer),
    industry: pickFlat(Float32Array, T.industry, T.count > 0 ? T.industry.length / T.count : 0, rows, buffer),
    needMask: pickFlat(Uint8Array, T.needMask, 1, rows, buffer),
    seats: pickFlat(Int32Array, T.seats, 1, rows, buffer),
    capital: pickFlat(Float64Array, T.capital, 1, rows, buffer),
    stage: pickFlat(Uint8Array, T.stage, 1, rows, buffer),
    level: pickFlat(Float64Array, T.level, 1, rows, buffer),
    exclIndptr: excl.indptr,
    exclIdx: excl.indices,
    concept: pickCsr(T.concept, rows, buffer),
    zh: pickFlat(Float64Array, T.zh, 1, rows, buffer),
  };
}
