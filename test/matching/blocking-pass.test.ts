/**
 * The blocking-pair pass keeps each platform's lowest-ranked member to end most scans at
 * once. Differential test: the same moves, hence the same matching, as the pass before that
 * change (kept here as the oracle, walking every member per scanned pair).
 *
 * The quick refusal (refusals.ts Refusals) may only ever refuse less than the full check: a
 * mutation that makes it refuse less (`>` as `>=` on the holder's score, a `sync` dropped
 * after a join) sends more pairs to the full check and changes no result, so it survives
 * these tests by design; one that refuses more (`room >= need` as `>`, the `sync` after a
 * leave dropped) fails them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { talentProposing, platformProposing } from '../../src/matching/stable.js';
import { resolveBlocking } from '../../src/matching/repair.js';
import type { PairSet } from '../../src/matching/pairs.js';
import { platformPrefers, seatsBind } from '../../src/matching/pairs.js';
import { countBlockingPairs } from '../../src/matching/blocking.js';
import { assignPairs } from '../../src/matching/assign.js';
import { CapacityLedger } from '../../src/matching/capacity.js';
import type { RawInstance } from './instances.js';
import { crowdedArb, instanceArb, toPairSet } from './instances.js';

const coarse = fc.integer({ min: 1, max: 5 }).map((x) => x / 5);
/**
 * Crowded instances: up to 60 talents on up to 6 platforms, so a platform holds up to 12
 * talents of seat needs 0-8 and seats bind hard (free seats 0 to 5 per slot): long blocks of
 * holders, many seat steps, platforms left with exactly one slot, teams needing exactly the
 * free seats, ties in every score.
 */
const crowded = crowdedArb({ maxN: 60, maxM: 6, score: coarse, freq: 3, maxSlots: 12, maxPerSlot: 5, maxExtra: 4 });

function oracle(ps: PairSet, start: Int32Array, maxMoves = 20 * ps.talents + 1000): Int32Array {
  const pairOf = start.slice();
  const members: number[][] = Array.from({ length: ps.platforms }, () => []);
  const ledger = CapacityLedger.of(ps, pairOf, ps.plat);
  for (let t = 0; t < ps.talents; t++) if (pairOf[t] >= 0) members[ps.plat[pairOf[t]]].push(pairOf[t]);
  const canTake = (p: number, e: number): number => {
    const t = ps.talentOf[e];
    if (ledger.fits(p, t)) return -1;
    let drop = -2;
    for (const u of members[p]) {
      if (!platformPrefers(ps, e, u)) continue;
      if (!ledger.fitsInstead(p, t, ps.talentOf[u])) continue;
      if (drop < 0 || platformPrefers(ps, drop, u)) drop = u;
    }
    return drop;
  };
  const leave = (e: number) => {
    const l = members[ps.plat[e]];
    l.splice(l.indexOf(e), 1);
    ledger.leave(ps.plat[e], ps.talentOf[e]);
    pairOf[ps.talentOf[e]] = -1;
  };
  const join = (e: number) => {
    members[ps.plat[e]].push(e);
    ledger.join(ps.plat[e], ps.talentOf[e]);
    pairOf[ps.talentOf[e]] = e;
  };
  let moves = 0;
  let changed = true;
  while (changed && moves < maxMoves) {
    changed = false;
    for (let t = 0; t < ps.talents && moves < maxMoves; t++) {
      const own = pairOf[t];
      const end = own >= 0 ? own : ps.tPtr[t + 1];
      for (let e = ps.tPtr[t]; e < end; e++) {
        const drop = canTake(ps.plat[e], e);
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
  return pairOf;
}

describe('blocking-pair pass', () => {
  it('makes exactly the moves of the member-walking pass (random instances, seats binding, both proposers, move caps)', () => {
    fc.assert(
      fc.property(instanceArb({ maxN: 14, maxM: 5 }), fc.boolean(), fc.integer({ min: 0, max: 6 }), (r, byTalent, cap) => {
        const ps = toPairSet(r);
        const m = byTalent ? talentProposing(ps) : platformProposing(ps);
        // the full pass, and one cut short after `cap` moves (same prefix of moves)
        expect(Array.from(resolveBlocking(ps, m).pairOf)).toEqual(Array.from(oracle(ps, m.pairOf)));
        expect(Array.from(resolveBlocking(ps, m, cap).pairOf)).toEqual(Array.from(oracle(ps, m.pairOf, cap)));
      }),
      { numRuns: 1500 },
    );
  });

  it('makes the oracle moves when scores are one ulp apart or +0 / -0 (the scan flat refusal compares as platformPrefers does)', () => {
    fc.assert(
      fc.property(instanceArb({ maxN: 14, maxM: 5, fine: true }), fc.boolean(), fc.integer({ min: 0, max: 6 }), (r, byTalent, cap) => {
        const ps = toPairSet(r);
        const m = byTalent ? talentProposing(ps) : platformProposing(ps);
        const full = resolveBlocking(ps, m);
        expect(Array.from(full.pairOf)).toEqual(Array.from(oracle(ps, m.pairOf)));
        expect(Array.from(resolveBlocking(ps, m, cap).pairOf)).toEqual(Array.from(oracle(ps, m.pairOf, cap)));
        if (full.settled) expect(countBlockingPairs(ps, full)).toBe(0);
      }),
      { numRuns: 1500 },
    );
  });

  it('says settled only when its last scan moved nobody, and then the contract counts no blocking pair (random instances, move caps)', () => {
    let settledSeen = 0;
    fc.assert(
      fc.property(instanceArb({ maxN: 14, maxM: 5 }), fc.boolean(), fc.integer({ min: 0, max: 6 }), (r, byTalent, cap) => {
        const ps = toPairSet(r);
        const m = byTalent ? talentProposing(ps) : platformProposing(ps);
        for (const x of [resolveBlocking(ps, m), resolveBlocking(ps, m, cap)]) {
          if (x.settled) {
            settledSeen++;
            expect(countBlockingPairs(ps, x)).toBe(0);
            // settled is a fixed point: another pass moves nobody
            expect(Array.from(resolveBlocking(ps, x).pairOf)).toEqual(Array.from(x.pairOf));
          }
        }
        // no move allowed: nothing proven
        expect(resolveBlocking(ps, m, 0).settled).toBe(false);
        // the assignment reports what counting the blocking pairs would (it skips the count when settled)
        if (seatsBind(ps)) {
          const a = assignPairs(ps, { mode: 'stable', proposer: byTalent ? 'talent' : 'platform' }, Array.from({ length: ps.platforms }, (_, p) => `p${p}`), () => 'none');
          expect(a.blockingPairs).toBe(countBlockingPairs(ps, a.matching));
        }
      }),
      { numRuns: 1500 },
    );
    expect(settledSeen).toBeGreaterThan(100);
  });
});

/** Talent-proposing deferred acceptance as it was written before the inner loop (one proposal per pop): the oracle. */
function proposingOracle(ps: PairSet): Int32Array {
  const pairOf = new Int32Array(ps.talents).fill(-1);
  const next = new Int32Array(ps.talents);
  const ledger = new CapacityLedger(ps);
  const held: number[][] = Array.from({ length: ps.platforms }, () => []);
  const worst = (p: number) => held[p].reduce((w, e) => (platformPrefers(ps, w, e) ? e : w));
  const stack: number[] = [];
  for (let t = ps.talents - 1; t >= 0; t--) stack.push(t);
  while (stack.length > 0) {
    const t = stack.pop()!;
    const k = ps.tPtr[t] + next[t];
    if (k >= ps.tPtr[t + 1]) continue;
    next[t]++;
    const p = ps.plat[k];
    const evicted: number[] = [];
    while (!ledger.fits(p, t) && held[p].length > 0 && platformPrefers(ps, k, worst(p))) {
      const w = worst(p);
      held[p].splice(held[p].indexOf(w), 1);
      evicted.push(w);
      ledger.leave(p, ps.talentOf[w]);
    }
    if (ledger.fits(p, t)) {
      for (const w of evicted) {
        pairOf[ps.talentOf[w]] = -1;
        stack.push(ps.talentOf[w]);
      }
      held[p].push(k);
      pairOf[t] = k;
      ledger.join(p, t);
    } else {
      for (const w of evicted) {
        held[p].push(w);
        ledger.join(p, ps.talentOf[w]);
      }
      stack.push(t);
    }
  }
  return pairOf;
}

describe('talent-proposing deferred acceptance', () => {
  it('reaches the matching of one proposal per pop (random instances, seats binding or not)', () => {
    fc.assert(
      fc.property(instanceArb({ maxN: 16, maxM: 5 }), (r) => {
        const ps = toPairSet(r);
        expect(Array.from(talentProposing(ps).pairOf)).toEqual(Array.from(proposingOracle(ps)));
      }),
      { numRuns: 1500 },
    );
  });

  it('reaches it on crowded instances: rejecting without evicting refuses exactly where evicting and undoing did', () => {
    let refused = 0;
    fc.assert(
      fc.property(crowded, (r) => {
        const ps = toPairSet(r);
        const got = talentProposing(ps).pairOf;
        expect(Array.from(got)).toEqual(Array.from(proposingOracle(ps)));
        // some talent was refused (or evicted) where it asked first: it holds a later choice
        if (got.some((e, t) => e > ps.tPtr[t])) refused++;
      }),
      { numRuns: 600 },
    );
    expect(refused).toBeGreaterThan(100);
  });
});

describe('blocking-pair pass on crowded instances', () => {
  it('makes the oracle moves (the same matching, the same matching after every move cap, the same settled)', () => {
    let moved = 0;
    fc.assert(
      fc.property(crowded, fc.boolean(), fc.integer({ min: 0, max: 12 }), (r, byTalent, cap) => {
        const ps = toPairSet(r);
        const m = byTalent ? talentProposing(ps) : platformProposing(ps);
        const full = resolveBlocking(ps, m);
        const want = oracle(ps, m.pairOf);
        expect(Array.from(full.pairOf)).toEqual(Array.from(want));
        expect(Array.from(resolveBlocking(ps, m, cap).pairOf)).toEqual(Array.from(oracle(ps, m.pairOf, cap)));
        // settled exactly when the oracle's result has no blocking pair left to move on
        expect(full.settled).toBe(Array.from(oracle(ps, want)).every((e, t) => e === want[t]));
        if (!Array.from(full.pairOf).every((e, t) => e === m.pairOf[t])) moved++;
      }),
      { numRuns: 600 },
    );
    expect(moved).toBeGreaterThan(50);
  });

  it('drops the lowest-ranked holder whose seats suffice, not the lowest-ranked one (known answer)', () => {
    // one platform, 3 slots all held, no free seat: holders t0 (needs 5), t1 (1), t2 (3), in the
    // platform's order of preference; talents t3..t5 unassigned, each acceptable to it only
    const b = [0.9, 0.8, 0.3, 0.95, 0.5, 0.1];
    const seats = [5, 1, 3, 4, 2, 1];
    const ps = toPairSet({ N: 6, M: 1, cells: b.map((x) => [[0.5, x, 0.5]]), seats, freeSlots: [3], freeSeats: [9] });
    const start = Int32Array.from([0, 1, 2, -1, -1, -1]);
    // t3 (needs 4, ranked first) can only come in for t0, the one holder needing >= 4 seats;
    // t4 (needs 2, ranked above t2 only) then replaces t2 (needs 3); t5 (below everyone) stays out
    const r = resolveBlocking(ps, { pairOf: start });
    expect(Array.from(r.pairOf)).toEqual([-1, 1, -1, 3, 4, -1]);
    expect(Array.from(r.pairOf)).toEqual(Array.from(oracle(ps, start)));
    expect(r.settled).toBe(true);
  });

  it('takes nobody in exchange at a platform holding more than its slots (no slot even after one leaves)', () => {
    // 1 slot, 2 holders (a matching given over capacity), plenty of seats; t2 ranked first
    const ps = toPairSet({ N: 3, M: 1, cells: [[[0.5, 0.2, 0.5]], [[0.5, 0.1, 0.5]], [[0.5, 0.9, 0.5]]], seats: [1, 1, 1], freeSlots: [1], freeSeats: [9] });
    const start = Int32Array.from([0, 1, -1]);
    const r = resolveBlocking(ps, { pairOf: start });
    expect(Array.from(r.pairOf)).toEqual([0, 1, -1]);
    expect(Array.from(r.pairOf)).toEqual(Array.from(oracle(ps, start)));
    expect(r.settled).toBe(true);
  });
});
