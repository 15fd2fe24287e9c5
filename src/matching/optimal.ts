/**
 * Optimal assignment: maximise the sum of reciprocal scores under slot and seat limits.
 *
 *  - Seats do not bind (contract test: free seats >= free slots x largest seat need of an
 *    acceptable talent): exact min-cost flow, warm-started from auction prices on short
 *    candidate lists and certified over every pair (./slots.ts; the cold flow of ./flow.ts
 *    is its reference in tests). The transportation LP is integral, so `bound` equals
 *    `totalScore` and the gap is 0.
 *  - Seats bind and the instance has at most `milpMaxPairs` pairs: the exact MILP
 *    (binary x per pair; one platform per talent; slots and seats per platform) solved by an
 *    injected solver (HiGHS). Optimal status -> exact; `bound` is the proven optimum.
 *  - Otherwise (or when the solver stops at its time limit): Lagrangian relaxation of the
 *    seat rows (./lagrangian.ts): seat prices turn the problem into the slots-only flow on
 *    adjusted scores, whose value is a proven upper bound (`bound`, boundKind
 *    'lagrangian'); each relaxed solution is made seat-feasible (per platform whose seats
 *    overflow, drop assigned talents in increasing order of score per seat until it fits,
 *    then place unassigned talents greedily, pairs by score desc then ids, where they fit)
 *    and improved by swaps; the best is returned with its gap to the bound.
 */
import type { PairSet } from './pairs.js';
import { platformOrder, seatsBind } from './pairs.js';
import type { Matching } from './types.js';
import { optimalSlots } from './slots.js';
import { CapacityLedger } from './capacity.js';
import type { LagrangianProgress } from './lagrangian.js';
import { lagrangianSeats } from './lagrangian.js';
import type { AssignmentFloors, FloorOutcome } from './floors.js';
import { assertFloorsFeasible, floorOutcomes, floorRows, floorStart, floorsMet, hasFloors, lagrangianFloors } from './floors.js';
import { TalentmatchError } from '../errors.js';
import { defaultAssignOptions } from '../config/assignment.js';

export interface MilpSolver {
  name: string;
  /** Solves a CPLEX LP-format model (maximisation); values by column name. */
  solve(lp: string, o: { timeLimitSec: number }): { status: string; objective: number; values: Map<string, number> };
}

export interface OptimalOptions {
  solver?: MilpSolver;
  /** largest instance (pairs) given to the exact MILP. Default 10,000 (HiGHS-wasm solves ~8k pairs in seconds, times out past ~20k). */
  milpMaxPairs?: number;
  /** time limit, seconds, for the MILP and for the Lagrangian iterations (these need `now`). Default 30. */
  timeLimitSec?: number;
  /** a clock in ms (the core reads none): bounds the Lagrangian by timeLimitSec and gives solveMs */
  now?: () => number;
  /** Lagrangian: stop at this relative gap or after maxIterations (defaults: config/assignment.ts) */
  targetGap?: number;
  maxIterations?: number;
  /** called after each Lagrangian iteration (the CLI prints progress from it) */
  onProgress?: (p: LagrangianProgress) => void;
  /** assignment floors per industry (./floors.ts): side constraints; infeasible floors throw E_INFEASIBLE */
  floors?: AssignmentFloors;
}

export interface OptimalResult extends Matching {
  totalScore: number;
  method: 'min-cost-flow' | 'milp' | 'lagrangian';
  /** an upper bound on the optimum: equal to totalScore when exact */
  bound: number;
  boundKind: 'exact' | 'lagrangian';
  /** (bound - totalScore) / bound, 0 when exact */
  gap: number;
  /** Lagrangian iterations run */
  iterations?: number;
  /** the solver's own time (ms), when a clock was passed */
  solveMs?: number;
  /** with floors: each floor and the talents of its industry placed */
  floors?: FloorOutcome[];
}

function lpModel(ps: PairSet, integer: boolean, floors?: AssignmentFloors): string {
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
  const order = platformOrder(ps); // the rows list their pairs in the platform's order, as they always have
  for (let p = 0; p < ps.platforms; p++) {
    if (ps.pPtr[p + 1] === ps.pPtr[p]) continue;
    let slots = ` s${p}:`;
    let seats = ` c${p}:`;
    for (let k = ps.pPtr[p]; k < ps.pPtr[p + 1]; k++) {
      const e = order[k];
      slots += ` + x${e}`;
      const need = ps.seats[ps.talentOf[e]];
      if (need > 0) seats += ` + ${need} x${e}`;
    }
    out.push(`${slots} <= ${ps.freeSlots[p]}`);
    if (seats !== ` c${p}:`) out.push(`${seats} <= ${ps.freeSeats[p]}`);
  }
  if (floors) out.push(...floorRows(ps, floors));
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

/**
 * Seat repair and greedy fill of a slots-only solution (see the module comment). The fill
 * visits the pairs of the talents left unassigned in `fillOrder`'s order; without `order`
 * it sorts only those pairs (the same relative order, far fewer than all pairs once the
 * relaxed solution is close to feasible).
 */
export function repairSeats(ps: PairSet, start: Int32Array, order?: Int32Array): Int32Array {
  const N = ps.talents;
  const M = ps.platforms;
  const pairOf = start.slice();
  const ledger = CapacityLedger.of(ps, pairOf, ps.plat);
  const byPlatform: number[][] = Array.from({ length: M }, () => []);
  for (let t = 0; t < N; t++) if (pairOf[t] >= 0) byPlatform[ps.plat[pairOf[t]]].push(pairOf[t]);
  const perSeat = (e: number) => ps.s[e] / Math.max(1, ps.seats[ps.talentOf[e]]);
  for (let p = 0; p < M; p++) {
    if (ledger.seatsLeft[p] >= 0 && ledger.slotsLeft[p] >= 0) continue;
    const l = byPlatform[p].sort((x, y) => perSeat(x) - perSeat(y) || ps.talentOf[y] - ps.talentOf[x]);
    for (const e of l) {
      if (ledger.seatsLeft[p] >= 0 && ledger.slotsLeft[p] >= 0) break;
      const t = ps.talentOf[e];
      pairOf[t] = -1;
      ledger.leave(p, t);
    }
  }
  let fill = order;
  if (!fill) {
    const open: number[] = [];
    for (let t = 0; t < N; t++) if (pairOf[t] < 0) for (let e = ps.tPtr[t]; e < ps.tPtr[t + 1]; e++) open.push(e);
    fill = fillOrder(ps, Int32Array.from(open));
  }
  for (const e of fill) {
    const t = ps.talentOf[e];
    const p = ps.plat[e];
    if (pairOf[t] >= 0 || !ledger.fits(p, t)) continue;
    pairOf[t] = e;
    ledger.join(p, t);
  }
  return pairOf;
}

/** The greedy fill's order: pairs (all, or those given) by score desc, then talent, then platform. */
function fillOrder(ps: PairSet, pairs: Int32Array = Int32Array.from({ length: ps.plat.length }, (_, e) => e)): Int32Array {
  return pairs.sort((x, y) => ps.s[y] - ps.s[x] || ps.talentOf[x] - ps.talentOf[y] || ps.plat[x] - ps.plat[y]);
}

/** Slot and seat limits hold and each talent has at most one pair of its own. */
export function feasible(ps: PairSet, pairOf: Int32Array): boolean {
  for (let t = 0; t < ps.talents; t++) if (pairOf[t] >= 0 && ps.talentOf[pairOf[t]] !== t) return false;
  return CapacityLedger.of(ps, pairOf, ps.plat).withinLimits();
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
  const ledger = new CapacityLedger(ps);
  const members: Set<number>[] = Array.from({ length: M }, () => new Set());
  const place = (e: number) => {
    const t = ps.talentOf[e];
    pairOf[t] = e;
    members[ps.plat[e]].add(e);
    ledger.join(ps.plat[e], t);
  };
  const remove = (e: number) => {
    const t = ps.talentOf[e];
    pairOf[t] = -1;
    members[ps.plat[e]].delete(e);
    ledger.leave(ps.plat[e], t);
  };
  for (let t = 0; t < N; t++) if (pairOf[t] >= 0) {
    const e = pairOf[t];
    pairOf[t] = -1;
    place(e);
  }
  const placeWithRoom = (t: number): boolean => {
    for (let e = ps.tPtr[t]; e < ps.tPtr[t + 1]; e++) {
      if (ledger.fits(ps.plat[e], t)) {
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
          if (gain > bestGain && ledger.fitsInstead(p, t, ps.talentOf[u])) {
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
  if (hasFloors(o.floors)) return optimalWithFloors(ps, o.floors, o);
  const start = o.now?.();
  const solveMs = () => (start !== undefined && o.now ? { solveMs: o.now() - start } : {});
  if (!seatsBind(ps)) {
    const r = optimalSlots(ps);
    return { pairOf: r.pairOf, totalScore: r.totalScore, method: 'min-cost-flow', bound: r.totalScore, boundKind: 'exact', gap: 0, ...solveMs() };
  }
  const E = ps.plat.length;
  const timeLimitSec = o.timeLimitSec ?? defaultAssignOptions.timeLimitSec;
  let incumbent: Int32Array | undefined;
  if (o.solver && E <= (o.milpMaxPairs ?? defaultAssignOptions.milpMaxPairs)) {
    const r = o.solver.solve(lpModel(ps, true), { timeLimitSec });
    if (r.values.size > 0) {
      const pairOf = new Int32Array(ps.talents).fill(-1);
      for (let e = 0; e < E; e++) if ((r.values.get(`x${e}`) ?? 0) > 0.5) pairOf[ps.talentOf[e]] = e;
      if (r.status === 'Optimal') {
        const totalScore = total(ps, pairOf);
        return { pairOf, totalScore, method: 'milp', bound: totalScore, boundKind: 'exact', gap: 0, ...solveMs() };
      }
      if (feasible(ps, pairOf)) incumbent = pairOf; // stopped at the time limit with a solution
    }
  }
  const lr = lagrangianSeats(ps, {
    // iteration 1's relaxed solution is the slots-only optimum, far from seat-feasible: its
    // repair only gives the first step lengths a target, so it skips the swaps
    repair: (p, relaxed, iteration) => (iteration === 1 ? repairSeats(p, relaxed) : improveBySwaps(p, repairSeats(p, relaxed))),
    ...(o.maxIterations !== undefined ? { maxIterations: o.maxIterations } : {}),
    ...(o.targetGap !== undefined ? { targetGap: o.targetGap } : {}),
    ...(o.now ? { now: o.now, timeBudgetMs: timeLimitSec * 1000 } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  let pairOf = lr.pairOf;
  if (incumbent && total(ps, incumbent) > total(ps, pairOf)) pairOf = incumbent;
  const totalScore = total(ps, pairOf);
  const bound = Math.max(lr.bound, totalScore);
  return { pairOf, totalScore, method: 'lagrangian', bound, boundKind: 'lagrangian', gap: bound > 0 ? (bound - totalScore) / bound : 0, iterations: lr.iterations, ...solveMs() };
}

/**
 * The optimum with assignment floors (./floors.ts): slot feasibility by max flow (else
 * E_INFEASIBLE), then the exact MILP with the floor rows when a solver is given and the
 * instance is small enough, else Lagrangian prices on the floors over the floor-free
 * optimum (flow or seat-Lagrangian), with the proven bound and the gap.
 */
function optimalWithFloors(ps: PairSet, floors: AssignmentFloors, o: OptimalOptions): OptimalResult {
  const start = o.now?.();
  const solveMs = () => (start !== undefined && o.now ? { solveMs: o.now() - start } : {});
  assertFloorsFeasible(ps, floors);
  const E = ps.plat.length;
  const timeLimitSec = o.timeLimitSec ?? defaultAssignOptions.timeLimitSec;
  let incumbent: Int32Array | null = null;
  if (o.solver && E <= (o.milpMaxPairs ?? defaultAssignOptions.milpMaxPairs)) {
    const r = o.solver.solve(lpModel(ps, true, floors), { timeLimitSec });
    if (r.status === 'Infeasible') {
      throw new TalentmatchError('E_INFEASIBLE', 'policy.assignmentFloors cannot all be met within the free seats (the MILP proves it; the slots alone would allow them)');
    }
    if (r.values.size > 0) {
      const pairOf = new Int32Array(ps.talents).fill(-1);
      for (let e = 0; e < E; e++) if ((r.values.get(`x${e}`) ?? 0) > 0.5) pairOf[ps.talentOf[e]] = e;
      if (r.status === 'Optimal') {
        const totalScore = total(ps, pairOf);
        return { pairOf, totalScore, method: 'milp', bound: totalScore, boundKind: 'exact', gap: 0, floors: floorOutcomes(ps, pairOf, floors), ...solveMs() };
      }
      if (feasible(ps, pairOf) && floorsMet(ps, pairOf, floors)) incumbent = pairOf;
    }
  }
  const order = fillOrder(ps);
  const seeded = floorStart(ps, floors, order);
  const first = incumbent && (!seeded || total(ps, incumbent) >= total(ps, seeded)) ? incumbent : seeded;
  const inner: OptimalOptions = {
    maxIterations: defaultAssignOptions.floorInnerIterations,
    ...(o.targetGap !== undefined ? { targetGap: o.targetGap } : {}),
  };
  const lr = lagrangianFloors(ps, floors, first, (adjusted) => optimalAssignment(adjusted, inner), {
    maxIterations: defaultAssignOptions.floorMaxIterations,
    targetGap: o.targetGap ?? defaultAssignOptions.lagrangianTargetGap,
    ...(o.now ? { now: o.now, timeBudgetMs: timeLimitSec * 1000 } : {}),
  });
  if (!lr.pairOf) {
    throw new TalentmatchError('E_INFEASIBLE', 'policy.assignmentFloors: no assignment meeting the floors within the free seats was found (the slots allow them; the heuristic path cannot prove the seats do not: give the optimal mode its MILP on a smaller instance)');
  }
  const totalScore = lr.total;
  const bound = Math.max(lr.bound, totalScore);
  const gap = bound > 0 ? (bound - totalScore) / bound : 0;
  return { pairOf: lr.pairOf, totalScore, method: 'lagrangian', bound, boundKind: 'lagrangian', gap, iterations: lr.iterations, floors: floorOutcomes(ps, lr.pairOf, floors), ...solveMs() };
}
