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

/** A typed array filled from its start, in `buffer`'s memory, reallocated (doubled) when full. */
class Filling<T extends Flat> {
  a: T;
  n = 0;

  constructor(
    private readonly C: TypedCtor<T>,
    capacity: number,
    private readonly buffer: BufferOf,
  ) {
    this.a = alloc(C, capacity, buffer);
  }

  room(k: number): void {
    if (this.n + k <= this.a.length) return;
    const next = alloc(this.C, Math.max(this.n + k, 2 * this.a.length), this.buffer);
    (next as Flat).set(this.a.subarray(0, this.n) as never);
    this.a = next;
  }

  add(p: T): void {
    this.room(p.length);
    (this.a as Flat).set(p as never, this.n);
    this.n += p.length;
  }

  /** CSR pointers of the next block: shifted by the entries before it. */
  addIndptr(p: Int32Array): void {
    this.room(p.length - 1);
    const base = this.a[this.n - 1] as number;
    for (let i = 1; i < p.length; i++) this.a[this.n++] = base + p[i];
  }

  view(): T {
    return this.a.subarray(0, this.n) as T;
  }
}

type CsrFilling = { indptr: Filling<Int32Array>; indices: Filling<Int32Array>; values: Filling<Float32Array>; cols: number };

/** Room for each array of a TalentAppender: entries, counted as a part of the features holds them. */
export interface AppendCapacity {
  rows: number;
  industry: number;
  desc: number;
  profile: number;
  concept: number;
  excl: number;
}

/** The capacity of `scale` times a part's sizes (rounded up). */
export function capacityOf(p: TalentFeatures, scale: number): AppendCapacity {
  const c = (n: number) => Math.ceil(n * scale) + 1;
  return { rows: c(p.count), industry: c(p.industry.length), desc: c(p.desc.indices.length), profile: c(p.profile.indices.length), concept: c(p.concept.indices.length), excl: c(p.exclIdx.length) };
}

/**
 * concatTalentFeatures one part at a time: each part is copied into the arrays as it comes
 * (and may be dropped at once), so the stacked features and every part are never all held
 * together. The arrays are made with room for `capacity` and doubled when a part does not
 * fit; in shared memory only the pages written count, so room to spare costs nothing.
 * `finish` gives exactly concatTalentFeatures(parts, ids, buffer).
 */
export class TalentAppender {
  private count = 0;
  private readonly csr: Record<'desc' | 'profile' | 'concept', CsrFilling>;
  private readonly flat;

  constructor(
    private readonly buffer: BufferOf,
    cap: AppendCapacity,
  ) {
    const csr = (nnz: number): CsrFilling => {
      const indptr = new Filling<Int32Array>(Int32Array, cap.rows + 1, buffer);
      indptr.n = 1; // [0]
      return { indptr, indices: new Filling<Int32Array>(Int32Array, nnz, buffer), values: new Filling<Float32Array>(Float32Array, nnz, buffer), cols: 0 };
    };
    this.csr = { desc: csr(cap.desc), profile: csr(cap.profile), concept: csr(cap.concept) };
    const exclIndptr = new Filling<Int32Array>(Int32Array, cap.rows + 1, buffer);
    exclIndptr.n = 1;
    this.flat = {
      industry: new Filling<Float32Array>(Float32Array, cap.industry, buffer),
      needMask: new Filling<Uint8Array>(Uint8Array, cap.rows, buffer),
      seats: new Filling<Int32Array>(Int32Array, cap.rows, buffer),
      capital: new Filling<Float64Array>(Float64Array, cap.rows, buffer),
      stage: new Filling<Uint8Array>(Uint8Array, cap.rows, buffer),
      level: new Filling<Float64Array>(Float64Array, cap.rows, buffer),
      exclIndptr,
      exclIdx: new Filling<Int32Array>(Int32Array, cap.excl, buffer),
      zh: new Filling<Float64Array>(Float64Array, cap.rows, buffer),
    };
  }

  append(p: TalentFeatures): void {
    this.count += p.count;
    for (const key of ['desc', 'profile', 'concept'] as const) {
      const c = this.csr[key];
      c.cols = p[key].cols;
      c.indptr.addIndptr(p[key].indptr);
      c.indices.add(p[key].indices);
      c.values.add(p[key].values);
    }
    const f = this.flat;
    f.industry.add(p.industry);
    f.needMask.add(p.needMask);
    f.seats.add(p.seats);
    f.capital.add(p.capital);
    f.stage.add(p.stage);
    f.level.add(p.level);
    f.exclIndptr.addIndptr(p.exclIndptr);
    f.exclIdx.add(p.exclIdx);
    f.zh.add(p.zh);
  }

  /** The appended parts as one set; `ids`: every talent's id, in order. */
  finish(ids: readonly string[]): TalentFeatures {
    if (this.count !== ids.length) throw new TalentmatchError('E_INTERNAL', `TalentAppender: ${this.count} rows for ${ids.length} ids`);
    const csr = (c: CsrFilling): CsrMatrix => ({ rows: c.indptr.n - 1, cols: c.cols, indptr: c.indptr.view(), indices: c.indices.view(), values: c.values.view() });
    const f = this.flat;
    return {
      count: this.count,
      ids,
      desc: csr(this.csr.desc),
      profile: csr(this.csr.profile),
      industry: f.industry.view(),
      needMask: f.needMask.view(),
      seats: f.seats.view(),
      capital: f.capital.view(),
      stage: f.stage.view(),
      level: f.level.view(),
      exclIndptr: f.exclIndptr.view(),
      exclIdx: f.exclIdx.view(),
      concept: csr(this.csr.concept),
      zh: f.zh.view(),
    };
  }
}
