/**
 * The readers' limits at their boundaries (the mutation sweep, scripts/mutants.mjs, found
 * them untested): a JSON file of exactly maxJsonFileBytes is read, one byte more is an input
 * error naming the limit; exactly `cap` issues are listed and the rest counted; a byte-order
 * mark before a JSON file is skipped.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJson, readRecords } from '../../../src/adapters/files/read.js';
import { OutcomeSchema } from '../../../src/domain/schemas.js';
import { TalentmatchError } from '../../../src/errors.js';

const file = (name: string, text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'tm-read-limit-')), name);
  writeFileSync(path, text);
  return path;
};

describe('readJson at maxJsonFileBytes', () => {
  const text = '{"a":[1,2,3]}'; // 13 bytes

  it('a file of exactly the limit is read; one byte over is an E_INPUT naming the limit (mutation n > max -> >= rejects the first)', async () => {
    expect(await readJson(file('policy.json', text), { maxJsonFileBytes: 13 })).toEqual({ a: [1, 2, 3] });
    const over = file('policy.json', text);
    const err = await readJson(over, { maxJsonFileBytes: 12 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TalentmatchError);
    expect((err as TalentmatchError).code).toBe('E_INPUT');
    expect((err as TalentmatchError & { issues: unknown[] }).issues).toEqual([
      { file: over, path: '', expected: 'a JSON file of at most 12 bytes (TALENTMATCH_MAX_JSON_BYTES); use JSON Lines for large entity files', got: 'more than 13 bytes' },
    ]);
  });

  it('a byte-order mark before the JSON is skipped; anywhere else it is a syntax error', async () => {
    expect(await readJson(file('policy.json', `\ufeff${text}`))).toEqual({ a: [1, 2, 3] });
    await expect(readJson(file('policy.json', ` \ufeff${text}`))).rejects.toThrow(/invalid JSON/);
  });
});

describe('readRecords: the issue cap', () => {
  const bad = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ talentId: `t-${i}`, platformId: 'p-1', outcome: 'lost' })).join('\n');

  it('lists exactly `cap` issues and counts the rest (mutation issues.length < cap -> <= lists one more)', async () => {
    const three = await readRecords(file('outcomes.jsonl', bad(3)), OutcomeSchema, 3);
    expect(three.issues).toHaveLength(3);
    expect(three.omitted).toBe(0);
    const four = await readRecords(file('outcomes.jsonl', bad(4)), OutcomeSchema, 3);
    expect(four.issues.map((i) => i.line)).toEqual([1, 2, 3]);
    expect(four.omitted).toBe(1);
    expect(four.bad).toHaveLength(4);
  });
});
