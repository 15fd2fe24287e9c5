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
