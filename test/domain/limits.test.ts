/** Issue 15: per-field and per-record text limits of the contract, and messages that are safe to print. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ID_CHARS, MAX_ITEM_CHARS, MAX_LIST_ITEMS, MAX_RECORD_TEXT_CHARS, MAX_TEXT_CHARS, readerLimits } from '../../src/config/limits.js';
import { PlatformSchema, TalentSchema } from '../../src/domain/schemas.js';
import { issuesFromZod, renderValue } from '../../src/domain/validate.js';
import { escapeControl, formatIssue, isTalentmatchError } from '../../src/errors.js';
import { Tokenizer } from '../../src/text/tokenize.js';
import { platform, talent } from '../helpers.js';

const issues = (raw: unknown) => {
  const r = TalentSchema.safeParse(raw);
  return r.success ? [] : issuesFromZod(r.error, raw, { file: 'talents.jsonl', line: 3 }).map(formatIssue);
};

describe('text limits per field and per record', () => {
  it('a description of exactly MAX_TEXT_CHARS passes; one more character is rejected naming the limit', () => {
    expect(issues(talent('t', { description: 'a'.repeat(MAX_TEXT_CHARS) }))).toEqual([]);
    expect(issues(talent('t', { description: 'a'.repeat(MAX_TEXT_CHARS + 1) }))).toEqual([
      `talents.jsonl:3 description: expected at most 20,000 characters, got "${'a'.repeat(56)}...`,
    ]);
  });

  it('ids, list items and list lengths are bounded', () => {
    expect(issues(talent('x'.repeat(MAX_ID_CHARS)))).toEqual([]);
    expect(issues(talent('x'.repeat(MAX_ID_CHARS + 1)))[0]).toMatch(/^talents.jsonl:3 id: expected at most 200 characters/);
    expect(issues(talent('t', { skills: ['s'.repeat(MAX_ITEM_CHARS + 1)] }))[0]).toMatch(/skills\[0\]: expected at most 200 characters/);
    expect(issues(talent('t', { skills: Array.from({ length: MAX_LIST_ITEMS }, () => 'go') }))).toEqual([]);
    expect(issues(talent('t', { skills: Array.from({ length: MAX_LIST_ITEMS + 1 }, () => 'go') }))[0]).toMatch(/skills: expected array of strings, at most 1,000 items/);
    const many = Object.fromEntries(Array.from({ length: MAX_LIST_ITEMS + 1 }, (_, i) => [`d${i}`, 0.5]));
    const r = PlatformSchema.safeParse(platform('p', { industries: many }));
    expect(r.success).toBe(false);
  });

  it('all text of a record together is bounded (which bounds its tokens), with the total measured', () => {
    const half = 'a'.repeat(MAX_TEXT_CHARS);
    // 3 x 20,000 > 50,000 although each field is within its own limit
    const got = issues(talent('t', { description: half, profile: half, skills: Array.from({ length: 100 }, () => 'b'.repeat(100)) }));
    expect(got).toEqual([`talents.jsonl:3 (record): expected at most 50,000 characters of text per record (name, description, profile, skills together), got ${(2 * MAX_TEXT_CHARS + 10_000 + 'Team t'.length).toLocaleString('en-US')} characters`]);
    expect(issues(talent('t', { description: half, profile: half, skills: Array.from({ length: 99 }, () => 'b'.repeat(100)) }))).toEqual([]);
  });

  it('a text yields at most one token per character (so MAX_RECORD_TEXT_CHARS bounds the tokens of a profile)', () => {
    const tk = new Tokenizer();
    // NFKC may expand a character (U+FDFA to 18, U+FB03 to "ffi"): the bound is on normalised characters
    const alphabet = fc.constantFrom(...'ab 金融物流跨境电商的 ,.𠀀'.split(''), 'logistics ', '人工智能', '\u3000', 'Ａ', '\ufdfa', '\ufb03', '㈱');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 300 }), (parts) => {
        const s = parts.join('');
        expect(tk.tokenize(s).length).toBeLessThanOrEqual(s.normalize('NFKC').length);
      }),
      { numRuns: 300, seed: 15 },
    );
    expect(MAX_RECORD_TEXT_CHARS).toBe(50_000);
    // the record budget counts what the tokenizer sees: 3,000 x U+FDFA is 3,000 characters but 54,000 after NFKC
    expect(issues(talent('t', { description: '\ufdfa'.repeat(3000) }))[0]).toMatch(/\(record\): expected at most 50,000 characters of text per record .*got 54,0\d\d characters/);
  });
});

describe('values and messages safe to print', () => {
  it('Infinity and NaN are named, not shown as null', () => {
    expect(renderValue(Infinity)).toBe('Infinity');
    expect(renderValue(-Infinity)).toBe('-Infinity');
    expect(renderValue({ a: Infinity })).toBe('{"a":"Infinity"}');
    const raw = JSON.parse('{"id":"t","name":"n","description":"d","needs":{"seats":1e999}}');
    expect(issues(raw)).toEqual(['talents.jsonl:3 needs.seats: expected integer >= 0, got Infinity']);
  });

  it('control characters and the BOM are escaped in every rendered issue', () => {
    expect(escapeControl('a\u001b[31mred\u0007\u009b\ufeffz')).toBe('a\\u001b[31mred\\u0007\\u009b\\ufeffz');
    const line = formatIssue({ file: 'x\u001b.jsonl', line: 2, path: 'id\u0000', expected: 'one JSON object per line', got: 'invalid JSON (Unexpected token \u001b[2J)' });
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(line).toBe('x\\u001b.jsonl:2 id\\u0000: expected one JSON object per line, got invalid JSON (Unexpected token \\u001b[2J)');
  });

  it('a value too deep to stringify is described, not thrown', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(renderValue(deep)).toBe('an array');
  });
});

describe('reader limits from the environment', () => {
  it('defaults, overrides, and a malformed value named', () => {
    expect(readerLimits({})).toEqual({ maxLineBytes: 1 << 20, maxJsonFileBytes: 64 << 20 });
    expect(readerLimits({ TALENTMATCH_MAX_LINE_BYTES: '4096' }).maxLineBytes).toBe(4096);
    for (const bad of ['0x10', '-1', '1e6', 'abc', '0']) {
      let err: unknown;
      try {
        readerLimits({ TALENTMATCH_MAX_LINE_BYTES: bad });
      } catch (e) {
        err = e;
      }
      expect(isTalentmatchError(err) && err.code === 'E_OPTION' && err.message.includes('TALENTMATCH_MAX_LINE_BYTES')).toBe(true);
    }
  });
});
