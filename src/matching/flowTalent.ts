/** The slots-only min-cost flow on the talent graph (see ./flow.ts for the scheme). */
import type { PairSet } from './pairs.js';
import type { FlowResult } from './flow.js';
import { link, unlink } from './flowLists.js';

export function optimalOnTalentGraph(ps: PairSet, platformCap: Int32Array = ps.freeSlots): FlowResult {
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
  const distT = new Float64Array(N);
  const procT = new Int32Array(N); // talents relaxed in this round
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
    let doneD = false;
    let best = Infinity; // distance of the sink
    let bestVia = -1; // platform with a free slot that reaches the sink, or -2 for D
    // the new talent: distance 0, may stay unassigned
    distT[t] = 0;
    procT[0] = t;
    let nProc = 1;
    let nTouched = relaxRow(t, 0, -1, top, tPtr, plat, sc, piP, distP, prevPairP, touchedP, 0);
    let distD = top - piD > 0 ? top - piD : 0;
    let prevD = t; // the talent that reaches D (goes unassigned)
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
export function relaxRow(
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
