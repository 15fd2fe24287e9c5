import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { QUICK_NEEDS_KEYS, QUICK_TALENT_KEYS, quickTalent } from '../../src/domain/quick.js';
import { TalentSchema } from '../../src/domain/schemas.js';
import { parseRecordLine } from '../../src/domain/lines.js';
import { MAX_ID_CHARS, MAX_INT, MAX_ITEM_CHARS, MAX_LIST_ITEMS, MAX_NAME_CHARS, MAX_RECORD_TEXT_CHARS, MAX_TEXT_CHARS, MAX_YUAN } from '../../src/config/limits.js';

// The fast path of the talent schema (domain/quick.ts) against the schema itself, the oracle:
// whatever it accepts, zod accepts with the same data (key order included); on records
// without unknown keys or date-times it accepts exactly what zod accepts.

const str = (n: number, c = 'a') => c.repeat(n);
/** A field's values at and around every bound of the contract: valid ones mostly, so that whole records pass often too. */
const field = <T>(valid: T[], invalid: unknown[]) => fc.oneof({ arbitrary: fc.constantFrom(...valid), weight: 12 }, { arbitrary: fc.constantFrom(...invalid), weight: 1 });
const ID = field(['t-1', 'x', str(MAX_ID_CHARS), '人才-😀'], [str(MAX_ID_CHARS + 1), '', 7, null, ['t-1'], 'a\ud800', '\udc00b', '\ude00\ud83d']);
const NAME = field(['T', str(MAX_NAME_CHARS)], [str(MAX_NAME_CHARS + 1), '', 3, null]);
const DESCRIPTION = field(['A team.', '软件 team', str(MAX_TEXT_CHARS)], [str(MAX_TEXT_CHARS + 1), '', false]);
const PROFILE = field(['', 'p', str(MAX_TEXT_CHARS)], [str(MAX_TEXT_CHARS + 1), 1]);
const ITEM = field(['a', '', str(MAX_ITEM_CHARS)], [str(MAX_ITEM_CHARS + 1), 1, null]);
const list = (item: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { arbitrary: fc.array(item, { maxLength: 3 }), weight: 12 },
    { arbitrary: fc.constantFrom(Array.from({ length: MAX_LIST_ITEMS }, () => 'i')), weight: 2 },
    { arbitrary: fc.constantFrom(Array.from({ length: MAX_LIST_ITEMS + 1 }, () => 'i'), 'a', {}), weight: 1 },
  );
const STAGE = field(['idea', 'prototype', 'early-revenue', 'growth'], ['Idea', '', 1]);
const LEVEL = field(['national', 'provincial', 'municipal', 'none'], ['city', null]);
const INT = (min: number) => field([min, min + 1, MAX_INT, -0 + min], [min - 1, 1.5, MAX_INT + 1, 1e21, '2', null]);
const YUAN = field([0, 0.5, 1e6, MAX_YUAN], [-1, MAX_YUAN * 1.0000001, '1', null]);
const BOOL = field([true, false], [0, 'true', null]);
const DATE = field(['2026-01-02', '2024-02-29', '2000-02-29'], ['2023-02-29', '1900-02-29', '2026-13-01', '2026-1-2', '20260102', '', 5, null]);
const NEEDS = fc.oneof(
  { arbitrary: fc.record({ seats: INT(0), capitalYuan: YUAN, training: BOOL, crossIndustry: BOOL, housing: BOOL }, { requiredKeys: [] }), weight: 12 },
  { arbitrary: fc.constantFrom(null, [], 'x', 3), weight: 1 },
);
const TALENT = fc.record(
  { id: ID, name: NAME, description: DESCRIPTION, profile: PROFILE, skills: list(ITEM), industries: list(ID), stage: STAGE, teamSize: INT(1), talentLevel: LEVEL, needs: NEEDS, excludePlatforms: list(ID), hostedBy: ID, updatedAt: DATE },
  { requiredKeys: [] },
);

const zodData = (raw: unknown) => {
  const r = TalentSchema.safeParse(raw);
  return r.success ? r.data : undefined;
};

describe('quickTalent (the talent schema fast path)', () => {
  it('knows the fields of the schema, in its order', () => {
    expect([...QUICK_TALENT_KEYS]).toEqual(Object.keys(TalentSchema.shape));
    expect([...QUICK_NEEDS_KEYS]).toEqual(Object.keys(TalentSchema.shape.needs.unwrap().shape));
  });

  it('accepts exactly what zod accepts, with the same data, on records at and around every bound', () => {
    let accepted = 0;
    fc.assert(
      fc.property(TALENT, (raw) => {
        const q = quickTalent(raw);
        const z = zodData(raw);
        expect(q !== undefined).toBe(z !== undefined);
        if (q !== undefined) {
          accepted++;
          expect(JSON.stringify(q)).toBe(JSON.stringify(z));
          expect(q).toEqual(z);
        }
      }),
      { numRuns: 3000, seed: 12 },
    );
    expect(accepted).toBeGreaterThan(300); // the generator reaches valid records, and invalid ones
  });

  it('never accepts what zod rejects, with unknown keys, date-times and non-objects', () => {
    const EXTRA = fc.record({ base: TALENT, key: fc.constantFrom('extra', '__proto__', 'constructor', 'ID'), value: fc.constantFrom(1, 'x', null), at: fc.constantFrom('2026-01-02T03:04:05Z', '2026-01-02T03:04', '2026-01-02T03:04:05+08:00', '2026-01-02 03:04') });
    fc.assert(
      fc.property(EXTRA, ({ base, key, value, at }) => {
        for (const raw of [JSON.parse(JSON.stringify({ ...base, [key]: value })), { ...base, updatedAt: at }, { ...base, needs: { seats: 1, extra: true } }]) {
          const q = quickTalent(raw);
          if (q !== undefined) expect(JSON.stringify(q)).toBe(JSON.stringify(zodData(raw)));
        }
      }),
      { numRuns: 1000, seed: 7 },
    );
    for (const raw of [null, [], 'x', 1, true, undefined]) expect(quickTalent(raw)).toBeUndefined();
    // a key holding undefined (not from JSON): left to zod
    expect(quickTalent({ id: 't', name: 'n', description: 'd', profile: undefined })).toBeUndefined();
  });

  it('checks the record text budget exactly at its limit, NFKC expansions included', () => {
    const base = { id: 't', name: 'n', description: 'd' };
    // ASCII: 1 (name) + 2 * 20,000 + 50 * 199 = 49,951; one more item of 49 lands exactly on 50,000
    const skills = Array.from({ length: 50 }, () => str(199));
    const at = { ...base, profile: str(MAX_TEXT_CHARS), description: str(MAX_TEXT_CHARS - 1) + 'd', skills: [...skills, str(49)] };
    const total = 1 + MAX_TEXT_CHARS + MAX_TEXT_CHARS + 50 * 199 + 49;
    expect(total).toBe(MAX_RECORD_TEXT_CHARS);
    expect(quickTalent(at)).toEqual(zodData(at));
    expect(quickTalent(at)).toBeDefined();
    const over = { ...at, skills: [...skills, str(50)] };
    expect(zodData(over)).toBeUndefined();
    expect(quickTalent(over)).toBeUndefined();
    // U+FDFA normalises to 18 characters: 2,777 of them are 49,986 (+2) and pass, 2,778 are 50,004 (+2) and do not
    const wide = (n: number) => ({ ...base, description: '\uFDFA'.repeat(n) });
    expect(zodData(wide(2777))).toBeDefined();
    expect(quickTalent(wide(2777))).toEqual(zodData(wide(2777)));
    expect(zodData(wide(2778))).toBeUndefined();
    expect(quickTalent(wide(2778))).toBeUndefined();
  });

  it('takes every talent of the fixtures and the generated districts, as zod parses them', () => {
    const lines = readFileSync('fixtures/jiangdong/talents.jsonl', 'utf8').split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(100);
    for (const l of lines) {
      const raw = JSON.parse(l);
      const q = quickTalent(raw);
      expect(q).toBeDefined();
      expect(JSON.stringify(q)).toBe(JSON.stringify(zodData(raw)));
    }
  });

  it('leaves the problems of a bad line to zod: parseRecordLine words them as before', () => {
    const r = parseRecordLine({ text: JSON.stringify({ id: 't', name: '', description: 'd', teamSize: 0 }), line: 3 }, TalentSchema, 'talents.jsonl', 1 << 20);
    expect(r.kind).toBe('invalid');
    if (r.kind !== 'invalid') return;
    expect(r.issues.map((i) => [i.line, i.path, i.expected])).toEqual([
      [3, 'name', 'non-empty string'],
      [3, 'teamSize', 'integer >= 1'],
    ]);
    const ok = parseRecordLine({ text: ' {"id":"t","name":"n","description":"d","x":1} ', line: 4 }, TalentSchema, 'talents.jsonl', 1 << 20);
    expect(ok).toEqual({ kind: 'record', value: { id: 't', name: 'n', description: 'd' }, text: '{"id":"t","name":"n","description":"d","x":1}' });
  });
});
