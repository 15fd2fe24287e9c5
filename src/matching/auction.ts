/**
 * Approximate platform prices for the slots-only optimum: a forward auction on the slots
 * (Bertsekas), with ε-scaling. It only proposes prices; exactness comes from the finish
 * (./transport.ts), which accepts any prices >= 0, so the auction may stop anywhere
 * (its bid budget) without harming the result, only the finish's speed.
 *
 * Each platform's slots sit in a binary min-heap by price. A talent bids for the cheapest
 * slot of its best platform (profit = score - slot price; the outside option "unassigned"
 * has profit 0), raising that slot's price to score - (second best profit) + ε, where the
 * second best is the best other platform, the platform's next-cheapest slot, or staying
 * out. The displaced holder bids again. Slot prices never fall; each phase keeps the prices and
 * the holders of the phase before, ε is divided by `factor`, and the holders that break
 * ε-complementary slackness at the new ε bid again. A platform's
 * price is its cheapest slot's.
 *
 * Deterministic: talents bid in index order, then in the order they were displaced; ties
 * between platforms go to the first in the talent's list.
 */
import type { PairLists } from './transport.js';

export interface AuctionOptions {
  /** first ε as a fraction of the largest score (default 1/16) */
  epsStart?: number;
  /** last ε as a fraction of the largest score (default 1e-6) */
  epsEnd?: number;
  /** ε divided by this between phases (default 8) */
  factor?: number;
  /** bids over all phases before giving up (default 40 x talents) */
  maxBids?: number;
  /** starting price of every slot of each platform (default 0) */
  start?: Float64Array;
}

export interface AuctionResult {
  /** price per platform (its cheapest slot; 0 with a never-bid slot) */
  prices: Float64Array;
  bids: number;
  phases: number;
}

export function auctionPrices(ps: PairLists, cap: Int32Array, o: AuctionOptions = {}): AuctionResult {
  const N = ps.talents;
  const M = ps.platforms;
  const { tPtr, plat, s: sc } = ps;
  // slots beyond the acceptable talents can never be used: at most one per such talent
  const off = new Int32Array(M + 1);
  for (let e = 0; e < plat.length; e++) off[plat[e] + 1]++;
  for (let p = 0; p < M; p++) off[p + 1] = off[p] + Math.max(0, Math.min(cap[p], off[p + 1]));
  const S = off[M];
  const price = new Float64Array(S); // heap-ordered within [off[p], off[p+1])
  if (o.start) for (let p = 0; p < M; p++) price.fill(Math.max(0, o.start[p]), off[p], off[p + 1]);
  const holder = new Int32Array(S).fill(-1);
  let top = 0;
  for (let e = 0; e < sc.length; e++) top = Math.max(top, sc[e]);
  const prices = new Float64Array(M);
  if (S === 0 || top <= 0) return { prices, bids: 0, phases: 0 };
  const maxBids = o.maxBids ?? 40 * N;
  const factor = o.factor ?? 8;
  const epsEnd = top * (o.epsEnd ?? 1e-6);
  const queue = new Int32Array(N);
  let bids = 0;
  let phases = 0;
  let head = 0;
  let size = 0; // a ring of free talents: each is in it at most once
  for (let t = 0; t < N; t++) if (tPtr[t + 1] > tPtr[t]) queue[(head + size++) % N] = t;
  for (let eps = top * (o.epsStart ?? 1 / 16); bids < maxBids; eps = Math.max(epsEnd, eps / factor)) {
    phases++;
    if (phases > 1) {
      // holders that break ε-CS at the new ε bid again; the others keep their slots
      for (let p = 0; p < M; p++) {
        for (let k = off[p]; k < off[p + 1]; k++) {
          const u = holder[k];
          if (u < 0) continue;
          let best = -Infinity;
          let own = -Infinity;
          for (let e = tPtr[u], e1 = tPtr[u + 1]; e < e1; e++) {
            const r = plat[e];
            if (off[r] === off[r + 1]) continue;
            const v = sc[e] - price[off[r]];
            if (v > best) best = v;
            if (r === p) own = sc[e] - price[k];
          }
          if (own >= best - eps) continue;
          holder[k] = -1;
          queue[(head + size++) % N] = u;
        }
      }
    }
    while (size > 0 && bids < maxBids) {
      const u = queue[head];
      head = (head + 1) % N;
      size--;
      let best = -Infinity;
      let second = 0; // staying out
      let be = -1;
      for (let e = tPtr[u], e1 = tPtr[u + 1]; e < e1; e++) {
        const p = plat[e];
        const a = off[p];
        if (a === off[p + 1]) continue;
        const v = sc[e] - price[a];
        if (v > best) {
          if (best > second) second = best;
          best = v;
          be = e;
        } else if (v > second) second = v;
      }
      if (be < 0 || best < 0) continue; // priced out everywhere: stays unassigned
      bids++;
      const p = plat[be];
      const a = off[p];
      const n = off[p + 1] - a;
      // the platform's next-cheapest slot
      if (n > 1) {
        let c = price[a + 1];
        if (n > 2 && price[a + 2] < c) c = price[a + 2];
        if (sc[be] - c > second) second = sc[be] - c;
      }
      const displaced = holder[a];
      holder[a] = u;
      price[a] = sc[be] - second + eps;
      siftDown(price, holder, a, n);
      if (displaced >= 0) {
        queue[(head + size++) % N] = displaced;
      }
    }
    if (eps <= epsEnd) break;
  }
  for (let p = 0; p < M; p++) prices[p] = off[p] < off[p + 1] ? price[off[p]] : 0;
  return { prices, bids, phases };
}

/** Restores the min-heap on price[a .. a+n) after the root grew. */
function siftDown(price: Float64Array, holder: Int32Array, a: number, n: number): void {
  let i = 0;
  const x = price[a];
  const h = holder[a];
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && price[a + c + 1] < price[a + c]) c++;
    if (price[a + c] >= x) break;
    price[a + i] = price[a + c];
    holder[a + i] = holder[a + c];
    i = c;
  }
  price[a + i] = x;
  holder[a + i] = h;
}
