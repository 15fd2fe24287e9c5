import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { optimalAssignment, feasible } from '../../src/matching/optimal.js';
import { optimalBySlots, optimalOnPlatformGraph, optimalOnTalentGraph } from '../../src/matching/flow.js';
import type { FlowResult } from '../../src/matching/flow.js';
import type { PairSet } from '../../src/matching/pairs.js';
import { syntheticPairSet } from '../../bench/pairsets.js';
import { certificateViolation } from './certificate.js';

import type { MilpSolver } from '../../src/matching/optimal.js';
import { loadHighsSolver } from '../../src/solvers/highs.js';
import { allPlans, feasiblePlan, instanceArb, planOf, planScore, toPairSet } from './instances.js';
import type { RawInstance } from './instances.js';

let solver: MilpSolver;
beforeAll(async () => {
  solver = await loadHighsSolver();
});

const bruteOptimum = (r: RawInstance) => {
  let best = 0;
  for (const plan of allPlans(r)) best = Math.max(best, planScore(r, plan));
  return best;
};

/** The transportation LP written from the raw instance, independently of the engine's model builder. */
function transportationLp(r: RawInstance): string {
  const vars: string[] = [];
  const obj: string[] = [];
  const byT: string[][] = Array.from({ length: r.N }, () => []);
  const byP: string[][] = Array.from({ length: r.M }, () => []);
  r.cells.forEach((row, t) =>
    row.forEach((c, p) => {
      if (!c) return;
      const v = `y_${t}_${p}`;
      vars.push(v);
      obj.push(`${c[2]} ${v}`);
      byT[t].push(v);
      byP[p].push(v);
    }),
  );
  const rows = [
    ...byT.filter((l) => l.length).map((l, i) => ` a${i}: ${l.join(' + ')} <= 1`),
    ...byP.map((l, p) => (l.length ? ` b${p}: ${l.join(' + ')} <= ${r.freeSlots[p]}` : '')).filter(Boolean),
  ];
  return ['Maximize', ` z: ${obj.join(' + ') || '0 y_dummy'}`, 'Subject To', ...(rows.length ? rows : [' c: y_dummy <= 0']), 'Bounds', ...vars.map((v) => ` 0 <= ${v} <= 1`), 'End'].join('\n');
}

describe('optimal assignment', () => {
  it('equals the brute-force optimum on small instances where seats do not bind (min-cost flow)', () => {
    fc.assert(
      fc.property(instanceArb({ maxN: 6, maxM: 3, nonBinding: true }), (r) => {
        const ps = toPairSet(r);
        const res = optimalAssignment(ps, { solver });
        expect(res.method).toBe('min-cost-flow');
        expect(feasiblePlan(r, planOf(ps, res.pairOf))).toBe(true);
        expect(res.totalScore).toBeCloseTo(bruteOptimum(r), 9);
        expect(res.gap).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('equals the brute-force optimum on small instances where seats bind (HiGHS MILP)', () => {
    fc.assert(
      fc.property(instanceArb({ maxN: 6, maxM: 3 }), (r) => {
        const ps = toPairSet(r);
        const res = optimalAssignment(ps, { solver });
        expect(feasiblePlan(r, planOf(ps, res.pairOf))).toBe(true);
        expect(res.totalScore).toBeCloseTo(bruteOptimum(r), 6);
      }),
      { numRuns: 150 },
    );
  });

  it('on larger slots-only instances, equals an independent LP bound (the transportation LP is integral)', () => {
    fc.assert(
      fc.property(instanceArb({ maxN: 60, maxM: 8, nonBinding: true }), (r) => {
        const ps = toPairSet(r);
        const lp = solver.solve(transportationLp(r), { timeLimitSec: 30 });
        expect(lp.status).toBe('Optimal');
        // the platform-graph and talent-graph kernels: both optimal, both certified by their potentials
        for (const flow of [optimalBySlots(ps), optimalBySlots(ps, ps.freeSlots, { platformGraphMax: 0 }), optimalOnTalentGraph(ps), optimalOnPlatformGraph(ps)]) {
          expect(flow.totalScore).toBeCloseTo(lp.objective, 6);
          expect(feasible(ps, flow.pairOf)).toBe(true);
          expect(certificateViolation(ps, flow)).toBeLessThan(1e-9);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('the optimal kernels agree on contested dense instances and certify their optimum', () => {
    for (const seed of [1, 2, 3]) {
      const ps = syntheticPairSet({ talents: 600, platforms: 40, prefs: 40, slots: 10, seed });
      const a = optimalOnPlatformGraph(ps);
      const b = optimalOnTalentGraph(ps);
      expect(a.totalScore).toBeCloseTo(b.totalScore, 9);
      expect(a.pairOf.filter((x) => x >= 0).length).toBe(400);
      for (const f of [a, b]) expect(certificateViolation(ps, f)).toBeLessThan(1e-9);
      // the certificate can fail: a wrong potential on one platform breaks it
      const bent = { ...a, potentials: Float64Array.from(a.potentials) };
      bent.potentials[ps.talents + 3] += 0.01;
      expect(certificateViolation(ps, bent)).toBeGreaterThan(1e-3);
    }
  });

  it('beyond the MILP size, the fallback is feasible and reports an honest gap to its bound', () => {
    fc.assert(
      fc.property(instanceArb({ maxN: 40, maxM: 6 }), (r) => {
        const ps = toPairSet(r);
        const res = optimalAssignment(ps, { solver, milpMaxPairs: 0 });
        expect(feasible(ps, res.pairOf)).toBe(true);
        expect(res.bound).toBeGreaterThanOrEqual(res.totalScore - 1e-9);
        if (res.method === 'lagrangian') {
          const lp = solver.solve(transportationLp(r), { timeLimitSec: 30 });
          // a valid bound is at most the slots-only LP (it relaxes fewer constraints) and at least the solution
          expect(res.bound).toBeLessThanOrEqual(lp.objective + 1e-6);
          expect(res.gap).toBeCloseTo(res.bound > 0 ? (res.bound - res.totalScore) / res.bound : 0, 12);
        }
      }),
      { numRuns: 60 },
    );
  });
});
