/**
 * Deferred acceptance with capacities (hospital–resident), either side proposing.
 * A platform holds at most its free slots and free seats (a talent uses its seat need).
 *
 * Talent-proposing: each free talent proposes down its list; a platform admits the
 * proposer when it fits, or when evicting held talents it ranks below the proposer (worst
 * first) makes room; otherwise it rejects. With one seat per talent (or whenever seats
 * do not bind) this is the classic algorithm and yields the talent-optimal stable
 * assignment. When seats bind a stable assignment may not exist; the result is then
 * whatever the procedure reaches, and blocking pairs are counted, not assumed (repair.ts
 * then moves talents along them).
 *
 * Platform-proposing: each platform with room proposes down its list to talents that fit
 * its remaining seats (skipped ones are retried first when room frees up); a talent keeps
 * the best offer it has and releases the previous one.
 *
 * Deterministic: talents and platforms are processed in index (id) order.
 */
import type { PairSet } from './pairs.js';
import { platformOrder, platformPrefers, talentPrefers } from './pairs.js';
import { CapacityLedger, fits } from './capacity.js';
import { Refusals } from './refusals.js';
import type { Matching } from './types.js';

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
    let longest = 0;
    for (let p = 0; p < M; p++) longest = Math.max(longest, this.off[p + 1] - this.off[p]);
    this.walk = new Int32Array(longest);
  }
  /** heap positions still to visit in `evictionMakesRoom` */
  private readonly walk: Int32Array;
  /** x is worse (for the platform) than y */
  private worse(x: number, y: number): boolean {
    return platformPrefers(this.ps, y, x);
  }
  /**
   * Whether evicting every pair p holds and ranks below pair e would leave room for a talent
   * needing `need` seats, p having `slotsLeft` / `seatsLeft` now: what evicting worst first
   * while the worst ranks below e reaches (room only grows as talents leave), without moving
   * anyone. Those pairs are the heap's top (a pair's parent ranks below it): a walk from the
   * root that stops at pairs ranked above e visits exactly them.
   */
  evictionMakesRoom(p: number, e: number, slotsLeft: number, seatsLeft: number, need: number): boolean {
    const base = this.off[p];
    const n = this.size[p];
    const { items, walk } = this;
    const { seats, talentOf } = this.ps;
    let top = 0;
    if (n > 0 && this.worse(items[base], e)) walk[top++] = 0;
    while (top > 0) {
      const i = walk[--top];
      slotsLeft++;
      seatsLeft += seats[talentOf[items[base + i]]];
      if (fits(slotsLeft, seatsLeft, need)) return true;
      const l = 2 * i + 1;
      if (l < n && this.worse(items[base + l], e)) walk[top++] = l;
      if (l + 1 < n && this.worse(items[base + l + 1], e)) walk[top++] = l + 1;
    }
    return false;
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

export function talentProposing(ps: PairSet): Matching {
  const N = ps.talents;
  const pairOf = new Int32Array(N).fill(-1);
  const next = new Int32Array(N);
  const ledger = new CapacityLedger(ps);
  const held = new HeldHeaps(ps, ps.freeSlots);
  const quick = new Refusals(ps, ledger);
  for (let p = 0; p < ps.platforms; p++) quick.sync(p, -1);
  const stack: number[] = [];
  for (let t = N - 1; t >= 0; t--) stack.push(t);
  while (stack.length > 0) {
    const t = stack.pop()!;
    // t proposes down its list until a platform holds it or the list ends (then it stays
    // unassigned); a rejected talent would be the next popped anyway, so it goes on at once
    const start = ps.tPtr[t];
    const end = ps.tPtr[t + 1];
    const need = ps.seats[t];
    let k = start + next[t];
    for (; ; k++) {
      // the common case on a long list: p is full of talents it ranks above t
      k = quick.firstUnrefused(t, k, end, need);
      if (k === end) break;
      const p = ps.plat[k];
      // p rejects t unless evicting the talents it ranks below t makes room: nobody moves
      if (!ledger.fits(p, t) && !held.evictionMakesRoom(p, k, ledger.slotsLeft[p], ledger.seatsLeft[p], need)) continue;
      // p admits t: its worst held talents leave, worst first, until t fits (they rank below t)
      while (!ledger.fits(p, t)) {
        const w = held.pop(p);
        const tw = ps.talentOf[w];
        ledger.leave(p, tw);
        pairOf[tw] = -1;
        stack.push(tw);
      }
      held.push(p, k);
      pairOf[t] = k;
      ledger.join(p, t);
      quick.sync(p, held.worst(p));
      k++;
      break;
    }
    next[t] = k - start;
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
