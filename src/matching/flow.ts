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
 * The Dijkstra runs over platform nodes only, with dense arrays and no heap. A routed
 * talent has exactly one incoming residual edge (from the platform it is routed to), so its
 * distance is final the moment that platform is settled: it is relaxed right then, one
 * pass over its pairs. Per settled platform that is (its talents) x (their pairs) of
 * typed-array work plus a scan of the platforms reached so far for the next minimum,
 * instead of a heap push per improved edge and a heap node per talent (docs/PERFORMANCE.md).
 * Potentials of talents relaxed early move by min(d, d(sink)) - d(sink), which keeps every
 * reduced cost non-negative (min of two feasible potentials is feasible).
 */
import type { PairSet } from './pairs.js';
import type { Matching } from './stable.js';

export interface FlowResult extends Matching {
  totalScore: number;
  /** nodes settled over all Dijkstra runs (work measure) */
  settled: number;
  /** final node potentials (talents, then platforms), certifying optimality: every residual edge has reduced cost >= 0 */
  potentials: Float64Array;
}

export function optimalBySlots(ps: PairSet, platformCap: Int32Array = ps.freeSlots): FlowResult {
  const N = ps.talents;
  const M = ps.platforms;
  const tPtr = ps.tPtr;
  const plat = ps.plat;
  const sc = ps.s;
  const talentOf = ps.talentOf;
  // stored potentials (true potentials minus a global shift); the sink's stays 0
  const piT = new Float64Array(N);
  const piP = new Float64Array(M);
  let piD = 0;
  const distP = new Float64Array(M).fill(Infinity);
  const prevPairP = new Int32Array(M).fill(-1); // the pair whose talent reaches platform p
  const doneP = new Uint8Array(M);
  const touchedP = new Int32Array(M); // platforms with a finite distance in this round
  let nTouched = 0;
  const distT = new Float64Array(N);
  const procT = new Int32Array(N); // talents relaxed in this round
  let nProc = 0;
  let distD = Infinity;
  let prevD = -1; // the talent that reaches D (goes unassigned)
  const pairOf = new Int32Array(N).fill(-1);
  const used = new Int32Array(M);
  // talents routed to each platform, as a linked list over pairs
  const headAt = new Int32Array(M).fill(-1);
  const nextAt = new Int32Array(plat.length).fill(-1);
  const prevAt = new Int32Array(plat.length).fill(-1);

  let settled = 0;
  for (let t = 0; t < N; t++) {
    const e0 = tPtr[t];
    const e1 = tPtr[t + 1];
    if (e0 === e1) continue; // no acceptable platform: stays unassigned
    // potential of the new talent: makes its outgoing reduced costs non-negative
    let top = piD;
    for (let e = e0; e < e1; e++) top = Math.max(top, sc[e] + piP[plat[e]]);
    piT[t] = top;
    nTouched = 0;
    nProc = 0;
    distD = Infinity;
    prevD = -1;
    let doneD = false;
    let best = Infinity; // distance of the sink
    let bestVia = -1; // platform with a free slot that reaches the sink, or -2 for D
    // the new talent: distance 0, may stay unassigned
    distT[t] = 0;
    procT[nProc++] = t;
    nTouched = relaxRow(t, 0, -1, piT[t], tPtr, plat, sc, piP, distP, prevPairP, touchedP, nTouched);
    distD = piT[t] - piD > 0 ? piT[t] - piD : 0;
    prevD = t;
    for (;;) {
      let q = -1;
      let dq = Infinity;
      for (let i = 0; i < nTouched; i++) {
        const p = touchedP[i];
        if (doneP[p] === 0 && distP[p] < dq) {
          dq = distP[p];
          q = p;
        }
      }
      if (!doneD && distD < dq) {
        if (distD >= best) break;
        doneD = true;
        settled++;
        const nd = piD > 0 ? distD + piD : distD;
        if (nd < best) {
          best = nd;
          bestVia = -2;
        }
        continue;
      }
      if (q < 0 || dq >= best) break;
      doneP[q] = 1;
      settled++;
      if (used[q] < platformCap[q]) {
        const nd = piP[q] > 0 ? dq + piP[q] : dq;
        if (nd < best) {
          best = nd;
          bestVia = q;
        }
      }
      const pq = piP[q];
      for (let e = headAt[q]; e >= 0; e = nextAt[e]) {
        const u = talentOf[e];
        const x = sc[e] + pq - piT[u];
        const du = x > 0 ? dq + x : dq;
        distT[u] = du;
        procT[nProc++] = u;
        nTouched = relaxRow(u, du, e, piT[u], tPtr, plat, sc, piP, distP, prevPairP, touchedP, nTouched);
        const y = piT[u] - piD;
        const nd = y > 0 ? du + y : du;
        if (nd < distD) {
          distD = nd;
          prevD = u;
        }
      }
    }
    // Apply the path. Every platform on it gains one talent and loses one, except the
    // last one before the sink (gains one); through D, a talent gives its place up.
    let cur = -1;
    if (bestVia === -2) {
      const u = prevD;
      if (u !== t) {
        const old = pairOf[u];
        unlink(old, plat, headAt, nextAt, prevAt);
        pairOf[u] = -1;
        cur = plat[old];
      }
    } else {
      cur = bestVia;
      used[cur]++;
    }
    while (cur >= 0) {
      const e = prevPairP[cur];
      const u = talentOf[e];
      const old = pairOf[u];
      if (old >= 0) unlink(old, plat, headAt, nextAt, prevAt);
      pairOf[u] = e;
      link(e, plat, headAt, nextAt, prevAt);
      cur = old >= 0 ? plat[old] : -1;
    }
    // potentials: settled nodes move by d - d(sink), relaxed talents by min(d, d(sink)) - d(sink)
    for (let i = 0; i < nTouched; i++) {
      const p = touchedP[i];
      if (doneP[p]) piP[p] += distP[p] - best;
      distP[p] = Infinity;
      doneP[p] = 0;
    }
    for (let i = 0; i < nProc; i++) {
      const u = procT[i];
      if (distT[u] < best) piT[u] += distT[u] - best;
    }
    if (doneD) piD += distD - best;
  }
  let totalScore = 0;
  for (let t = 0; t < N; t++) if (pairOf[t] >= 0) totalScore += sc[pairOf[t]];
  const potentials = new Float64Array(N + M + 2);
  potentials.set(piT, 0);
  potentials.set(piP, N);
  potentials[N + M] = piD;
  return { pairOf, totalScore, settled, potentials };
}

/**
 * Relaxes the edges of talent u (final distance du, potential base) to every platform but
 * the one it is routed by (pair `own`). A module-level function over typed arrays passed
 * in: closures over the caller's arrays would turn every load into a context load.
 * Returns the new count of platforms reached.
 */
function relaxRow(
  u: number, du: number, own: number, base: number,
  tPtr: Int32Array, plat: Int32Array, sc: Float64Array, piP: Float64Array,
  distP: Float64Array, prevPairP: Int32Array, touchedP: Int32Array, nTouched: number,
): number {
  for (let e = tPtr[u], e1 = tPtr[u + 1]; e < e1; e++) {
    if (e === own) continue;
    const r = plat[e];
    const x = base - sc[e] - piP[r];
    const nd = x > 0 ? du + x : du;
    if (nd < distP[r]) {
      if (distP[r] === Infinity) touchedP[nTouched++] = r;
      distP[r] = nd;
      prevPairP[r] = e;
    }
  }
  return nTouched;
}

function link(e: number, plat: Int32Array, headAt: Int32Array, nextAt: Int32Array, prevAt: Int32Array): void {
  const p = plat[e];
  nextAt[e] = headAt[p];
  prevAt[e] = -1;
  if (headAt[p] >= 0) prevAt[headAt[p]] = e;
  headAt[p] = e;
}

function unlink(e: number, plat: Int32Array, headAt: Int32Array, nextAt: Int32Array, prevAt: Int32Array): void {
  const p = plat[e];
  if (prevAt[e] >= 0) nextAt[prevAt[e]] = nextAt[e];
  else headAt[p] = nextAt[e];
  if (nextAt[e] >= 0) prevAt[nextAt[e]] = prevAt[e];
}
