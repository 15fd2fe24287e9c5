/**
 * The complementary-development controls: the industry share cap and the exposure floor
 * hold on property-based inputs, and each is optimal (the cap by brute force, the floor by
 * a MILP solved with HiGHS on small instances).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CandidateLists } from '../../src/ranking/controls.js';
import { capIndustryShare, exposureFloor, shownScore, topKShown } from '../../src/ranking/controls.js';
import type { MilpSolver } from '../../src/matching/optimal.js';
import { loadHighsSolver } from '../../src/solvers/highs.js';

/** Random acceptable lists: scores on a coarse grid (ties happen), each list sorted best first, ties by platform. */
const instance = (maxT: number, maxM: number) =>
  fc
    .record({
      T: fc.integer({ min: 1, max: maxT }),
      M: fc.integer({ min: 1, max: maxM }),
      seed: fc.array(fc.array(fc.integer({ min: -3, max: 20 }), { minLength: maxM, maxLength: maxM }), { minLength: maxT, maxLength: maxT }),
    })
    .map(({ T, M, seed }): CandidateLists => {
      const ptr = new Int32Array(T + 1);
      const plat: number[] = [];
      const score: number[] = [];
      for (let t = 0; t < T; t++) {
        const row = Array.from({ length: M }, (_, p) => ({ p, s: seed[t][p] / 20 })).filter((x) => x.s > 0);
        row.sort((a, b) => b.s - a.s || a.p - b.p);
        for (const x of row) {
          plat.push(x.p);
          score.push(x.s);
        }
        ptr[t + 1] = plat.length;
      }
      return { talents: T, platforms: M, ptr, plat: Int32Array.from(plat), score: Float64Array.from(score) };
    });

function wellFormed(c: CandidateLists, shown: Int32Array[], k: number): void {
  shown.forEach((list, t) => {
    expect(list.length).toBeLessThanOrEqual(k);
    const ps = Array.from(list, (e) => c.plat[e]);
    expect(new Set(ps).size).toBe(ps.length);
    for (const e of list) expect(e >= c.ptr[t] && e < c.ptr[t + 1]).toBe(true); // the talent's own acceptable pairs, scores unchanged
    for (let j = 1; j < list.length; j++) expect(c.score[list[j - 1]] > c.score[list[j]] || (c.score[list[j - 1]] === c.score[list[j]] && c.plat[list[j - 1]] < c.plat[list[j]])).toBe(true);
  });
}

describe('industry share cap', () => {
  it('no industry above the cap; the best such list; shorter than k only when the cap forces it', () => {
    fc.assert(
      fc.property(instance(6, 9), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 10 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 9, maxLength: 9 }), (c, k, tenths, industryOf) => {
        const share = tenths / 10;
        const cap = Math.max(1, Math.floor(share * k + 1e-9));
        const shown = capIndustryShare(c, industryOf, k, share);
        wellFormed(c, shown, k);
        shown.forEach((list, t) => {
          const count = new Map<number, number>();
          for (const e of list) count.set(industryOf[c.plat[e]], (count.get(industryOf[c.plat[e]]) ?? 0) + 1);
          for (const n of count.values()) expect(n).toBeLessThanOrEqual(cap);
          // brute force: the best total over every subset of at most k items within the cap
          const items = Array.from({ length: c.ptr[t + 1] - c.ptr[t] }, (_, j) => c.ptr[t] + j);
          let best = 0;
          let bestSize = 0;
          for (let mask = 0; mask < 1 << items.length; mask++) {
            const pick = items.filter((_, j) => mask & (1 << j));
            if (pick.length > k) continue;
            const cnt = new Map<number, number>();
            let ok = true;
            for (const e of pick) {
              const n = (cnt.get(industryOf[c.plat[e]]) ?? 0) + 1;
              cnt.set(industryOf[c.plat[e]], n);
              if (n > cap) ok = false;
            }
            if (!ok) continue;
            const s = pick.reduce((a, e) => a + c.score[e], 0);
            if (s > best + 1e-12) best = s;
            bestSize = Math.max(bestSize, pick.length);
          }
          expect(list.reduce((a, e) => a + c.score[e], 0)).toBeCloseTo(best, 12);
          expect(list.length).toBe(bestSize);
        });
      }),
      { numRuns: 150 },
    );
  });
});

describe('exposure floor', () => {
  let solver: MilpSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  /** max total score with k_t places per talent and every floor met, by MILP; null when infeasible */
  function milpOptimum(c: CandidateLists, k: number, floor: Int32Array): number | null {
    const vars: string[] = [];
    const obj: string[] = [];
    const rows: string[] = [];
    const byPlat: string[][] = Array.from({ length: c.platforms }, () => []);
    for (let t = 0; t < c.talents; t++) {
      const names: string[] = [];
      for (let e = c.ptr[t]; e < c.ptr[t + 1]; e++) {
        vars.push(`x${e}`);
        obj.push(`+ ${c.score[e]} x${e}`);
        names.push(`x${e}`);
        byPlat[c.plat[e]].push(`x${e}`);
      }
      if (names.length > 0) rows.push(` t${t}: ${names.map((n) => `+ ${n}`).join(' ')} = ${Math.min(k, names.length)}`);
    }
    byPlat.forEach((names, p) => {
      if (floor[p] > 0) rows.push(` f${p}: ${names.length ? names.map((n) => `+ ${n}`).join(' ') : '0 x0'} >= ${floor[p]}`);
    });
    if (vars.length === 0) return 0;
    const lp = ['Maximize', ` obj: ${obj.join(' ')}`, 'Subject To', ...rows, 'Bounds', ...vars.map((v) => ` 0 <= ${v} <= 1`), 'Binary', ` ${vars.join(' ')}`, 'End'].join('\n');
    const r = solver.solve(lp, { timeLimitSec: 20 });
    if (r.status === 'Infeasible') return null;
    expect(r.status).toBe('Optimal');
    return r.objective;
  }

  it('meets every floor it can, with the least loss (MILP); reports the rest', () => {
    let swapped = 0; // runs where the floor cost something and the MILP agreed: the check is not vacuous
    let infeasible = 0;
    fc.assert(
      fc.property(instance(8, 6), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), (c, k, m, room) => {
        const r = exposureFloor(c, k, m, room);
        wellFormed(c, r.shown, k);
        const base = topKShown(c, k);
        // every talent still shows min(k, acceptable) platforms
        r.shown.forEach((l, t) => expect(l.length).toBe(base[t].length));
        // the floor is m exactly for platforms with room and at least m acceptable talents
        for (let p = 0; p < c.platforms; p++) {
          let acc = 0;
          for (let e = 0; e < c.plat.length; e++) if (c.plat[e] === p) acc++;
          expect(r.floor[p]).toBe(room[p] && acc >= m ? m : 0);
          const shownAt = r.shown.reduce((a, l) => a + Array.from(l).filter((e) => c.plat[e] === p).length, 0);
          expect(r.exposure[p]).toBe(shownAt);
          const unmet = r.unmet.find((u) => u.platform === p);
          if (unmet) expect(unmet.missing).toBe(r.floor[p] - shownAt);
          else expect(shownAt).toBeGreaterThanOrEqual(r.floor[p]);
        }
        expect(r.loss).toBeCloseTo(shownScore(c, base) - shownScore(c, r.shown), 12);
        expect(r.loss).toBeGreaterThanOrEqual(-1e-12);
        const opt = milpOptimum(c, k, r.floor);
        if (opt === null) {
          expect(r.unmet.length).toBeGreaterThan(0);
          infeasible++;
        } else {
          expect(r.unmet).toEqual([]);
          expect(shownScore(c, r.shown)).toBeCloseTo(opt, 9);
          if (r.loss > 1e-9) swapped++;
        }
      }),
      { numRuns: 120, seed: 42 },
    );
    expect(swapped).toBeGreaterThan(10);
    expect(infeasible).toBeGreaterThan(0);
  });

  it('a known answer: one swap, the cheapest one', () => {
    // talent 0 shows platform 0 (0.9; 2 at 0.5), talent 1 shows platform 1 (0.8; 2 at 0.75); k = 1, m = 1.
    // Three floors, two talents with one place each: one floor cannot be met, and is reported.
    const c: CandidateLists = { talents: 2, platforms: 3, ptr: Int32Array.from([0, 2, 4]), plat: Int32Array.from([0, 2, 1, 2]), score: Float64Array.from([0.9, 0.5, 0.8, 0.75]) };
    const r = exposureFloor(c, 1, 1, [true, true, true]);
    expect(r.unmet).toEqual([{ platform: 2, missing: 1 }]);
    // platform 0 full (no floor): talent 1 switching to 2 would leave platform 1 at 0, so talent 0 switches (loss 0.4)
    const r2 = exposureFloor(c, 1, 1, [false, true, true]);
    expect(r2.unmet).toEqual([]);
    expect(Array.from(r2.shown[0], (e) => c.plat[e])).toEqual([2]);
    expect(Array.from(r2.shown[1], (e) => c.plat[e])).toEqual([1]);
    expect(r2.loss).toBeCloseTo(0.4, 12);
  });
});
