import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { optimalSlots } from '../../src/matching/slots.js';
import { optimalOnPlatformGraph } from '../../src/matching/flow.js';
import { feasible } from '../../src/matching/optimal.js';
import type { PairSet } from '../../src/matching/pairs.js';
import { finishPairSet } from '../../src/matching/pairs.js';
import type { MilpSolver } from '../../src/matching/optimal.js';
import { loadHighsSolver } from '../../src/solvers/highs.js';
import { syntheticPairSet } from '../../bench/pairsets.js';
import { certificateViolation, dualGap } from './certificate.js';
import { allPlans, feasiblePlan, instanceArb, planOf, planScore, toPairSet } from './instances.js';
import type { RawInstance } from './instances.js';

let solver: MilpSolver;
beforeAll(async () => {
  solver = await loadHighsSolver();
});

const brute = (r: RawInstance) => Math.max(0, ...[...allPlans(r)].map((plan) => planScore(r, plan)));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

/** The transportation LP with HiGHS (slots only; seats ignored), written from the pair set. */
function lpOptimum(ps: PairSet): number {
  const E = ps.plat.length;
  if (E === 0) return 0;
  const rows: string[] = [];
  for (let t = 0; t < ps.talents; t++) if (ps.tPtr[t + 1] > ps.tPtr[t]) rows.push(` a${t}: ${Array.from({ length: ps.tPtr[t + 1] - ps.tPtr[t] }, (_, i) => `x${ps.tPtr[t] + i}`).join(' + ')} <= 1`);
  for (let p = 0; p < ps.platforms; p++) if (ps.pPtr[p + 1] > ps.pPtr[p]) rows.push(` b${p}: ${Array.from(ps.pPair.subarray(ps.pPtr[p], ps.pPtr[p + 1]), (e) => `x${e}`).join(' + ')} <= ${ps.freeSlots[p]}`);
  const obj = Array.from(ps.s, (v, e) => `${v} x${e}`).join(' + ');
  const lp = ['Maximize', ` z: ${obj}`, 'Subject To', ...rows, 'Bounds', ...Array.from(ps.s, (_, e) => ` 0 <= x${e} <= 1`), 'End'].join('\n');
  const r = solver.solve(lp, { timeLimitSec: 30 });
  expect(r.status).toBe('Optimal');
  return r.objective;
}

/** A pair set with scores drawn by `score` (every pair acceptable unless `keep` says no). */
function grid(N: number, M: number, slots: (p: number) => number, score: (t: number, p: number) => number, keep: (t: number, p: number) => boolean = () => true): PairSet {
  const tPtr = new Int32Array(N + 1);
  const plat: number[] = [];
  const s: number[] = [];
  for (let t = 0; t < N; t++) {
    const l = Array.from({ length: M }, (_, p) => p).filter((p) => keep(t, p)).sort((a, b) => score(t, b) - score(t, a) || a - b);
    for (const p of l) {
      plat.push(p);
      s.push(score(t, p));
    }
    tPtr[t + 1] = plat.length;
  }
  const sv = Float64Array.from(s);
  return finishPairSet(N, M, tPtr, Int32Array.from(plat), sv, sv, sv, new Int32Array(N).fill(1), Int32Array.from({ length: M }, (_, p) => slots(p)), new Int32Array(M).fill(1e6));
}

const check = (ps: PairSet, o: Parameters<typeof optimalSlots>[2] = {}) => {
  const r = optimalSlots(ps, ps.freeSlots, o);
  expect(feasible(ps, r.pairOf)).toBe(true);
  expect(certificateViolation(ps, r)).toBeLessThan(1e-9);
  expect(dualGap(ps, r.pairOf, r.potentials)).toBeLessThan(1e-9 * Math.max(1, r.totalScore));
  return r;
};

describe('exact slots-only optimum (auction prices + warm-started flow + pricing)', () => {
  it('equals brute force on small instances, from its own prices, from random prices, and with one candidate per talent', () => {
    fc.assert(
      fc.property(instanceArb({ maxN: 6, maxM: 3, nonBinding: true }), fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: 3, maxLength: 3 }), (r, w) => {
        const ps = toPairSet(r);
        const best = brute(r);
        for (const o of [{}, { prices: Float64Array.from(w.slice(0, r.M)) }, { candidates: 1 }]) {
          const res = check(ps, o);
          expect(feasiblePlan(r, planOf(ps, res.pairOf))).toBe(true);
          expect(res.totalScore).toBeCloseTo(best, 9);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('equals the cold flow and the HiGHS transportation LP on random instances (unassigned talents, empty platforms, ties)', () => {
    fc.assert(
      fc.property(instanceArb({ maxN: 60, maxM: 8, nonBinding: true }), fc.integer({ min: 1, max: 4 }), (r, K) => {
        const ps = toPairSet(r);
        const res = check(ps, { candidates: K });
        expect(rel(res.totalScore, optimalOnPlatformGraph(ps).totalScore)).toBeLessThan(1e-9);
        expect(rel(res.totalScore, lpOptimum(ps))).toBeLessThan(1e-9);
      }),
      { numRuns: 60 },
    );
  });

  it("on large contested instances: the cold flow's optimum, certified, in every shape", () => {
    const shapes: [string, PairSet][] = [
      ['dense, slots = talents', syntheticPairSet({ talents: 2000, platforms: 200, prefs: 200, slots: 10, seed: 5 })],
      ['candidate lists of 30, slots = talents', syntheticPairSet({ talents: 3000, platforms: 300, prefs: 30, slots: 10, seed: 6 })],
      ['slots > talents', syntheticPairSet({ talents: 1000, platforms: 200, prefs: 200, slots: 10, seed: 7 })],
      ['slots < talents', syntheticPairSet({ talents: 3000, platforms: 100, prefs: 100, slots: 10, seed: 8 })],
      ['platforms with 0 slots, talents with no pair', grid(800, 60, (p) => (p % 7 === 0 ? 0 : 9), (t, p) => ((t * 31 + p * 17) % 97) / 97, (t, p) => t % 50 !== 0 && (t + p) % 3 !== 0)],
      ['coarse scores (many ties)', grid(900, 40, () => 20, (t, p) => ((t * 7 + p * 13) % 6) / 6 + 1 / 6)],
      ['negative scores (the Lagrangian passes adjusted ones)', grid(600, 30, () => 15, (t, p) => ((t * 11 + p * 5) % 21) / 10 - 1)],
    ];
    for (const [name, ps] of shapes) {
      const res = check(ps);
      const cold = optimalOnPlatformGraph(ps);
      expect(rel(res.totalScore, cold.totalScore), name).toBeLessThan(1e-9);
    }
  });

  it('free slots at a positive price are given back by the backward search, not cut: the optimum from prices far too high or uneven', () => {
    // every platform priced above every score: step 1 keeps no talent, so every slot is a
    // free slot at a positive price and the backward search brings each talent in
    const ps = syntheticPairSet({ talents: 1500, platforms: 150, prefs: 40, slots: 10, seed: 9 });
    const cold = optimalOnPlatformGraph(ps).totalScore;
    const high = check(ps, { prices: new Float64Array(ps.platforms).fill(5), candidates: 40 });
    expect(rel(high.totalScore, cold)).toBeLessThan(1e-9);
    expect(high.kept).toBe(ps.talents); // step 1 + 1b placed them all: nothing left for steps 3-4
    expect(high.restored).toBe(0);
    // uneven prices: half the platforms far too high, half at 0
    const uneven = check(ps, { prices: Float64Array.from({ length: ps.platforms }, (_, p) => (p % 2 ? 3 : 0)), candidates: 40 });
    expect(rel(uneven.totalScore, cold)).toBeLessThan(1e-9);
    expect(uneven.restored).toBe(0);
  });

  it('the certificate can fail: a bent potential or a worse assignment shows a gap', () => {
    const ps = syntheticPairSet({ talents: 600, platforms: 40, prefs: 40, slots: 10, seed: 2 });
    const r = check(ps);
    const bent = Float64Array.from(r.potentials);
    bent[ps.talents + 3] += 0.01;
    expect(certificateViolation(ps, { pairOf: r.pairOf, potentials: bent })).toBeGreaterThan(1e-3);
    const worse = r.pairOf.slice();
    worse[worse.findIndex((e) => e >= 0)] = -1;
    expect(dualGap(ps, worse, r.potentials)).toBeGreaterThan(1e-3);
  });

  it('tie rule: with every score equal, earlier talents keep their first listed platform; the output is the same bytes on every run', () => {
    // 3 talents, 2 platforms of 1 slot, all scores 0.5: the lists are in platform order (ties by id)
    const tied = grid(3, 2, () => 1, () => 0.5);
    const r = check(tied);
    expect(Array.from(r.pairOf, (e) => (e < 0 ? -1 : tied.plat[e]))).toEqual([0, 1, -1]);
    const ps = grid(900, 40, () => 20, (t, p) => ((t * 7 + p * 13) % 6) / 6 + 1 / 6);
    const a = optimalSlots(ps);
    for (let i = 0; i < 3; i++) expect(Buffer.from(optimalSlots(ps).pairOf.buffer).equals(Buffer.from(a.pairOf.buffer))).toBe(true);
  });
});
