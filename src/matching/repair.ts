/**
 * When seats bind, deferred acceptance (stable.ts) can leave blocking pairs (a big team's
 * admission may evict several small ones and leave room that an earlier-rejected talent could
 * use). This pass satisfies blocking pairs one at a time, in the style of Roth and Vande Vate.
 */
import type { PairSet } from './pairs.js';
import { platformPrefers, ranksAbove } from './pairs.js';
import { CapacityLedger } from './capacity.js';
import { Refusals } from './refusals.js';
import type { Matching } from './types.js';

/**
 * Each platform's holders in its order of preference (best first), in one flat block per
 * platform (pair, platform score, talent and seat need side by side), and the block's steps:
 * walking up from the lowest-ranked holder, each holder that needs more seats than every
 * holder below it. The lowest-ranked holder needing at least r seats is the first step that
 * does (every holder below it needs fewer, so it is a step): the one holder a platform would
 * drop for a talent, found in a few flat reads instead of a walk over every holder.
 */
class Holders {
  readonly off: Int32Array;
  readonly len: Int32Array;
  readonly pair: Int32Array;
  readonly b: Float64Array;
  readonly t: Int32Array;
  readonly need: Int32Array;
  /** p's steps, lowest-ranked first: block indices (stepLen[p] of them, from off[p]) */
  readonly step: Int32Array;
  readonly stepLen: Int32Array;

  constructor(
    private readonly ps: PairSet,
    pairOf: Int32Array,
  ) {
    const M = ps.platforms;
    const held = new Int32Array(M);
    for (let t = 0; t < pairOf.length; t++) if (pairOf[t] >= 0) held[ps.plat[pairOf[t]]]++;
    // a platform only takes a talent into a free slot or in exchange for one: it never holds
    // more than it starts with or has slots for, nor more than its acceptable pairs
    this.off = new Int32Array(M + 1);
    for (let p = 0; p < M; p++) this.off[p + 1] = this.off[p] + Math.min(ps.pPtr[p + 1] - ps.pPtr[p], Math.max(held[p], ps.freeSlots[p]));
    const size = this.off[M];
    this.len = new Int32Array(M);
    this.pair = new Int32Array(size);
    this.b = new Float64Array(size);
    this.t = new Int32Array(size);
    this.need = new Int32Array(size);
    this.step = new Int32Array(size);
    this.stepLen = new Int32Array(M);
    const lists: number[][] = Array.from({ length: M }, () => []);
    for (let t = 0; t < pairOf.length; t++) if (pairOf[t] >= 0) lists[ps.plat[pairOf[t]]].push(pairOf[t]);
    for (let p = 0; p < M; p++) {
      const l = lists[p];
      if (l.length > 1) l.sort((x, y) => (platformPrefers(ps, x, y) ? -1 : 1));
      for (const e of l) this.set(this.off[p] + this.len[p]++, e);
      this.restep(p);
    }
  }

  private set(i: number, e: number): void {
    const t = this.ps.talentOf[e];
    this.pair[i] = e;
    this.b[i] = this.ps.b[e];
    this.t[i] = t;
    this.need[i] = this.ps.seats[t];
  }

  /** the first block index of p whose holder p does not prefer to score `b` of talent `t` (platformPrefers' order) */
  private rank(p: number, b: number, t: number): number {
    let lo = this.off[p];
    let hi = lo + this.len[p];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ranksAbove(this.b[mid], this.t[mid], b, t)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** the walk up from the lowest-ranked holder: each holder needing more seats than all below it */
  private restep(p: number): void {
    const base = this.off[p];
    let n = 0;
    let most = -Infinity;
    for (let i = base + this.len[p] - 1; i >= base; i--) {
      if (this.need[i] > most) {
        most = this.need[i];
        this.step[base + n++] = i;
      }
    }
    this.stepLen[p] = n;
  }

  /** p's lowest-ranked holder (-1: none) */
  worst(p: number): number {
    return this.len[p] > 0 ? this.pair[this.off[p] + this.len[p] - 1] : -1;
  }

  join(p: number, e: number): void {
    const i = this.rank(p, this.ps.b[e], this.ps.talentOf[e]);
    const end = this.off[p] + this.len[p]++;
    this.pair.copyWithin(i + 1, i, end);
    this.b.copyWithin(i + 1, i, end);
    this.t.copyWithin(i + 1, i, end);
    this.need.copyWithin(i + 1, i, end);
    this.set(i, e);
    this.restep(p);
  }

  leave(p: number, e: number): void {
    const i = this.rank(p, this.ps.b[e], this.ps.talentOf[e]); // e is held: found where it ranks
    const end = this.off[p] + this.len[p]--;
    this.pair.copyWithin(i, i + 1, end);
    this.b.copyWithin(i, i + 1, end);
    this.t.copyWithin(i, i + 1, end);
    this.need.copyWithin(i, i + 1, end);
    this.restep(p);
  }

  /**
   * The holder p would drop to take pair e (of talent t): the lowest-ranked holder whose seats,
   * with p's `seatsLeft`, cover `need`, when e ranks above it; -2 when none does (a holder needing
   * enough seats ranked below e would be at or below that one).
   */
  drop(p: number, e: number, t: number, need: number, seatsLeft: number): number {
    const base = this.off[p];
    const n = this.stepLen[p];
    const r = need - seatsLeft;
    for (let k = 0; k < n; k++) {
      const i = this.step[base + k];
      if (this.need[i] < r) continue;
      return ranksAbove(this.ps.b[e], t, this.b[i], this.t[i]) ? this.pair[i] : -2;
    }
    return -2;
  }
}

/**
 * Scanning talents in id order, a talent moves to its most preferred platform that could take
 * it (room, or by removing the one lowest-ranked talent whose removal frees enough seats), and
 * a displaced talent looks again. It stops when a scan moves nobody or after `maxMoves` moves
 * (a stable assignment may not exist). Without binding seats, deferred acceptance is already
 * stable and the first scan moves nobody.
 */
export function resolveBlocking(ps: PairSet, m: Matching, maxMoves = 20 * ps.talents + 1000): Matching & { settled: boolean } {
  const N = ps.talents;
  const M = ps.platforms;
  const pairOf = m.pairOf.slice();
  const ledger = CapacityLedger.of(ps, pairOf, ps.plat);
  const holders = new Holders(ps, pairOf);
  // a pair that does not beat p's lowest-ranked holder beats none, and one p has no room for
  // takes no slot: most pairs a scan looks at are refused from these flat numbers
  const quick = new Refusals(ps, ledger);
  for (let p = 0; p < M; p++) quick.sync(p, holders.worst(p));
  /** the pair p would drop to take pair e of talent t (-1: room without dropping; -2: cannot take it) */
  const canTake = (p: number, e: number, t: number, need: number): number => {
    if (quick.room[p] >= need) return -1; // capacity.ts fits
    // fitsInstead: a slot once one holder leaves, and that holder's seats
    if (ledger.slotsLeft[p] + 1 <= 0) return -2;
    return holders.drop(p, e, t, need, ledger.seatsLeft[p]);
  };
  const leave = (e: number) => {
    const p = ps.plat[e];
    holders.leave(p, e);
    ledger.leave(p, ps.talentOf[e]);
    pairOf[ps.talentOf[e]] = -1;
    quick.sync(p, holders.worst(p));
  };
  const join = (e: number) => {
    const p = ps.plat[e];
    holders.join(p, e);
    ledger.join(p, ps.talentOf[e]);
    pairOf[ps.talentOf[e]] = e;
    quick.sync(p, holders.worst(p));
  };
  const { plat, seats, tPtr } = ps;
  let moves = 0;
  let changed = true;
  while (changed && moves < maxMoves) {
    changed = false;
    for (let t = 0; t < N && moves < maxMoves; t++) {
      const own = pairOf[t];
      const end = own >= 0 ? own : tPtr[t + 1]; // lists are in preference order: only earlier pairs are better
      const need = seats[t];
      for (let e = tPtr[t]; ; e++) {
        e = quick.firstUnrefused(t, e, end, need); // canTake would say -2 to the pairs it passes
        if (e === end) break;
        const p = plat[e];
        const drop = canTake(p, e, t, need);
        if (drop === -2) continue;
        if (own >= 0) leave(own);
        if (drop >= 0) leave(drop);
        join(e);
        moves++;
        changed = true;
        break;
      }
    }
  }
  // settled: the last scan found no pair t prefers to its own that its platform could take
  // (room, or one lower-ranked member whose leaving frees enough seats): exactly the
  // contract's blocking pair (blocking.ts), so there are none
  return { pairOf, settled: !changed };
}
