import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { platformProposing, talentProposing } from '../../src/matching/stable.js';
import { resolveBlocking } from '../../src/matching/repair.js';
import { countBlockingPairs } from '../../src/matching/blocking.js';
import { seatsBind } from '../../src/matching/pairs.js';
import { allPlans, bruteBlocking, feasiblePlan, instanceArb, planOf, toPairSet } from './instances.js';

describe('stable assignment (property-based)', () => {
  it('respects capacity, assigns each talent at most once, uses only acceptable pairs; blocking count matches brute force', () => {
    fc.assert(
      fc.property(instanceArb({ maxN: 8, maxM: 4 }), fc.constantFrom('talent', 'platform'), fc.boolean(), (r, proposer, repair) => {
        const ps = toPairSet(r);
        let m = proposer === 'talent' ? talentProposing(ps) : platformProposing(ps);
        if (repair) m = resolveBlocking(ps, m);
        for (let t = 0; t < r.N; t++) if (m.pairOf[t] >= 0) expect(ps.talentOf[m.pairOf[t]]).toBe(t);
        const plan = planOf(ps, m.pairOf);
        expect(feasiblePlan(r, plan)).toBe(true);
        expect(countBlockingPairs(ps, m)).toBe(bruteBlocking(r, plan));
      }),
      { numRuns: 400 },
    );
  });

  it('reaches zero blocking pairs whenever seats do not bind, for either proposer', () => {
    fc.assert(
      fc.property(instanceArb({ maxN: 10, maxM: 4, nonBinding: true }), (r) => {
        const ps = toPairSet(r);
        expect(seatsBind(ps)).toBe(false);
        for (const m of [talentProposing(ps), platformProposing(ps)]) expect(bruteBlocking(r, planOf(ps, m.pairOf))).toBe(0);
      }),
      { numRuns: 400 },
    );
  });

  it('with one seat per talent, talent-proposing is talent-optimal among all stable assignments (enumeration)', () => {
    fc.assert(
      fc.property(instanceArb({ maxN: 5, maxM: 3, oneSeat: true }), (r) => {
        const ps = toPairSet(r);
        const mine = planOf(ps, talentProposing(ps).pairOf);
        const rank = (t: number, p: number) => (p < 0 ? -Infinity : r.cells[t][p]![0] * 1000 - p); // higher is better; ties by id
        let stableCount = 0;
        for (const plan of allPlans(r)) {
          if (bruteBlocking(r, plan) !== 0) continue;
          stableCount++;
          for (let t = 0; t < r.N; t++) expect(rank(t, mine[t])).toBeGreaterThanOrEqual(rank(t, plan[t]));
        }
        expect(bruteBlocking(r, mine)).toBe(0);
        expect(stableCount).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('with one seat per talent, platform-proposing is platform-optimal: no talent is better off than in the talent-proposing result', () => {
    fc.assert(
      fc.property(instanceArb({ maxN: 6, maxM: 3, oneSeat: true }), (r) => {
        const ps = toPairSet(r);
        const tp = planOf(ps, talentProposing(ps).pairOf);
        const pp = planOf(ps, platformProposing(ps).pairOf);
        const rank = (t: number, p: number) => (p < 0 ? -Infinity : r.cells[t][p]![0] * 1000 - p);
        for (let t = 0; t < r.N; t++) expect(rank(t, tp[t])).toBeGreaterThanOrEqual(rank(t, pp[t]));
      }),
      { numRuns: 300 },
    );
  });
});
