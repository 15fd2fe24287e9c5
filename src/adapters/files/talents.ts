/**
 * The one talents reader of the streaming paths: the batch's stream and a queue worker's
 * chunk range (the referral pass reads the placed talents' lines back by the byte ranges the
 * stream recorded: adapters/batch/placed.ts). Each line is parsed by `parseRecordLine` (the
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
