/** The slots-only min-cost flow on the talent graph (see ./flow.ts for the scheme). */
import type { PairSet } from './pairs.js';
import type { FlowResult } from './flow.js';
import { endRound, entryPotential, flowState, relaxRow, reroute, totalOf, unlink } from './flowCommon.js';

export function optimalOnTalentGraph(ps: PairSet, platformCap: Int32Array = ps.freeSlots): FlowResult {
  const N = ps.talents;
  const M = ps.platforms;
  const { tPtr, plat, s: sc, talentOf } = ps;
  // stored potentials (true potentials minus a global shift); the sink's stays 0
  const { piP, distP, doneP, touched: touchedP, enter: prevPairP, pairOf, used, headAt, nextAt, prevAt } = flowState(ps);
  const piT = new Float64Array(N);
  let piD = 0;
  const distT = new Float64Array(N);
  const procT = new Int32Array(N); // talents relaxed in this round

  let settled = 0;
  for (let t = 0; t < N; t++) {
    if (tPtr[t] === tPtr[t + 1]) continue; // no acceptable platform: stays unassigned
    const top = entryPotential(t, tPtr, plat, sc, piP, piD);
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
      // the settle step, as in flowPlatform.ts on purpose (flowCommon.ts says why)
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
      const old = reroute(prevPairP[cur], talentOf, pairOf, plat, headAt, nextAt, prevAt);
      cur = old >= 0 ? plat[old] : -1;
    }
    // potentials: settled nodes move by d - d(sink), relaxed talents by min(d, d(sink)) - d(sink)
    endRound(touchedP, nTouched, doneP, piP, distP, best);
    for (let i = 0; i < nProc; i++) {
      const u = procT[i];
      if (distT[u] < best) piT[u] += distT[u] - best;
    }
    if (doneD) piD += distD - best;
  }
  const totalScore = totalOf(pairOf, sc);
  const potentials = new Float64Array(N + M + 2);
  potentials.set(piT, 0);
  potentials.set(piP, N);
  potentials[N + M] = piD;
  return { pairOf, totalScore, settled, potentials };
}
