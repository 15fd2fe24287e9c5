/**
 * Reads a planted-truth file (`truth.jsonl`, src/domain/truth.ts) for `evaluate --truth`,
 * checking it against the loaded data: every id must name a talent or platform of the
 * data, each entity appears at most once, and fits name platforms of the data. Every
 * problem is reported with file, line, field and what was expected.
 */
import type { InputIssue } from '../../errors.js';
import { inputError } from '../../errors.js';
import type { TruthRecord } from '../../domain/truth.js';
import { TruthRecordSchema } from '../../domain/truth.js';
import { readRecords } from './read.js';
import { ISSUE_CAP } from '../../config/limits.js';

export async function readTruth(path: string, talentIds: ReadonlySet<string>, platformIds: ReadonlySet<string>, cap = ISSUE_CAP): Promise<TruthRecord[]> {
  const read = await readRecords(path, TruthRecordSchema, cap);
  const issues: InputIssue[] = [...read.issues];
  let omitted = read.omitted;
  const add = (i: InputIssue) => {
    if (issues.length < cap) issues.push(i);
    else omitted++;
  };
  const seen = new Map<string, string>();
  for (const { value: r, at } of read.records) {
    const known = r.side === 'talent' ? talentIds : platformIds;
    const where = { ...at };
    const place = at.line !== undefined ? `line ${at.line}` : `index ${at.index}`;
    if (!known.has(r.id)) add({ ...where, path: 'id', expected: `the id of a ${r.side} in the data`, got: JSON.stringify(r.id) });
    const key = `${r.side}\u0000${r.id}`;
    if (seen.has(key)) add({ ...where, path: 'id', expected: `each ${r.side} at most once (first at ${seen.get(key)})`, got: JSON.stringify(r.id) });
    else seen.set(key, place);
    if (r.side === 'talent') {
      r.fits.forEach((p, j) => {
        if (!platformIds.has(p)) add({ ...where, path: `fits.${j}`, expected: 'the id of a platform in the data', got: JSON.stringify(p) });
      });
    }
  }
  if (issues.length > 0) throw inputError(issues, omitted);
  return read.records.map((r) => r.value);
}
