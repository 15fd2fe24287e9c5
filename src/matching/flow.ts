/**
 * Exact optimal assignment when only slots bind: a transportation problem, solved as a
 * min-cost flow by successive shortest paths in its incremental (Hungarian) form.
 *
 * Network: every talent sends one unit either to a platform (cost -score, capacity 1 per
 * pair; the platform passes at most its free slots to the sink) or to a dummy node D
 * ("unassigned", cost 0, unlimited). Talents are added one at a time; after each addition
 * the flow is a min-cost flow of the talents added so far, by a Dijkstra (with Johnson
 * potentials) from the new talent to the sink over the residual graph:
 *
 *   talent u -> platform p   (u not routed to p)       cost -score(u, p)
 *   platform p -> talent u   (u routed to p)           cost +score(u, p)
 *   talent u -> D            (u routed to a platform)   cost 0
 *   platform p -> sink       (p has a free slot)        cost 0
 *   D -> sink                                          cost 0
 *
 * Residual edges D -> u (u unassigned) are never needed: a path through one would close a
 * cycle through sink -> D, and optimality of the current flow rules out negative cycles,
 * so D -> sink directly is never worse.
 *
 * The Dijkstra stops when the sink is settled; settled nodes' potentials move by
 * d(v) - d(sink) and the rest implicitly by 0 (a global shift that cancels in reduced
 * costs), so each addition touches only what it explores. The transportation LP is
 * integral, so the result is the LP optimum. Reduced costs that rounding makes slightly
 * negative are clamped at 0.
 *
 * Two kernels run this scheme (optimalBySlots picks one). optimalOnTalentGraph: the
 * Dijkstra runs over platform nodes, with dense arrays and no heap. A routed
 * talent has exactly one incoming residual edge (from the platform it is routed to), so its
 * distance is final the moment that platform is settled: it is relaxed right then, one
 * pass over its pairs. Per settled platform that is (its talents) x (their pairs) of
 * typed-array work plus a scan of the platforms reached so far for the next minimum,
 * instead of a heap push per improved edge and a heap node per talent (docs/PERFORMANCE.md).
 * Potentials of talents relaxed early move by min(d, d(sink)) - d(sink), which keeps every
 * reduced cost non-negative (min of two feasible potentials is feasible).
 * optimalOnPlatformGraph (below) folds the talents away entirely: one M-cell row per
 * settled platform.
 */
import type { PairSet } from './pairs.js';
import type { Matching } from './types.js';
import { optimalOnPlatformGraph } from './flowPlatform.js';
import { optimalOnTalentGraph } from './flowTalent.js';
import { defaultAssignOptions } from '../config/assignment.js';

export { optimalOnPlatformGraph, optimalOnTalentGraph };

export interface FlowResult extends Matching {
  totalScore: number;
  /** nodes settled over all Dijkstra runs (work measure) */
  settled: number;
  /** final node potentials (talents, then platforms), certifying optimality: every residual edge has reduced cost >= 0 */
  potentials: Float64Array;
}

/**
 * Exact slots-only optimum. Up to `platformGraphMax` platforms (default `defaultAssignOptions.platformGraphMax`, 4,000: an M x M
 * table of 12 bytes per cell) the Dijkstra runs on the platform graph (optimalOnPlatformGraph);
 * beyond, on the talent graph (optimalOnTalentGraph). Both give an optimum of the same value.
 */
export function optimalBySlots(ps: PairSet, platformCap: Int32Array = ps.freeSlots, o: { platformGraphMax?: number } = {}): FlowResult {
  return ps.platforms <= (o.platformGraphMax ?? defaultAssignOptions.platformGraphMax) ? optimalOnPlatformGraph(ps, platformCap) : optimalOnTalentGraph(ps, platformCap);
}

