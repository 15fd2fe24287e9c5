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

export interface FlowResult extends Matching {
  totalScore: number;
  /** nodes settled over all Dijkstra runs (work measure) */
  settled: number;
  /** final node potentials (talents, then platforms), certifying optimality: every residual edge has reduced cost >= 0 */
  potentials: Float64Array;
}

/**
 * Exact slots-only optimum. Up to `platformGraphMax` platforms (default 4,000: an M x M
 * table of 12 bytes per cell) the Dijkstra runs on the platform graph (optimalOnPlatformGraph);
 * beyond, on the talent graph (optimalOnTalentGraph). Both give an optimum of the same value.
 */
export function optimalBySlots(ps: PairSet, platformCap: Int32Array = ps.freeSlots, o: { platformGraphMax?: number } = {}): FlowResult {
  return ps.platforms <= (o.platformGraphMax ?? 4000) ? optimalOnPlatformGraph(ps, platformCap) : optimalOnTalentGraph(ps, platformCap);
}

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
  const piP = new Float64Array(M);
  let piD = 0;
  const distP = new Float64Array(M).fill(Infinity);
  const prevP = new Int32Array(M); // platform the path came from, -1 from the new talent
  const inPair = new Int32Array(M); // the pair by which the path enters platform r
  const doneP = new Uint8Array(M);
  const touched = new Int32Array(M);
  const pairOf = new Int32Array(N).fill(-1);
  const used = new Int32Array(M);
  const headAt = new Int32Array(M).fill(-1);
  const nextAt = new Int32Array(plat.length).fill(-1);
  const prevAt = new Int32Array(plat.length).fill(-1);
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
    const e0 = tPtr[t];
    const e1 = tPtr[t + 1];
    if (e0 === e1) continue;
    let top = piD;
    for (let e = e0; e < e1; e++) top = Math.max(top, sc[e] + piP[plat[e]]);
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
    for (let i = 0; i < len; i++) {
      const r = pathP[i];
      const e = inPair[r];
      const u = talentOf[e];
      const old = pairOf[u];
      if (old >= 0) unlink(old, plat, headAt, nextAt, prevAt);
      pairOf[u] = e;
      link(e, plat, headAt, nextAt, prevAt);
    }
    // rows of every platform whose talents changed (gained and lost one: rebuild; the
    // tail gained one only, unless it also lost one through D)
    for (let i = 0; i < len; i++) {
      const r = pathP[i];
      if (i === 0 && bestVia !== -2) addToRow(r, inPair[r]);
      else rebuildRow(r);
    }
    for (let i = 0; i < nTouched; i++) {
      const p = touched[i];
      if (doneP[p]) piP[p] += distP[p] - best;
      distP[p] = Infinity;
      doneP[p] = 0;
    }
    if (doneD) piD += distD - best;
  }
  let totalScore = 0;
  for (let t = 0; t < N; t++) if (pairOf[t] >= 0) totalScore += sc[pairOf[t]];
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
