/**
 * Reading entity files: a JSON array (whole file) or JSON Lines (`.jsonl` / `.ndjson`,
 * streamed line by line, never loaded whole). Every record is validated against its
 * schema; all problems of a file are collected (up to a cap) with file, line or index,
 * field path, expectation and the value found.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { z } from 'zod';
import type { InputIssue } from '../../errors.js';
import { TalentmatchError } from '../../errors.js';
import type { Located, SourceRef } from '../../domain/validate.js';
import { issuesFromZod, renderValue } from '../../domain/validate.js';

export interface ReadResult<T> {
  records: Located<T>[];
  /** problems found (capped at `cap`); `omitted` counts the rest */
  issues: InputIssue[];
  omitted: number;
  /** refs of records that failed their schema */
  bad: SourceRef[];
}

export function isJsonLines(path: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(path);
}

function ioError(path: string, e: unknown): TalentmatchError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
  return new TalentmatchError('E_IO', `${path}: cannot read (${why})`);
}

class Collector<T> {
  readonly result: ReadResult<T> = { records: [], issues: [], omitted: 0, bad: [] };
  constructor(
    private readonly schema: z.ZodType<T>,
    private readonly cap: number,
  ) {}
  issue(i: InputIssue): void {
    if (this.result.issues.length < this.cap) this.result.issues.push(i);
    else this.result.omitted++;
  }
  take(raw: unknown, at: SourceRef): void {
    const res = this.schema.safeParse(raw);
    if (res.success) this.result.records.push({ value: res.data, at });
    else {
      this.result.bad.push(at);
      for (const i of issuesFromZod(res.error, raw, at)) this.issue(i);
    }
  }
}

/** Reads a JSON array or JSON Lines file of records. Rejects only on I/O errors. */
export async function readRecords<T>(path: string, schema: z.ZodType<T>, cap = 100): Promise<ReadResult<T>> {
  const c = new Collector(schema, cap);
  if (isJsonLines(path)) {
    let stream;
    try {
      stream = createReadStream(path, { encoding: 'utf8' });
      await new Promise<void>((resolve, reject) => {
        stream!.once('open', () => resolve());
        stream!.once('error', reject);
      });
    } catch (e) {
      throw ioError(path, e);
    }
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    let line = 0;
    for await (const text of lines) {
      line++;
      const trimmed = text.trim();
      if (trimmed === '') continue;
      let raw: unknown;
      try {
        raw = JSON.parse(trimmed);
      } catch (e) {
        c.result.bad.push({ file: path, line });
        c.issue({ file: path, line, path: '', expected: 'one JSON object per line', got: `invalid JSON (${(e as Error).message.replace(/^.*?: /, '')})` });
        continue;
      }
      c.take(raw, { file: path, line });
    }
    return c.result;
  }
  const raw = await readJson(path);
  if (!Array.isArray(raw)) {
    c.issue({ file: path, path: '', expected: 'a JSON array of records (or a .jsonl file)', got: renderValue(raw) });
    return c.result;
  }
  raw.forEach((r, index) => c.take(r, { file: path, index }));
  return c.result;
}

/** Reads and parses one JSON file; a syntax error is an E_INPUT naming the file and position. */
export async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw ioError(path, e);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TalentmatchError('E_INPUT', `${path}: invalid JSON (${(e as Error).message})`, [
      { file: path, path: '', expected: 'valid JSON', got: (e as Error).message },
    ]);
  }
}

/** Validates one JSON object file (policy, weights). */
export async function readObject<T>(path: string, schema: z.ZodType<T>): Promise<{ value?: T; issues: InputIssue[] }> {
  const raw = await readJson(path);
  const res = schema.safeParse(raw);
  if (res.success) return { value: res.data, issues: [] };
  return { issues: issuesFromZod(res.error, raw, { file: path }) };
}
