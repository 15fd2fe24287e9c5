/**
 * The talent rules are written once: the whole-file check (checkCrossRecords, used by every
 * command that loads a dataset) and the batch's streaming check (TalentStreamRules) give the
 * same issues, in the same words, for the same talents.
 */
import { describe, expect, it } from 'vitest';
import { TalentStreamRules, checkCrossRecords } from '../../src/domain/validate.js';
import type { Located } from '../../src/domain/validate.js';
import type { InputIssue } from '../../src/errors.js';
import type { Platform, Talent } from '../../src/domain/schemas.js';
import { JIANGDONG_INDUSTRIES } from '../../src/synth/taxonomy.js';

const platform = (id: string, slotsUsed: number, seatsUsed: number): Platform =>
  ({ id, name: id, description: 'A park.', modes: ['capital'], industries: {}, capacity: { slots: 5, slotsUsed, seats: 50, seatsUsed, capitalYuan: 0 }, signingRate: 0.5 }) as unknown as Platform;
const talent = (id: string, extra: Partial<Talent> = {}): Talent => ({ id, name: id, description: 'A team.', ...extra }) as Talent;

describe('talent rules, whole file and streamed', () => {
  it('give the same issues for duplicates, unknown industries, exclusions, hosts and over-full hosts', () => {
    const industries = JIANGDONG_INDUSTRIES.map((value, i) => ({ value, at: { file: 'industries.json', index: i } }));
    const platforms: Located<Platform>[] = [platform('p-a', 1, 2), platform('p-b', 0, 0)].map((value, i) => ({ value, at: { file: 'platforms.jsonl', line: i + 1 } }));
    const talents: Located<Talent>[] = [
      talent('t-1', { industries: ['space-mining'] as never }),
      talent('t-2', { excludePlatforms: ['p-a', 'p-zz'] }),
      talent('t-1'),
      talent('t-3', { hostedBy: 'p-nowhere' }),
      talent('t-4', { hostedBy: 'p-a', teamSize: 2 }),
      talent('t-5', { hostedBy: 'p-a', teamSize: 1 }),
    ].map((value, i) => ({ value, at: { file: 'talents.jsonl', line: i + 1 } }));
    const whole = checkCrossRecords({ industries, platforms, talents });
    const rules = new TalentStreamRules({ industryIds: new Set(JIANGDONG_INDUSTRIES.map((i) => i.id)), platformIds: new Set(['p-a', 'p-b']) });
    const streamed: InputIssue[] = [];
    for (const t of talents) streamed.push(...rules.check(t.value, t.at));
    streamed.push(...rules.hostedIssues(platforms));
    const key = (i: InputIssue) => JSON.stringify([i.file, i.line, i.path, i.expected, i.got]);
    expect(streamed.map(key).sort()).toEqual(whole.map(key).sort());
    // and they are the issues a reader expects: one per problem
    expect(streamed.map((i) => `${i.file}:${i.line ?? ''} ${i.path}`).sort()).toEqual([
      'platforms.jsonl:1 capacity.slotsUsed',
      'platforms.jsonl:1 capacity.seatsUsed',
      'talents.jsonl:1 industries[0]',
      'talents.jsonl:2 excludePlatforms[1]',
      'talents.jsonl:3 id',
      'talents.jsonl:4 hostedBy',
    ].sort());
  });
  it('name the first occurrence of a duplicate id by its line, or by its index where records have no line', () => {
    const industries = JIANGDONG_INDUSTRIES.map((value, i) => ({ value, at: { file: 'industries.json', index: i } }));
    const ids = ['t-1', 't-2', 't-1', 't-2', 't-1'];
    for (const ref of [(i: number) => ({ file: 'talents.jsonl', line: 3 * i + 2 }), (i: number) => ({ file: 'talents.json', index: i })]) {
      const talents: Located<Talent>[] = ids.map((id, i) => ({ value: talent(id), at: ref(i) }));
      const whole = checkCrossRecords({ industries, talents });
      const rules = new TalentStreamRules({ industryIds: new Set(JIANGDONG_INDUSTRIES.map((i) => i.id)) });
      const streamed = talents.flatMap((t) => rules.check(t.value, t.at));
      expect(streamed).toEqual(whole);
      expect(streamed.map((i) => i.expected)).toEqual(
        [0, 1, 0].map((first) => `an id unique within the file (first used at ${'line' in ref(0) ? `line ${3 * first + 2}` : `index ${first}`})`),
      );
      expect(streamed.map((i) => i.line ?? i.index)).toEqual('line' in ref(0) ? [8, 11, 14] : [2, 3, 4]);
    }
  });
});
