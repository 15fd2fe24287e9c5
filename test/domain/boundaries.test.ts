/**
 * Boundaries of the input issues' wording that the mutation sweep (scripts/mutants.mjs)
 * found untested: a value rendered at exactly its 60-character limit, a hosted-projects
 * issue naming exactly its 5 projects, and a follow-on count of exactly 1.
 */
import { describe, expect, it } from 'vitest';
import { checkCrossRecords, renderValue } from '../../src/domain/validate.js';
import { platform, talent } from '../helpers.js';

describe('renderValue', () => {
  it('shows a value of exactly 60 characters whole; one of 61 as its first 57 and "..." (mutation > 60 -> >= 60 cuts the first)', () => {
    const s58 = 'x'.repeat(58); // JSON adds the two quotes: 60 characters
    expect(renderValue(s58)).toBe(`"${s58}"`);
    expect(renderValue(s58).length).toBe(60);
    const s59 = 'y'.repeat(59);
    expect(renderValue(s59)).toBe(`"${'y'.repeat(56)}...`);
    expect(renderValue(s59).length).toBe(60);
  });
});

describe('hosted projects over their host\'s counts', () => {
  const issueFor = (hosted: number) => {
    const talents = Array.from({ length: hosted }, (_, i) => ({ value: talent(`t-${i}`, { hostedBy: 'p-a', needs: { seats: 1 } }), at: { file: 'talents.jsonl', line: i + 1 } }));
    const platforms = [{ value: platform('p-a', { capacity: { slots: 9, slotsUsed: 0, seats: 99, seatsUsed: 99 } }), at: { file: 'platforms.jsonl', line: 1 } }];
    const issues = checkCrossRecords({ industries: [], platforms, talents });
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe('capacity.slotsUsed');
    return issues[0].expected;
  };
  const named = (n: number) => Array.from({ length: n }, (_, i) => `t-${i} (talents.jsonl:${i + 1}, 1 seats)`).join(', ');

  it('names exactly 5 of them and counts the rest (mutation who.length < 5 -> <= 5 names a sixth)', () => {
    expect(issueFor(5)).toBe(`integer >= 5: 5 projects name p-a in hostedBy (${named(5)})`);
    expect(issueFor(6)).toBe(`integer >= 6: 6 projects name p-a in hostedBy (${named(5)}, and 1 more)`);
    expect(issueFor(7)).toBe(`integer >= 7: 7 projects name p-a in hostedBy (${named(5)}, and 2 more)`);
  });
});

describe('references to rejected records, collapsed', () => {
  const gotFor = (outcomes: number) => {
    const issues = checkCrossRecords({
      industries: [],
      platforms: [],
      outcomes: Array.from({ length: outcomes }, (_, i) => ({ value: { talentId: `t-${i}`, platformId: 'p-x', outcome: 'signed' as const }, at: { file: 'outcomes.jsonl', line: i + 1 } })),
      rejected: { platforms: new Set(['p-x']) },
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'outcomes.jsonl', line: 1, path: 'platformId' });
    return issues[0].got;
  };

  it('exactly 1 reference: "1 outcome refers"; 2: "2 outcomes refer" (mutation count === 1 -> !== 1 swaps them)', () => {
    expect(gotFor(1)).toBe('"p-x", a platform rejected above (1 outcome refers to rejected platforms)');
    expect(gotFor(2)).toBe('"p-x", a platform rejected above (2 outcomes refer to rejected platforms)');
  });
});
