/**
 * Exact slots-only optimum, warm-started from platform prices (Jonker–Volgenant style:
 * a cheap initialisation, then an exact shortest-augmenting-path finish).
 *
 * The finish is the successive-shortest-path flow of ./flow.ts on the platform graph
 * (./flowPlatform.ts), started not from the empty flow but from the largest partial flow
 * that is provably optimal under the given prices w (w >= 0, one per platform; potentials
 * pi(p) = -w(p), pi(D) = pi(sink) = 0):
 *
 *  1. every talent takes its best platform under w (score - w, first in its list on a tie)
 *     when that profit is >= 0 and the platform still has a slot in talent order; the
 *     rest are "out". Every kept talent sits on a zero reduced-cost edge and all its other
 *     edges have reduced cost >= 0: exact complementary slackness, no ε.
 *  1b. a platform with w > 0 and a free slot lowers its price by a search backwards from
 *     it (./freeSlots.ts), which moves talents along exact ties towards it and ends
 *     at an out talent taken in or at a platform whose price reaches 0: no cut is left in
 *     practice, so steps 2-3 rarely run;
 *  2. a platform with w > 0 and a free slot would break the sink edges' conditions (a used
 *     platform needs pi <= 0, a free one pi >= 0), so its capacity is cut to what it uses.
 *     The flow is then a min-cost flow for the kept talents and the cut capacities.
 *  3. each cut slot comes back by a reverse search: a Dijkstra from the sink over the
 *     residual platform graph (sink -> used platform -> its talent -> another platform)
 *     to the platform p; a path shorter than -pi(p) is a negative cycle through the new
 *     slot and is cancelled (talents shift along it into p), otherwise no cycle uses it.
 *     Potentials move by min(d, T) (T the path length, or -pi(p)), which keeps every
 *     reduced cost >= 0 and makes p's slot edge valid.
 *  4. the out talents are added one by one, exactly as in the cold flow.
 *
 * Every step keeps "the flow is min-cost for what it carries", so the result is the
 * optimum whatever the prices: good prices (./auction.ts) only make steps 1–4 short.
 * The returned potentials are the same optimality certificate as the cold kernels'.
 *
 * Unlike ./flowPlatform.ts, each row of the platform graph keeps the list of its finite
 * cells and the Dijkstra takes the next platform from a heap (./platformHeap.ts), so a
 * settled platform costs its row's cells, not M: with short candidate lists (./slots.ts)
 * rows are short.
 */
import type { FlowResult } from './flow.js';
import { link, unlink } from './flowCommon.js';
import { PlatformHeap } from './platformHeap.js';
import { lowerFreePrices } from './freeSlots.js';

/** The pairs the kernel reads: talent-major lists and the talent of each pair. */
export interface PairLists {
  talents: number;
  platforms: number;
  tPtr: Int32Array;
  plat: Int32Array;
  s: Float64Array;
  talentOf: Int32Array;
}

export interface WarmFlowResult extends FlowResult {
  /** talents placed by step 1 */
  kept: number;
  /** slots cut by step 2 and given back by step 3; the cycles step 3 cancelled */
  restored: number;
  cycles: number;
  /** talents moved by step 1b */
  reverseMoves: number;
}

/**
 * A flow to start from instead of step 1's choice: a talent keeps its pair when that pair
 * is still its best under the potentials (within `tol`), the others are out. Used between
 * pricing rounds (./slots.ts), where only the talents with a new better pair move.
 */
export interface FlowStart {
  pairOf: Int32Array;
  /** platform potentials and D's (sink at 0), as in FlowResult.potentials */
  piP: Float64Array;
  piD: number;
  tol: number;
}

export function optimalFromPrices(ps: PairLists, cap: Int32Array, w: Float64Array, start?: FlowStart): WarmFlowResult {
  const N = ps.talents;
  const M = ps.platforms;
  const { tPtr, plat, s: sc, talentOf } = ps;
  // the platform graph's rows, built only when steps 3-4 have work (after step 1b they rarely do)
  let B = new Float64Array(0);
  let Barg = new Int32Array(0);
  const cols: Int32Array[] = Array.from({ length: M }, () => new Int32Array(8));
  const nCols = new Int32Array(M);
  const BD = new Float64Array(M).fill(Infinity);
  const BDarg = new Int32Array(M).fill(-1);
  const piP = new Float64Array(M);
  let piD = 0;
  const distP = new Float64Array(M).fill(Infinity);
  const heap = new PlatformHeap(M, distP);
  const prevP = new Int32Array(M);
  const inPair = new Int32Array(M);
  const doneP = new Uint8Array(M);
  const touched = new Int32Array(M);
  let nTouched = 0;
  const pairOf = new Int32Array(N).fill(-1);
  const used = new Int32Array(M);
  const capNow = new Int32Array(M);
  const headAt = new Int32Array(M).fill(-1);
  const nextAt = new Int32Array(plat.length).fill(-1);
  const prevAt = new Int32Array(plat.length).fill(-1);
  const pathP = new Int32Array(M + 1);

  const addToRow = (q: number, eq: number) => {
    const row = q * M;
    const u = talentOf[eq];
    const sq = sc[eq];
    if (sq < BD[q]) {
      BD[q] = sq;
      BDarg[q] = eq;
    }
    let list = cols[q];
    let n = nCols[q];
    for (let e = tPtr[u], e1 = tPtr[u + 1]; e < e1; e++) {
      const v = sq - sc[e];
      const r = plat[e];
      const c = row + r;
      if (v < B[c]) {
        if (B[c] === Infinity) {
          if (n === list.length) {
            const grown = new Int32Array(Math.min(M, 2 * n));
            grown.set(list);
            list = cols[q] = grown;
          }
          list[n++] = r;
        }
        B[c] = v;
        Barg[c] = e;
      }
    }
    nCols[q] = n;
  };
  const rebuildRow = (q: number) => {
    const row = q * M;
    const list = cols[q];
    for (let i = 0, n = nCols[q]; i < n; i++) B[row + list[i]] = Infinity;
    nCols[q] = 0;
    BD[q] = Infinity;
    BDarg[q] = -1;
    for (let eq = headAt[q]; eq >= 0; eq = nextAt[eq]) addToRow(q, eq);
  };
  const place = (e: number) => {
    const u = talentOf[e];
    if (pairOf[u] >= 0) unlink(pairOf[u], plat, headAt, nextAt, prevAt);
    pairOf[u] = e;
    link(e, plat, headAt, nextAt, prevAt);
  };
  const reach = (r: number, nd: number, from: number) => {
    if (distP[r] === Infinity) touched[nTouched++] = r;
    distP[r] = nd;
    prevP[r] = from;
    heap.push(r);
  };
  /** relaxes q's row (q settled at distance dq) */
  const relaxRow = (q: number, dq: number) => {
    const row = q * M;
    const pq = piP[q];
    const list = cols[q];
    for (let i = 0, n = nCols[q]; i < n; i++) {
      const r = list[i];
      if (doneP[r] !== 0) continue;
      const x = B[row + r] + pq - piP[r];
      const nd = x > 0 ? dq + x : dq;
      if (nd < distP[r]) reach(r, nd, q);
    }
  };
  const resetSearch = () => {
    for (let i = 0; i < nTouched; i++) {
      distP[touched[i]] = Infinity;
      doneP[touched[i]] = 0;
    }
    nTouched = 0;
    heap.clear();
  };

  // 1. every talent at its best platform under w, while slots last
  const out = new Int32Array(N);
  let nOut = 0;
  if (start) {
    piP.set(start.piP);
    piD = start.piD;
  } else for (let p = 0; p < M; p++) piP[p] = w[p] > 0 ? -w[p] : 0;
  for (let t = 0; t < N; t++) {
    let best = -Infinity;
    let be = -1;
    for (let e = tPtr[t], e1 = tPtr[t + 1]; e < e1; e++) {
      const v = sc[e] + piP[plat[e]];
      if (v > best) {
        best = v;
        be = e;
      }
    }
    if (be < 0) continue; // no acceptable platform
    if (start) {
      const own = start.pairOf[t];
      be = own >= 0 && sc[own] + piP[plat[own]] >= Math.max(best, piD) - start.tol ? own : -1;
    } else if (best < piD) be = -1;
    if (be < 0 || used[plat[be]] >= cap[plat[be]]) {
      out[nOut++] = t;
      continue;
    }
    pairOf[t] = be;
    link(be, plat, headAt, nextAt, prevAt);
    used[plat[be]]++;
  }
  // 1b. exact reverse steps (see lowerFreePrices): priced platforms with a free slot
  const lowered = lowerFreePrices(ps, cap, piP, piD, pairOf, used, headAt, nextAt, prevAt);
  if (lowered.placed > 0) {
    let j = 0;
    for (let i = 0; i < nOut; i++) if (pairOf[out[i]] < 0) out[j++] = out[i];
    nOut = j;
  }
  const kept = N - nOut;
  // 2. cut the free slots of priced platforms
  let needRows = nOut > 0;
  for (let p = 0; p < M; p++) {
    capNow[p] = piP[p] < 0 && used[p] < cap[p] ? used[p] : cap[p];
    if (capNow[p] < cap[p]) needRows = true;
  }
  if (needRows) {
    B = new Float64Array(M * M).fill(Infinity);
    Barg = new Int32Array(M * M).fill(-1);
    for (let p = 0; p < M; p++) if (headAt[p] >= 0) rebuildRow(p);
  }
  // 3. give the cut slots back, cancelling the negative cycles through them
  let restored = 0;
  let cycles = 0;
  let settled = 0;
  const cut: number[] = [];
  for (let p = 0; p < M; p++) if (capNow[p] < cap[p]) cut.push(p);
  for (const p of cut) {
    while (capNow[p] < cap[p]) {
      if (piP[p] >= 0) {
        restored += cap[p] - capNow[p];
        capNow[p] = cap[p];
        break;
      }
      let T = -piP[p];
      for (let q = 0; q < M; q++) if (used[q] > 0) reach(q, piP[q] < 0 ? -piP[q] : 0, -1);
      let distD = Infinity;
      let doneD = false;
      let found = false;
      for (;;) {
        const dq = heap.peekKey();
        if (!doneD && distD < dq) {
          if (distD >= T) break;
          doneD = true; // D leads only back to the sink here (no talent is unassigned yet)
          continue;
        }
        if (dq >= T) break;
        const q = heap.pop();
        doneP[q] = 1;
        settled++;
        if (q === p) {
          found = true;
          T = dq;
          break;
        }
        if (headAt[q] >= 0) {
          const y = BD[q] + piP[q] - piD;
          const nd = y > 0 ? dq + y : dq;
          if (nd < distD) distD = nd;
        }
        relaxRow(q, dq);
      }
      for (let q = 0; q < M; q++) piP[q] += doneP[q] ? distP[q] : T;
      piD += doneD ? distD : T;
      if (found) {
        let len = 0;
        for (let r = p; r >= 0; r = prevP[r]) pathP[len++] = r;
        const first = pathP[len - 1]; // gives a talent up to the path and keeps a free slot
        for (let i = 0; i < len - 1; i++) inPair[pathP[i]] = Barg[prevP[pathP[i]] * M + pathP[i]];
        for (let i = 0; i < len - 1; i++) place(inPair[pathP[i]]);
        used[first]--;
        used[p]++;
        capNow[p]++;
        restored++;
        cycles++;
        for (let i = 1; i < len; i++) rebuildRow(pathP[i]);
        addToRow(p, inPair[p]);
      }
      resetSearch();
    }
  }
  // 4. the out talents, one shortest augmenting path each
  for (let i = 0; i < nOut; i++) {
    const t = out[i];
    const e0 = tPtr[t];
    const e1 = tPtr[t + 1];
    let top = piD;
    for (let e = e0; e < e1; e++) top = Math.max(top, sc[e] + piP[plat[e]]);
    for (let e = e0; e < e1; e++) {
      const r = plat[e];
      const x = top - sc[e] - piP[r];
      const nd = x > 0 ? x : 0;
      if (nd < distP[r]) {
        reach(r, nd, -1);
        inPair[r] = e;
      }
    }
    let distD = top - piD > 0 ? top - piD : 0;
    let prevD = -1;
    let doneD = false;
    let best = Infinity;
    let bestVia = -1;
    for (;;) {
      const dq = heap.peekKey();
      // the settle step, as in flowTalent.ts and flowPlatform.ts on purpose (flowCommon.ts says why)
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
      if (dq >= best) break;
      const q = heap.pop();
      doneP[q] = 1;
      settled++;
      const pq = piP[q];
      if (used[q] < capNow[q]) {
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
      relaxRow(q, dq);
    }
    let tail: number;
    if (bestVia === -2) {
      tail = prevD;
      if (tail >= 0) {
        const gone = BDarg[tail];
        pairOf[talentOf[gone]] = -1;
        unlink(gone, plat, headAt, nextAt, prevAt);
      }
    } else {
      tail = bestVia;
      used[tail]++;
    }
    let len = 0;
    for (let r = tail; r >= 0; r = prevP[r]) pathP[len++] = r;
    // entering pairs are read against the rows as they were, then applied
    for (let k = 0; k < len; k++) {
      const r = pathP[k];
      if (prevP[r] >= 0) inPair[r] = Barg[prevP[r] * M + r];
    }
    for (let k = 0; k < len; k++) place(inPair[pathP[k]]);
    for (let k = 0; k < len; k++) {
      if (k === 0 && bestVia !== -2) addToRow(pathP[k], inPair[pathP[k]]);
      else rebuildRow(pathP[k]);
    }
    for (let k = 0; k < nTouched; k++) {
      const p = touched[k];
      if (doneP[p]) piP[p] += distP[p] - best;
    }
    if (doneD) piD += distD - best;
    resetSearch();
  }
  let totalScore = 0;
  for (let t = 0; t < N; t++) if (pairOf[t] >= 0) totalScore += sc[pairOf[t]];
  const potentials = new Float64Array(N + M + 2);
  for (let t = 0; t < N; t++) {
    let v = piD;
    if (pairOf[t] >= 0) v = sc[pairOf[t]] + piP[plat[pairOf[t]]];
    else for (let e = tPtr[t]; e < tPtr[t + 1]; e++) v = Math.max(v, sc[e] + piP[plat[e]]);
    potentials[t] = v;
  }
  potentials.set(piP, N);
  potentials[N + M] = piD;
  return { pairOf, totalScore, settled, potentials, kept, restored, cycles, reverseMoves: lowered.moves };
}
