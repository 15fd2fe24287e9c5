/**
 * Assignment floors per industry (optimal mode; `policy.assignmentFloors`): at least n_d
 * talents whose main industry is d are placed. Side constraints of the optimal assignment:
 *
 *     max Σ s_e x_e   s.t. slots, seats, one platform per talent,   Σ_{e: ind(talent(e)) = d} x_e >= n_d
 *
 *  - Feasibility (`floorsFlow`, `assertFloorsFeasible`): a max flow source -> industry d (capacity n_d) ->
 *    talent of d -> acceptable platform -> sink (free slots). The floors fit the slots iff
 *    the flow reaches Σ n_d; if not, the optimal mode fails with E_INFEASIBLE naming each
 *    industry's reachable count. Seats are not in this flow: with binding seats it is a
 *    necessary check, and the MILP (or the heuristic below failing to find a solution)
 *    reports the rest.
 *  - Exact: the MILP of ./optimal.ts with one row per floor (HiGHS), when a solver is given
 *    and the instance is within `milpMaxPairs`.
 *  - At scale: Lagrangian pricing of the floors (`lagrangianFloors`). A price μ_d >= 0 per
 *    floor adds μ_d to the score of every pair of a talent of d; the floor-free optimum of
 *    the adjusted scores (the exact flow, or the seat-Lagrangian with its own bound) gives
 *
 *        L(μ) = bound_adjusted(μ) - Σ_d μ_d n_d   >=   optimum with floors
 *
 *    (weak duality), so the smallest L seen is a proven upper bound. Each relaxed solution
 *    is repaired to meet the floors (`repairFloors`: cheapest move first — place an
 *    unplaced talent of a short industry where it fits, or in place of a talent whose own
 *    industry stays at or above its floor), and the best feasible one is returned with its
 *    gap to the bound. μ moves by projected subgradient steps (Polyak, towards the best
 *    feasible total).
 */
import { TalentmatchError } from '../errors.js';
import type { PairSet } from './pairs.js';
import { CapacityLedger } from './capacity.js';

export interface AssignmentFloors {
  /** per talent: its main industry (index into `min`), -1 for none */
  industryOf: Int32Array;
  /** per industry: talents of it that must be placed (0 = no floor) */
  min: Int32Array;
  /** industry ids, for messages and the output */
  names: readonly string[];
}

/** A floor as reported in the assignment's `optimal.floors`. */
export interface FloorOutcome {
  industry: string;
  min: number;
  placed: number;
}

export function hasFloors(f: AssignmentFloors | undefined): f is AssignmentFloors {
  return f !== undefined && f.min.some((n) => n > 0);
}

/** Placed talents per industry. */
export function placedByIndustry(ps: PairSet, pairOf: ArrayLike<number>, f: AssignmentFloors): Int32Array {
  const out = new Int32Array(f.min.length);
  for (let t = 0; t < ps.talents; t++) if (pairOf[t] >= 0 && f.industryOf[t] >= 0) out[f.industryOf[t]]++;
  return out;
}

export function floorsMet(ps: PairSet, pairOf: ArrayLike<number>, f: AssignmentFloors): boolean {
  const placed = placedByIndustry(ps, pairOf, f);
  for (let d = 0; d < f.min.length; d++) if (placed[d] < f.min[d]) return false;
  return true;
}

export function floorOutcomes(ps: PairSet, pairOf: ArrayLike<number>, f: AssignmentFloors): FloorOutcome[] {
  const placed = placedByIndustry(ps, pairOf, f);
  const out: FloorOutcome[] = [];
  for (let d = 0; d < f.min.length; d++) if (f.min[d] > 0) out.push({ industry: f.names[d], min: f.min[d], placed: placed[d] });
  return out;
}

/** The floors with pinned placements counted: what the matcher still has to place (decisions). */
export function lessPinned(f: AssignmentFloors, pinnedPair: ArrayLike<number>): AssignmentFloors {
  const min = f.min.slice();
  for (let t = 0; t < pinnedPair.length; t++) if (pinnedPair[t] >= 0 && f.industryOf[t] >= 0 && min[f.industryOf[t]] > 0) min[f.industryOf[t]]--;
  return { ...f, min };
}

/**
 * The floors' max flow over the slots (Edmonds-Karp on source -> industry -> talent ->
 * platform -> sink). Returns per industry the talents routed, and per talent the pair used
 * (-1 when the talent carries no flow): a slot-feasible placement of up to n_d talents of
 * each floored industry.
 */
export function floorsFlow(ps: PairSet, f: AssignmentFloors): { routed: Int32Array; pairOf: Int32Array } {
  const D = f.min.length;
  const N = ps.talents;
  const M = ps.platforms;
  // nodes: 0 source, 1 sink, 2..2+D industries, then talents, then platforms
  const ind = (d: number) => 2 + d;
  const tal = (t: number) => 2 + D + t;
  const pla = (p: number) => 2 + D + N + p;
  const V = 2 + D + N + M;
  const head: number[] = new Array(V).fill(-1);
  const to: number[] = [];
  const cap: number[] = [];
  const next: number[] = [];
  const pairOfEdge: number[] = [];
  const edge = (a: number, b: number, c: number, pair = -1) => {
    for (const [x, y, cc] of [[a, b, c], [b, a, 0]] as const) {
      to.push(y);
      cap.push(cc);
      next.push(head[x]);
      pairOfEdge.push(pair);
      head[x] = to.length - 1;
    }
  };
  for (let d = 0; d < D; d++) if (f.min[d] > 0) edge(0, ind(d), f.min[d]);
  const usedPlatform = new Uint8Array(M);
  for (let t = 0; t < N; t++) {
    const d = f.industryOf[t];
    if (d < 0 || f.min[d] === 0 || ps.tPtr[t + 1] === ps.tPtr[t]) continue;
    edge(ind(d), tal(t), 1);
    for (let e = ps.tPtr[t]; e < ps.tPtr[t + 1]; e++) {
      edge(tal(t), pla(ps.plat[e]), 1, e);
      usedPlatform[ps.plat[e]] = 1;
    }
  }
  for (let p = 0; p < M; p++) if (usedPlatform[p] && ps.freeSlots[p] > 0) edge(pla(p), 1, ps.freeSlots[p]);
  const prevEdge = new Int32Array(V);
  const queue = new Int32Array(V);
  for (;;) {
    prevEdge.fill(-1);
    prevEdge[0] = -2;
    let qh = 0;
    let qt = 0;
    queue[qt++] = 0;
    while (qh < qt && prevEdge[1] === -1) {
      const x = queue[qh++];
      for (let a = head[x]; a >= 0; a = next[a]) {
        if (cap[a] > 0 && prevEdge[to[a]] === -1) {
          prevEdge[to[a]] = a;
          queue[qt++] = to[a];
        }
      }
    }
    if (prevEdge[1] === -1) break;
    for (let v = 1; v !== 0; v = to[prevEdge[v] ^ 1]) {
      cap[prevEdge[v]]--;
      cap[prevEdge[v] ^ 1]++;
    }
  }
  const routed = new Int32Array(D);
  for (let a = head[0]; a >= 0; a = next[a]) if (to[a] >= 2 && to[a] < 2 + D) routed[to[a] - 2] = cap[a ^ 1];
  const pairOf = new Int32Array(N).fill(-1);
  for (let t = 0; t < N; t++) {
    for (let a = head[tal(t)]; a >= 0; a = next[a]) if (pairOfEdge[a] >= 0 && (a & 1) === 0 && cap[a] === 0) pairOf[t] = pairOfEdge[a];
  }
  return { routed, pairOf };
}

/** Throws E_INFEASIBLE when the floors cannot all be met within the free slots (the max flow above). */
export function assertFloorsFeasible(ps: PairSet, f: AssignmentFloors): void {
  const { routed } = floorsFlow(ps, f);
  const short: string[] = [];
  let need = 0;
  let got = 0;
  for (let d = 0; d < f.min.length; d++) {
    if (f.min[d] === 0) continue;
    need += f.min[d];
    got += routed[d];
    if (routed[d] < f.min[d]) short.push(`${JSON.stringify(f.names[d])} needs ${f.min[d]}, at most ${routed[d]} placeable alongside the other floors`);
  }
  if (got < need) {
    throw new TalentmatchError('E_INFEASIBLE', `policy.assignmentFloors cannot all be met: at most ${got} of the ${need} required placements fit the free slots and acceptable pairs (${short.join('; ')})`);
  }
}

/**
 * Makes a matching meet the floors by the cheapest moves (see the module comment); null when
 * no move helps a short industry. Capacity holds throughout (a feasible start stays feasible).
 */
function repairFloors(ps: PairSet, start: Int32Array, f: AssignmentFloors): Int32Array | null {
  const pairOf = start.slice();
  const ledger = CapacityLedger.of(ps, pairOf, ps.plat);
  const placed = placedByIndustry(ps, pairOf, f);
  const members: Set<number>[] = Array.from({ length: ps.platforms }, () => new Set());
  for (let t = 0; t < ps.talents; t++) if (pairOf[t] >= 0) members[ps.plat[pairOf[t]]].add(pairOf[t]);
  const place = (e: number) => {
    const t = ps.talentOf[e];
    pairOf[t] = e;
    members[ps.plat[e]].add(e);
    ledger.join(ps.plat[e], t);
    if (f.industryOf[t] >= 0) placed[f.industryOf[t]]++;
  };
  const remove = (e: number) => {
    const t = ps.talentOf[e];
    pairOf[t] = -1;
    members[ps.plat[e]].delete(e);
    ledger.leave(ps.plat[e], t);
    if (f.industryOf[t] >= 0) placed[f.industryOf[t]]--;
  };
  const spare = (u: number) => {
    const d = f.industryOf[u];
    return d < 0 || placed[d] > f.min[d];
  };
  for (;;) {
    let bestLoss = Number.POSITIVE_INFINITY;
    let bestIn = -1;
    let bestOut = -1;
    for (let t = 0; t < ps.talents; t++) {
      const d = f.industryOf[t];
      if (pairOf[t] >= 0 || d < 0 || placed[d] >= f.min[d]) continue;
      for (let e = ps.tPtr[t]; e < ps.tPtr[t + 1]; e++) {
        const p = ps.plat[e];
        if (ledger.fits(p, t)) {
          if (-ps.s[e] < bestLoss) {
            bestLoss = -ps.s[e];
            bestIn = e;
            bestOut = -1;
          }
          continue;
        }
        for (const u of members[p]) {
          const tu = ps.talentOf[u];
          const loss = ps.s[u] - ps.s[e];
          if (loss < bestLoss && spare(tu) && ledger.fitsInstead(p, t, tu)) {
            bestLoss = loss;
            bestIn = e;
            bestOut = u;
          }
        }
      }
    }
    if (bestIn < 0) break;
    if (bestOut >= 0) {
      const tu = ps.talentOf[bestOut];
      remove(bestOut);
      place(bestIn);
      // the displaced talent takes its best platform with room, if any
      for (let e = ps.tPtr[tu]; e < ps.tPtr[tu + 1]; e++) {
        if (ledger.fits(ps.plat[e], tu)) {
          place(e);
          break;
        }
      }
    } else place(bestIn);
  }
  for (let d = 0; d < f.min.length; d++) if (placed[d] < f.min[d]) return null;
  return pairOf;
}

/**
 * A feasible start from the floors' flow: its placements (when they fit the seats too),
 * then every other talent greedily in `order` where it fits. null when the flow's
 * placements overflow some platform's seats.
 */
export function floorStart(ps: PairSet, f: AssignmentFloors, order: Int32Array): Int32Array | null {
  const { pairOf } = floorsFlow(ps, f);
  const ledger = CapacityLedger.of(ps, pairOf, ps.plat);
  if (!ledger.withinLimits()) return null;
  for (const e of order) {
    const t = ps.talentOf[e];
    if (pairOf[t] >= 0 || !ledger.fits(ps.plat[e], t)) continue;
    pairOf[t] = e;
    ledger.join(ps.plat[e], t);
  }
  return floorsMet(ps, pairOf, f) ? pairOf : null;
}

/** The LP rows of the floors (CPLEX LP format), for ./optimal.ts lpModel. */
export function floorRows(ps: PairSet, f: AssignmentFloors): string[] {
  const rows: string[] = [];
  const byIndustry: string[] = Array.from({ length: f.min.length }, () => '');
  for (let e = 0; e < ps.plat.length; e++) {
    const d = f.industryOf[ps.talentOf[e]];
    if (d >= 0 && f.min[d] > 0) byIndustry[d] += ` + x${e}`;
  }
  for (let d = 0; d < f.min.length; d++) if (f.min[d] > 0) rows.push(` f${d}:${byIndustry[d] === '' ? ' 0 x0' : byIndustry[d]} >= ${f.min[d]}`);
  return rows;
}

export interface FloorsLagrangian {
  pairOf: Int32Array | null;
  total: number;
  bound: number;
  iterations: number;
}

/**
 * Lagrangian pricing of the floors (module comment). `inner` solves the floor-free problem
 * on adjusted scores and returns its matching and a proven upper bound on its optimum;
 * `start` is a feasible solution (or null) that seeds the best.
 */
export function lagrangianFloors(
  ps: PairSet,
  f: AssignmentFloors,
  start: Int32Array | null,
  inner: (adjusted: PairSet) => { pairOf: Int32Array; bound: number },
  o: { maxIterations: number; targetGap: number; now?: () => number; timeBudgetMs?: number },
): FloorsLagrangian {
  const D = f.min.length;
  const total = (x: Int32Array) => {
    let s = 0;
    for (let t = 0; t < ps.talents; t++) if (x[t] >= 0) s += ps.s[x[t]];
    return s;
  };
  let best = start;
  let bestTotal = start ? total(start) : Number.NEGATIVE_INFINITY;
  let bound = Number.POSITIVE_INFINITY;
  const mu = new Float64Array(D);
  const s = new Float64Array(ps.s.length);
  let theta = 1;
  let stall = 0;
  const t0 = o.now?.();
  let it = 0;
  for (; it < o.maxIterations; it++) {
    for (let e = 0; e < s.length; e++) {
      const d = f.industryOf[ps.talentOf[e]];
      s[e] = ps.s[e] + (d >= 0 ? mu[d] : 0);
    }
    const r = inner({ ...ps, s });
    let L = r.bound;
    for (let d = 0; d < D; d++) L -= mu[d] * f.min[d];
    if (L < bound - 1e-12) {
      bound = L;
      stall = 0;
    } else if (++stall >= 5) {
      theta /= 2;
      stall = 0;
    }
    const repaired = floorsMet(ps, r.pairOf, f) ? r.pairOf : repairFloors(ps, r.pairOf, f);
    if (repaired) {
      const v = total(repaired);
      if (v > bestTotal + 1e-12) {
        best = repaired;
        bestTotal = v;
      }
    }
    if (best && bound - bestTotal <= o.targetGap * Math.abs(bound)) {
      it++;
      break;
    }
    if (t0 !== undefined && o.now && o.timeBudgetMs !== undefined && o.now() - t0 > o.timeBudgetMs) {
      it++;
      break;
    }
    // subgradient of L at μ: n_d - placed_d (L decreases along μ_d when the floor is over-met)
    const placed = placedByIndustry(ps, r.pairOf, f);
    let norm = 0;
    const g = new Float64Array(D);
    for (let d = 0; d < D; d++) if (f.min[d] > 0) {
      g[d] = f.min[d] - placed[d];
      if (g[d] < 0 && mu[d] === 0) g[d] = 0; // projected: μ cannot go below 0
      norm += g[d] * g[d];
    }
    if (norm === 0) {
      it++;
      break; // every floor met with complementary slackness: L(μ) is attained by r, which is optimal when inner is exact
    }
    const target = Number.isFinite(bestTotal) ? bestTotal : 0;
    const step = (theta * Math.max(bound - target, 1e-9)) / norm;
    for (let d = 0; d < D; d++) mu[d] = Math.max(0, mu[d] + step * g[d]);
    if (theta < 1e-6) {
      it++;
      break;
    }
  }
  return { pairOf: best, total: Number.isFinite(bestTotal) ? bestTotal : 0, bound: Math.max(bound, Number.isFinite(bestTotal) ? bestTotal : bound), iterations: it };
}
