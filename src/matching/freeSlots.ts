/**
 * Step 1b of the warm-started finish (./transport.ts): free slots at a positive price given
 * back by a search backwards from the slot, before the platform graph is built.
 */
import { link, unlink } from './flowCommon.js';
import { PlatformHeap } from './platformHeap.js';
import type { PairLists } from './transport.js';

/**
 * Step 1b: a platform p with a free slot and a price w(p) = -pi(p) > 0 would have its slot
 * cut (step 2) and given back by a search from the sink over the whole platform graph
 * (step 3): that search settles every platform cheaper than p. Most such slots come from
 * near-ties the auction resolved one way and step 1 the other, so they are given back here
 * by a search backwards from p instead, which stays near p: a Dijkstra over platforms
 * (and out talents) whose key k(q) is how far q's price must fall, together with the
 * platforms already reached, before a talent at q is indifferent to moving into the reached
 * set (the Hungarian tree grown from a free column). Edge q <- r through a talent u at q
 * that lists r: k(r) + slack, slack = (w(r) - s(u,r)) - (w(q) - s(u,q)) >= 0 (u is at its
 * exact best). An out talent v is a node of its own with profit max(pi(D), its best pair
 * under the prices). It ends at the first of:
 *  - an out talent popped at k: it enters along the tree and the talents on the path each
 *    move one platform towards p; p's slot is filled and the flow grows by one;
 *  - a reached platform x whose price would reach 0 (k(x) + w(x) is the smallest such): the
 *    talents on the path from x move towards p; x keeps the free slot at price 0 (x = p:
 *    nothing moves, p's price is 0).
 * Every reached platform's price falls by (end - k), which is the Dijkstra potential update:
 * every kept talent stays on an exact best pair (no epsilon), no used platform's price goes
 * below 0, and the flow stays min-cost for what it carries, as step 1 left it. The keys
 * break ties by the lower id (platforms before out talents): deterministic. Whatever is
 * left after `maxSearches` (a guard, not reached in practice) is cut by step 2 as before.
 */
export function lowerFreePrices(
  ps: PairLists, cap: Int32Array, piP: Float64Array, piD: number, pairOf: Int32Array, used: Int32Array,
  headAt: Int32Array, nextAt: Int32Array, prevAt: Int32Array,
): { moves: number; placed: number } {
  const N = ps.talents;
  const M = ps.platforms;
  const { tPtr, plat, s: sc, talentOf } = ps;
  const E = plat.length;
  const todo: number[] = [];
  for (let p = 0; p < M; p++) if (piP[p] < 0 && used[p] < cap[p]) todo.push(p);
  if (todo.length === 0) return { moves: 0, placed: 0 };
  const colPtr = new Int32Array(M + 1);
  for (let e = 0; e < E; e++) colPtr[plat[e] + 1]++;
  for (let p = 0; p < M; p++) colPtr[p + 1] += colPtr[p];
  const fill = colPtr.slice(0, M);
  const colE = new Int32Array(E);
  for (let e = 0; e < E; e++) colE[fill[plat[e]]++] = e;
  const key = new Float64Array(M + N).fill(Infinity);
  const via = new Int32Array(M + N).fill(-1);
  const done = new Uint8Array(M);
  const touched: number[] = [];
  const heap = new PlatformHeap(M + N, key);
  const profitOut = new Float64Array(N);
  const seen = new Int32Array(N); // search stamp of profitOut
  const maxSearches = 4 * (N + M);
  let searches = 0;
  let moves = 0;
  let placed = 0;
  const move = (e: number) => {
    const u = talentOf[e];
    const own = pairOf[u];
    if (own >= 0) {
      unlink(own, plat, headAt, nextAt, prevAt);
      used[plat[own]]--;
    } else placed++;
    pairOf[u] = e;
    link(e, plat, headAt, nextAt, prevAt);
    used[plat[e]]++;
    moves++;
  };
  for (const p of todo) {
    while (used[p] < cap[p] && piP[p] < 0 && searches < maxSearches) {
      searches++;
      key[p] = 0;
      touched.push(p);
      heap.push(p);
      let end = Infinity; // the smallest k(x) + w(x) over reached platforms
      let endAt = -1;
      let terminal = -1; // an out talent node
      for (;;) {
        const n = heap.size > 0 ? heap.items[0] : -1;
        if (n < 0 || key[n] >= end) break;
        heap.pop();
        const k = key[n];
        if (n >= M) {
          terminal = n;
          end = k;
          break;
        }
        done[n] = 1;
        const wr = -piP[n];
        if (k + wr < end) {
          end = k + wr;
          endAt = n;
        }
        for (let i = colPtr[n], i1 = colPtr[n + 1]; i < i1; i++) {
          const e = colE[i];
          const u = talentOf[e];
          const own = pairOf[u];
          let node: number;
          let slack: number;
          if (own >= 0) {
            node = plat[own];
            if (done[node] !== 0) continue;
            slack = wr - sc[e] - (-piP[node] - sc[own]);
          } else {
            node = M + u;
            if (seen[u] !== searches) {
              seen[u] = searches;
              let b = piD;
              for (let f = tPtr[u], f1 = tPtr[u + 1]; f < f1; f++) if (sc[f] + piP[plat[f]] > b) b = sc[f] + piP[plat[f]];
              profitOut[u] = b;
            }
            slack = wr - sc[e] + profitOut[u];
          }
          const nk = slack > 0 ? k + slack : k;
          if (nk < key[node]) {
            if (key[node] === Infinity) touched.push(node);
            key[node] = nk;
            via[node] = e;
            heap.push(node);
          }
        }
      }
      // prices of the reached platforms fall by (end - k)
      for (const n of touched) if (n < M && done[n] !== 0 && key[n] < end) piP[n] += end - key[n];
      // the talents on the path move one platform towards p
      let r: number;
      if (terminal >= 0) {
        const e = via[terminal];
        r = plat[e];
        move(e);
      } else {
        r = endAt;
        piP[r] = 0;
      }
      while (r !== p) {
        const e = via[r];
        move(e);
        r = plat[e];
      }
      for (const n of touched) {
        key[n] = Infinity;
        via[n] = -1;
        if (n < M) done[n] = 0;
      }
      touched.length = 0;
      heap.clear();
    }
  }
  return { moves, placed };
}
