/**
 * Optimal assignment: maximise the sum of reciprocal scores under slot and seat limits.
 *
 *  - Seats do not bind (contract test: free seats >= free slots x largest seat need of an
 *    acceptable talent): exact min-cost flow (./flow.ts). The transportation LP is
 *    integral, so `bound` equals `totalScore` and the gap is 0.
 *  - Seats bind and the instance has at most `milpMaxPairs` pairs: the exact MILP
 *    (binary x per pair; one platform per talent; slots and seats per platform) solved by an
 *    injected solver (HiGHS). Optimal status -> exact; `bound` is the proven optimum.
 *  - Otherwise (or when the solver stops at its time limit): "flow + seat repair". Solve the
 *    slots-only flow (an upper bound: it relaxes the seat rows), then, per platform whose
 *    seats overflow, drop assigned talents in increasing order of score per seat until
 *    it fits, and finally place unassigned talents greedily (pairs by score desc, then
 *    ids) where slots and seats allow. `bound` is the LP relaxation's value when the solver
 *    can compute it (pairs <= lpMaxPairs), else the slots-only optimum; the gap to it is
 *    reported.
 */
import type { PairSet } from './pairs.js';
import { seatsBind } from './pairs.js';
import type { Matching } from './types.js';
import { optimalBySlots } from './flow.js';

export interface MilpSolver {
  name: string;
  /** Solves a CPLEX LP-format model (maximisation); values by column name. */
  solve(lp: string, o: { timeLimitSec: number }): { status: string; objective: number; values: Map<string, number> };
}

export interface OptimalOptions {
  solver?: MilpSolver;
  /** largest instance (pairs) given to the exact MILP. Default 10,000 (HiGHS-wasm solves ~8k pairs in seconds, times out past ~20k). */
  milpMaxPairs?: number;
  /** largest instance (pairs) for the LP-relaxation bound. Default 250,000. */
  lpMaxPairs?: number;
  /** solver time limit, seconds. Default 30. */
  timeLimitSec?: number;
}

export interface OptimalResult extends Matching {
  totalScore: number;
  method: 'min-cost-flow' | 'milp' | 'flow-seat-repair';
  /** an upper bound on the optimum: equal to totalScore when exact */
  bound: number;
  boundKind: 'exact' | 'lp-relaxation' | 'slots-only-optimum';
  /** (bound - totalScore) / bound, 0 when exact */
  gap: number;
}

function lpModel(ps: PairSet, integer: boolean): string {
  const E = ps.plat.length;
  const out: string[] = ['Maximize', ' obj:'];
  let line = '';
  for (let e = 0; e < E; e++) {
    line += ` + ${ps.s[e]} x${e}`;
    if (line.length > 4000) {
      out.push(line);
      line = '';
    }
  }
  if (E === 0) line += ' 0 x0';
  out.push(line, 'Subject To');
  for (let t = 0; t < ps.talents; t++) {
    if (ps.tPtr[t + 1] - ps.tPtr[t] < 2) continue;
    let row = ` t${t}:`;
    for (let e = ps.tPtr[t]; e < ps.tPtr[t + 1]; e++) row += ` + x${e}`;
    out.push(`${row} <= 1`);
  }
  for (let p = 0; p < ps.platforms; p++) {
    if (ps.pPtr[p + 1] === ps.pPtr[p]) continue;
    let slots = ` s${p}:`;
    let seats = ` c${p}:`;
    for (let k = ps.pPtr[p]; k < ps.pPtr[p + 1]; k++) {
      const e = ps.pPair[k];
      slots += ` + x${e}`;
      const need = ps.seats[ps.talentOf[e]];
      if (need > 0) seats += ` + ${need} x${e}`;
    }
    out.push(`${slots} <= ${ps.freeSlots[p]}`);
    if (seats !== ` c${p}:`) out.push(`${seats} <= ${ps.freeSeats[p]}`);
  }
  out.push('Bounds');
  for (let e = 0; e < E; e++) out.push(` 0 <= x${e} <= 1`);
  if (E === 0) out.push(' 0 <= x0 <= 0');
  if (integer && E > 0) {
    out.push('Binary');
    for (let e = 0; e < E; e += 200) {
      let row = '';
      for (let j = e; j < Math.min(E, e + 200); j++) row += ` x${j}`;
      out.push(row);
    }
  }
  out.push('End');
  return out.join('\n');
}

function total(ps: PairSet, pairOf: Int32Array): number {
  let s = 0;
  for (let t = 0; t < ps.talents; t++) if (pairOf[t] >= 0) s += ps.s[pairOf[t]];
  return s;
}

/** Seat repair and greedy fill of a slots-only solution (see the module comment). */
export function repairSeats(ps: PairSet, start: Int32Array): Int32Array {
  const N = ps.talents;
  const M = ps.platforms;
  const pairOf = start.slice();
  const slotsLeft = ps.freeSlots.slice();
  const seatsLeft = ps.freeSeats.slice();
  const byPlatform: number[][] = Array.from({ length: M }, () => []);
  for (let t = 0; t < N; t++) {
    const e = pairOf[t];
    if (e < 0) continue;
    byPlatform[ps.plat[e]].push(e);
    slotsLeft[ps.plat[e]]--;
    seatsLeft[ps.plat[e]] -= ps.seats[t];
  }
  const perSeat = (e: number) => ps.s[e] / Math.max(1, ps.seats[ps.talentOf[e]]);
  for (let p = 0; p < M; p++) {
    if (seatsLeft[p] >= 0) continue;
    const l = byPlatform[p].sort((x, y) => perSeat(x) - perSeat(y) || ps.talentOf[y] - ps.talentOf[x]);
    for (const e of l) {
      if (seatsLeft[p] >= 0) break;
      const t = ps.talentOf[e];
      pairOf[t] = -1;
      slotsLeft[p]++;
      seatsLeft[p] += ps.seats[t];
    }
  }
  const order = Array.from({ length: ps.plat.length }, (_, e) => e).sort((x, y) => ps.s[y] - ps.s[x] || ps.talentOf[x] - ps.talentOf[y] || ps.plat[x] - ps.plat[y]);
  for (const e of order) {
    const t = ps.talentOf[e];
    const p = ps.plat[e];
    if (pairOf[t] >= 0 || slotsLeft[p] <= 0 || seatsLeft[p] < ps.seats[t]) continue;
    pairOf[t] = e;
    slotsLeft[p]--;
    seatsLeft[p] -= ps.seats[t];
  }
  return pairOf;
}

/** Slot and seat limits hold and each talent has at most one pair of its own. */
export function feasible(ps: PairSet, pairOf: Int32Array): boolean {
  const slots = new Int32Array(ps.platforms);
  const seats = new Int32Array(ps.platforms);
  for (let t = 0; t < ps.talents; t++) {
    const e = pairOf[t];
    if (e < 0) continue;
    if (ps.talentOf[e] !== t) return false;
    slots[ps.plat[e]]++;
    seats[ps.plat[e]] += ps.seats[t];
  }
  for (let p = 0; p < ps.platforms; p++) if (slots[p] > ps.freeSlots[p] || seats[p] > ps.freeSeats[p]) return false;
  return true;
}

/**
 * Local improvement: an unassigned talent takes a platform where it fits, or replaces the
 * assigned talent there with the lowest score whose removal makes it fit, when that raises
 * the total; the displaced talent then looks for a platform with room. Repeats until a
 * pass changes nothing (at most `passes`).
 */
export function improveBySwaps(ps: PairSet, start: Int32Array, passes = 5): Int32Array {
  const N = ps.talents;
  const M = ps.platforms;
  const pairOf = start.slice();
  const slotsLeft = ps.freeSlots.slice();
  const seatsLeft = ps.freeSeats.slice();
  const members: Set<number>[] = Array.from({ length: M }, () => new Set());
  const place = (e: number) => {
    const t = ps.talentOf[e];
    const p = ps.plat[e];
    pairOf[t] = e;
    members[p].add(e);
    slotsLeft[p]--;
    seatsLeft[p] -= ps.seats[t];
  };
  const remove = (e: number) => {
    const t = ps.talentOf[e];
    const p = ps.plat[e];
    pairOf[t] = -1;
    members[p].delete(e);
    slotsLeft[p]++;
    seatsLeft[p] += ps.seats[t];
  };
  for (let t = 0; t < N; t++) if (pairOf[t] >= 0) {
    const e = pairOf[t];
    pairOf[t] = -1;
    place(e);
  }
  const placeWithRoom = (t: number): boolean => {
    for (let e = ps.tPtr[t]; e < ps.tPtr[t + 1]; e++) {
      const p = ps.plat[e];
      if (slotsLeft[p] > 0 && seatsLeft[p] >= ps.seats[t]) {
        place(e);
        return true;
      }
    }
    return false;
  };
  for (let pass = 0; pass < passes; pass++) {
    let changed = false;
    for (let t = 0; t < N; t++) {
      if (pairOf[t] >= 0) continue;
      if (placeWithRoom(t)) {
        changed = true;
        continue;
      }
      let bestGain = 1e-12;
      let bestIn = -1;
      let bestOut = -1;
      for (let e = ps.tPtr[t]; e < ps.tPtr[t + 1]; e++) {
        const p = ps.plat[e];
        for (const u of members[p]) {
          const gain = ps.s[e] - ps.s[u];
          if (gain > bestGain && seatsLeft[p] + ps.seats[ps.talentOf[u]] >= ps.seats[t]) {
            bestGain = gain;
            bestIn = e;
            bestOut = u;
          }
        }
      }
      if (bestIn >= 0) {
        remove(bestOut);
        place(bestIn);
        placeWithRoom(ps.talentOf[bestOut]);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return pairOf;
}

export function optimalAssignment(ps: PairSet, o: OptimalOptions = {}): OptimalResult {
  if (!seatsBind(ps)) {
    const r = optimalBySlots(ps);
    return { pairOf: r.pairOf, totalScore: r.totalScore, method: 'min-cost-flow', bound: r.totalScore, boundKind: 'exact', gap: 0 };
  }
  const E = ps.plat.length;
  const timeLimitSec = o.timeLimitSec ?? 30;
  let incumbent: Int32Array | undefined;
  if (o.solver && E <= (o.milpMaxPairs ?? 10_000)) {
    const r = o.solver.solve(lpModel(ps, true), { timeLimitSec });
    if (r.values.size > 0) {
      const pairOf = new Int32Array(ps.talents).fill(-1);
      for (let e = 0; e < E; e++) if ((r.values.get(`x${e}`) ?? 0) > 0.5) pairOf[ps.talentOf[e]] = e;
      if (r.status === 'Optimal') {
        const totalScore = total(ps, pairOf);
        return { pairOf, totalScore, method: 'milp', bound: totalScore, boundKind: 'exact', gap: 0 };
      }
      if (feasible(ps, pairOf)) incumbent = pairOf; // stopped at the time limit with a solution
    }
  }
  const relaxed = optimalBySlots(ps);
  let pairOf = improveBySwaps(ps, repairSeats(ps, relaxed.pairOf));
  if (incumbent && total(ps, incumbent) > total(ps, pairOf)) pairOf = incumbent;
  const totalScore = total(ps, pairOf);
  let bound = relaxed.totalScore;
  let boundKind: OptimalResult['boundKind'] = 'slots-only-optimum';
  if (o.solver && E <= (o.lpMaxPairs ?? 250_000)) {
    const lp = o.solver.solve(lpModel(ps, false), { timeLimitSec });
    if (lp.status === 'Optimal') {
      bound = Math.min(bound, lp.objective);
      boundKind = 'lp-relaxation';
    }
  }
  bound = Math.max(bound, totalScore);
  return { pairOf, totalScore, method: 'flow-seat-repair', bound, boundKind, gap: bound > 0 ? (bound - totalScore) / bound : 0 };
}
