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
  const P0 = N; // platform p is node P0 + p
  const D = N + M;
  const SINK = N + M + 1;
  const n = N + M + 2;
  const pi = new Float64Array(n); // stored potentials (true potentials minus a global shift)
  const dist = new Float64Array(n).fill(Infinity);
  const prevNode = new Int32Array(n).fill(-1);
  const prevPair = new Int32Array(n).fill(-1); // the pair used to reach a talent or platform node
  const settledMark = new Uint8Array(n);
  const touched: number[] = [];
  const pairOf = new Int32Array(N).fill(-1);
  const used = new Int32Array(M);
  // talents routed to each platform, as a linked list over pairs
  const headAt = new Int32Array(M).fill(-1);
  const nextAt = new Int32Array(ps.plat.length).fill(-1);
  const prevAt = new Int32Array(ps.plat.length).fill(-1);
  const link = (e: number) => {
    const p = ps.plat[e];
    nextAt[e] = headAt[p];
    prevAt[e] = -1;
    if (headAt[p] >= 0) prevAt[headAt[p]] = e;
    headAt[p] = e;
  };
  const unlink = (e: number) => {
    const p = ps.plat[e];
    if (prevAt[e] >= 0) nextAt[prevAt[e]] = nextAt[e];
    else headAt[p] = nextAt[e];
    if (nextAt[e] >= 0) prevAt[nextAt[e]] = prevAt[e];
  };

  // binary heap of (dist, node), lazy deletion
  let hd = new Float64Array(256);
  let hn = new Int32Array(256);
  let hs = 0;
  const hpush = (d: number, v: number) => {
    if (hs === hd.length) {
      const d2 = new Float64Array(hs * 2); d2.set(hd); hd = d2;
      const n2 = new Int32Array(hs * 2); n2.set(hn); hn = n2;
    }
    let i = hs++;
    while (i > 0) {
      const q = (i - 1) >> 1;
      if (hd[q] < d || (hd[q] === d && hn[q] <= v)) break;
      hd[i] = hd[q]; hn[i] = hn[q]; i = q;
    }
    hd[i] = d; hn[i] = v;
  };
  const hpop = (): number => {
    const v = hn[0];
    const d = hd[--hs];
    const x = hn[hs];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= hs) break;
      let c = l;
      if (l + 1 < hs && (hd[l + 1] < hd[l] || (hd[l + 1] === hd[l] && hn[l + 1] < hn[l]))) c = l + 1;
      if (hd[c] > d || (hd[c] === d && hn[c] >= x)) break;
      hd[i] = hd[c]; hn[i] = hn[c]; i = c;
    }
    hd[i] = d; hn[i] = x;
    return v;
  };
  const relax = (u: number, v: number, cost: number, e: number) => {
    if (settledMark[v]) return;
    let rc = cost + pi[u] - pi[v];
    if (rc < 0) rc = 0;
    const nd = dist[u] + rc;
    if (nd < dist[v]) {
      if (dist[v] === Infinity) touched.push(v);
      dist[v] = nd;
      prevNode[v] = u;
      prevPair[v] = e;
      hpush(nd, v);
    }
  };

  let settled = 0;
  for (let t = 0; t < N; t++) {
    const e0 = ps.tPtr[t];
    const e1 = ps.tPtr[t + 1];
    if (e0 === e1) continue; // no acceptable platform: stays unassigned
    // potential of the new talent: makes its outgoing reduced costs non-negative
    let top = pi[D];
    for (let e = e0; e < e1; e++) top = Math.max(top, ps.s[e] + pi[P0 + ps.plat[e]]);
    pi[t] = top;
    hs = 0;
    dist[t] = 0;
    touched.push(t);
    hpush(0, t);
    while (hs > 0) {
      const u = hpop();
      if (settledMark[u]) continue;
      settledMark[u] = 1;
      settled++;
      if (u === SINK) break;
      if (u < N) {
        const own = pairOf[u];
        for (let e = ps.tPtr[u]; e < ps.tPtr[u + 1]; e++) if (e !== own) relax(u, P0 + ps.plat[e], -ps.s[e], e);
        if (own >= 0 || u === t) relax(u, D, 0, -1); // the new talent may stay unassigned
      } else if (u < D) {
        const p = u - P0;
        for (let e = headAt[p]; e >= 0; e = nextAt[e]) relax(u, ps.talentOf[e], ps.s[e], e);
        if (used[p] < platformCap[p]) relax(u, SINK, 0, -1);
      } else {
        relax(D, SINK, 0, -1);
      }
    }
    const dSink = dist[SINK];
    // Walk the path back from the sink and apply it. Along the path every platform gains
    // one talent and loses one, except the last one before the sink, which gains one.
    let v = SINK;
    while (v !== t) {
      const u = prevNode[v];
      if (v === SINK) {
        if (u !== D) used[u - P0]++;
      } else if (v === D) {
        const old = pairOf[u]; // u gives its place up and goes unassigned
        if (old >= 0) unlink(old);
        pairOf[u] = -1;
      } else if (v >= N) {
        const e = prevPair[v]; // talent u is re-routed to platform v
        const old = pairOf[u];
        if (old >= 0) unlink(old);
        pairOf[u] = e;
        link(e);
      } // v < N: platform u gives up talent v, re-routed by the next step back
      v = u;
    }
    // potentials: settled nodes move by d - dSink (others by 0; a global shift is implicit)
    for (const x of touched) {
      if (settledMark[x]) pi[x] += dist[x] - dSink;
      dist[x] = Infinity;
      settledMark[x] = 0;
      prevNode[x] = -1;
    }
    touched.length = 0;
  }
  let totalScore = 0;
  for (let t = 0; t < N; t++) if (pairOf[t] >= 0) totalScore += ps.s[pairOf[t]];
  return { pairOf, totalScore, settled, potentials: pi };
}

