import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { lagrangianSeats } from '../../src/matching/lagrangian.js';
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
    const lr = lagrangianSeats(ps, { repair, targetGap: -1, now: () => (clock += 10), timeBudgetMs: 35 });
    // start reads 10; iteration k ends reading 10 + 10k; it stops once that is >= 45
    expect(lr.iterations).toBe(4);
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
