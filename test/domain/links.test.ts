/**
 * Talents' links in columns (domain/links.ts): what the workers' reader keeps instead of one
 * object per talent. Oracles: talentLinks of the records (field for field, absent fields
 * absent), and checkCrossRecords over the records themselves (the same issues, in order).
 */
import { describe, expect, it } from 'vitest';
import { TalentLinkColumns, encodeLinks } from '../../src/domain/links.js';
import { checkCrossRecords, talentLinks } from '../../src/domain/validate.js';
import type { Located } from '../../src/domain/validate.js';
import type { Platform, Talent } from '../../src/domain/schemas.js';
import { JIANGDONG_INDUSTRIES } from '../../src/synth/taxonomy.js';

const talent = (id: string, extra: Partial<Talent> = {}): Talent => ({ id, name: id, description: 'A team.', ...extra }) as Talent;
const platform = (id: string, slotsUsed: number, seatsUsed: number, excludeTalents?: string[]): Platform =>
  ({ id, name: id, description: 'A park.', modes: ['capital'], industries: {}, capacity: { slots: 5, slotsUsed, seats: 50, seatsUsed, capitalYuan: 0 }, signingRate: 0.5, ...(excludeTalents ? { excludeTalents } : {}) }) as unknown as Platform;
const ind = JIANGDONG_INDUSTRIES.map((i) => i.id);

const talents: Talent[] = [
  talent('t-1', { industries: [ind[0], 'space-mining'] as never }),
  talent('t-2', { excludePlatforms: ['p-a', 'p-zz'], industries: [] }),
  talent('t-1', { excludePlatforms: [] }),
  talent('t-3', { hostedBy: 'p-nowhere' }),
  talent('t-4', { hostedBy: 'p-a', teamSize: 2 }),
  talent('t-5', { hostedBy: 'p-a', teamSize: 1, needs: { seats: 7 } as never }),
  talent('t-6', { teamSize: 1_000_000_000, industries: [ind[1], ind[0], ind[1]] }),
  talent('t-7', { needs: { seats: 0 } as never }),
];
const lines = talents.map((_, i) => 3 * i + 2);

/** The talents in columns, cut into parts of `size` (each part with its own table of names). */
function columns(size: number): TalentLinkColumns {
  const c = new TalentLinkColumns('talents.jsonl');
  for (let s = 0; s < talents.length; s += size) c.add(encodeLinks(talents.slice(s, s + size).map(talentLinks), lines.slice(s, s + size)));
  return c;
}
const located = (): Located<Talent>[] => talents.map((value, i) => ({ value, at: { file: 'talents.jsonl', line: lines[i] } }));

describe('talent links in columns', () => {
  it('read back as talentLinks of each record, at its line, for parts of 1, 3 and all', () => {
    const oracle = located().map((r) => ({ value: talentLinks(r.value), at: r.at }));
    for (const size of [1, 3, talents.length]) {
      const c = columns(size);
      expect(c.length).toBe(talents.length);
      expect([...c]).toEqual(oracle);
      expect([...c]).toEqual(oracle); // iterated again: the same
      expect(c.ids).toEqual(talents.map((t) => t.id));
      expect(Array.from(c.rows())).toEqual(talents.map((_, i) => i));
    }
    // absent fields stay absent; an empty list stays an empty list
    const [a, b, c] = [...columns(2)].map((r) => r.value);
    expect('excludePlatforms' in a || 'hostedBy' in a || 'teamSize' in a || 'needs' in a).toBe(false);
    expect(b.industries).toEqual([]);
    expect(c.excludePlatforms).toEqual([]);
    expect('industries' in c).toBe(false);
  });

  it('filter keeps the rows a predicate keeps, in order; filtered again, fewer', () => {
    const c = columns(3);
    const odd = c.filter((r) => r.at.line! % 2 === 1);
    expect(Array.from(odd.rows())).toEqual([1, 3, 5, 7]);
    expect([...odd].map((r) => r.value.id)).toEqual(['t-2', 't-3', 't-5', 't-7']);
    const fewer = odd.filter((r) => r.value.id !== 't-3');
    expect(Array.from(fewer.rows())).toEqual([1, 5, 7]);
    expect(fewer.length).toBe(3);
    expect([...fewer].map((r) => r.at.line)).toEqual([5, 17, 23]);
  });

  it('give checkCrossRecords the issues of the records themselves, in the same order', () => {
    const industries = JIANGDONG_INDUSTRIES.map((value, i) => ({ value, at: { file: 'industries.json', index: i } }));
    const platforms = [platform('p-a', 1, 2, ['t-4', 't-9']), platform('p-b', 0, 0)].map((value, i) => ({ value, at: { file: 'platforms.jsonl', line: i + 1 } }));
    const outcomes = [{ value: { talentId: 't-8', platformId: 'p-a' }, at: { file: 'outcomes.jsonl', line: 1 } }] as never;
    const oracle = checkCrossRecords({ industries, platforms, talents: located(), outcomes });
    expect(oracle.map((i) => `${i.file}:${i.line ?? ''} ${i.path}`)).toEqual([
      'talents.jsonl:8 id',
      'platforms.jsonl:1 excludeTalents[1]',
      'talents.jsonl:2 industries[1]',
      'talents.jsonl:5 excludePlatforms[1]',
      'talents.jsonl:11 hostedBy',
      'platforms.jsonl:1 capacity.slotsUsed',
      'platforms.jsonl:1 capacity.seatsUsed',
      'outcomes.jsonl:1 talentId',
    ]);
    for (const size of [1, 3]) expect(checkCrossRecords({ industries, platforms, talents: columns(size), outcomes })).toEqual(oracle);
  });
});
