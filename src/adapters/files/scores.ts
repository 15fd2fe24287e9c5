/**
 * Inputs made elsewhere for `match`: a scores CSV (the columns `score` writes), a small
 * capacities CSV (platformId,slots,seats), a rank-lists JSON and a committee decisions JSON.
 * Every problem is reported with file:line (CSV) or the JSON path, never skipped.
 */
import { z } from 'zod';
import { inputError } from '../../errors.js';
import type { InputIssue } from '../../errors.js';
import type { ExternalPair, RankLists } from '../../matching/external.js';
import { createReadStream } from 'node:fs';
import { TalentmatchError } from '../../errors.js';
import { readJson } from './read.js';
import { issuesFromZod } from '../../domain/validate.js';
import { readerLimits } from '../../config/limits.js';
import { tooLongExpectation } from '../../domain/lines.js';
import { DecisionsSchema, resolveDecisions } from '../../domain/decisions.js';
import type { Decisions } from '../../matching/decisions.js';

const MAX_ISSUES = 100;

/** Splits one CSV row (RFC 4180 quoting; a quoted field may hold line breaks); undefined when a quote is unbalanced. */
function splitCsv(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined;
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(v);
      if (i < line.length && line[i] !== ',') return undefined;
    } else {
      const c = line.indexOf(',', i);
      out.push(line.slice(i, c < 0 ? line.length : c));
      i = c < 0 ? line.length : c;
    }
    if (i >= line.length) return out;
    i++; // the comma
  }
}

class Issues {
  readonly list: InputIssue[] = [];
  omitted = 0;
  add(i: InputIssue): void {
    if (this.list.length < MAX_ISSUES) this.list.push(i);
    else this.omitted++;
  }
  throwIfAny(): void {
    if (this.list.length + this.omitted > 0) throw inputError(this.list, this.omitted);
  }
}

/** Whether text of `chars` UTF-16 units is over `max` bytes in UTF-8 (counted only when it could be). */
const overBytes = (text: string, max: number): boolean => text.length > max || (text.length * 3 > max && Buffer.byteLength(text) > max);

/**
 * Lines of a text file, 1-based numbers, split at \n (a \r before it kept), one batch per chunk read (a utf8
 * stream split by hand, far faster than per-line buffers; batches, not lines, cross the
 * async boundary, so a 2.5M-row file costs a few hundred awaits, not millions). A line over
 * `max` bytes is not held: it comes as `tooLong` (its text dropped up to its newline), as in
 * the JSON Lines readers; a CSV without a newline was read whole into one string.
 */
async function* textLineBatches(path: string, max: number): AsyncGenerator<{ text: string; line: number; tooLong?: true }[]> {
  let rest = '';
  let line = 0;
  let skipping = false; // inside a line over the limit: its text is dropped up to the next newline
  try {
    for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }) as AsyncIterable<string>) {
      let text = rest + chunk;
      const batch: { text: string; line: number; tooLong?: true }[] = [];
      let from = 0;
      if (skipping) {
        const nl = text.indexOf('\n');
        if (nl < 0) continue;
        skipping = false;
        from = nl + 1;
      }
      for (let nl = text.indexOf('\n', from); nl >= 0; nl = text.indexOf('\n', from)) {
        line++;
        const l = text.slice(from, nl); // a \r before the newline is the row's to drop (csvRows): inside a quoted field it is the field's
        batch.push(overBytes(l, max) ? { text: '', line, tooLong: true } : { text: l, line });
        from = nl + 1;
      }
      rest = text.slice(from);
      text = '';
      if (overBytes(rest, max)) {
        line++;
        batch.push({ text: '', line, tooLong: true });
        rest = '';
        skipping = true;
      }
      if (batch.length > 0) yield batch;
    }
  } catch (e) {
    throw new TalentmatchError('E_IO', `${path}: cannot read (${(e as Error).message})`);
  }
  if (rest !== '') yield [{ text: rest, line: line + 1 }];
}

interface CsvRow {
  line: number;
  cells: string[];
  col: (c: string) => number;
}

/** Whether a CSV text ends inside a quoted field (an odd number of quotes: RFC 4180 doubles a quote inside one). */
const openQuote = (text: string): boolean => {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n++;
  return n % 2 === 1;
};

/**
 * Rows of a CSV with a header, in batches: each row's cells by the header's column index
 * (col(name) -> index or -1). A quoted field may hold line breaks (RFC 4180, as `score`
 * writes an id with one): the row then runs on over the next lines, reported at its first.
 */
async function* csvRows(path: string, required: readonly string[], optional: readonly string[], issues: Issues): AsyncGenerator<CsvRow[]> {
  const max = readerLimits(process.env).maxLineBytes;
  let cols: Map<string, number> | undefined;
  const col = (c: string) => cols?.get(c) ?? -1;
  let open: { text: string; line: number } | undefined; // a row whose quoted field is still open
  const tooLong = (line: number) => issues.add({ file: path, line, path: '', expected: tooLongExpectation(max), got: `more than ${max.toLocaleString('en-US')} bytes` });
  for await (const batch of textLineBatches(path, max)) {
    const rows: CsvRow[] = [];
    for (const l of batch) {
      if (l.tooLong) {
        if (open) tooLong(open.line);
        else tooLong(l.line);
        open = undefined;
        continue;
      }
      const row = open ? { text: `${open.text}\n${l.text}`, line: open.line } : { text: l.text, line: l.line };
      open = undefined;
      if (row.text.trim() === '') continue;
      if (openQuote(row.text)) {
        if (overBytes(row.text, max)) tooLong(row.line);
        else open = row;
        continue;
      }
      if (row.text.endsWith('\r')) row.text = row.text.slice(0, -1); // \r\n files
      const cells = row.text.includes('"') ? splitCsv(row.text) : row.text.split(',');
      if (!cells) {
        issues.add({ file: path, line: row.line, path: '', expected: 'a CSV line with balanced quotes', got: short(row.text) });
        continue;
      }
      if (!cols) {
        cols = new Map(cells.map((c, i) => [c.trim(), i]));
        for (const c of required) if (!cols.has(c)) issues.add({ file: path, line: row.line, path: c, expected: `a header with the columns ${required.join(',')}${optional.length ? ` (optional: ${optional.join(',')})` : ''}`, got: short(row.text) });
        if (issues.list.length) return;
        continue;
      }
      if (cells.length !== cols.size) {
        issues.add({ file: path, line: row.line, path: '', expected: `${cols.size} fields`, got: `${cells.length}` });
        continue;
      }
      rows.push({ line: row.line, cells, col });
    }
    if (rows.length > 0) yield rows;
  }
  if (open) issues.add({ file: path, line: open.line, path: '', expected: 'a CSV line with balanced quotes', got: short(open.text) });
  if (!cols) issues.add({ file: path, line: 1, path: '', expected: `a header with the columns ${required.join(',')}`, got: 'an empty file' });
}

const short = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}...` : s) || '""';

function score(raw: string | undefined, file: string, line: number, field: string, issues: Issues): number | undefined {
  let x = raw === undefined || raw === '' ? NaN : Number(raw);
  if (x === 0 && raw!.trim() === '') x = NaN; // Number(' ') is 0
  if (Number.isFinite(x) && x >= 0 && x <= 1) return x;
  issues.add({ file, line, path: field, expected: 'a number in [0, 1]', got: raw === undefined || raw === '' ? 'missing' : short(raw) });
  return undefined;
}

function count(raw: string | undefined, file: string, line: number, field: string, issues: Issues): number | undefined {
  const x = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  if (Number.isInteger(x) && x >= 0 && x <= 1e9) return x;
  issues.add({ file, line, path: field, expected: 'an integer >= 0', got: raw === undefined || raw === '' ? 'missing' : short(raw) });
  return undefined;
}

/**
 * Reads a scores CSV against known talents and platforms (index by id). Talents not in
 * `talents` are an error when `talentsKnown`, else they are added (in `talents`, seat need 1).
 */
export async function readScoresCsv(path: string, talents: Map<string, number>, platforms: ReadonlyMap<string, number>, talentsKnown: boolean): Promise<ExternalPair[]> {
  const issues = new Issues();
  const pairs: ExternalPair[] = [];
  // first line of each (talent, platform) pair, keyed by indexes (talent x platform count + platform)
  const seen = new Map<number, number>();
  const M = platforms.size;
  let ci: number[] | undefined;
  for await (const batch of csvRows(path, ['talentId', 'platformId', 'score'], ['talentScore', 'platformScore'], issues)) for (const r of batch) {
    ci ??= ['talentId', 'platformId', 'score', 'talentScore', 'platformScore'].map(r.col);
    const c = r.cells;
    const tid = c[ci[0]];
    const pid = c[ci[1]];
    const s = score(c[ci[2]], path, r.line, 'score', issues);
    const f = ci[3] < 0 ? s : score(c[ci[3]], path, r.line, 'talentScore', issues);
    const b = ci[4] < 0 ? s : score(c[ci[4]], path, r.line, 'platformScore', issues);
    const p = platforms.get(pid);
    if (p === undefined) issues.add({ file: path, line: r.line, path: 'platformId', expected: 'a known platform id', got: short(pid) });
    let t = talents.get(tid);
    if (t === undefined) {
      if (talentsKnown || tid === '') issues.add({ file: path, line: r.line, path: 'talentId', expected: 'a known talent id', got: short(tid) });
      else talents.set(tid, (t = talents.size));
    }
    if (p === undefined || t === undefined) continue;
    const key = t * M + p;
    const first = seen.get(key);
    if (first !== undefined) {
      issues.add({ file: path, line: r.line, path: '', expected: `one row per pair (${tid}, ${pid}) is already on line ${first}`, got: 'a duplicate pair' });
      continue;
    }
    seen.set(key, r.line);
    if (s === undefined || f === undefined || b === undefined) continue;
    pairs.push({ t, p, f, b, s });
  }
  issues.throwIfAny();
  return pairs;
}

/** platformId,slots,seats (free capacity for this run). */
export async function readCapacitiesCsv(path: string): Promise<{ id: string; slots: number; seats: number }[]> {
  const issues = new Issues();
  const out: { id: string; slots: number; seats: number }[] = [];
  const seen = new Map<string, number>();
  for await (const batch of csvRows(path, ['platformId', 'slots', 'seats'], [], issues)) for (const r of batch) {
    const id = r.cells[r.col('platformId')];
    const slots = count(r.cells[r.col('slots')], path, r.line, 'slots', issues);
    const seats = count(r.cells[r.col('seats')], path, r.line, 'seats', issues);
    if (id === '') issues.add({ file: path, line: r.line, path: 'platformId', expected: 'a platform id', got: 'missing' });
    const first = seen.get(id);
    if (first !== undefined) issues.add({ file: path, line: r.line, path: 'platformId', expected: `a platform listed once (${id} is on line ${first})`, got: 'a repeat' });
    else seen.set(id, r.line);
    if (slots !== undefined && seats !== undefined && id !== '' && first === undefined) out.push({ id, slots, seats });
  }
  issues.throwIfAny();
  return out;
}

const rankListsSchema = z.object({
  talents: z.array(z.object({ id: z.string().min(1), prefs: z.array(z.string()), seats: z.number().int().min(0).optional() }).strict()),
  platforms: z.array(z.object({ id: z.string().min(1), slots: z.number().int().min(0), seats: z.number().int().min(0).optional(), prefs: z.array(z.string()) }).strict()),
}).strict();

/** Rank lists (see docs/data-contract.md): ids unique per side, every listed id known, no repeated entry in a list. */
export async function readRankLists(path: string): Promise<RankLists> {
  const raw = await readJson(path);
  const r = rankListsSchema.safeParse(raw);
  if (!r.success) {
    throw inputError(issuesFromZod(r.error, raw, { file: path }).slice(0, MAX_ISSUES));
  }
  const issues = new Issues();
  const v = r.data;
  const ids = { talents: new Set<string>(), platforms: new Set<string>() };
  for (const side of ['talents', 'platforms'] as const) {
    v[side].forEach((x, i) => {
      if (ids[side].has(x.id)) issues.add({ file: path, path: `${side}[${i}].id`, expected: `ids unique among ${side}`, got: x.id });
      ids[side].add(x.id);
    });
  }
  for (const side of ['talents', 'platforms'] as const) {
    const other = side === 'talents' ? ids.platforms : ids.talents;
    v[side].forEach((x, i) => {
      const seen = new Set<string>();
      x.prefs.forEach((id, k) => {
        if (seen.has(id)) issues.add({ file: path, path: `${side}[${i}].prefs[${k}]`, expected: `each id once in ${x.id}'s list`, got: `${id} repeated` });
        else if (!other.has(id)) issues.add({ file: path, path: `${side}[${i}].prefs[${k}]`, expected: `a ${side === 'talents' ? 'platform' : 'talent'} id`, got: `${id} (unknown)` });
        seen.add(id);
      });
    });
  }
  issues.throwIfAny();
  return v;
}

/** A decisions JSON file, checked against its schema and resolved to indexes. */
export async function readDecisions(path: string, talents: ReadonlyMap<string, number>, platforms: ReadonlyMap<string, number>): Promise<Decisions> {
  const raw = await readJson(path);
  const r = DecisionsSchema.safeParse(raw);
  if (!r.success) throw inputError(issuesFromZod(r.error, raw, { file: path }).slice(0, MAX_ISSUES));
  return resolveDecisions(r.data, talents, platforms, path);
}
