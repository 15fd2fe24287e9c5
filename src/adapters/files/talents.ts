/**
 * The one talents reader of the streaming paths: the batch's stream, a queue worker's
 * chunk range and the batch's referral pass. Each line is parsed by `parseRecordLine` (the
 * same rule as `read` / loadDataset) and, on the batch's stream, checked by the domain's
 * `TalentStreamRules` (the same rules and messages as the whole-file check).
 */
import type { Talent } from '../../domain/schemas.js';
import { TalentSchema } from '../../domain/schemas.js';
import type { TalentStreamRules } from '../../domain/validate.js';
import type { InputIssue } from '../../errors.js';
import { readLines } from './lines.js';
import { parseRecordLine } from './read.js';

export type StreamedTalent =
  | { kind: 'talent'; talent: Talent; line: number; start: number; end: number }
  | { kind: 'invalid'; line: number; issues: InputIssue[] };

export interface StreamTalentsOptions {
  /** named in issues (the file the user gave, also when the run reads a copy of a pipe) */
  file: string;
  rules: TalentStreamRules;
  maxLineBytes: number;
  /** every chunk of bytes read (the batch hashes them) */
  onChunk?: (b: Buffer) => void;
}

/** Streams a talents file: each non-blank line as an accepted talent or as its issues. */
export async function* streamTalents(path: string, o: StreamTalentsOptions): AsyncGenerator<StreamedTalent> {
  for await (const ln of readLines(path, undefined, { maxLineBytes: o.maxLineBytes, ...(o.onChunk ? { onChunk: o.onChunk } : {}) })) {
    const r = parseRecordLine(ln, TalentSchema, o.file, o.maxLineBytes);
    if (r.kind === 'blank') continue;
    if (r.kind === 'invalid') {
      yield { kind: 'invalid', line: ln.line, issues: r.issues };
      continue;
    }
    const issues = o.rules.check(r.value, { file: o.file, line: ln.line });
    if (issues.length > 0) yield { kind: 'invalid', line: ln.line, issues };
    else yield { kind: 'talent', talent: r.value, line: ln.line, start: ln.start, end: ln.end };
  }
}

/**
 * The talents of a byte range (a queue job's chunk), skipping the listed lines (invalid or
 * reused ones). A line that does not parse means the file is not the one the coordinator
 * read: the answer names it instead of the talents.
 */
export async function readTalentRange(path: string, range: { start: number; end: number; firstLine: number }, skip: ReadonlySet<number>, maxLineBytes: number): Promise<{ talents: Talent[] } | { bad: string }> {
  const talents: Talent[] = [];
  for await (const ln of readLines(path, range, { maxLineBytes })) {
    if (skip.has(ln.line)) continue;
    const r = parseRecordLine(ln, TalentSchema, path, maxLineBytes);
    if (r.kind === 'blank') continue;
    if (r.kind === 'invalid') return { bad: `${path}:${ln.line}: not the record the coordinator read` };
    talents.push(r.value);
  }
  return { talents };
}

/**
 * The talents whose ids `wanted` names, read from the file (the batch's referral pass: the
 * snapshot keeps no talent features). Lines that do not parse were reported or skipped by
 * the stream; only a wanted id is validated, and only its first occurrence counts.
 */
export async function findTalents(path: string, wanted: (id: string) => boolean, maxLineBytes: number): Promise<Map<string, Talent>> {
  const found = new Map<string, Talent>();
  for await (const ln of readLines(path, undefined, { maxLineBytes })) {
    const text = ln.tooLong === undefined ? ln.text.trim() : '';
    if (text === '') continue;
    // cheap pre-check: most lines are not wanted. Their id read without parsing where that is
    // certain (the writer's own layout), else as JSON.parse reads it
    let id: unknown = quickLineId(text);
    if (id === undefined) {
      try {
        id = (JSON.parse(text) as { id?: unknown } | null)?.id;
      } catch {
        continue;
      }
    }
    if (typeof id !== 'string' || !wanted(id) || found.has(id)) continue;
    const r = parseRecordLine(ln, TalentSchema, path, maxLineBytes);
    if (r.kind === 'record') found.set(id, r.value);
  }
  return found;
}

/**
 * A line's top-level "id" as JSON.parse would read it, found without parsing the line where
 * that is certain: the line starts with the key (`{"id":"`), the value has no escape, and
 * neither another `"id"` (a second key: JSON.parse keeps the last; or a nested one) nor a
 * `\u` escape (which could spell one) appears after it. Undefined otherwise: the caller parses
 * the line. Only a pre-check: a line found wanted is parsed and validated in full.
 */
export function quickLineId(text: string): string | undefined {
  if (!text.startsWith('{"id":"')) return undefined;
  const end = text.indexOf('"', 7);
  if (end < 0) return undefined;
  const id = text.slice(7, end);
  if (id.includes('\\') || text.includes('"id"', end) || text.includes('\\u', end)) return undefined;
  return id;
}
