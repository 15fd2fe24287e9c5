import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTruth } from '../../src/adapters/files/truth.js';
import { TalentmatchError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'tm-truth-'));
const file = (name: string, lines: string[]) => {
  const p = join(dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
};
const T = new Set(['t-1', 't-2']);
const P = new Set(['p-1', 'p-2']);

describe('truth.jsonl reader', () => {
  it('reads a valid file', async () => {
    const p = file('ok.jsonl', ['{"side":"platform","id":"p-1","language":"zh","industry":"e-commerce","modes":["capital"]}', '{"side":"talent","id":"t-1","language":"en","mode":"capital","fits":["p-1"]}']);
    const r = await readTruth(p, T, P);
    expect(r).toHaveLength(2);
    expect(r[1]).toMatchObject({ side: 'talent', id: 't-1', fits: ['p-1'] });
  });

  it('rejects the whole file listing every problem with its line and field', async () => {
    const p = file('bad.jsonl', [
      '{"side":"talent","id":"t-9","language":"en","fits":["p-1","p-x"]}',
      '{"side":"platform","id":"p-1"}',
      'not json',
      '{"side":"talent","id":"t-1","language":"en","fits":[]}',
      '{"side":"talent","id":"t-1","language":"zh","fits":[]}',
      '{"side":"robot","id":"r"}',
    ]);
    const err = await readTruth(p, T, P).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TalentmatchError);
    const e = err as TalentmatchError;
    expect(e.code).toBe('E_INPUT');
    const got = e.issues.map((i) => `${i.line} ${i.path}: ${i.expected}`).sort();
    expect(got).toEqual([
      '1 fits.1: the id of a platform in the data',
      '1 id: the id of a talent in the data',
      '2 language: non-empty string (a language label, e.g. "zh")',
      '3 : one JSON object per line',
      '5 id: each talent at most once (first at line 4)',
      '6 side: object with "side": "platform" | "talent"',
    ]);
  });
});
