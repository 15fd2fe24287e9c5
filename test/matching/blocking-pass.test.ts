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
import { instanceArb, toPairSet } from './instances.js';

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
});
