import fc from 'fast-check';
import { mkdtempSync, writeFileSync, readFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/adapters/files/dataset.js';
import { TalentmatchError, formatIssue } from '../../src/errors.js';
import type { InputIssue } from '../../src/errors.js';

const FIX = 'fixtures/jiangdong';

function tempData(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tm-val-'));
  for (const f of ['industries.json', 'policy.json', 'weights.json']) copyFileSync(join(FIX, f), join(dir, f));
  for (const [k, v] of Object.entries(files)) writeFileSync(join(dir, k), v);
  return dir;
}

const VALID_PLATFORM = {
  id: 'p-1', name: 'P', description: 'A park.', modes: ['capital'], industries: { 'financial-services': 1 },
  capacity: { slots: 5, slotsUsed: 1, seats: 50, seatsUsed: 5, capitalYuan: 1000 }, signingRate: 0.5,
};
const VALID_TALENT = {
  id: 't-1', name: 'T', description: 'A team.', profile: 'x', skills: ['a'], industries: ['e-commerce'], stage: 'idea', teamSize: 2,
  talentLevel: 'none', needs: { seats: 2, capitalYuan: 0, training: true, crossIndustry: false, housing: false }, excludePlatforms: ['p-1'], updatedAt: '2026-01-02',
};

/** One corruption per field type of the talent record: path, bad value, expectation text. */
const TALENT_CORRUPTIONS: [string, unknown, string][] = [
  ['id', '', 'non-empty string'],
  ['id', 7, 'non-empty string'],
  ['id', 't-\ud800', 'well-formed Unicode (no unpaired surrogate)'],
  ['name', null, 'non-empty string'],
  ['description', undefined, 'non-empty string'],
  ['profile', 12, 'string'],
  ['skills', 'a;b', 'array of strings'],
  ['skills[0]', 3, 'string'],
  ['industries[0]', 'space-mining', 'an industry id of the taxonomy'],
  ['stage', 'seed', 'one of "idea" | "prototype" | "early-revenue" | "growth"'],
  ['teamSize', 0, 'integer >= 1'],
  ['teamSize', 2.5, 'integer >= 1'],
  ['talentLevel', 'global', 'one of "national"'],
  ['needs', 'many', 'object'],
  ['needs.seats', -2, 'integer >= 0'],
  ['needs.seats', '3', 'integer >= 0'],
  ['needs.capitalYuan', -1, 'number >= 0 (yuan)'],
  ['needs.training', 'yes', 'boolean'],
  ['excludePlatforms[0]', 'p-missing', 'an existing platform id'],
  ['updatedAt', 'yesterday', 'ISO-8601'],
];

const PLATFORM_CORRUPTIONS: [string, unknown, string][] = [
  ['modes', [], 'non-empty array of modes'],
  ['modes[0]', 'lending', 'one of "capital"'],
  ['industries', ['financial-services'], 'object: industry id -> weight in [0, 1]'],
  ['industries.financial-services', 1.5, 'number in [0, 1]'],
  ['industries.space-mining', 0.5, 'an industry id of the taxonomy'],
  ['capacity.slots', -1, 'integer >= 0'],
  ['capacity.slotsUsed', 9, 'integer <= capacity.slots (5)'],
  ['capacity.seatsUsed', 51, 'integer <= capacity.seats (50)'],
  ['capacity.capitalYuan', 'lots', 'number >= 0 (yuan)'],
  ['signingRate', 1.2, 'number in [0, 1]'],
];

function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const out = structuredClone(obj);
  const keys = path.split('.').flatMap((k) => {
    const m = /^(.*)\[(\d+)\]$/.exec(k);
    return m ? [m[1], Number(m[2])] : [k];
  });
  // industry ids contain dashes, never dots, so splitting on '.' is safe here
  let cur: any = out;
  for (let i = 0; i < keys.length - 1; i++) cur = cur[keys[i]];
  const last = keys[keys.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return out;
}

async function loadError(dir: string): Promise<TalentmatchError> {
  try {
    await loadDataset({ data: dir }, { needTalents: true, needOutcomes: false, skipInvalid: false });
  } catch (e) {
    expect(e).toBeInstanceOf(TalentmatchError);
    return e as TalentmatchError;
  }
  throw new Error('expected the input to be rejected');
}

describe('input validation (the contract error style)', () => {
  it('reports a bad talent field with file, line, path, expectation and value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TALENT_CORRUPTIONS), fc.integer({ min: 0, max: 6 }), async ([path, bad, expected], at) => {
        const lines = Array.from({ length: 7 }, (_, i) => ({ ...VALID_TALENT, id: `t-${i}` }));
        lines[at] = setPath({ ...lines[at] }, path, bad) as typeof VALID_TALENT;
        if (path === 'id' || path.startsWith('id')) {
          /* id corrupted: still one record */
        }
        const dir = tempData({
          'platforms.jsonl': JSON.stringify(VALID_PLATFORM) + '\n',
          'talents.jsonl': lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
        });
        const err = await loadError(dir);
        expect(err.code).toBe('E_INPUT');
        const issue = err.issues.find((i) => i.line === at + 1);
        expect(issue, JSON.stringify(err.issues)).toBeDefined();
        expect(issue!.file).toBe(join(dir, 'talents.jsonl'));
        expect(issue!.path).toBe(path);
        expect(issue!.expected).toContain(expected);
        expect(issue!.got).toBe(bad === undefined ? 'missing' : JSON.stringify(bad));
        expect(err.issues).toHaveLength(1);
      }),
      { numRuns: 40 },
    );
  });

  it('reports a bad platform field with line and path', async () => {
    for (const [path, bad, expected] of PLATFORM_CORRUPTIONS) {
      const rows = [VALID_PLATFORM, setPath({ ...VALID_PLATFORM, id: 'p-2' }, path, bad)];
      const dir = tempData({ 'platforms.jsonl': rows.map((r) => JSON.stringify(r)).join('\n') + '\n', 'talents.jsonl': '' });
      const err = await loadError(dir);
      const issue = err.issues[0];
      expect(err.issues, `${path}: ${JSON.stringify(err.issues)}`).toHaveLength(1);
      expect(issue).toMatchObject({ line: 2, path });
      expect(issue.expected).toContain(expected);
    }
  });

  it('renders the contract message exactly', () => {
    const i: InputIssue = { file: 'talents.jsonl', line: 17, path: 'needs.seats', expected: 'integer >= 0', got: '-2' };
    expect(formatIssue(i)).toBe('talents.jsonl:17 needs.seats: expected integer >= 0, got -2');
  });

  it('lists every problem of a file at once: bad JSON, duplicates, unknown industries', async () => {
    const lines = [
      JSON.stringify(VALID_TALENT),
      '{"id": "t-2", "name": "T", ',
      '',
      JSON.stringify({ ...VALID_TALENT }),
      JSON.stringify({ ...VALID_TALENT, id: 't-3', industries: ['nope'] }),
    ];
    const dir = tempData({ 'platforms.jsonl': JSON.stringify(VALID_PLATFORM), 'talents.jsonl': lines.join('\n') });
    const err = await loadError(dir);
    const byLine = new Map(err.issues.map((i) => [i.line, i]));
    expect(byLine.get(2)!.expected).toBe('one JSON object per line');
    expect(byLine.get(4)!.path).toBe('id');
    expect(byLine.get(4)!.expected).toContain('unique within the file (first used at line 1)');
    expect(byLine.get(5)!.path).toBe('industries[0]');
    expect(err.issues).toHaveLength(3);
  });

  it('caps the listed problems and counts the rest', async () => {
    const lines = Array.from({ length: 250 }, (_, i) => JSON.stringify({ ...VALID_TALENT, id: `t-${i}`, teamSize: -1 }));
    const dir = tempData({ 'platforms.jsonl': JSON.stringify(VALID_PLATFORM), 'talents.jsonl': lines.join('\n') });
    const err = await loadError(dir);
    expect(err.issues.length).toBe(100);
    expect(err.omitted).toBe(150);
  });

  it('a "__proto__" key in an id-keyed object is refused with its path (zod dropped it unreported: the entry was lost)', async () => {
    // written as text: JSON.stringify of an object literal cannot hold an own __proto__ key
    const platform = JSON.stringify({ ...VALID_PLATFORM, id: 'p-2' }).replace('"industries":{', '"industries":{"__proto__":0.9,');
    const dir = tempData({ 'platforms.jsonl': `${JSON.stringify(VALID_PLATFORM)}\n${platform}\n`, 'talents.jsonl': '' });
    writeFileSync(join(dir, 'policy.json'), '{"industryPriority":{"financial-services":1,"__proto__":0.5},"assignmentFloors":{"__proto__":2},"minScoreForReferral":0.1}');
    const msgs = (await loadError(dir)).issues.map(formatIssue);
    expect(msgs).toEqual([
      `${join(dir, 'policy.json')} industryPriority.__proto__: expected an id other than "__proto__", got 0.5`,
      `${join(dir, 'policy.json')} assignmentFloors.__proto__: expected an id other than "__proto__", got 2`,
      `${join(dir, 'platforms.jsonl')}:2 industries.__proto__: expected an id other than "__proto__", got 0.9`,
    ]);
    // the same key as a string value or a field's text is data, not a key: loads
    const ok = tempData({ 'platforms.jsonl': JSON.stringify({ ...VALID_PLATFORM, description: '"__proto__":1' }) + '\n', 'talents.jsonl': '' });
    await expect(loadDataset({ data: ok }, { needTalents: true, needOutcomes: false, skipInvalid: false })).resolves.toBeDefined();
  });

  it('reports JSON array records by index, and policy / weights problems by file and path', async () => {
    const dir = tempData({ 'platforms.jsonl': JSON.stringify(VALID_PLATFORM), 'talents.jsonl': '' });
    writeFileSync(join(dir, 'industries.json'), JSON.stringify([...JSON.parse(readFileSync(join(FIX, 'industries.json'), 'utf8')), { id: 'x', name: 'X', description: 'd', keywords: 'k' }]));
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ industryPriority: { 'financial-services': 2 }, minScoreForReferral: 0.1 }));
    writeFileSync(join(dir, 'weights.json'), JSON.stringify({ text: -3, txet: 0.2 }));
    const err = await loadError(dir);
    const msgs = err.issues.map(formatIssue);
    expect(msgs).toContain(`${join(dir, 'industries.json')}[7] keywords: expected array of strings, got "k"`);
    expect(msgs).toContain(`${join(dir, 'policy.json')} industryPriority.financial-services: expected number in [0, 1], got 2`);
    expect(msgs).toContain(`${join(dir, 'weights.json')} text: expected number in [0, 1], got -3`);
    expect(msgs.some((m) => m.includes('weights.json txet: expected no such field'))).toBe(true);
  });

  it('skips bad records with --skip-invalid and lists each one', async () => {
    const lines = [JSON.stringify(VALID_TALENT), JSON.stringify({ ...VALID_TALENT, id: 't-2', teamSize: 0 }), JSON.stringify({ ...VALID_TALENT, id: 't-3', industries: ['nope'] })];
    const dir = tempData({ 'platforms.jsonl': JSON.stringify(VALID_PLATFORM), 'talents.jsonl': lines.join('\n') });
    const res = await loadDataset({ data: dir }, { needTalents: true, needOutcomes: false, skipInvalid: true });
    expect(res.dataset.talents.map((t) => t.id)).toEqual(['t-1']);
    expect(res.skipped.map((s) => s.line).sort()).toEqual([2, 3]);
  });

  it('never crashes on arbitrary lines: either loads or rejects with a coded error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v))), { maxLength: 6 }), async (lines) => {
        const dir = tempData({ 'platforms.jsonl': JSON.stringify(VALID_PLATFORM), 'talents.jsonl': lines.join('\n') });
        try {
          await loadDataset({ data: dir }, { needTalents: true, needOutcomes: false, skipInvalid: false });
        } catch (e) {
          expect(e).toBeInstanceOf(TalentmatchError);
          expect((e as TalentmatchError).code).toBe('E_INPUT');
        }
      }),
      { numRuns: 50 },
    );
  });

  it('names a missing file', async () => {
    const dir = tempData({ 'platforms.jsonl': JSON.stringify(VALID_PLATFORM) });
    const err = await loadError(dir);
    expect(err.code).toBe('E_IO');
    expect(err.message).toContain('talents.jsonl: cannot read (no such file)');
  });
});
