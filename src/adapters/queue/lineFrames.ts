/**
 * A distributed chunk sent as its raw lines (issue 13), as the local pool sends it
 * (workers/chunkLines.ts): the coordinator only cuts the talents file into ranges; a worker
 * parses and checks each line by the contract's one rule, scores the valid records and
 * returns them with their links and the range's problems, for the coordinator to run the
 * rules that span records in file order (adapters/batch/lineChunks.ts).
 *
 *  - Under the job's talents key (`encodeLinesFrame`, "TML1"): the range's bytes as read,
 *    the LineRangeTask's other fields, and the merged lists' floors when the chunk was sent,
 *    in one value checked by a SHA-256 of its body (as TMT1 is). No bytes and no doubles in
 *    the job's JSON.
 *  - Under the job's result key: a result frame of the lines kind (frames.ts, "TMR4"): the
 *    scored chunk's rows, candidates and key as raw sections (the coordinator reads them into
 *    buffers of their own: reader.ts), then the lines part (`encodeLinesResult`): the links
 *    in columns, the problems and how many were left out, v8-serialized (small).
 *
 * Pure encoding and decoding, plus the worker's read of a job's lines.
 */
import type { Redis } from 'ioredis';
import { deserialize, serialize } from 'node:v8';
import { createHash } from 'node:crypto';
import type { ChunkLinesResult } from '../../workers/chunkLines.js';
import type { LineRangeTask } from '../../workers/lines.js';
import type { ResultFrame } from './frames.js';
import { hashInto, notAFrame, resultFrameParts, talentsKey, talentsUnusable } from './frames.js';

/** What travels under a lines job's talents key. */
export interface ChunkLines {
  lines: LineRangeTask;
  /** the merged lists' floors when the chunk was sent (ChunkTask.platformFloor) */
  floor?: Float64Array;
}

const LINES_MAGIC = 0x544d4c31; // "TML1"
// magic u32, chunk id u32, lines u32, floors u32 (NO_FLOOR: none), meta bytes u32, range bytes u32, SHA-256 of the body (32 bytes)
const LINES_HEADER = 56;
const NO_FLOOR = 0xffffffff;

/** The LineRangeTask's fields but its bytes and line count (those are in the header and the body). */
type Meta = Omit<LineRangeTask, 'bytes' | 'lines'>;

/**
 * A chunk's lines as one buffer: a 56-byte header (chunk id, lines, the sections' lengths,
 * the body's SHA-256), then the body: the floors (little-endian doubles), the task's other
 * fields (JSON: a line number, the over-long lines, the file's name, two limits), the bytes.
 */
export function encodeLinesFrame(chunkId: number, c: ChunkLines): Buffer {
  return Buffer.concat(linesFrameParts(chunkId, c));
}

/**
 * The same frame in two parts: the header, floors and fields; the range's bytes as read (not
 * copied: the coordinator writes both to Redis as they are, rawSet.ts).
 */
export function linesFrameParts(chunkId: number, c: ChunkLines): [Buffer, Uint8Array] {
  const { bytes, lines, ...rest } = c.lines;
  const m: Meta = { firstLine: rest.firstLine, tooLong: rest.tooLong, file: rest.file, maxLineBytes: rest.maxLineBytes, cap: rest.cap };
  const meta = Buffer.from(JSON.stringify(m));
  const floors = c.floor?.length ?? 0;
  const out = Buffer.allocUnsafe(LINES_HEADER + floors * 8 + meta.length);
  out.writeUInt32LE(LINES_MAGIC, 0);
  out.writeUInt32LE(chunkId, 4);
  out.writeUInt32LE(lines, 8);
  out.writeUInt32LE(c.floor ? floors : NO_FLOOR, 12);
  out.writeUInt32LE(meta.length, 16);
  out.writeUInt32LE(bytes.byteLength, 20);
  let at = LINES_HEADER;
  for (let p = 0; p < floors; p++, at += 8) out.writeDoubleLE(c.floor![p], at);
  out.set(meta, at);
  out.set(createHash('sha256').update(out.subarray(LINES_HEADER)).update(bytes).digest(), 24);
  return [out, bytes];
}

const isInts = (x: unknown): x is number[] => Array.isArray(x) && x.every((v) => Number.isSafeInteger(v));

/**
 * Reads a chunk's lines back, into buffers of their own (the bytes move to a scoring thread
 * by transfer). Anything but the lines frame of this chunk with a matching SHA-256 (truncated,
 * corrupted, another chunk's, a talents frame) throws `talentsUnusable`: the coordinator sends
 * its copy again rather than a worker scoring other lines than the run read.
 */
export function decodeLinesFrame(b: Buffer, chunkId: number): ChunkLines {
  const bad = (why: string) => talentsUnusable(`chunk ${chunkId}: its lines in Redis are unusable (${why})`);
  if (b.length < LINES_HEADER || b.readUInt32LE(0) !== LINES_MAGIC) throw bad(`${b.length} bytes, no lines frame header`);
  if (b.readUInt32LE(4) !== chunkId) throw bad(`they are chunk ${b.readUInt32LE(4)}'s`);
  const floorField = b.readUInt32LE(12);
  const floors = floorField === NO_FLOOR ? 0 : floorField;
  const metaBytes = b.readUInt32LE(16);
  const rangeBytes = b.readUInt32LE(20);
  const want = LINES_HEADER + floors * 8 + metaBytes + rangeBytes;
  if (want !== b.length) throw bad(`${b.length} bytes, the header says ${want}`);
  const sum = Buffer.allocUnsafe(32);
  hashInto(b.subarray(LINES_HEADER), sum, 0);
  if (!sum.equals(b.subarray(24, LINES_HEADER))) throw bad('their SHA-256 does not match: corrupted');
  let at = LINES_HEADER;
  const floor = floorField === NO_FLOOR ? undefined : new Float64Array(floors);
  for (let p = 0; p < floors; p++, at += 8) floor![p] = b.readDoubleLE(at);
  let m: Meta;
  try {
    m = JSON.parse(b.toString('utf8', at, at + metaBytes)) as Meta;
  } catch (e) {
    throw bad(`not readable: ${(e as Error).message}`);
  }
  if (!Number.isSafeInteger(m?.firstLine) || !isInts(m.tooLong) || typeof m.file !== 'string' || !Number.isSafeInteger(m.maxLineBytes) || !Number.isSafeInteger(m.cap)) throw bad('not the fields of a range of lines');
  at += metaBytes;
  const bytes = new Uint8Array(rangeBytes);
  bytes.set(b.subarray(at, at + rangeBytes));
  const lines: LineRangeTask = { bytes, firstLine: m.firstLine, lines: b.readUInt32LE(8), tooLong: m.tooLong, file: m.file, maxLineBytes: m.maxLineBytes, cap: m.cap };
  return { lines, ...(floor ? { floor } : {}) };
}

/** A worker's read of a lines job's chunk: from `talentsKey`, checked; gone or unusable throws `talentsUnusable`. */
export async function fetchLines(conn: Redis, jobId: string, chunkId: number): Promise<ChunkLines> {
  const frame = await conn.getBuffer(talentsKey(jobId));
  if (!frame) throw talentsUnusable(`chunk ${chunkId}: its lines are gone from Redis (expired, evicted, or Redis restarted empty)`);
  return decodeLinesFrame(frame, chunkId);
}

/** The lines part of a result: what the coordinator needs besides the scored chunk. */
type LinesPart = Omit<ChunkLinesResult, 'result'>;

/** A chunk's lines result as a result frame (frames.ts, "TMR4"): the scored chunk's sections raw, the rest v8-serialized. */
export function encodeLinesResult(chunkId: number, r: ChunkLinesResult): Buffer {
  return Buffer.concat(linesResultParts(chunkId, r));
}

/** The same frame in its parts (frames.ts resultFrameParts): the scored chunk's sections are its own buffers. */
export function linesResultParts(chunkId: number, r: ChunkLinesResult): Uint8Array[] {
  const part: LinesPart = { links: r.links, issues: r.issues, omitted: r.omitted };
  const chunk = r.result ?? { chunkId, pairs: 0, rows: new Uint8Array(0), candidates: new Uint8Array(0) };
  return resultFrameParts(chunk, { part: serialize(part), scored: r.result !== undefined });
}

/**
 * A lines chunk's result from its frame (read by reader.ts or decodeResultFrame); a frame of
 * another kind, or a lines part that does not read back, throws E_INTERNAL naming the chunk
 * (as any value that is not the chunk's frame does).
 */
export function linesResultOf(f: ResultFrame): ChunkLinesResult {
  if (!f.lines) throw notAFrame(f.chunkId, 'a records chunk\'s result, where the chunk was sent as lines');
  let part: LinesPart;
  try {
    part = deserialize(f.lines.part) as LinesPart;
  } catch (e) {
    throw notAFrame(f.chunkId, `its lines part is not readable: ${(e as Error).message}`);
  }
  if (!Array.isArray(part?.links?.ids) || !(part.links.lines instanceof Int32Array) || part.links.lines.length !== part.links.ids.length || !Array.isArray(part.issues) || !Number.isSafeInteger(part.omitted)) {
    throw notAFrame(f.chunkId, 'its lines part is not the links and problems of a range');
  }
  const { lines: _lines, ...chunk } = f;
  return { ...(f.lines.scored ? { result: chunk } : {}), links: part.links, issues: part.issues, omitted: part.omitted };
}
