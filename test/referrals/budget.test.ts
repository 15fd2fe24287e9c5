import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateBudget } from '../../src/referrals/budget.js';

/** Best objective over every subset (the oracle for small instances). */
function bruteForce(amounts: number[], merits: number[], budget: number): number {
  let best = 0;
  for (let mask = 0; mask < 1 << amounts.length; mask++) {
    let w = 0;
    let v = 0;
    for (let i = 0; i < amounts.length; i++) {
      if (mask & (1 << i)) {
        w += amounts[i];
        v += merits[i] * amounts[i];
      }
    }
    if (w <= budget && v > best) best = v;
  }
  return best;
}

describe('support budget allocation', () => {
  // greedy by merit funds the 600k case (value 540k) and then nothing fits the 400k left;
  // the optimum funds the two 500k cases (value 800k), spending the budget exactly
  const amounts = [600_000, 500_000, 500_000];
  const merits = [0.9, 0.8, 0.8];

  it('known answer: the exact allocation beats greedy and spends exactly the budget', () => {
    const r = allocateBudget(amounts, merits, 1_000_000, 1000);
    expect(r.method).toBe('dp');
    expect([...r.funded]).toEqual([0, 1, 1]);
    expect(r.allocatedYuan).toBe(1_000_000);
    expect(r.leftYuan).toBe(0);
    expect(r.objective).toBeCloseTo(800_000, 6);
    expect(r.gap).toBe(0);
    expect(r.requestedYuan).toBe(1_600_000);
  });

  it('one yuan short of two cases: only one of them fits (the budget bound is inclusive, never exceeded)', () => {
    const r = allocateBudget(amounts, merits, 999_999, 1000);
    expect(r.allocatedYuan).toBeLessThanOrEqual(999_999);
    expect([...r.funded]).toEqual([1, 0, 0]);
    expect(r.objective).toBeCloseTo(540_000, 6);
  });

  it('every case fits: all funded', () => {
    const r = allocateBudget(amounts, merits, 1_600_000, 1000);
    expect(r.method).toBe('all-fit');
    expect([...r.funded]).toEqual([1, 1, 1]);
    expect(r.leftYuan).toBe(0);
  });

  it('beyond the exact size: greedy by merit, with the LP bound and the gap reported', () => {
    const r = allocateBudget(amounts, merits, 1_000_000, 1000, 10);
    expect(r.method).toBe('greedy');
    expect([...r.funded]).toEqual([1, 0, 0]);
    expect(r.objective).toBeCloseTo(540_000, 6);
    // LP relaxation: 600k x 0.9 + 400k x 0.8
    expect(r.bound).toBeCloseTo(860_000, 6);
    expect(r.gap).toBeCloseTo((860_000 - 540_000) / 860_000, 12);
  });

  it('greedy: a case asking exactly the money left is funded', () => {
    // 600k funded (400k left), 500k does not fit, the 400k case needs exactly what is left
    const r = allocateBudget([600_000, 500_000, 400_000], [0.9, 0.8, 0.7], 1_000_000, 1000, 10);
    expect(r.method).toBe('greedy');
    expect([...r.funded]).toEqual([1, 0, 1]);
    expect(r.leftYuan).toBe(0);
  });

  it('the exact programme runs up to exactly its cell limit, greedy one cell below', () => {
    // 3 cases x (1,000 budget units + 1) = 3,003 cells
    const a = [600_000, 500_000, 500_000];
    expect(allocateBudget(a, merits, 1_000_000, 1000, 3003).method).toBe('dp');
    expect(allocateBudget(a, merits, 1_000_000, 1000, 3002).method).toBe('greedy');
  });

  it('ties: of two cases worth the same where only one fits, the one given first is funded (taken only when strictly better)', () => {
    const r = allocateBudget([600_000, 500_000, 500_000], [0.9, 0.8, 0.8], 500_000, 1000);
    expect(r.method).toBe('dp');
    expect([...r.funded]).toEqual([0, 1, 0]);
  });

  it('cases with no support or no merit are never funded', () => {
    const r = allocateBudget([0, 300_000, 200_000], [0.9, 0, 0.5], 10_000_000, 1000);
    expect([...r.funded]).toEqual([0, 0, 1]);
  });

  it('property: the exact allocation equals the brute-force optimum and never exceeds the budget; greedy stays under its bound', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ k: fc.integer({ min: 0, max: 1000 }), m: fc.double({ min: 0, max: 1, noNaN: true }) }), { maxLength: 10 }),
        fc.integer({ min: 0, max: 3000 }),
        (cases, budgetK) => {
          const a = cases.map((c) => c.k * 1000);
          const m = cases.map((c) => c.m);
          const budget = budgetK * 1000;
          const exact = allocateBudget(a, m, budget, 1000);
          expect(exact.allocatedYuan).toBeLessThanOrEqual(budget);
          expect(exact.objective).toBeCloseTo(bruteForce(a, m, budget), 3);
          const greedy = allocateBudget(a, m, budget, 1000, 0);
          expect(greedy.allocatedYuan).toBeLessThanOrEqual(budget);
          expect(greedy.objective).toBeLessThanOrEqual(exact.objective + 1e-6);
          expect(greedy.bound + 1e-6).toBeGreaterThanOrEqual(exact.objective);
        },
      ),
      { numRuns: 300, seed: 23 },
    );
  });
});
