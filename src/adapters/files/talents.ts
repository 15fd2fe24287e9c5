/**
 * The one talents reader of the streaming paths: the batch's stream of records (the referral
 * pass reads the placed talents' lines back by the byte ranges the stream recorded:
 * adapters/batch/placed.ts; a queue worker gets its chunk from Redis, adapters/queue). Each line is parsed by `parseRecordLine` (the
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
