/**
 * Deferred acceptance with capacities (hospital–resident), either side proposing.
 * A platform holds at most its free slots and free seats (a talent uses its seat need).
 *
 * Talent-proposing: each free talent proposes down its list; a platform admits the
 * proposer when it fits, or when evicting held talents it ranks below the proposer (worst
 * first) makes room; otherwise it rejects. With one seat per talent (or whenever seats
 * do not bind) this is the classic algorithm and yields the talent-optimal stable
 * assignment. When seats bind a stable assignment may not exist; the result is then
 * whatever the procedure reaches, and blocking pairs are counted, not assumed.
 *
 * Platform-proposing: each platform with room proposes down its list to talents that fit
 * its remaining seats (skipped ones are retried first when room frees up); a talent keeps
 * the best offer it has and releases the previous one.
 *
 * Deterministic: talents and platforms are processed in index (id) order.
 */
import type { PairSet } from '../../../src/matching/pairs.js';
import { platformOrder, platformPrefers, talentPrefers } from '../../../src/matching/pairs.js';
import { CapacityLedger, roomFor } from '../../../src/matching/capacity.js';
import type { Matching } from '../../../src/matching/types.js';

/** Per-platform max-heap of held pairs with the platform's WORST held pair at the root. */
class HeldHeaps {
  readonly off: Int32Array;
  readonly size: Int32Array;
  readonly items: Int32Array;
  constructor(
    private readonly ps: PairSet,
    caps: Int32Array,
  ) {
    const M = caps.length;
    this.off = new Int32Array(M + 1);
    // a platform never holds more talents than it has acceptable pairs: bounding by that keeps
    // the heap's size at most the pair count, whatever the slots (up to 1e9 by the contract)
    for (let p = 0; p < M; p++) this.off[p + 1] = this.off[p] + Math.max(0, Math.min(caps[p], ps.pPtr[p + 1] - ps.pPtr[p]));
    this.size = new Int32Array(M);
    this.items = new Int32Array(this.off[M]);
  }
  /** x is worse (for the platform) than y */
  private worse(x: number, y: number): boolean {
    return platformPrefers(this.ps, y, x);
  }
  worst(p: number): number {
    return this.items[this.off[p]];
  }
  push(p: number, e: number): void {
    const base = this.off[p];
    let i = this.size[p]++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(e, this.items[base + parent])) break;
      this.items[base + i] = this.items[base + parent];
      i = parent;
    }
    this.items[base + i] = e;
  }
  pop(p: number): number {
    const base = this.off[p];
    const top = this.items[base];
    const n = --this.size[p];
    if (n > 0) {
      const e = this.items[base + n];
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        let c = l;
        if (l + 1 < n && this.worse(this.items[base + l + 1], this.items[base + l])) c = l + 1;
        if (!this.worse(this.items[base + c], e)) break;
        this.items[base + i] = this.items[base + c];
        i = c;
      }
      this.items[base + i] = e;
    }
    return top;
  }
}

/**
 * The quick refusal both passes make on every pair they look at, from flat per-platform
 * numbers (cache-resident, no call, no read of the holders' pair arrays): a platform can take
 * pair e of talent t only when t fits (a free slot and enough free seats) or e ranks above the
 * platform's lowest-ranked holder. room[p] is capacity.ts roomFor (t fits exactly when
 * room[p] >= its seats); barB / barT are the lowest holder's
 * platform score and talent (+Infinity / -1 with no holder: no pair ranks above it), compared
 * as platformPrefers compares. The owner calls `sync` whenever p's holders or ledger change.
 */
class Refusals {
  readonly room: Float64Array;
  readonly barB: Float64Array;
  readonly barT: Int32Array;
  constructor(
    private readonly ps: PairSet,
    private readonly ledger: CapacityLedger,
  ) {
    const M = ps.platforms;
    this.room = new Float64Array(M);
    this.barB = new Float64Array(M);
    this.barT = new Int32Array(M);
  }
  /** p's ledger as it stands and its lowest-ranked holder `w` (-1: none) */
  sync(p: number, w: number): void {
    this.room[p] = roomFor(this.ledger.slotsLeft[p], this.ledger.seatsLeft[p]);
    this.barB[p] = w < 0 ? Infinity : this.ps.b[w];
    this.barT[p] = w < 0 ? -1 : this.ps.talentOf[w];
  }
  /** p has no room for t (needing `need` seats) and ranks pair e below its lowest holder */
  refuses(p: number, e: number, t: number, need: number): boolean {
    if (this.room[p] >= need) return false;
    const be = this.ps.b[e];
    const bar = this.barB[p];
    return !(be > bar || (be === bar && t < this.barT[p]));
  }
}

export function talentProposing(ps: PairSet): Matching {
  const N = ps.talents;
  const pairOf = new Int32Array(N).fill(-1);
  const next = new Int32Array(N);
  const ledger = new CapacityLedger(ps);
  const held = new HeldHeaps(ps, ps.freeSlots);
  const quick = new Refusals(ps, ledger);
  for (let p = 0; p < ps.platforms; p++) quick.sync(p, -1);
  const evicted: number[] = [];
  const stack: number[] = [];
  for (let t = N - 1; t >= 0; t--) stack.push(t);
  while (stack.length > 0) {
    const t = stack.pop()!;
    // t proposes down its list until a platform holds it or the list ends (then it stays
    // unassigned); a rejected talent would be the next popped anyway, so it goes on at once
    const end = ps.tPtr[t + 1];
    const need = ps.seats[t];
    for (let k = ps.tPtr[t] + next[t]; k < end; k++) {
      next[t]++;
      const p = ps.plat[k];
      // the common case on a long list: p is full of talents it ranks above t
      if (quick.refuses(p, k, t, need)) continue;
      // evict (tentatively) the platform's worst held talents while they rank below t and t does not fit
      evicted.length = 0;
      while (!ledger.fits(p, t) && held.size[p] > 0 && platformPrefers(ps, k, held.worst(p))) {
        const w = held.pop(p);
        evicted.push(w);
        ledger.leave(p, ps.talentOf[w]);
      }
      if (ledger.fits(p, t)) {
        for (const w of evicted) {
          const tw = ps.talentOf[w];
          pairOf[tw] = -1;
          stack.push(tw);
        }
        held.push(p, k);
        pairOf[t] = k;
        ledger.join(p, t);
        quick.sync(p, held.worst(p));
        break;
      }
      for (const w of evicted) {
        held.push(p, w); // undo: t is rejected, nobody moves
        ledger.join(p, ps.talentOf[w]);
      }
    }
  }
  return { pairOf };
}

export function platformProposing(ps: PairSet): Matching {
  const N = ps.talents;
  const M = ps.platforms;
  const pairOf = new Int32Array(N).fill(-1);
  const ptr = ps.pPtr.slice(0, M);
  const order = platformOrder(ps); // each platform proposes down its own order
  const ledger = new CapacityLedger(ps);
  const skipped: number[][] = Array.from({ length: M }, () => []);
  const queued = new Uint8Array(M);
  const queue: number[] = [];
  const enqueue = (p: number) => {
    if (!queued[p]) {
      queued[p] = 1;
      queue.push(p);
    }
  };
  for (let p = M - 1; p >= 0; p--) enqueue(p);
  // offer pair e (platform p -> talent t): the talent keeps the better of this and its current hold
  const propose = (p: number, e: number): void => {
    const t = ps.talentOf[e];
    const cur = pairOf[t];
    if (cur >= 0 && !talentPrefers(ps, e, cur)) return;
    if (cur >= 0) {
      ledger.leave(ps.plat[cur], t);
      enqueue(ps.plat[cur]);
    }
    pairOf[t] = e;
    ledger.join(p, t);
  };
  while (queue.length > 0) {
    const p = queue.pop()!;
    queued[p] = 0;
    // skipped talents rank above everything not yet proposed to: retry them first, in order
    const sk = skipped[p];
    let w = 0;
    for (let i = 0; i < sk.length; i++) {
      const e = sk[i];
      if (ledger.fits(p, ps.talentOf[e])) propose(p, e);
      else sk[w++] = e;
    }
    sk.length = w;
    while (ledger.slotsLeft[p] > 0 && ptr[p] < ps.pPtr[p + 1]) {
      const e = order[ptr[p]++];
      if (!ledger.fits(p, ps.talentOf[e])) sk.push(e); // a slot is free: the seats do not fit
      else propose(p, e);
    }
  }
  return { pairOf };
}

/**
 * When seats bind, deferred acceptance can leave blocking pairs (a big team's admission
 * may evict several small ones and leave room that an earlier-rejected talent could use).
 * This pass satisfies blocking pairs one at a time, in the style of Roth and Vande Vate:
 * scanning talents in id order, a talent moves to its most preferred platform that could
 * take it (room, or by removing the one lowest-ranked talent whose removal frees enough
 * seats), and a displaced talent looks again. It stops when a scan moves nobody or after
 * `maxMoves` moves (a stable assignment may not exist). Without binding seats, deferred
 * acceptance is already stable and the first scan moves nobody.
 */
export function resolveBlocking(ps: PairSet, m: Matching, maxMoves = 20 * ps.talents + 1000): Matching & { settled: boolean } {
  const N = ps.talents;
  const M = ps.platforms;
  const pairOf = m.pairOf.slice();
  const members: number[][] = Array.from({ length: M }, () => []);
  const ledger = CapacityLedger.of(ps, pairOf, ps.plat);
  for (let t = 0; t < N; t++) if (pairOf[t] >= 0) members[ps.plat[pairOf[t]]].push(pairOf[t]);
  // each platform's lowest-ranked member (-1: none): a pair that does not beat it beats no
  // member (platformPrefers is a strict order), so most scans end in O(1) instead of walking
  // every member (this pass was the batch's largest serial cost at 20k x 300)
  const worst = new Int32Array(M).fill(-1);
  // canTake's two quick refusals, flat (each scan checks every unassigned talent's whole list)
  const quick = new Refusals(ps, ledger);
  const sync = (p: number) => quick.sync(p, worst[p]);
  const rescan = (p: number) => {
    let w = -1;
    for (const u of members[p]) if (w < 0 || platformPrefers(ps, w, u)) w = u;
    worst[p] = w;
  };
  for (let p = 0; p < M; p++) {
    rescan(p);
    sync(p);
  }
  /** the pair p would drop to take pair e (-1: room without dropping; -2: cannot take it) */
  const canTake = (p: number, e: number): number => {
    const t = ps.talentOf[e];
    if (ledger.fits(p, t)) return -1;
    if (worst[p] < 0 || !platformPrefers(ps, e, worst[p])) return -2;
    let drop = -2;
    for (const u of members[p]) {
      if (!platformPrefers(ps, e, u)) continue;
      if (!ledger.fitsInstead(p, t, ps.talentOf[u])) continue;
      if (drop < 0 || platformPrefers(ps, drop, u)) drop = u; // the lowest-ranked that suffices
    }
    return drop;
  };
  const leave = (e: number) => {
    const p = ps.plat[e];
    const l = members[p];
    l.splice(l.indexOf(e), 1);
    ledger.leave(p, ps.talentOf[e]);
    pairOf[ps.talentOf[e]] = -1;
    if (worst[p] === e) rescan(p);
    sync(p);
  };
  const join = (e: number) => {
    const p = ps.plat[e];
    members[p].push(e);
    ledger.join(p, ps.talentOf[e]);
    pairOf[ps.talentOf[e]] = e;
    if (worst[p] < 0 || platformPrefers(ps, worst[p], e)) worst[p] = e;
    sync(p);
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
      for (let e = tPtr[t]; e < end; e++) {
        const p = plat[e];
        if (quick.refuses(p, e, t, need)) continue; // canTake would say -2
        const drop = canTake(p, e);
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
