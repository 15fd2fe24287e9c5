/**
 * The bytes that travel through Redis beside a distributed chunk's job (adapters/queue/queue.ts):
 * the chunk's talents as the coordinator validated them (`encodeTalentsFrame`, checked by a
 * SHA-256 of the body) and the worker's result (`encodeResultFrame`: packed rows and
 * candidates, and the chunk key the worker computed). Pure encoding and decoding, plus the
 * worker's read of a job's talents.
 */
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { deserialize, serialize } from 'node:v8';
import { createHash } from 'node:crypto';
import { TalentmatchError } from '../../errors.js';
import type { ChunkResult } from '../../engine/chunk.js';
import type { Talent } from '../../domain/schemas.js';


/** Where a worker leaves a chunk's binary result (read and deleted by the coordinator). */
export const resultKey = (jobId: string): string => `tm:result:${jobId}`;
/** A job's return value when its result is under `resultKey`: the mark and the frame's length. */
export const RESULT_MARK = 'tm-result-key:';

const FRAME_MAGIC = 0x544d5232; // "TMR2": no chunk key (a worker that read the range itself, against the job's key)
const FRAME_MAGIC_KEYED = 0x544d5233; // "TMR3": the chunk key the worker computed follows the header
const FRAME_MAGIC_LINES = 0x544d5234; // "TMR4": a chunk sent as lines (lineFrames.ts): a longer header, the key when flagged, and a part of its own after the candidates
const FRAME_HEADER = 24; // magic u32, chunk id u32, pairs f64, rows bytes u32, candidates bytes u32
const LINES_HEADER = 32; // TMR4: FRAME_HEADER, then the lines part's bytes u32 and flags u32
const FLAG_SCORED = 1; // TMR4: the chunk was scored (else rows and candidates are empty and mean nothing)
const FLAG_KEY = 2; // TMR4: the chunk key follows the header
const KEY_BYTES = 32; // a chunk key is a SHA-256 in hex (engine/chunk.ts chunkKeyOf): 32 bytes in a frame

/**
 * A chunk's result as it comes back from a worker: a chunk sent as lines (TMR4) also has its
 * lines part (lineFrames.ts: the valid records' links, the problems), and may be unscored.
 */
export interface ResultFrame extends ChunkResult {
  lines?: { part: Uint8Array; scored: boolean };
}

/**
 * A chunk result as one buffer: a 24-byte header, the chunk key when the result has one (32
 * bytes: the worker hashed the talents), the packed rows, the encoded candidates. With
 * `lines` (a chunk sent as lines): a 32-byte header (the part's length and flags), the key,
 * rows, candidates, then the part.
 */
export function encodeResultFrame(r: ChunkResult, lines?: { part: Uint8Array; scored: boolean }): Buffer {
  return Buffer.concat(resultFrameParts(r, lines));
}

/**
 * The same frame in its parts, in order: the header (with the key), the rows, the candidates,
 * the lines part. The sections are the result's own buffers, not copies: a worker writes them
 * to Redis as they are (rawSet.ts).
 */
export function resultFrameParts(r: ChunkResult, lines?: { part: Uint8Array; scored: boolean }): Uint8Array[] {
  const key = r.key === undefined ? undefined : Buffer.from(r.key, 'hex');
  if (key && (key.length !== KEY_BYTES || key.toString('hex') !== r.key)) throw new TalentmatchError('E_INTERNAL', `chunk ${r.chunkId}: its key ${JSON.stringify(r.key)} is not a SHA-256 in hex`);
  const head = lines ? LINES_HEADER : FRAME_HEADER;
  const partBytes = lines?.part.byteLength ?? 0;
  const out = Buffer.allocUnsafe(head + (key ? KEY_BYTES : 0));
  out.writeUInt32LE(lines ? FRAME_MAGIC_LINES : key ? FRAME_MAGIC_KEYED : FRAME_MAGIC, 0);
  out.writeUInt32LE(r.chunkId, 4);
  out.writeDoubleLE(r.pairs, 8);
  out.writeUInt32LE(r.rows.byteLength, 16);
  out.writeUInt32LE(r.candidates.byteLength, 20);
  if (lines) {
    out.writeUInt32LE(partBytes, 24);
    out.writeUInt32LE((lines.scored ? FLAG_SCORED : 0) | (key ? FLAG_KEY : 0), 28);
  }
  if (key) out.set(key, head);
  return [out, r.rows, r.candidates, ...(lines ? [lines.part] : [])];
}

/** A fresh copy of `u` that owns its whole ArrayBuffer: it moves to the writer thread instead of being cloned. */
function owned(u: Uint8Array): Uint8Array {
  const c = new Uint8Array(u.byteLength);
  c.set(u);
  return c;
}

/** Where a result frame's parts lie, read from its header (`frameLayout`). */
export interface FrameLayout {
  headBytes: number;
  pairs: number;
  rowsBytes: number;
  candidatesBytes: number;
  key?: string;
  /** a chunk sent as lines (TMR4): its lines part's bytes (after the candidates) and whether it was scored */
  lines?: { partBytes: number; scored: boolean };
}

/** The most bytes a frame's header takes (a lines chunk's, with the chunk key). */
export const FRAME_HEAD_MAX = LINES_HEADER + KEY_BYTES;
/** The fewest bytes of a value `frameLayout` judges (any fewer: give it the whole value). */
export const FRAME_HEAD_MIN = FRAME_HEADER;

/**
 * A frame's layout from its first bytes (`head`: at least min(`size`, FRAME_HEAD_MIN) of them)
 * and the whole value's size; `{ more }` when the header says it is longer than `head` holds
 * yet (`more`: the header's bytes); `{ bad }` saying why the value is not chunk `chunkId`'s frame.
 */
export function frameLayout(head: Uint8Array, size: number, chunkId: number): FrameLayout | { more: number } | { bad: string } {
  const h = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const magic = size < FRAME_HEADER || h.length < FRAME_HEADER ? 0 : h.readUInt32LE(0);
  if (magic !== FRAME_MAGIC && magic !== FRAME_MAGIC_KEYED && magic !== FRAME_MAGIC_LINES) return { bad: `${size} bytes, no frame header` };
  const isLines = magic === FRAME_MAGIC_LINES;
  if (isLines && size < LINES_HEADER) return { bad: `${size} bytes, no frame header` };
  if (isLines && h.length < LINES_HEADER) return { more: LINES_HEADER };
  const flags = isLines ? h.readUInt32LE(28) : 0;
  const keyed = isLines ? (flags & FLAG_KEY) !== 0 : magic === FRAME_MAGIC_KEYED;
  const headBytes = (isLines ? LINES_HEADER : FRAME_HEADER) + (keyed ? KEY_BYTES : 0);
  const rowsBytes = h.readUInt32LE(16);
  const candidatesBytes = h.readUInt32LE(20);
  const partBytes = isLines ? h.readUInt32LE(24) : 0;
  if (headBytes + rowsBytes + candidatesBytes + partBytes !== size) return { bad: `${size} bytes, the header says ${headBytes + rowsBytes + candidatesBytes + partBytes}` };
  if (h.readUInt32LE(4) !== chunkId) return { bad: `it is chunk ${h.readUInt32LE(4)}'s` };
  if (h.length < headBytes) return { more: headBytes };
  return {
    headBytes,
    pairs: h.readDoubleLE(8),
    rowsBytes,
    candidatesBytes,
    ...(keyed ? { key: h.toString('hex', headBytes - KEY_BYTES, headBytes) } : {}),
    ...(isLines ? { lines: { partBytes, scored: (flags & FLAG_SCORED) !== 0 } } : {}),
  };
}

/** A value under a result key that is not the chunk's frame. */
export const notAFrame = (chunkId: number, why: string): TalentmatchError =>
  new TalentmatchError('E_INTERNAL', `chunk ${chunkId}: its result in Redis is not a talentmatch result frame (${why}); run the batch again with --resume`);

/**
 * Reads a frame back; throws E_INTERNAL naming the chunk when it is not one. The rows and
 * candidates are copied out: a reply from Redis is a view into the client's shared read
 * buffer (tens of MB), which postMessage would clone whole for every chunk on its way to
 * the writer thread; a copy of its own (~2 ms for 9 MB) is moved instead. (The coordinator
 * reads results with reader.ts where it can: straight into buffers of their own.)
 */
export function decodeResultFrame(b: Buffer, chunkId: number): ResultFrame {
  const l = frameLayout(b, b.length, chunkId);
  if ('more' in l || 'bad' in l) throw notAFrame(chunkId, 'more' in l ? 'truncated header' : l.bad);
  const at = l.headBytes;
  const cands = at + l.rowsBytes;
  const part = cands + l.candidatesBytes;
  return {
    chunkId,
    pairs: l.pairs,
    rows: owned(b.subarray(at, cands)),
    candidates: owned(b.subarray(cands, part)),
    ...(l.key !== undefined ? { key: l.key } : {}),
    ...(l.lines ? { lines: { part: owned(b.subarray(part)), scored: l.lines.scored } } : {}),
  };
}

/** Where the coordinator leaves a chunk's talents for the worker that takes its job (deleted with the job). */
export const talentsKey = (jobId: string): string => `tm:talents:${jobId}`;

const TALENTS_MAGIC = 0x544d5431; // "TMT1"
const TALENTS_HEADER = 48; // magic u32, chunk id u32, talents u32, body bytes u32, SHA-256 of the body (32 bytes)

/**
 * What travels under `talentsKey`: the chunk's validated talents and, when the coordinator has
 * them (a run with a reuse base), their content hashes; and the merged lists' floors when the
 * chunk was sent (ChunkTask.platformFloor), as the local batch's tasks carry them. The floors are
 * a field of the frame's v8 body (a Float64Array: 8 bytes a platform, never JSON), so the
 * frame keeps its magic: a worker before floors reads the talents and ignores them (it scores
 * the same bytes with more work), a worker reading a coordinator's frame before floors finds none.
 */
export interface ChunkTalents {
  talents: Talent[];
  hashes?: string[];
  floor?: Float64Array;
}

/**
 * A chunk's talents as one buffer: a 48-byte header (the chunk id, how many talents, the
 * body's length and SHA-256) and the body, v8 serialization of `ChunkTalents` (what a local
 * pool's postMessage does to the same records; ~4 us per talent each way, against ~30-40 us
 * to parse and validate a line again).
 */
export function encodeTalentsFrame(chunkId: number, c: ChunkTalents): Buffer {
  const body = serialize({ talents: c.talents, ...(c.hashes ? { hashes: c.hashes } : {}), ...(c.floor ? { floor: c.floor } : {}) });
  const out = Buffer.allocUnsafe(TALENTS_HEADER + body.length);
  out.writeUInt32LE(TALENTS_MAGIC, 0);
  out.writeUInt32LE(chunkId, 4);
  out.writeUInt32LE(c.talents.length, 8);
  out.writeUInt32LE(body.length, 12);
  hashInto(body, out, 16);
  out.set(body, TALENTS_HEADER);
  return out;
}

/** The SHA-256 of `body` written into `out` at `at` (32 bytes). */
export function hashInto(body: Uint8Array, out: Buffer, at: number): void {
  out.set(createHash('sha256').update(body).digest(), at);
}

/**
 * Reads a chunk's talents back. Anything but the frame of this chunk with a matching SHA-256
 * (truncated, corrupted, another chunk's) throws `talentsUnusable`: the coordinator sends
 * its copy again rather than a worker scoring other talents than the run read.
 */
export function decodeTalentsFrame(b: Buffer, chunkId: number): ChunkTalents {
  const bad = (why: string) => talentsUnusable(`chunk ${chunkId}: its talents in Redis are unusable (${why})`);
  if (b.length < TALENTS_HEADER || b.readUInt32LE(0) !== TALENTS_MAGIC) throw bad(`${b.length} bytes, no talents frame header`);
  if (b.readUInt32LE(4) !== chunkId) throw bad(`they are chunk ${b.readUInt32LE(4)}'s`);
  const bodyBytes = b.readUInt32LE(12);
  if (TALENTS_HEADER + bodyBytes !== b.length) throw bad(`${b.length} bytes, the header says ${TALENTS_HEADER + bodyBytes}`);
  const body = b.subarray(TALENTS_HEADER);
  const sum = Buffer.allocUnsafe(32);
  hashInto(body, sum, 0);
  if (!sum.equals(b.subarray(16, 48))) throw bad('their SHA-256 does not match: corrupted');
  let c: ChunkTalents;
  try {
    c = deserialize(body) as ChunkTalents;
  } catch (e) {
    throw bad(`not readable: ${(e as Error).message}`);
  }
  if (!Array.isArray(c?.talents) || c.talents.length !== b.readUInt32LE(8) || (c.hashes !== undefined && c.hashes.length !== c.talents.length)) throw bad('not the talents the header counts');
  if (c.floor !== undefined && !(c.floor instanceof Float64Array)) throw bad('their floors are not a Float64Array');
  return c;
}

/** A worker's read of a job's talents: from `talentsKey`, checked; gone or unusable throws `talentsUnusable`. */
export async function fetchTalents(conn: Redis, jobId: string, chunkId: number): Promise<ChunkTalents> {
  const frame = await conn.getBuffer(talentsKey(jobId));
  if (!frame) throw talentsUnusable(`chunk ${chunkId}: its talents are gone from Redis (expired, evicted, or Redis restarted empty)`);
  return decodeTalentsFrame(frame, chunkId);
}

/**
 * A chunk whose talents a worker could not use (gone from Redis: expired, evicted, Redis
 * restarted empty; or corrupted). Unrecoverable for the worker (no retries: they would read
 * the same value); the coordinator, seeing the mark, sends the talents again and retries the
 * job, a bounded number of times.
 */
export const TALENTS_UNUSABLE = 'talents unusable: ';
export const talentsUnusable = (detail: string): Error => new UnrecoverableError(TALENTS_UNUSABLE + detail);
/** Times a coordinator sends a chunk's talents again after a worker found them unusable. */
export const TALENTS_RESENDS = 3;
