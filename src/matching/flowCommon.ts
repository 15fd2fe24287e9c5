/**
 * What the two flow kernels (./flowTalent.ts, ./flowPlatform.ts; scheme in ./flow.ts) share:
 * their state's setup, the talents routed to each platform as doubly linked lists over
 * pairs and rerouting a talent along a path, the new talent's potential, relaxing a talent's row, the end-of-round potential
 * update and the total. Module-level functions over typed arrays passed in: closures over
 * a kernel's arrays would turn every load into a context load.
 *
 * Not shared, on purpose: the Dijkstra's settle step (settle the dummy D or the nearest
 * platform, offer the sink) stands in both kernels. It runs once per settled node and
 * updates four scalars (best, bestVia, doneD, settled) that stay in registers inline; a
 * helper would have to return or box them on the hot path.
 */
import type { PairSet } from './pairs.js';

/** The state both kernels keep (one Dijkstra's labels are reset after each round). */
export interface FlowState {
  /** stored platform potentials (true potentials minus a global shift) */
  piP: Float64Array;
  /** this round's distance of each platform (Infinity: not reached) */
  distP: Float64Array;
  /** settled in this round */
  doneP: Uint8Array;
  /** the platforms reached in this round, in the order reached */
  touched: Int32Array;
  /** the pair by which this round's path enters each platform (from a talent's row) */
  enter: Int32Array;
  /** each talent's pair, -1 when unassigned */
  pairOf: Int32Array;
  /** talents routed to each platform */
  used: Int32Array;
  /** the routed pairs of each platform: head per platform, next/prev per pair */
  headAt: Int32Array;
  nextAt: Int32Array;
  prevAt: Int32Array;
}

export function flowState(ps: PairSet): FlowState {
  const M = ps.platforms;
  const E = ps.plat.length;
  return {
    piP: new Float64Array(M),
    distP: new Float64Array(M).fill(Infinity),
    doneP: new Uint8Array(M),
    touched: new Int32Array(M),
    enter: new Int32Array(M).fill(-1),
    pairOf: new Int32Array(ps.talents).fill(-1),
    used: new Int32Array(M),
    headAt: new Int32Array(M).fill(-1),
    nextAt: new Int32Array(E).fill(-1),
    prevAt: new Int32Array(E).fill(-1),
  };
}

export function link(e: number, plat: Int32Array, headAt: Int32Array, nextAt: Int32Array, prevAt: Int32Array): void {
  const p = plat[e];
  nextAt[e] = headAt[p];
  prevAt[e] = -1;
  if (headAt[p] >= 0) prevAt[headAt[p]] = e;
  headAt[p] = e;
}

export function unlink(e: number, plat: Int32Array, headAt: Int32Array, nextAt: Int32Array, prevAt: Int32Array): void {
  const p = plat[e];
  if (prevAt[e] >= 0) nextAt[prevAt[e]] = nextAt[e];
  else headAt[p] = nextAt[e];
  if (nextAt[e] >= 0) prevAt[nextAt[e]] = prevAt[e];
}

/** Routes pair e's talent by e (unlinking the pair it was routed by); returns that old pair, or -1. */
export function reroute(e: number, talentOf: Int32Array, pairOf: Int32Array, plat: Int32Array, headAt: Int32Array, nextAt: Int32Array, prevAt: Int32Array): number {
  const u = talentOf[e];
  const old = pairOf[u];
  if (old >= 0) unlink(old, plat, headAt, nextAt, prevAt);
  pairOf[u] = e;
  link(e, plat, headAt, nextAt, prevAt);
  return old;
}

/** The potential of a talent entering the flow: makes its outgoing reduced costs non-negative. */
export function entryPotential(t: number, tPtr: Int32Array, plat: Int32Array, sc: Float64Array, piP: Float64Array, piD: number): number {
  let top = piD;
  for (let e = tPtr[t], e1 = tPtr[t + 1]; e < e1; e++) top = Math.max(top, sc[e] + piP[plat[e]]);
  return top;
}

/**
 * Relaxes the edges of talent u (final distance du, potential base) to every platform but
 * the one it is routed by (pair `own`), recording the entering pair in `enter`.
 * Returns the new count of platforms reached.
 */
export function relaxRow(
  u: number, du: number, own: number, base: number,
  tPtr: Int32Array, plat: Int32Array, sc: Float64Array, piP: Float64Array,
  distP: Float64Array, enter: Int32Array, touched: Int32Array, nTouched: number,
): number {
  for (let e = tPtr[u], e1 = tPtr[u + 1]; e < e1; e++) {
    if (e === own) continue;
    const r = plat[e];
    const x = base - sc[e] - piP[r];
    const nd = x > 0 ? du + x : du;
    if (nd < distP[r]) {
      if (distP[r] === Infinity) touched[nTouched++] = r;
      distP[r] = nd;
      enter[r] = e;
    }
  }
  return nTouched;
}

/** After a round: settled platforms' potentials move by d - d(sink); every label is reset for the next round. */
export function endRound(touched: Int32Array, nTouched: number, doneP: Uint8Array, piP: Float64Array, distP: Float64Array, best: number): void {
  for (let i = 0; i < nTouched; i++) {
    const p = touched[i];
    if (doneP[p]) piP[p] += distP[p] - best;
    distP[p] = Infinity;
    doneP[p] = 0;
  }
}

/** The total score of the routed pairs. */
export function totalOf(pairOf: Int32Array, sc: Float64Array): number {
  let total = 0;
  for (let t = 0; t < pairOf.length; t++) if (pairOf[t] >= 0) total += sc[pairOf[t]];
  return total;
}
