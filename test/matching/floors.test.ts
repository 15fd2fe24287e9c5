/**
 * Assignment floors per industry (optimal mode): on small random instances the MILP path
 * equals the brute-force optimum with the floors, the Lagrangian path (no solver) returns a
 * feasible assignment meeting them with a bound that really bounds the optimum, and floors
 * no assignment meets fail with E_INFEASIBLE.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { finishPairSet } from '../../src/matching/pairs.js';
import type { PairSet } from '../../src/matching/pairs.js';
import { seatsBind } from '../../src/matching/pairs.js';
import type { MilpSolver } from '../../src/matching/optimal.js';
import { feasible, optimalAssignment } from '../../src/matching/optimal.js';
import type { AssignmentFloors } from '../../src/matching/floors.js';
import { floorsFlow, floorsMet, placedByIndustry } from '../../src/matching/floors.js';
import { loadHighsSolver } from '../../src/solvers/highs.js';
import { isTalentmatchError } from '../../src/errors.js';

const D = 3;

interface Case {
  ps: PairSet;
  floors: AssignmentFloors;
}

/** pairs per talent: score on a grid (ties happen), or absent; 1..3 platforms; slots 0..2; seats binding or not. */
const instance = fc
  .record({
    N: fc.integer({ min: 1, max: 6 }),
    M: fc.integer({ min: 1, max: 3 }),
    grid: fc.array(fc.array(fc.integer({ min: -4, max: 10 }), { minLength: 3, maxLength: 3 }), { minLength: 6, maxLength: 6 }),
    ind: fc.array(fc.integer({ min: -1, max: D - 1 }), { minLength: 6, maxLength: 6 }),
    slots: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 3, maxLength: 3 }),
    seatNeed: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 6, maxLength: 6 }),
    seatCap: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 3, maxLength: 3 }),
    bindSeats: fc.boolean(),
    min: fc.array(fc.constantFrom(0, 0, 1, 1, 2), { minLength: D, maxLength: D }),
  })
  .map(({ N, M, grid, ind, slots, seatNeed, seatCap, bindSeats, min }): Case => {
    const tPtr = new Int32Array(N + 1);
    const plat: number[] = [];
    const s: number[] = [];
    for (let t = 0; t < N; t++) {
      const row = Array.from({ length: M }, (_, p) => ({ p, s: grid[t][p] / 10 })).filter((x) => x.s > 0);
      row.sort((a, b) => b.s - a.s || a.p - b.p);
      for (const x of row) {
        plat.push(x.p);
        s.push(x.s);
      }
      tPtr[t + 1] = plat.length;
    }
    const S = Float64Array.from(s);
    const seats = bindSeats ? Int32Array.from(seatNeed.slice(0, N)) : new Int32Array(N);
    const freeSeats = bindSeats ? Int32Array.from(seatCap.slice(0, M)) : new Int32Array(M).fill(100);
    const ps = finishPairSet(N, M, tPtr, Int32Array.from(plat), S, S, S, seats, Int32Array.from(slots.slice(0, M)), freeSeats);
    // a floor above the talents of an industry with a pair is plainly infeasible: keep most floors within that count
    const withPairs = (d: number) => Array.from({ length: N }, (_, t) => t).filter((t) => ind[t] === d && tPtr[t + 1] > tPtr[t]).length;
    const floor = Int32Array.from(min, (n, d) => (d === 2 ? n : Math.min(n, withPairs(d))));
    return { ps, floors: { industryOf: Int32Array.from(ind.slice(0, N)), min: floor, names: ['a', 'b', 'c'] } };
  });

/** Brute force over every assignment: the best total meeting slots, seats and floors; null when none does. */
function bruteForce({ ps, floors }: Case): number | null {
  let best: number | null = null;
  const pairOf = new Int32Array(ps.talents).fill(-1);
  const rec = (t: number) => {
    if (t === ps.talents) {
      if (!feasible(ps, pairOf) || !floorsMet(ps, pairOf, floors)) return;
      let v = 0;
      for (let u = 0; u < ps.talents; u++) if (pairOf[u] >= 0) v += ps.s[pairOf[u]];
      if (best === null || v > best) best = v;
      return;
    }
    pairOf[t] = -1;
    rec(t + 1);
    for (let e = ps.tPtr[t]; e < ps.tPtr[t + 1]; e++) {
      pairOf[t] = e;
      rec(t + 1);
    }
    pairOf[t] = -1;
  };
  rec(0);
  return best;
}

function attempt(c: Case, solver?: MilpSolver) {
  try {
    return { r: optimalAssignment(c.ps, { floors: c.floors, ...(solver ? { solver, milpMaxPairs: 1000 } : {}) }) };
  } catch (e) {
    if (isTalentmatchError(e) && e.code === 'E_INFEASIBLE') return { infeasible: e.message };
    throw e;
  }
}

describe('assignment floors', () => {
  let solver: MilpSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  it('the MILP path equals the brute-force optimum with the floors; infeasible floors fail with E_INFEASIBLE', () => {
    let binding = 0; // cases where the floors change the optimum: the check is not vacuous
    let infeasible = 0;
    fc.assert(
      fc.property(instance, (c) => {
        const opt = bruteForce(c);
        const got = attempt(c, solver);
        if (opt === null) {
          expect(got.infeasible).toMatch(/policy\.assignmentFloors/);
          infeasible++;
          return;
        }
        const r = got.r!;
        expect(r.method).toBe(c.floors.min.some((n) => n > 0) ? 'milp' : c.ps.plat.length > 0 && seatsBind(c.ps) ? 'milp' : 'min-cost-flow');
        expect(feasible(c.ps, r.pairOf)).toBe(true);
        expect(floorsMet(c.ps, r.pairOf, c.floors)).toBe(true);
        expect(r.totalScore).toBeCloseTo(opt, 9);
        expect(r.bound).toBe(r.totalScore);
        const placed = placedByIndustry(c.ps, r.pairOf, c.floors);
        if (c.floors.min.every((n) => n === 0)) expect(r.floors).toBeUndefined();
        else expect(r.floors).toEqual([0, 1, 2].filter((d) => c.floors.min[d] > 0).map((d) => ({ industry: c.floors.names[d], min: c.floors.min[d], placed: placed[d] })));
        const free = bruteForce({ ...c, floors: { ...c.floors, min: new Int32Array(D) } })!;
        if (free > opt + 1e-9) binding++;
      }),
      { numRuns: 300 },
    );
    expect(binding).toBeGreaterThan(5);
    expect(infeasible).toBeGreaterThan(5);
  });

  it('the Lagrangian path (no solver): feasible, floors met, total <= optimum <= bound; fails only when the floors are infeasible (or, with binding seats, not found)', () => {
    let exact = 0;
    let found = 0;
    let notFound = 0;
    fc.assert(
      fc.property(instance, (c) => {
        const opt = bruteForce(c);
        const got = attempt(c);
        if (opt === null) {
          expect(got.infeasible).toBeDefined();
          return;
        }
        if (got.infeasible !== undefined) {
          // the slots allow the floors; only seats can keep the heuristic from a solution
          expect(seatsBind(c.ps)).toBe(true);
          expect(got.infeasible).toMatch(/within the free seats/);
          notFound++;
          return;
        }
        const r = got.r!;
        found++;
        expect(feasible(c.ps, r.pairOf)).toBe(true);
        expect(floorsMet(c.ps, r.pairOf, c.floors)).toBe(true);
        expect(r.totalScore).toBeLessThanOrEqual(opt + 1e-9);
        expect(r.bound).toBeGreaterThanOrEqual(opt - 1e-9);
        expect(r.gap).toBeCloseTo(r.bound > 0 ? (r.bound - r.totalScore) / r.bound : 0, 12);
        if (Math.abs(r.totalScore - opt) < 1e-9) exact++;
      }),
      { numRuns: 300 },
    );
    expect(found).toBeGreaterThan(60);
    expect(exact).toBeGreaterThanOrEqual(0.9 * found);
    expect(notFound).toBeLessThan(10);
  });

  it('a known answer: the floor places a weaker talent of the priority industry, and the flow says how many fit', () => {
    // talents 0 (industry a, 0.9) and 1 (industry b, 0.4) both want platform 0, one slot
    const S = Float64Array.from([0.9, 0.4]);
    const ps = finishPairSet(2, 1, Int32Array.from([0, 1, 2]), Int32Array.from([0, 0]), S, S, S, new Int32Array(2), Int32Array.from([1]), Int32Array.from([10]));
    const floors: AssignmentFloors = { industryOf: Int32Array.from([0, 1]), min: Int32Array.from([0, 1, 0]), names: ['a', 'b', 'c'] };
    for (const o of [{}, { solver, milpMaxPairs: 100 }]) {
      const r = optimalAssignment(ps, { ...o, floors });
      expect(Array.from(r.pairOf)).toEqual([-1, 1]);
      expect(r.totalScore).toBeCloseTo(0.4, 12);
      expect(r.floors).toEqual([{ industry: 'b', min: 1, placed: 1 }]);
      expect(r.bound).toBeCloseTo(0.4, 9);
    }
    expect(Array.from(optimalAssignment(ps, {}).pairOf)).toEqual([0, -1]);
    // two of b: one slot -> infeasible, named
    const two = { ...floors, min: Int32Array.from([0, 2, 0]) };
    expect(() => optimalAssignment(ps, { floors: two })).toThrow(/"b" needs 2, at most 1 placeable/);
    expect(floorsFlow(ps, two).routed[1]).toBe(1);
  });
});
