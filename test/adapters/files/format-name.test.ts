/**
 * An entity file's format is decided by its name (`.jsonl` / `.ndjson`: JSON Lines; any other
 * name: one JSON document). A JSON Lines stream under another name (a pipe such as
 * /dev/fd/63, `talents.txt`) fails with a message saying why it was read whole; a `.json`
 * file keeps the plain syntax error.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isJsonLines, readRecords } from '../../../src/adapters/files/read.js';
import { TalentSchema } from '../../../src/domain/schemas.js';
import { TalentmatchError } from '../../../src/errors.js';

const lines = '{"id":"t-1","name":"A","description":"a"}\n{"id":"t-2","name":"B","description":"b"}\n';

async function rejection(path: string): Promise<TalentmatchError> {
  const e = await readRecords(path, TalentSchema).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(TalentmatchError);
  return e as TalentmatchError;
}

describe('the format by name', () => {
  it('isJsonLines: .jsonl and .ndjson in any case, nothing else', () => {
    expect(['a.jsonl', 'a.JSONL', 'b.ndjson', '/x/y.NdJson'].map(isJsonLines)).toEqual([true, true, true, true]);
    expect(['a.json', 'a.jsonl.bak', '/dev/fd/63', 'talents', 'a.txt', 'jsonl'].map(isJsonLines)).toEqual([false, false, false, false, false, false]);
  });

  it('JSON Lines under a name that is not .jsonl: the error says the file was read as one document and why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tm-fmt-'));
    const txt = join(dir, 'talents.txt');
    writeFileSync(txt, lines);
    const e = await rejection(txt);
    expect(e.code).toBe('E_INPUT');
    expect(e.issues).toEqual([
      { file: txt, path: '', expected: 'one JSON document, an array: the name does not end in .jsonl or .ndjson (JSON Lines is read from a file so named)', got: expect.stringContaining('line 2 column 1') },
    ]);
    // the same lines as .jsonl load; a .json file keeps the plain syntax error
    const jsonl = join(dir, 'talents.jsonl');
    writeFileSync(jsonl, lines);
    expect((await readRecords(jsonl, TalentSchema)).records.map((r) => r.value.id)).toEqual(['t-1', 't-2']);
    const json = join(dir, 'talents.json');
    writeFileSync(json, lines);
    expect((await rejection(json)).issues?.[0]?.expected).toBe('valid JSON');
    // an array under any name loads
    writeFileSync(txt, `[${lines.trim().split('\n').join(',')}]`);
    expect((await readRecords(txt, TalentSchema)).records.map((r) => r.value.id)).toEqual(['t-1', 't-2']);
  });
});
