/**
 * One talent's stored result, built where the talent is scored (a worker): its line, its
 * preference list and what the assignment needs of it, ready to write. The main thread only
 * hands these to the store.
 *
 * Preference lists are a compact binary (decoded into typed arrays with no per-entry
 * objects), little-endian:
 *   byte 0: 0x54 ('T'), byte 1: format 1, bytes 2-3: 0, bytes 4-7: n (uint32),
 *   then n platform indexes (int32), n forward, n backward and n reciprocal scores (float64).
 * Rows written before this format hold a v8-serialized object (first byte 0xFF); they are
 * still read (a snapshot reused from an older run).
 */
import { deserialize } from 'node:v8';
import { TalentmatchError } from '../errors.js';
import { JsonBytes, utf8 } from './jsonBytes.js';

export interface TalentRow {
  talentId: string;
  /** content hash of the validated record (per-talent reuse compares it) */
  hash: string;
  line: string;
  prefs: Buffer;
  meta: string;
}

/** What the assignment and the referrals need of a talent besides its preference list. */
export interface TalentMeta {
  priority: number;
  capital: number;
  seats: number;
  /** acceptable pairs of the talent */
  pairs: number;
  noPairs: string;
  hostedBy?: string;
}

/** TalentMeta's keys as JSON.stringify of its literal writes them, in that order (metaInto). */
const META_KEYS = ['{"priority":', ',"capital":', ',"seats":', ',"pairs":', ',"noPairs":', ',"hostedBy":'].map(utf8);

/**
 * The bytes of JSON.stringify(meta) for the TalentMeta { priority, capital, seats, pairs,
 * noPairs, hostedBy? } (hostedBy left out when undefined), written into `w` with no object
 * or string made per talent (a chunk's 2,000 rows).
 */
export function metaInto(w: JsonBytes, priority: number, capital: number, seats: number, pairs: number, noPairs: string, hostedBy: string | undefined): void {
  w.bytes(META_KEYS[0]);
  w.number(priority);
  w.bytes(META_KEYS[1]);
  w.number(capital);
  w.bytes(META_KEYS[2]);
  w.number(seats);
  w.bytes(META_KEYS[3]);
  w.number(pairs);
  w.bytes(META_KEYS[4]);
  w.string(noPairs);
  if (hostedBy !== undefined) {
    w.bytes(META_KEYS[5]);
    w.string(hostedBy);
  }
  w.byte(0x7d);
}

const MAGIC = 0x54;
const FORMAT = 1;
const HEAD = 8;

/** Bytes of an encoded preference list of n entries. */
export function prefsBytes(n: number): number {
  return HEAD + n * 28;
}

/**
 * Encodes entries [a, z) of a talent-major preference list into `buf` at byte `at` and
 * returns that slice (a chunk encodes every talent's list into one buffer: one copy to the
 * main thread).
 */
export function writePrefs(buf: Buffer, at: number, plat: ArrayLike<number>, f: ArrayLike<number>, b: ArrayLike<number>, s: ArrayLike<number>, a: number, z: number): Buffer {
  const n = z - a;
  buf[at] = MAGIC;
  buf[at + 1] = FORMAT;
  buf.writeUInt16LE(0, at + 2);
  buf.writeUInt32LE(n, at + 4);
  let o = at + HEAD;
  for (let j = a; j < z; j++, o += 4) buf.writeInt32LE(plat[j], o);
  for (const col of [f, b, s]) for (let j = a; j < z; j++, o += 8) buf.writeDoubleLE(col[j], o);
  return buf.subarray(at, o);
}

/** A view of a received Uint8Array as a Buffer (no copy): worker results lose the Buffer prototype in transit. */
export function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** Receives a decoded preference list entry by entry. */
export interface PrefsSink {
  push(plat: number, f: number, b: number, s: number): void;
}

/** Whether this host's typed arrays are little-endian like the stored columns (every platform Node supports). */
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A stored preference list's columns as raw little-endian bytes (n int32, then n float64 each). */
export interface PrefsColumns {
  n: number;
  plat: Uint8Array;
  f: Uint8Array;
  b: Uint8Array;
  s: Uint8Array;
}

/**
 * The columns of a list in this format, for a reader that copies them straight into its
 * typed arrays; undefined for a v8-serialized list or on a big-endian host (decode entry by
 * entry with `decodePrefs` then).
 */
export function prefsColumns(buf: Uint8Array): PrefsColumns | undefined {
  if (!HOST_LE || buf[0] !== MAGIC || buf[1] !== FORMAT) return undefined;
  const n = asBuffer(buf).readUInt32LE(4);
  const fAt = HEAD + 4 * n;
  if (buf.length !== prefsBytes(n)) throw new TalentmatchError('E_STORE', `a stored preference list holds ${buf.length} bytes, expected ${prefsBytes(n)} for ${n} entries`);
  return { n, plat: buf.subarray(HEAD, fAt), f: buf.subarray(fAt, fAt + 8 * n), b: buf.subarray(fAt + 8 * n, fAt + 16 * n), s: buf.subarray(fAt + 16 * n, fAt + 24 * n) };
}

/** Entries of a list in this format; 0 for a v8-serialized one (a reader then grows as it decodes). */
export function prefsCount(buf: Uint8Array): number {
  return buf[0] === MAGIC && buf[1] === FORMAT && buf.length >= HEAD ? asBuffer(buf).readUInt32LE(4) : 0;
}

/** Decodes a stored preference list (this format or a v8-serialized one) into `sink`, in order. */
export function decodePrefs(buf: Uint8Array, sink: PrefsSink): void {
  const v = asBuffer(buf);
  if (v[0] === MAGIC && v[1] === FORMAT) {
    const n = v.readUInt32LE(4);
    const fAt = HEAD + 4 * n;
    for (let j = 0; j < n; j++) sink.push(v.readInt32LE(HEAD + 4 * j), v.readDoubleLE(fAt + 8 * j), v.readDoubleLE(fAt + 8 * (n + j)), v.readDoubleLE(fAt + 8 * (2 * n + j)));
    return;
  }
  const pr = deserialize(v) as { plat: Int32Array; f: Float64Array; b: Float64Array; s: Float64Array };
  for (let j = 0; j < pr.plat.length; j++) sink.push(pr.plat[j], pr.f[j], pr.b[j], pr.s[j]);
}

/*
 * A chunk's rows packed into one buffer, as the worker that scored them hands them on (to the
 * main thread, then to the store's writer thread, moved and not copied where it can be): one
 * buffer instead of 2,000 objects of five fields to clone twice. Little-endian:
 *   byte 0: 0x52 ('R'), byte 1: format 1, bytes 2-3: 0, bytes 4-7: n (uint32),
 *   then per row, in order, each field as a uint32 byte length and its bytes: talentId, hash,
 *   line, meta (UTF-8), prefs (the preference list's bytes, above).
 */
const ROWS_MAGIC = 0x52;
const ROWS_FORMAT = 1;

/** Packs rows into one fresh buffer (its own ArrayBuffer, so it can be transferred). */
export function packRows(rows: readonly TalentRow[]): Buffer {
  let bytes = HEAD;
  for (const r of rows) bytes += 20 + Buffer.byteLength(r.talentId) + Buffer.byteLength(r.hash) + Buffer.byteLength(r.line) + Buffer.byteLength(r.meta) + r.prefs.length;
  const buf = Buffer.allocUnsafeSlow(bytes);
  buf[0] = ROWS_MAGIC;
  buf[1] = ROWS_FORMAT;
  buf.writeUInt16LE(0, 2);
  buf.writeUInt32LE(rows.length, 4);
  let o = HEAD;
  const text = (s: string): void => {
    const n = buf.write(s, o + 4, 'utf8');
    buf.writeUInt32LE(n, o);
    o += 4 + n;
  };
  for (const r of rows) {
    text(r.talentId);
    text(r.hash);
    text(r.line);
    text(r.meta);
    buf.writeUInt32LE(r.prefs.length, o);
    buf.set(r.prefs, o + 4);
    o += 4 + r.prefs.length;
  }
  return buf;
}

/**
 * packRows written row by row, each field in place (the chunk's own path: engine/chunk.ts):
 * a line goes straight from the JSON writer into the packed buffer and a preference list
 * from the ranker's typed arrays, with no string, object or per-row buffer in between. The
 * same bytes as packRows of the same rows (test/engine/chunk-rows.test.ts).
 */
export class RowsPacker {
  /** the packed bytes so far; a field's writer appends to it between open() and close() */
  readonly w: JsonBytes;
  private rows = 0;
  private view: DataView;

  /** `size`: a first guess of the packed bytes (grown if short) */
  constructor(size: number) {
    this.w = new JsonBytes(Math.max(size, HEAD));
    this.w.n = HEAD;
    this.view = new DataView(this.w.out.buffer);
  }

  /** Starts over with no rows, keeping the memory (one packer serves a thread's chunks one after another); `size` as above. */
  reset(size: number): this {
    this.rows = 0;
    this.w.n = 0;
    this.w.reserve(Math.max(size, HEAD));
    this.w.n = HEAD;
    return this;
  }

  private dv(): DataView {
    if (this.view.buffer !== this.w.out.buffer) this.view = new DataView(this.w.out.buffer);
    return this.view;
  }

  /** Starts a row's field: its length's place; the caller writes the bytes into `w`, then close(at). */
  open(): number {
    this.w.reserve(4);
    const at = this.w.n;
    this.w.n += 4;
    return at;
  }

  close(at: number): void {
    this.dv().setUint32(at, this.w.n - at - 4, true);
  }

  /** Starts a row with its first field, the talent id; then hash, line, meta (text or open/close) and prefs, in that order. */
  row(talentId: string): void {
    this.rows++;
    this.text(talentId);
  }

  /** A text field (UTF-8). */
  text(s: string): void {
    const at = this.open();
    this.w.text(s);
    this.close(at);
  }

  /**
   * The preference-list field of `n` entries (writePrefs' bytes): platform plat[j], then the
   * scores forward[plat[j]], backward[plat[j]] and score[plat[j]] per entry.
   */
  prefs(n: number, plat: Int32Array, forward: Float64Array, backward: Float64Array, score: Float64Array): void {
    const bytes = prefsBytes(n);
    this.w.reserve(4 + bytes);
    const v = this.dv();
    let o = this.w.n;
    v.setUint32(o, bytes, true);
    o += 4;
    v.setUint32(o, MAGIC | (FORMAT << 8), true);
    v.setUint32(o + 4, n, true);
    o += HEAD;
    for (let j = 0; j < n; j++, o += 4) v.setInt32(o, plat[j], true);
    for (let j = 0; j < n; j++, o += 8) v.setFloat64(o, forward[plat[j]], true);
    for (let j = 0; j < n; j++, o += 8) v.setFloat64(o, backward[plat[j]], true);
    for (let j = 0; j < n; j++, o += 8) v.setFloat64(o, score[plat[j]], true);
    this.w.n = o;
  }

  /** The packed rows in a fresh buffer of their exact size (its own ArrayBuffer, so it can be transferred). */
  finish(): Buffer {
    this.dv().setUint32(0, ROWS_MAGIC | (ROWS_FORMAT << 8), true);
    this.dv().setUint32(4, this.rows, true);
    const out = Buffer.allocUnsafeSlow(this.w.n);
    out.set(this.w.out.subarray(0, this.w.n));
    return out;
  }
}

function rowsView(buf: Uint8Array): Buffer {
  const v = asBuffer(buf);
  if (v.length < HEAD || v[0] !== ROWS_MAGIC || v[1] !== ROWS_FORMAT) throw new TalentmatchError('E_INTERNAL', `packed talent rows: unknown header (${v.length} bytes, first bytes ${[...v.subarray(0, 2)].join(', ')})`);
  return v;
}

/** How many rows a packed buffer holds. */
export function packedRowCount(buf: Uint8Array): number {
  return rowsView(buf).readUInt32LE(4);
}

/** The rows of a packed buffer, in order; each row's prefs is a view into `buf` (no copy). */
export function unpackRows(buf: Uint8Array): Generator<TalentRow> {
  return walkRows(buf, true) as Generator<TalentRow>;
}

/** What the final assembly reads of a row while chunks arrive (engine/assembly.ts). */
export type AssemblyRow = Pick<TalentRow, 'talentId' | 'prefs' | 'meta'>;

/**
 * The rows of a packed buffer as the assembly reads them: the hash and the line (most of a
 * row's bytes: the explained JSON) are stepped over, not decoded into strings the main
 * thread would drop at once; the rows go on to the writer as bytes.
 */
export function unpackAssemblyRows(buf: Uint8Array): Generator<AssemblyRow> {
  return walkRows(buf, false);
}

/** A packed row's fields as views into the packed buffer (no decode, no copy). */
export interface PackedRowBytes {
  talentId: Buffer;
  hash: Buffer;
  line: Buffer;
  meta: Buffer;
  prefs: Buffer;
}

/**
 * The rows of a packed buffer with every field left as bytes (views into `buf`), in order: for
 * a writer that stores the UTF-8 as it is (store.ts binds them as text), not decoded into
 * strings only to be encoded again.
 */
export function* unpackRowBytes(buf: Uint8Array): Generator<PackedRowBytes> {
  const v = rowsView(buf);
  for (const at of rowOffsets(v)) yield { talentId: v.subarray(at[0], at[1]), hash: v.subarray(at[2], at[3]), line: v.subarray(at[4], at[5]), meta: v.subarray(at[6], at[7]), prefs: v.subarray(at[8], at[9]) };
}

/**
 * Walks a packed buffer's rows: for each row, yields the [start, end) byte offsets of its five
 * fields (talentId, hash, line, meta, prefs) in one array that the next row overwrites. The one
 * reader of the layout; the unpackers above decode from it what they need.
 */
function* rowOffsets(v: Buffer): Generator<Uint32Array> {
  const n = v.readUInt32LE(4);
  const at = new Uint32Array(10);
  let o = HEAD;
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < 10; f += 2) {
      if (o + 4 > v.length) throw new TalentmatchError('E_INTERNAL', `packed talent rows: a field runs past the end (${o + 4} > ${v.length} bytes)`);
      const len = v.readUInt32LE(o);
      at[f] = o + 4;
      o += 4 + len;
      if (o > v.length) throw new TalentmatchError('E_INTERNAL', `packed talent rows: a field runs past the end (${o} > ${v.length} bytes)`);
      at[f + 1] = o;
    }
    yield at;
  }
  if (o !== v.length) throw new TalentmatchError('E_INTERNAL', `packed talent rows: ${v.length - o} bytes left after ${n} rows`);
}

function* walkRows(buf: Uint8Array, all: boolean): Generator<TalentRow | AssemblyRow> {
  const v = rowsView(buf);
  for (const at of rowOffsets(v)) {
    const talentId = v.toString('utf8', at[0], at[1]);
    const meta = v.toString('utf8', at[6], at[7]);
    const prefs = v.subarray(at[8], at[9]);
    // the assembly steps over the hash and the line (most of a row's bytes: the explained JSON)
    yield all ? { talentId, hash: v.toString('utf8', at[2], at[3]), line: v.toString('utf8', at[4], at[5]), prefs, meta } : { talentId, prefs, meta };
  }
}
