/**
 * The exact slots-only optimum, fast: prices first, then an exact finish on short lists,
 * then a certificate over every pair.
 *
 *  1. coarse platform prices from an auction on the full lists (./auction.ts);
 *  2. candidate lists: each talent's `candidates` best pairs by profit (score - price),
 *     kept in the talent's own order;
 *  3. the prices refined by a finer auction on the candidates;
 *  4. the exact warm-started flow on the candidates (./transport.ts): an optimum of the
 *     candidate problem with its potentials;
 *  5. pricing: every pair left out must have reduced cost >= 0 under those potentials
 *     (score + pi(platform) <= pi(talent)). Then the candidate optimum is the optimum of
 *     the whole problem and the potentials certify it. Otherwise the violating pairs join
 *     the candidates and step 4 runs again from the potentials' prices; after `maxRounds`
 *     rounds the candidates become the full lists (always exact).
 *
 * The optimum's total does not depend on the prices, only the time does; where several
 * assignments reach the same total, which one is returned can (the tests' `prices` option
 * gives another of them on ~10% of small tie-heavy instances; production callers never pass
 * it). The output is the same on every run (the auction and the flow are deterministic;
 * ties: see ./transport.ts).
 */
import type { PairSet } from './pairs.js';
import type { FlowResult } from './flow.js';
import { auctionPrices } from './auction.js';
import type { FlowStart, PairLists } from './transport.js';
import { optimalFromPrices } from './transport.js';

export interface SlotsOptions {
  /** each talent's best pairs by profit under the first prices (default 16) */
  candidates?: number;
  /** pricing rounds before the full lists are used (default 8) */
  maxRounds?: number;
  /** start the finish from these platform prices (>= 0) and skip both auctions (tests: any prices give the optimum) */
  prices?: Float64Array;
  /** called after each step with its name (a caller with a clock times the steps) */
  trace?: (step: string) => void;
}

export interface SlotsResult extends FlowResult {
  /** finishes run (1 when the first candidate lists held the optimum) */
  rounds: number;
  candidatePairs: number;
  bids: number;
  kept: number;
  restored: number;
  cycles: number;
  /** the optimum's platform prices (pi(D) - pi(p), at least 0): a warm start for a nearby problem */
  prices: Float64Array;
}

export function optimalSlots(ps: PairSet, cap: Int32Array = ps.freeSlots, o: SlotsOptions = {}): SlotsResult {
  const N = ps.talents;
  const M = ps.platforms;
  const { tPtr, plat, s: sc } = ps;
  const E = plat.length;
  const K = Math.max(1, o.candidates ?? 16);
  let top = 0;
  for (let e = 0; e < E; e++) top = Math.max(top, sc[e]);
  const tol = 1e-12 * Math.max(1, top);
  let bids = 0;
  let prices: Float64Array;
  if (o.prices) prices = o.prices;
  else {
    const coarse = auctionPrices(ps, cap, { epsStart: 1 / 16, epsEnd: 1 / 1024, maxBids: 4 * N });
    bids += coarse.bids;
    prices = coarse.prices;
    o.trace?.(`coarse auction (${coarse.bids} bids)`);
  }
  // candidate marks over the full pairs
  const inSet = new Uint8Array(E);
  const bestE = new Int32Array(K);
  const bestV = new Float64Array(K);
  for (let t = 0; t < N; t++) {
    const e0 = tPtr[t];
    const e1 = tPtr[t + 1];
    if (e1 - e0 <= K) {
      inSet.fill(1, e0, e1);
      continue;
    }
    let n = 0;
    for (let e = e0; e < e1; e++) {
      const v = sc[e] - prices[plat[e]];
      if (n === K && v <= bestV[K - 1]) continue;
      let i = n < K ? n++ : K - 1;
      while (i > 0 && bestV[i - 1] < v) {
        bestV[i] = bestV[i - 1];
        bestE[i] = bestE[i - 1];
        i--;
      }
      bestV[i] = v;
      bestE[i] = e;
    }
    for (let i = 0; i < n; i++) inSet[bestE[i]] = 1;
  }
  let lists = subLists(ps, inSet);
  o.trace?.('candidates');
  if (!o.prices) {
    const fine = auctionPrices(lists, cap, { start: prices, epsStart: 1 / 1024, epsEnd: 1e-6, factor: 8, maxBids: 40 * N });
    bids += fine.bids;
    prices = fine.prices;
    o.trace?.(`fine auction (${fine.bids} bids)`);
  }
  const maxRounds = o.maxRounds ?? 8;
  let start: FlowStart | undefined;
  for (let round = 1; ; round++) {
    const r = optimalFromPrices(lists, cap, prices, start);
    o.trace?.(`finish ${round} (kept ${r.kept}, reverse ${r.reverseMoves}, restored ${r.restored}, cycles ${r.cycles}, settled ${r.settled})`);
    const piP = r.potentials.subarray(N, N + M);
    const piD = r.potentials[N + M];
    // pricing: the pairs left out
    let violations = 0;
    for (let t = 0; t < N; t++) {
      const pt = r.potentials[t];
      for (let e = tPtr[t], e1 = tPtr[t + 1]; e < e1; e++) {
        if (inSet[e] === 0 && sc[e] + piP[plat[e]] > pt + tol) {
          inSet[e] = 1;
          violations++;
        }
      }
    }
    o.trace?.(`pricing (${violations} violations)`);
    if (violations === 0 || lists.plat.length === E) {
      const pairOf = new Int32Array(N);
      for (let t = 0; t < N; t++) pairOf[t] = r.pairOf[t] >= 0 ? lists.full[r.pairOf[t]] : -1;
      const out = new Float64Array(M);
      for (let p = 0; p < M; p++) out[p] = Math.max(0, piD - piP[p]);
      return {
        pairOf, totalScore: r.totalScore, settled: r.settled, potentials: r.potentials,
        rounds: round, candidatePairs: lists.plat.length, bids, kept: r.kept, restored: r.restored, cycles: r.cycles, prices: out,
      };
    }
    if (round >= maxRounds) inSet.fill(1);
    const next = subLists(ps, inSet);
    // the next round starts from this flow: each talent's pair renumbered in the new lists
    const pairOf = new Int32Array(N).fill(-1);
    for (let t = 0; t < N; t++) {
      if (r.pairOf[t] < 0) continue;
      const e = lists.full[r.pairOf[t]];
      for (let j = next.tPtr[t]; j < next.tPtr[t + 1]; j++) if (next.full[j] === e) pairOf[t] = j;
    }
    start = { pairOf, piP: Float64Array.from(piP), piD, tol };
    lists = next;
  }
}

/** The marked pairs as talent-major lists in the talents' own order, with their full ids. */
function subLists(ps: PairSet, inSet: Uint8Array): PairLists & { full: Int32Array } {
  const N = ps.talents;
  let n = 0;
  for (let e = 0; e < inSet.length; e++) n += inSet[e];
  const tPtr = new Int32Array(N + 1);
  const plat = new Int32Array(n);
  const s = new Float64Array(n);
  const talentOf = new Int32Array(n);
  const full = new Int32Array(n);
  let j = 0;
  for (let t = 0; t < N; t++) {
    for (let e = ps.tPtr[t], e1 = ps.tPtr[t + 1]; e < e1; e++) {
      if (inSet[e] === 0) continue;
      plat[j] = ps.plat[e];
      s[j] = ps.s[e];
      talentOf[j] = t;
      full[j++] = e;
    }
    tPtr[t + 1] = j;
  }
  return { talents: N, platforms: ps.platforms, tPtr, plat, s, talentOf, full };
}
