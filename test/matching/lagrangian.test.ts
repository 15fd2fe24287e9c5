import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { dualValue, lagrangianSeats } from '../../src/matching/lagrangian.js';
import { optimalSlots } from '../../src/matching/slots.js';
import { syntheticPairSet } from '../../bench/pairsets.js';
import { feasible, improveBySwaps, optimalAssignment, repairSeats } from '../../src/matching/optimal.js';
import { buildPairSet, seatsBind } from '../../src/matching/pairs.js';
import type { MilpSolver } from '../../src/matching/optimal.js';
import { loadHighsSolver } from '../../src/solvers/highs.js';
import { loadDataset } from '../../src/adapters/files/dataset.js';
import { createEngine } from '../../src/engine/engine.js';
import { allPlans, feasiblePlan, instanceArb, planOf, planScore, toPairSet } from './instances.js';
import type { RawInstance } from './instances.js';

const bruteOptimum = (r: RawInstance) => {
  let best = 0;
  for (const plan of allPlans(r)) best = Math.max(best, planScore(r, plan));
  return best;
};
const repair = (ps: Parameters<typeof repairSeats>[0], x: Int32Array) => improveBySwaps(ps, repairSeats(ps, x));

describe('Lagrangian relaxation of the seat rows', () => {
  it('its bound is never below the brute-force optimum, its solution is feasible and never above it', () => {
    fc.assert(
      fc.property(instanceArb({ maxN: 6, maxM: 3 }), (r) => {
        const ps = toPairSet(r);
        const opt = bruteOptimum(r);
        const lr = lagrangianSeats(ps, { repair, maxIterations: 40, targetGap: 0 });
        expect(feasiblePlan(r, planOf(ps, lr.pairOf))).toBe(true);
        expect(lr.total).toBeLessThanOrEqual(opt + 1e-9);
        expect(lr.bound).toBeGreaterThanOrEqual(opt - 1e-9);
      }),
      { numRuns: 200 },
    );
  });

  it('reports progress once per iteration with a non-increasing bound and a non-decreasing best', () => {
    const r: RawInstance = {
      N: 4,
      M: 2,
      seats: [3, 2, 2, 1],
      freeSlots: [2, 2],
      freeSeats: [3, 3],
      cells: [
        [[0.9, 0.9, 0.9], [0.5, 0.5, 0.5]],
        [[0.8, 0.8, 0.8], [0.6, 0.6, 0.6]],
        [[0.7, 0.7, 0.7], [0.7, 0.7, 0.7]],
        [[0.6, 0.6, 0.6], [0.4, 0.4, 0.4]],
      ],
    } as RawInstance;
    const ps = toPairSet(r);
    const seen: { iteration: number; bound: number; best: number }[] = [];
    const lr = lagrangianSeats(ps, { repair, maxIterations: 25, targetGap: 0, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBe(lr.iterations);
    expect(seen.map((p) => p.iteration)).toEqual(Array.from({ length: lr.iterations }, (_, i) => i + 1));
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i].bound).toBeLessThanOrEqual(seen[i - 1].bound);
      expect(seen[i].best).toBeGreaterThanOrEqual(seen[i - 1].best);
    }
    expect(lr.total).toBeCloseTo(bruteOptimum(r), 9);
    expect(lr.bound).toBeGreaterThanOrEqual(lr.total);
  });

  it('stops on the time budget of the clock it is given (no clock of its own)', () => {
    const r: RawInstance = {
      N: 3, M: 1, seats: [2, 2, 2], freeSlots: [3], freeSeats: [3],
      cells: [[[0.9, 0.9, 0.9]], [[0.8, 0.8, 0.8]], [[0.7, 0.7, 0.7]]],
    } as RawInstance;
    const ps = toPairSet(r);
    let clock = 0;
    // one dual step an iteration, so the dual point is not optimal (which would stop it) before the clock does
    const lr = lagrangianSeats(ps, { repair, targetGap: -1, dualSteps: 1, now: () => (clock += 10), timeBudgetMs: 35 });
    // start reads 10; iteration k ends reading 10 + 10k; it stops once that is >= 45
    expect(lr.iterations).toBe(4);
  });
});

describe('the LP dual F(w, λ) that the bound comes from', () => {
  it('is never below the brute-force optimum, at any prices (weak duality)', () => {
    fc.assert(
      fc.property(instanceArb({ maxN: 6, maxM: 3 }), fc.array(fc.double({ min: 0, max: 1.5, noNaN: true }), { minLength: 6, maxLength: 6 }), (r, x) => {
        const ps = toPairSet(r);
        const w = Float64Array.from(x.slice(0, r.M));
        const lambda = Float64Array.from(x.slice(3, 3 + r.M));
        expect(dualValue(ps, w, lambda)).toBeGreaterThanOrEqual(bruteOptimum(r) - 1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it("at λ = 0 and the slots-only optimum's prices it equals that optimum (strong duality of the transportation LP)", () => {
    const ps = syntheticPairSet({ talents: 1200, platforms: 60, prefs: 20, slots: 15, seats: true, seed: 4 });
    const r = optimalSlots(ps, ps.freeSlots);
    const choice = new Int32Array(ps.talents);
    const F = dualValue(ps, r.prices, new Float64Array(ps.platforms), choice);
    expect(Math.abs(F - r.totalScore)).toBeLessThan(1e-9 * r.totalScore);
    // each talent's choice has the best profit under the prices: a perturbed price shows it
    for (let t = 0; t < ps.talents; t++) if (choice[t] >= 0) expect(ps.talentOf[choice[t]]).toBe(t);
    const bent = Float64Array.from(r.prices);
    bent[0] += 0.5;
    expect(dualValue(ps, bent, new Float64Array(ps.platforms))).toBeGreaterThan(F);
  });

  it('at 600 x 30 with binding seats: the bound stays at or above the HiGHS LP optimum and the gap closes to 1%', async () => {
    const solver = await loadHighsSolver();
    const ps = syntheticPairSet({ talents: 600, platforms: 30, prefs: 10, slots: 20, seats: true, seed: 12 });
    ps.freeSeats.fill(50);
    expect(seatsBind(ps)).toBe(true);
    const lp = lpRelaxation(ps, solver);
    const lr = lagrangianSeats(ps, { repair, targetGap: 0.01 });
    expect(feasible(ps, lr.pairOf)).toBe(true);
    expect(lr.bound).toBeGreaterThanOrEqual(lp - 1e-6);
    expect(lr.total).toBeLessThanOrEqual(lp + 1e-6);
    expect((lr.bound - lr.total) / lr.bound).toBeLessThanOrEqual(0.01);
  });
});

describe('the primal repair', () => {
  it('never breaks a slot or seat limit, whatever relaxed solution it starts from', () => {
    fc.assert(
      fc.property(instanceArb({ maxN: 12, maxM: 4 }), fc.array(fc.integer({ min: -1, max: 60 }), { minLength: 12, maxLength: 12 }), (r, pick) => {
        const ps = toPairSet(r);
        // each talent on an arbitrary pair of its own (or none): slots and seats may overflow anywhere
        const x = Int32Array.from({ length: ps.talents }, (_, t) => {
          const n = ps.tPtr[t + 1] - ps.tPtr[t];
          return n === 0 || pick[t] < 0 ? -1 : ps.tPtr[t] + (pick[t] % n);
        });
        const fixed = repairSeats(ps, x);
        expect(feasible(ps, fixed)).toBe(true);
        const better = improveBySwaps(ps, fixed);
        expect(feasible(ps, better)).toBe(true);
        const total = (y: Int32Array) => y.reduce((a, e) => a + (e >= 0 ? ps.s[e] : 0), 0);
        expect(total(better)).toBeGreaterThanOrEqual(total(fixed) - 1e-12);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a platform whose team needs exactly its free seats; one seat over drops exactly the lowest score per seat', () => {
    // 3 talents needing 2, 3, 1 seats at one platform with 3 slots
    const r: RawInstance = {
      N: 3, M: 1, seats: [2, 3, 1], freeSlots: [3], freeSeats: [6],
      cells: [[[0.9, 0.9, 0.9]], [[0.6, 0.6, 0.6]], [[0.2, 0.2, 0.2]]],
    } as RawInstance;
    const ps = toPairSet(r);
    const all = Int32Array.from([0, 1, 2]);
    expect(Array.from(repairSeats(ps, all))).toEqual([0, 1, 2]); // 2 + 3 + 1 = 6 seats: exactly full, nobody leaves
    ps.freeSeats[0] = 5; // one seat short: the lowest score per seat (0.6 / 3 = 0.2) leaves, then the fill finds no room for it
    expect(Array.from(repairSeats(ps, all))).toEqual([0, -1, 2]);
  });
});

describe('optimal mode when seats bind beyond the MILP size', () => {
  let solver: MilpSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  it('its bound is at least the LP relaxation (HiGHS) and its total at most that', () => {
    fc.assert(
      fc.property(instanceArb({ maxN: 30, maxM: 5 }), (r) => {
        const ps = toPairSet(r);
        const res = optimalAssignment(ps, { solver, milpMaxPairs: 0, maxIterations: 30 });
        expect(feasible(ps, res.pairOf)).toBe(true);
        if (!seatsBind(ps)) return;
        const lp = lpRelaxation(ps, solver);
        expect(res.bound).toBeGreaterThanOrEqual(lp - 1e-6);
        expect(res.totalScore).toBeLessThanOrEqual(lp + 1e-6);
        expect(res.gap).toBeCloseTo(res.bound > 0 ? (res.bound - res.totalScore) / res.bound : 0, 12);
      }),
      { numRuns: 40 },
    );
  });

  it('on the Jiangdong fixtures (seats bind): gap to the Lagrangian bound <= 1%', { timeout: 120_000 }, async () => {
    const { dataset: d } = await loadDataset({ data: 'fixtures/jiangdong' }, { needTalents: true, needOutcomes: false, skipInvalid: false });
    const ps = buildPairSet(createEngine(d, { trusted: true }).model, 0);
    expect(seatsBind(ps)).toBe(true);
    let ticks = 0;
    const res = optimalAssignment(ps, { solver, milpMaxPairs: 0, onProgress: () => ticks++, now: () => 0 });
    expect(res.method).toBe('lagrangian');
    expect(feasible(ps, res.pairOf)).toBe(true);
    expect(res.gap).toBeLessThanOrEqual(0.01);
    expect(res.iterations).toBe(ticks);
    expect(res.solveMs).toBe(0);
    expect(res.bound).toBeGreaterThanOrEqual(res.totalScore);
  });
});

function lpRelaxation(ps: ReturnType<typeof buildPairSet>, solver: MilpSolver): number {
  const E = ps.plat.length;
  const obj: string[] = [];
  for (let e = 0; e < E; e++) obj.push(`${ps.s[e]} x${e}`);
  const rows: string[] = [];
  for (let t = 0; t < ps.talents; t++) {
    const v: string[] = [];
    for (let e = ps.tPtr[t]; e < ps.tPtr[t + 1]; e++) v.push(`x${e}`);
    if (v.length) rows.push(` t${t}: ${v.join(' + ')} <= 1`);
  }
  for (let p = 0; p < ps.platforms; p++) {
    const sl: string[] = [];
    const se: string[] = [];
    for (let k = ps.pPtr[p]; k < ps.pPtr[p + 1]; k++) {
      const e = ps.pPair[k];
      sl.push(`x${e}`);
      se.push(`${ps.seats[ps.talentOf[e]]} x${e}`);
    }
    if (sl.length) rows.push(` s${p}: ${sl.join(' + ')} <= ${ps.freeSlots[p]}`, ` c${p}: ${se.join(' + ')} <= ${ps.freeSeats[p]}`);
  }
  const bounds: string[] = [];
  for (let e = 0; e < E; e++) bounds.push(` x${e} <= 1`);
  if (E === 0) return 0;
  const r = solver.solve(['Maximize', ` z: ${obj.join(' + ')}`, 'Subject To', ...rows, 'Bounds', ...bounds, 'End'].join('\n'), { timeLimitSec: 120 });
  expect(r.status).toBe('Optimal');
  return r.objective;
}
