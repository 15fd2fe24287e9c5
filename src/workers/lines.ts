/**
 * Validating and vectorizing one range of a talents file's raw lines, in a worker thread:
 * the main thread only cuts the file into ranges of lines (adapters/files/lines.ts
 * readLineRanges); each line is parsed and checked here by the contract's one rule
 * (domain/lines.ts parseRecordLine), and the valid records are vectorized at once. What
 * comes back is what the main thread needs to report problems in file order and to run
 * the cross-record rules (domain/validate.ts checkCrossRecords) without whole records:
 * each valid record's links (TalentLinks) and line in columns (domain/links.ts), the range's issues (the first `cap`)
 * and the ids of the records that failed their schema. Pure: runs in a worker or in process.
 */
import { isUtf8 } from 'node:buffer';
import type { InputIssue } from '../errors.js';
import { TalentSchema } from '../domain/schemas.js';
import type { Talent } from '../domain/schemas.js';
import { decodedLine, parseRecordLine, rejectedId, validLineText } from '../domain/lines.js';
import type { TalentLinks } from '../domain/validate.js';
import { talentLinks } from '../domain/validate.js';
import type { LinkColumnsPart } from '../domain/links.js';
import { encodeLinks } from '../domain/links.js';
import type { PlatformSide } from '../engine/platformSide.js';
import type { TalentFeatures, TokenSource } from '../features/build.js';
import { buildTalentFeatures } from '../features/talents.js';
import { sharedBuffer } from './pack.js';

export interface LineRangeTask {
  /** the range's lines as read, each ending with a newline except perhaps the file's last; a line over the size limit is there as an empty line */
  bytes: Uint8Array;
  /** the 1-based number of the range's first line in the file */
  firstLine: number;
  /** lines in the range */
  lines: number;
  /** the lines over the size limit: line number, length in bytes, pairwise */
  tooLong: number[];
  /** the file's name, as issues name it */
  file: string;
  maxLineBytes: number;
  /** issues listed per range at most (the rest are counted): the file's cap */
  cap: number;
}

export interface LineRangeResult {
  /** features of the range's valid records, in line order (ids left out: they are the links'), in shared memory (they reach the main thread without a copy) */
  features: TalentFeatures;
  /** each valid record's links and line number, in line order, in columns (no object per talent reaches the main thread) */
  links: LinkColumnsPart;
  /** the range's problems in line order, the first `cap`; `omitted` counts the rest */
  issues: InputIssue[];
  omitted: number;
  /** the lines of the records that failed (not JSON, over the limit, or against the schema) */
  bad: number[];
  /** ids of the records that failed their schema, when they had a string id */
  rejectedIds: string[];
}

/** A range's lines parsed and checked (parseLineRange): the valid records, their links and lines, and the problems. */
export interface ParsedRange {
  records: Talent[];
  links: TalentLinks[];
  /** each record's line */
  lines: number[];
  /** the range's problems in line order, the first `cap`; `omitted` counts the rest */
  issues: InputIssue[];
  omitted: number;
  bad: number[];
  rejectedIds: string[];
}

/** The range's lines parsed and checked by the contract's one rule (parseRecordLine), in line order. */
export function parseLineRange(task: LineRangeTask): ParsedRange {
  const { bytes, file, maxLineBytes, cap } = task;
  const over = new Map<number, number>();
  for (let i = 0; i < task.tooLong.length; i += 2) over.set(task.tooLong[i], task.tooLong[i + 1]);
  const out: ParsedRange = { records: [], links: [], lines: [], issues: [], omitted: 0, bad: [], rejectedIds: [] };
  // a valid range (the usual one) is decoded a line at a time in place (validLineText), any other by the decoder
  const whole = isUtf8(bytes) ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null;
  let pos = 0;
  for (let i = 0; i < task.lines; i++) {
    const line = task.firstLine + i;
    const nl = bytes.indexOf(10, pos);
    const end = nl < 0 ? bytes.length : nl;
    const tooLong = over.get(line);
    const ln = tooLong !== undefined ? { text: '', line, tooLong } : whole !== null ? { text: validLineText(whole, pos, end, line === 1), line } : { ...decodedLine(bytes.subarray(pos, end), line === 1), line };
    const r = parseRecordLine(ln, TalentSchema, file, maxLineBytes);
    pos = end + 1;
    if (r.kind === 'record') {
      out.records.push(r.value);
      out.links.push(talentLinks(r.value));
      out.lines.push(line);
    } else if (r.kind === 'invalid') {
      out.bad.push(line);
      const id = rejectedId(r.raw);
      if (id !== undefined) out.rejectedIds.push(id);
      for (const issue of r.issues) {
        if (out.issues.length < cap) out.issues.push(issue);
        else out.omitted++;
      }
    }
  }
  return out;
}

export function lineRangeTask(side: PlatformSide, task: LineRangeTask, tokens: TokenSource): LineRangeResult {
  const p = parseLineRange(task);
  return { features: { ...sharedFeatures(side, p.records, tokens), ids: [] }, links: encodeLinks(p.links, p.lines), issues: p.issues, omitted: p.omitted, bad: p.bad, rejectedIds: p.rejectedIds };
}

/**
 * The features of `talents` (engine/platformSide.ts talentFeatures) written into shared
 * memory: posted back from a worker, they are shared, not copied.
 */
export function sharedFeatures(side: PlatformSide, talents: readonly Talent[], tokens: TokenSource): TalentFeatures {
  return buildTalentFeatures(talents, side.text, side.industry, side.concepts, tokens, side.weights, side.platformIndex, side.excludedBy, undefined, sharedBuffer);
}
