/**
 * Boundaries of the referral rules that the mutation sweep (scripts/mutants.mjs) found
 * untested: a talent with no industry weight at all, and a case whose suggested support
 * rounds down to exactly 0 yuan (positive merit) under a budget, and a greedy allocation of
 * a budget of exactly 0 yuan.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { recordContext, referralRecords } from '../../src/engine/formatAssignment.js';
import { allocateBudget } from '../../src/referrals/budget.js';
import { talentPriority } from '../../src/referrals/referrals.js';
import type { ScoringModel } from '../../src/scoring/kernel.js';
import { dataset, platform, talent } from '../helpers.js';

describe('talentPriority', () => {
  // two industries weighted 0.5 and 1 by the government
  const model = (industry: number[]) => ({ ctx: { dims: 2, priority: Float64Array.of(0.5, 1) }, talents: { industry: Float32Array.from(industry) } }) as unknown as ScoringModel;

  it('is the industry-weighted mean of the priorities', () => {
    expect(talentPriority(model([1, 3]), 0)).toBe((0.5 * 1 + 1 * 3) / 4);
    expect(talentPriority(model([0, 0, 2, 0]), 1)).toBe(0.5);
  });

  it('a talent with no industry weight at all has priority exactly 0, not 0/0 (mutation den > 0 -> >= 0 gives NaN)', () => {
    expect(talentPriority(model([0, 0]), 0)).toBe(0);
    expect(talentPriority(model([1, 1, 0, 0]), 1)).toBe(0);
  });
});

describe('a case whose suggested support rounds down to exactly 0 yuan', () => {
  const fin = { description: 'Venture capital for fintech payment startups.', industries: { 'financial-services': 1 }, modes: ['capital' as const] };
  // maxSupportYuan 1,000 = one rounding unit: base x merit < 1,000 for every merit < 1, so every case's support is 0 yuan
  const engine = (budget: number) => {
    const d = dataset(
      [platform('p-a', { ...fin, capacity: { slots: 3, slotsUsed: 0, seats: 40, seatsUsed: 0, capitalYuan: 9_000_000 } })],
      [
        talent('t-1', { description: 'Fintech payment startup seeking venture capital.', industries: ['financial-services'], needs: { seats: 3, capitalYuan: 2_000_000 } }),
        talent('t-2', { description: 'Payment app team seeking venture capital.', industries: ['financial-services'], needs: { seats: 2, capitalYuan: 500_000 } }),
      ],
    );
    return createEngine({ ...d, policy: { ...d.policy, maxSupportYuan: 1000, supportBudgetYuan: budget } });
  };

  for (const budget of [0, 1_000_000]) {
    it(`is not funded with code no-support, never over-budget, whatever the budget (${budget} yuan)`, () => {
      const e = engine(budget);
      const ls = [...referralRecords(recordContext(e), e.refer(e.match({ mode: 'stable' })))] as any[];
      const items = ls.filter((l) => l.direction === 'platform-to-government').flatMap((l) => l.items);
      expect(items.map((i: any) => i.talentId).sort()).toEqual(['t-1', 't-2']);
      for (const i of items) {
        expect(i.merit).toBeGreaterThan(0);
        expect(i.supportYuan).toBe(0);
        expect(i).toMatchObject({ funded: false, fundedYuan: 0, code: 'no-support' });
      }
      expect(ls[ls.length - 1]).toMatchObject({ direction: 'support-budget', budgetYuan: budget, requestedYuan: 0, allocatedYuan: 0, funded: 0, notFunded: 2 });
    });
  }
});

describe('a greedy allocation of a budget of exactly 0 yuan', () => {
  it('funds nothing, with bound 0 and gap 0, not 0/0 (mutation b <= 0 -> < 0 gives NaN)', () => {
    // maxCells 0: 2 cases x (0 budget units + 1) = 2 cells are over the limit, so greedy
    const r = allocateBudget([600_000, 1000], [0.9, 0.5], 0, 1000, 0);
    expect(r.method).toBe('greedy');
    expect([...r.funded]).toEqual([0, 0]);
    expect(r).toMatchObject({ allocatedYuan: 0, leftYuan: 0, objective: 0, bound: 0, gap: 0 });
  });

  it('a budget of exactly 1 yuan: the 1-yuan case asking exactly that is funded, the 1,000-yuan one is not; the LP bound takes 1 yuan of the better one', () => {
    const r = allocateBudget([1000, 1], [0.9, 0.5], 1, 1, 0);
    expect(r.method).toBe('greedy');
    expect([...r.funded]).toEqual([0, 1]);
    expect(r).toMatchObject({ allocatedYuan: 1, leftYuan: 0, objective: 0.5, bound: 0.9 });
    expect(r.gap).toBeCloseTo((0.9 - 0.5) / 0.9, 12);
  });
});
