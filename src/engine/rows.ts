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
