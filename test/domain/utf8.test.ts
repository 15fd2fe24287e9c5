/**
 * A line whose bytes are not UTF-8 is refused, not read with U+FFFD in place of its bad bytes
 * (which silently changed the data): badUtf8At finds the first ill-formed sequence, against
 * WHATWG's fatal decoder as the oracle, and parseRecordLine words the problem.
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { badUtf8At, decodedLine, parseRecordLine } from '../../src/domain/lines.js';
import { PlatformSchema, TalentSchema } from '../../src/domain/schemas.js';
import { readJson, readRecords } from '../../src/adapters/files/read.js';
import { TalentmatchError } from '../../src/errors.js';
import { oracleBadAt } from '../support/utf8Oracle.js';

const b = (...xs: number[]) => Uint8Array.from(xs);

describe('badUtf8At', () => {
  it('known answers: every kind of ill-formed sequence, at its first byte', () => {
    const cases: [Uint8Array, number][] = [
      [b(0x61, 0x62), -1],
      [new TextEncoder().encode('a中😀é\ufffd'), -1], // a U+FFFD written as its bytes is text, not a bad byte
      [b(0x61, 0xff), 1],
      [b(0x80), 0], // a continuation byte alone
      [b(0x61, 0xc0, 0x80), 1], // overlong NUL
      [b(0xc1, 0xbf), 0], // overlong
      [b(0xe0, 0x9f, 0x80), 0], // overlong 3-byte
      [b(0xed, 0xa0, 0x80), 0], // a surrogate
      [b(0xed, 0x9f, 0xbf), -1], // U+D7FF, just below the surrogates
      [b(0xf4, 0x8f, 0xbf, 0xbf), -1], // U+10FFFF
      [b(0xf4, 0x90, 0x80, 0x80), 0], // above U+10FFFF
      [b(0xf5, 0x80, 0x80, 0x80), 0],
      [b(0x61, 0xe4, 0xb8), 1], // cut at the end
      [b(0xe4, 0xb8, 0xad, 0xe4, 0xb8, 0x61), 3], // cut by an ASCII byte
      [b(0xf0, 0x9f, 0x98), 0],
    ];
    for (const [bytes, at] of cases) {
      expect(badUtf8At(bytes), Buffer.from(bytes).toString('hex')).toBe(at);
      expect(oracleBadAt(bytes), Buffer.from(bytes).toString('hex')).toBe(at);
    }
  });

  it('equals the fatal decoder on random byte strings (biased to lead and continuation bytes)', () => {
    const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0x80, max: 0xbf }), fc.constantFrom(0x61, 0xc2, 0xe0, 0xe4, 0xed, 0xf0, 0xf4));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 12 }), (xs) => {
        const bytes = Uint8Array.from(xs);
        expect(badUtf8At(bytes)).toBe(oracleBadAt(bytes));
      }),
      { numRuns: 3000, seed: 19 },
    );
  });
});

describe('a line that is not UTF-8', () => {
  it('is a problem naming the line and the byte (1-based), not a record read with U+FFFD', () => {
    const good = new TextEncoder().encode('{"id":"t-1","name":"N","description":"d"}');
    const bad = Uint8Array.from([...good.subarray(0, 30), 0xff, ...good.subarray(30)]);
    expect(decodedLine(good, false)).toEqual({ text: '{"id":"t-1","name":"N","description":"d"}' });
    const ln = { ...decodedLine(bad, false), line: 4 };
    expect(ln.badUtf8).toBe(30);
    expect(ln.text).toContain('\ufffd');
    expect(parseRecordLine(ln, TalentSchema, 'talents.jsonl', 1 << 20)).toEqual({
      kind: 'invalid',
      issues: [{ file: 'talents.jsonl', line: 4, path: '', expected: 'UTF-8 text', got: 'a byte that is not UTF-8 at byte 31 of the line' }],
    });
  });
});

describe('files that are not UTF-8', () => {
  it('a JSON Lines line is refused by the file reader too, with --skip-invalid it is skipped and listed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tm-utf8-'));
    const lines = readFileSync('fixtures/jiangdong/platforms.jsonl');
    const at = lines.indexOf(10) + 1 + 10; // the second line's 11th byte, inside its id
    writeFileSync(join(dir, 'platforms.jsonl'), Buffer.concat([lines.subarray(0, at), Buffer.of(0xc3, 0x28), lines.subarray(at)]));
    const read = await readRecords(join(dir, 'platforms.jsonl'), PlatformSchema, 100, {});
    expect(read.issues).toEqual([{ file: join(dir, 'platforms.jsonl'), line: 2, path: '', expected: 'UTF-8 text', got: 'a byte that is not UTF-8 at byte 11 of the line' }]);
    expect(read.records.map((r) => r.at.line)).not.toContain(2);
    expect(read.records.length).toBe(lines.toString().trim().split('\n').length - 1);
  });

  it('a JSON file (policy, weights, taxonomy, a JSON array) is an E_INPUT naming the byte and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tm-utf8-'));
    const path = join(dir, 'policy.json');
    writeFileSync(path, Buffer.concat([Buffer.from('{\n  "minScoreForReferral": 0.1,\n  "note": "'), Buffer.of(0xe4, 0xb8), Buffer.from('"\n}\n')]));
    const err = await readJson(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TalentmatchError);
    expect((err as TalentmatchError).code).toBe('E_INPUT');
    expect((err as TalentmatchError).issues).toEqual([{ file: path, path: '', expected: 'UTF-8 text', got: 'a byte that is not UTF-8 at byte 44 of the file (line 3)' }]);
    writeFileSync(path, '{"minScoreForReferral": 0.1, "note": "中文 \ufffd"}');
    await expect(readJson(path)).resolves.toEqual({ minScoreForReferral: 0.1, note: '中文 \ufffd' });
  });
});
