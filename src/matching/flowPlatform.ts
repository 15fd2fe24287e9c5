/** The slots-only min-cost flow on the platform graph (see ./flow.ts for the scheme). */
import type { PairSet } from './pairs.js';
import type { FlowResult } from './flow.js';
import { endRound, entryPotential, flowState, relaxRow, reroute, totalOf, unlink } from './flowCommon.js';

/**
 * The same successive shortest paths on the platform graph. Through a routed talent u, a
 * path goes from u's platform q to another platform r at reduced cost
 *   rc(q -> u) + rc(u -> r) = (s(u,q) + pi(q) - pi(u)) + (pi(u) - s(u,r) - pi(r))
 *                           = s(u,q) - s(u,r) + pi(q) - pi(r):
 * the talent's potential cancels. So B[q][r] = min over talents u at q of s(u,q) - s(u,r)
 * (and BD[q] = min s(u,q) for "u gives its place up") depend only on who is at q, and
 * the Dijkstra settles platforms with one pass over a row of B each: M cells instead of
 * (talents at q) x (their pairs). A row is rebuilt when its platform's talents change,
 * which happens only along each augmenting path.
 */
export function optimalOnPlatformGraph(ps: PairSet, platformCap: Int32Array = ps.freeSlots): FlowResult {
  const N = ps.talents;
  const M = ps.platforms;
  const { tPtr, plat, s: sc, talentOf } = ps;
  const B = new Float64Array(M * M).fill(Infinity);
  const Barg = new Int32Array(M * M).fill(-1); // the pair u -> r achieving B[q][r]
  const BD = new Float64Array(M).fill(Infinity);
  const BDarg = new Int32Array(M).fill(-1); // the pair u -> q of the talent that gives its place up
  const { piP, distP, doneP, touched, enter: inPair, pairOf, used, headAt, nextAt, prevAt } = flowState(ps);
  let piD = 0;
  const prevP = new Int32Array(M); // platform the path came from, -1 from the new talent
  const pathP = new Int32Array(M + 1);
  const scratch = new Int32Array(1);

  const rebuildRow = (q: number) => {
    const row = q * M;
    B.fill(Infinity, row, row + M);
    BD[q] = Infinity;
    BDarg[q] = -1;
    for (let eq = headAt[q]; eq >= 0; eq = nextAt[eq]) addToRow(q, eq);
  };
  const addToRow = (q: number, eq: number) => {
    const row = q * M;
    const u = talentOf[eq];
    const sq = sc[eq];
    if (sq < BD[q]) {
      BD[q] = sq;
      BDarg[q] = eq;
    }
    for (let e = tPtr[u], e1 = tPtr[u + 1]; e < e1; e++) {
      const v = sq - sc[e];
      const c = row + plat[e];
      if (v < B[c]) {
        B[c] = v;
        Barg[c] = e;
      }
    }
  };

  let settled = 0;
  for (let t = 0; t < N; t++) {
    if (tPtr[t] === tPtr[t + 1]) continue;
    const top = entryPotential(t, tPtr, plat, sc, piP, piD);
    // the new talent's edges: the path enters platform r by pair inPair[r], from no platform
    let nTouched = relaxRow(t, 0, -1, top, tPtr, plat, sc, piP, distP, inPair, touched, 0);
    for (let i = 0; i < nTouched; i++) prevP[touched[i]] = -1;
    let distD = top - piD > 0 ? top - piD : 0;
    let prevD = -1; // platform whose talent gives its place up; -1: the new talent stays out
    let doneD = false;
    let best = Infinity;
    let bestVia = -1; // free platform before the sink, or -2 for D
    // the first platform to settle; afterwards each row relaxation also returns the next one
    let next = -1;
    let nextD = Infinity;
    for (let i = 0; i < nTouched; i++) {
      const p = touched[i];
      if (distP[p] < nextD || (distP[p] === nextD && p < next)) {
        nextD = distP[p];
        next = p;
      }
    }
    for (;;) {
      const q = next;
      const dq = nextD;
      // the settle step, as in flowTalent.ts on purpose (flowCommon.ts says why)
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
      const pq = piP[q];
      if (used[q] < platformCap[q]) {
        const nd = pq > 0 ? dq + pq : dq;
        if (nd < best) {
          best = nd;
          bestVia = q;
        }
      }
      if (headAt[q] >= 0) {
        const y = BD[q] + pq - piD;
        const nd = y > 0 ? dq + y : dq;
        if (nd < distD) {
          distD = nd;
          prevD = q;
        }
      }
      nTouched = relaxPlatformRow(B, headAt[q] >= 0 ? q * M : -1, M, dq, pq, piP, distP, doneP, prevP, q, touched, nTouched, scratch);
      next = scratch[0];
      nextD = next >= 0 ? distP[next] : Infinity;
    }
    // the path, platform by platform back from its end
    let len = 0;
    let tail: number;
    if (bestVia === -2) {
      tail = prevD;
      if (tail >= 0) {
        const out = BDarg[tail]; // this talent leaves tail and goes unassigned
        pairOf[talentOf[out]] = -1;
        unlink(out, plat, headAt, nextAt, prevAt);
      }
    } else {
      tail = bestVia;
      used[tail]++;
    }
    for (let r = tail; r >= 0; r = prevP[r]) pathP[len++] = r;
    // entering pairs were recorded against the rows as they were: read them all first
    for (let i = 0; i < len; i++) {
      const r = pathP[i];
      const from = prevP[r];
      inPair[r] = from < 0 ? inPair[r] : Barg[from * M + r];
    }
    for (let i = 0; i < len; i++) reroute(inPair[pathP[i]], talentOf, pairOf, plat, headAt, nextAt, prevAt);
    // rows of every platform whose talents changed (gained and lost one: rebuild; the
    // tail gained one only, unless it also lost one through D)
    for (let i = 0; i < len; i++) {
      const r = pathP[i];
      if (i === 0 && bestVia !== -2) addToRow(r, inPair[r]);
      else rebuildRow(r);
    }
    endRound(touched, nTouched, doneP, piP, distP, best);
    if (doneD) piD += distD - best;
  }
  const totalScore = totalOf(pairOf, sc);
  // talent potentials, for the certificate: tight on the routed pair, feasible otherwise
  const potentials = new Float64Array(N + M + 2);
  for (let t = 0; t < N; t++) {
    let v = piD;
    if (pairOf[t] >= 0) v = sc[pairOf[t]] + piP[plat[pairOf[t]]];
    else for (let e = tPtr[t]; e < tPtr[t + 1]; e++) v = Math.max(v, sc[e] + piP[plat[e]]);
    potentials[t] = v;
  }
  potentials.set(piP, N);
  potentials[N + M] = piD;
  return { pairOf, totalScore, settled, potentials };
}

/**
 * One row of the platform graph: relaxes q -> r for every unsettled r (row < 0: q has no
 * talents, nothing to relax) and, in the same pass, finds the unsettled platform nearest
 * to the source (ties: lowest index) into next[0] (-1 if none). Returns the new count reached.
 */
function relaxPlatformRow(
  B: Float64Array, row: number, M: number, dq: number, pq: number, piP: Float64Array,
  distP: Float64Array, doneP: Uint8Array, prevP: Int32Array, q: number, touched: Int32Array, nTouched: number,
  next: Int32Array,
): number {
  let best = Infinity;
  let arg = -1;
  for (let r = 0; r < M; r++) {
    if (doneP[r] !== 0) continue;
    let d = distP[r];
    if (row >= 0) {
      const b = B[row + r];
      if (b !== Infinity) {
        const x = b + pq - piP[r];
        const nd = x > 0 ? dq + x : dq;
        if (nd < d) {
          if (d === Infinity) touched[nTouched++] = r;
          distP[r] = nd;
          prevP[r] = q;
          d = nd;
        }
      }
    }
    if (d < best) {
      best = d;
      arg = r;
    }
  }
  next[0] = arg;
  return nTouched;
}
