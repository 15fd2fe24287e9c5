/**
 * The contract's rules for one line of a JSON Lines entity file, written once for every
 * reader: the main thread's (adapters/files/read.ts), the batch's streams and ranges
 * (adapters/files/talents.ts) and the worker threads that validate ranges of raw lines
 * (workers/lines.ts). Pure: no I/O.
 */
import { isUtf8 } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import type { z } from 'zod';
import type { InputIssue } from '../errors.js';
import { LIMIT_ENV } from '../config/limits.js';
import { issuesFromZod } from './validate.js';
import { TalentSchema } from './schemas.js';
import { quickTalent } from './quick.js';

/** Hand-written fast paths of a schema (domain/quick.ts): the record when it surely passes, else undefined (zod decides). */
const QUICK = new Map<z.ZodType, (raw: unknown) => unknown>([[TalentSchema, quickTalent]]);

/** One line as read: its text, 1-based number and, when it was over the size limit, its length in bytes (text is then ''). */
export interface RecordLine {
  text: string;
  line: number;
  tooLong?: number;
  /** set when the line's bytes are not well-formed UTF-8: the 0-based offset in the line of the first bad byte (badUtf8At); text holds U+FFFD there */
  badUtf8?: number;
}

/**
 * The 0-based offset of the first byte of `bytes` that is not part of well-formed UTF-8
 * (Unicode's table 3-7: no overlong form, surrogate or code point over U+10FFFF, no cut
 * sequence), or -1 when every byte is. One simdutf pass (buffer.isUtf8) for a good line; the
 * walk only for a bad one.
 */
export function badUtf8At(bytes: Uint8Array): number {
  if (isUtf8(bytes)) return -1;
  const n = bytes.length;
  const cont = (j: number, lo = 0x80, hi = 0xbf) => j < n && bytes[j] >= lo && bytes[j] <= hi;
  for (let i = 0; i < n; ) {
    const b = bytes[i];
    let len = 0;
    if (b < 0x80) len = 1;
    else if (b >= 0xc2 && b <= 0xdf) len = cont(i + 1) ? 2 : 0;
    else if (b >= 0xe0 && b <= 0xef) len = cont(i + 1, b === 0xe0 ? 0xa0 : 0x80, b === 0xed ? 0x9f : 0xbf) && cont(i + 2) ? 3 : 0;
    else if (b >= 0xf0 && b <= 0xf4) len = cont(i + 1, b === 0xf0 ? 0x90 : 0x80, b === 0xf4 ? 0x8f : 0xbf) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    if (len === 0) return i;
    i += len;
  }
  return 0; // not reached: isUtf8 and the walk follow the same table
}

/** A line's text and, when its bytes are not UTF-8, where (the readers' RecordLine fields). */
export function decodedLine(bytes: Uint8Array, firstOfFile: boolean): { text: string; badUtf8?: number } {
  const text = lineText(bytes, firstOfFile);
  const bad = badUtf8At(bytes);
  return bad < 0 ? { text } : { text, badUtf8: bad };
}

/** One decoder for every line: `end()` flushes it and leaves it as new (Node's StringDecoder is reusable); a decoder made per line was ~15% of reading a file's lines. */
const decoder = new StringDecoder('utf8');

/**
 * A line's text from its bytes (newline excluded): UTF-8 (invalid bytes as U+FFFD: a reader
 * marks such a line with decodedLine, and parseRecordLine refuses it), a
 * trailing carriage return dropped (\r\n files), and on the file's first line a byte-order
 * mark dropped, as in .json files.
 */
export function lineText(bytes: Uint8Array, firstOfFile: boolean): string {
  return lineEnds(decoder.write(bytes as Buffer) + decoder.end(), firstOfFile);
}

/**
 * lineText of the line buf[from, to) when `buf` is valid UTF-8 as a whole (buffer.isUtf8):
 * decoded in place, without a view or the decoder's state (half the cost of a line's
 * decoding: docs/PERFORMANCE.md, branch txt15). The same string: valid UTF-8 decodes one
 * way, and each line of a valid buffer is valid (a newline byte is never inside a character).
 */
export function validLineText(buf: Buffer, from: number, to: number, firstOfFile: boolean): string {
  return lineEnds(buf.toString('utf8', from, to), firstOfFile);
}

/** A decoded line's ends: a trailing carriage return dropped, and on the file's first line a byte-order mark. */
function lineEnds(text: string, firstOfFile: boolean): string {
  let s = text;
  if (s.endsWith('\r')) s = s.slice(0, -1);
  if (firstOfFile && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  return s;
}

/**
 * Whether a line (its bytes, newline excluded, possibly in pieces) is blank by parseRecordLine's
 * rule, its text trimming to '' (lineText(...).trim() === ''), without decoding it when it can
 * be told from the bytes: any ASCII byte other than JS's ASCII whitespace (tab, LF, VT, FF, CR,
 * space) makes it not blank, ASCII whitespace alone makes it blank; a line of whitespace and
 * other bytes (U+00A0, U+3000, a byte-order mark, invalid UTF-8...) is decoded and trimmed.
 */
export function isBlankLine(parts: readonly Uint8Array[]): boolean {
  let ascii = true;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      const b = p[i];
      if (b === 32 || (b >= 9 && b <= 13)) continue;
      if (b < 0x80) return false;
      ascii = false;
    }
  }
  return ascii || lineText(parts.length === 1 ? parts[0] : Buffer.concat(parts), false).trim() === '';
}

/** The message of a line over the limit, naming the limit and how to raise it. */
export function tooLongExpectation(maxLineBytes: number): string {
  return `a line of at most ${maxLineBytes.toLocaleString('en-US')} bytes (${LIMIT_ENV.maxLineBytes})`;
}

/** What a line that is not JSON is reported as. */
function jsonLineIssue(file: string, line: number, e: unknown): InputIssue {
  return { file, line, path: '', expected: 'one JSON object per line', got: `invalid JSON (${(e as Error).message.replace(/^.*?: /, '')})` };
}

/** One line of a JSON Lines file, parsed and validated: blank, a record, or its issues. */
export type ParsedLine<T> = { kind: 'blank' } | { kind: 'record'; value: T; /** the line's JSON, trimmed */ text: string } | { kind: 'invalid'; issues: InputIssue[]; raw?: unknown };

/**
 * The one rule for a line of a JSON Lines entity file: a line over the size limit, a line
 * that is not JSON, or a record that fails its schema is reported with file, line, field
 * path, expectation and the value found; a blank line is skipped. A talent record goes
 * through the schema's fast path first (domain/quick.ts: the same record as zod's, or
 * undefined); zod checks whatever it does not accept and words every problem.
 */
export function parseRecordLine<T>(ln: RecordLine, schema: z.ZodType<T>, file: string, maxLineBytes: number): ParsedLine<T> {
  const line = ln.line;
  if (ln.tooLong !== undefined) return { kind: 'invalid', issues: [{ file, line, path: '', expected: tooLongExpectation(maxLineBytes), got: `${ln.tooLong.toLocaleString('en-US')} bytes` }] };
  if (ln.badUtf8 !== undefined) return { kind: 'invalid', issues: [{ file, line, path: '', expected: 'UTF-8 text', got: `a byte that is not UTF-8 at byte ${ln.badUtf8 + 1} of the line` }] };
  const trimmed = ln.text.trim();
  if (trimmed === '') return { kind: 'blank' };
  let raw: unknown;
  try {
    raw = JSON.parse(trimmed);
  } catch (e) {
    return { kind: 'invalid', issues: [jsonLineIssue(file, line, e)] };
  }
  const quick = QUICK.get(schema)?.(raw) as T | undefined;
  if (quick !== undefined) return { kind: 'record', value: quick, text: trimmed };
  const res = schema.safeParse(raw);
  if (res.success) return { kind: 'record', value: res.data, text: trimmed };
  return { kind: 'invalid', issues: issuesFromZod(res.error, raw, { file, line }), raw };
}

/** The id of a record that failed its schema, when it had a string one (references to it are follow-ons: domain/validate.ts). */
export function rejectedId(raw: unknown): string | undefined {
  const id = (raw as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}
