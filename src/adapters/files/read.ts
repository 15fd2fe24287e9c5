/**
 * Reading entity files: a JSON array (whole file) or JSON Lines (`.jsonl` / `.ndjson`,
 * streamed line by line, never loaded whole). Every record is validated against its
 * schema; all problems of a file are collected (up to a cap) with file, line or index,
 * field path, expectation and the value found.
 */
import { createReadStream } from 'node:fs';
import type { z } from 'zod';
import type { InputIssue } from '../../errors.js';
import { TalentmatchError } from '../../errors.js';
import type { Located, SourceRef } from '../../domain/validate.js';
import { issuesFromZod, renderValue } from '../../domain/validate.js';
import type { ReaderLimits } from '../../config/limits.js';
import { DEFAULT_MAX_JSON_FILE_BYTES, DEFAULT_MAX_LINE_BYTES, ISSUE_CAP, LIMIT_ENV } from '../../config/limits.js';
import { assertReadable, checkWholeRead, ioError, readLines } from './lines.js';
import { badUtf8At, parseRecordLine, rejectedId } from '../../domain/lines.js';

export interface ReadResult<T> {
  records: Located<T>[];
  /** problems found (capped at `cap`); `omitted` counts the rest */
  issues: InputIssue[];
  omitted: number;
  /** refs of records that failed their schema */
  bad: SourceRef[];
  /** ids of records that failed their schema (when they had a string id) */
  rejectedIds: Set<string>;
}

/** The format rule of an entity file, by its name: `.jsonl` / `.ndjson` is JSON Lines, any other name one JSON document (an array). */
export function isJsonLines(path: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(path);
}

/**
 * A file read as one JSON document whose name does not say so (a pipe such as /dev/fd/63, a
 * name without `.json`): its syntax error says why it was read whole, since a JSON Lines
 * stream under such a name fails at its second line with "non-whitespace after JSON".
 */
async function readJsonNamed(path: string, limits: Partial<ReaderLimits>): Promise<unknown> {
  try {
    return await readJson(path, limits);
  } catch (e) {
    if (!(e instanceof TalentmatchError) || e.code !== 'E_INPUT' || /\.json$/i.test(path) || e.issues?.[0]?.expected !== 'valid JSON') throw e;
    const expected = 'one JSON document, an array: the name does not end in .jsonl or .ndjson (JSON Lines is read from a file so named)';
    throw new TalentmatchError('E_INPUT', `${path}: expected ${expected}, got ${e.issues[0].got}`, [{ ...e.issues[0], expected }]);
  }
}

export { parseRecordLine } from '../../domain/lines.js';
export type { ParsedLine } from '../../domain/lines.js';

class Collector<T> {
  readonly result: ReadResult<T> = { records: [], issues: [], omitted: 0, bad: [], rejectedIds: new Set() };
  constructor(
    private readonly schema: z.ZodType<T>,
    private readonly cap: number,
  ) {}
  issue(i: InputIssue): void {
    if (this.result.issues.length < this.cap) this.result.issues.push(i);
    else this.result.omitted++;
  }
  /** A record that failed its schema (raw given) or was not even JSON. */
  reject(at: SourceRef, issues: readonly InputIssue[], raw?: unknown): void {
    this.result.bad.push(at);
    const id = rejectedId(raw);
    if (id !== undefined) this.result.rejectedIds.add(id);
    for (const i of issues) this.issue(i);
  }
  take(raw: unknown, at: SourceRef): void {
    const res = this.schema.safeParse(raw);
    if (res.success) this.result.records.push({ value: res.data, at });
    else this.reject(at, issuesFromZod(res.error, raw, at), raw);
  }
}

/** Reads a JSON array or JSON Lines file of records. Rejects only on I/O errors. */
export async function readRecords<T>(path: string, schema: z.ZodType<T>, cap = ISSUE_CAP, limits: Partial<ReaderLimits> = {}): Promise<ReadResult<T>> {
  const c = new Collector(schema, cap);
  if (isJsonLines(path)) {
    const maxLineBytes = limits.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    for await (const ln of readLines(path, undefined, { maxLineBytes })) {
      const r = parseRecordLine(ln, schema, path, maxLineBytes);
      if (r.kind === 'record') {
        c.result.records.push({ value: r.value, at: { file: path, line: ln.line } });
      } else if (r.kind === 'invalid') c.reject({ file: path, line: ln.line }, r.issues, r.raw);
    }
    return c.result;
  }
  const raw = await readJsonNamed(path, limits);
  if (!Array.isArray(raw)) {
    c.issue({ file: path, path: '', expected: 'a JSON array of records (or a .jsonl file)', got: renderValue(raw) });
    return c.result;
  }
  raw.forEach((r, index) => c.take(r, { file: path, index }));
  return c.result;
}

/** Reads a whole file as UTF-8, at most `max` bytes (a pipe or FIFO is read once, as it comes). */
async function readCapped(path: string, max: number): Promise<string | { tooBig: number }> {
  const st = await assertReadable(path);
  const parts: Buffer[] = [];
  let n = 0;
  const stream = createReadStream(path);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      n += chunk.length;
      if (n > max) return { tooBig: n };
      parts.push(chunk);
    }
  } catch (e) {
    throw ioError(path, e);
  } finally {
    stream.destroy();
  }
  checkWholeRead(path, st, n);
  const all = Buffer.concat(parts);
  const bad = badUtf8At(all);
  if (bad >= 0) {
    // as a JSON Lines line is refused (domain/lines.ts parseRecordLine): never read as U+FFFD
    let line = 1;
    for (let i = all.indexOf(10); i >= 0 && i < bad; i = all.indexOf(10, i + 1)) line++;
    const got = `a byte that is not UTF-8 at byte ${bad + 1} of the file (line ${line})`;
    throw new TalentmatchError('E_INPUT', `${path}: expected UTF-8 text, got ${got}`, [{ file: path, path: '', expected: 'UTF-8 text', got }]);
  }
  return all.toString('utf8');
}

/**
 * Reads and parses one JSON file (at most `maxJsonFileBytes`); a syntax error is an E_INPUT
 * naming the file and position. A byte-order mark is skipped, as in JSON Lines files.
 */
export async function readJson(path: string, limits: Partial<ReaderLimits> = {}): Promise<unknown> {
  const max = limits.maxJsonFileBytes ?? DEFAULT_MAX_JSON_FILE_BYTES;
  const read = await readCapped(path, max);
  if (typeof read !== 'string') {
    const expected = `a JSON file of at most ${max.toLocaleString('en-US')} bytes (${LIMIT_ENV.maxJsonFileBytes}); use JSON Lines for large entity files`;
    throw new TalentmatchError('E_INPUT', `${path}: expected ${expected}, got more than ${read.tooBig.toLocaleString('en-US')} bytes`, [
      { file: path, path: '', expected, got: `more than ${read.tooBig.toLocaleString('en-US')} bytes` },
    ]);
  }
  const text = read.charCodeAt(0) === 0xfeff ? read.slice(1) : read;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TalentmatchError('E_INPUT', `${path}: invalid JSON (${(e as Error).message})`, [
      { file: path, path: '', expected: 'valid JSON', got: (e as Error).message },
    ]);
  }
}

/** Validates one JSON object file (policy, weights). */
export async function readObject<T>(path: string, schema: z.ZodType<T>, limits: Partial<ReaderLimits> = {}): Promise<{ value?: T; issues: InputIssue[] }> {
  const raw = await readJson(path, limits);
  const res = schema.safeParse(raw);
  if (res.success) return { value: res.data, issues: [] };
  return { issues: issuesFromZod(res.error, raw, { file: path }) };
}
