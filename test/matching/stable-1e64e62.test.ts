/**
 * Differential test of the fourteenth pass's stable assignment (stable.ts talentProposing with
 * HeldHeaps.evictionMakesRoom, repair.ts resolveBlocking by seat steps, pairs.ts platformTops
 * with flat bars) against the code it replaced, kept verbatim as the oracle
 * (oracle/stable-1e64e62.ts: src/matching/stable.ts at 1e64e62, only its import paths changed).
 * Instances: ties in every score (and scores one ulp apart), seat needs 0-8 with seats binding
 * hard, platforms with 0 or 1 slot and with fewer slots than holders (a start over capacity),
 * talents acceptable nowhere; the repair is started from both proposers and from arbitrary
 * matchings (any pair per talent or none), with and without a move cap.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { talentProposing, platformProposing } from '../../src/matching/stable.js';
import { resolveBlocking } from '../../src/matching/repair.js';
import type { PairSet } from '../../src/matching/pairs.js';
import { platformOrder, platformPrefers, platformRankOf, platformTops, SELECT_MAX } from '../../src/matching/pairs.js';
import * as old from './oracle/stable-1e64e62.js';
import type { RawInstance } from './instances.js';
import { crowdedArb, toPairSet } from './instances.js';

const score = fc.oneof(
  fc.integer({ min: 0, max: 4 }).map((x) => x / 4),
  fc.constantFrom(0.5, 0.5 + 2 ** -53, 0.5 - 2 ** -54, 0, -0, 1),
);
const arb = crowdedArb({ maxN: 40, maxM: 5, score, freq: 2, maxSlots: 10, maxPerSlot: 6, maxExtra: 5 });

/** an arbitrary start: each talent on one of its pairs or none (platforms may be over capacity) */
function anyStart(ps: PairSet, picks: number[]): Int32Array {
  const pairOf = new Int32Array(ps.talents).fill(-1);
  for (let t = 0; t < ps.talents; t++) {
    const n = ps.tPtr[t + 1] - ps.tPtr[t];
    const k = picks[t % picks.length] % (n + 1);
    if (k < n) pairOf[t] = ps.tPtr[t] + k;
  }
  return pairOf;
}

/** platformTops at 1e64e62 (the list's last entry compared through platformPrefers) */
function oldTops(ps: PairSet, limit: number, keep: (e: number) => boolean): number[][] {
  const out: number[][] = Array.from({ length: ps.platforms }, () => []);
  if (limit <= 0) return out;
  if (limit > SELECT_MAX) {
    const order = platformOrder(ps);
    for (let p = 0; p < ps.platforms; p++) {
      const l = out[p];
      for (let k = ps.pPtr[p]; k < ps.pPtr[p + 1] && l.length < limit; k++) if (keep(order[k])) l.push(order[k]);
    }
    return out;
  }
  for (let e = 0; e < ps.plat.length; e++) {
    const l = out[ps.plat[e]];
    if (l.length === limit && !platformPrefers(ps, e, l[limit - 1])) continue;
    if (!keep(e)) continue;
    const lo = platformRankOf(ps, l, e);
    if (l.length === limit) l.pop();
    l.splice(lo, 0, e);
  }
  return out;
}

describe('the stable assignment against the code of 1e64e62', () => {
  it('talent-proposing deferred acceptance: the same matching', () => {
    let later = 0;
    fc.assert(
      fc.property(arb, (r) => {
        const ps = toPairSet(r);
        const got = talentProposing(ps).pairOf;
        expect(Array.from(got)).toEqual(Array.from(old.talentProposing(ps).pairOf));
        if (got.some((e, t) => e > ps.tPtr[t])) later++;
      }),
      { numRuns: 1500 },
    );
    expect(later).toBeGreaterThan(300); // rejections happened
  });

  it('the repair: the same matching and settled from both proposers, with and without a move cap', () => {
    let moved = 0;
    fc.assert(
      fc.property(arb, fc.boolean(), fc.integer({ min: 0, max: 15 }), (r, byTalent, cap) => {
        const ps = toPairSet(r);
        const m = byTalent ? old.talentProposing(ps) : old.platformProposing(ps);
        const got = resolveBlocking(ps, m);
        const want = old.resolveBlocking(ps, m);
        expect(Array.from(got.pairOf)).toEqual(Array.from(want.pairOf));
        expect(got.settled).toBe(want.settled);
        const gc = resolveBlocking(ps, m, cap);
        const wc = old.resolveBlocking(ps, m, cap);
        expect(Array.from(gc.pairOf)).toEqual(Array.from(wc.pairOf));
        expect(gc.settled).toBe(wc.settled);
        if (!Array.from(got.pairOf).every((e, t) => e === m.pairOf[t])) moved++;
      }),
      { numRuns: 1500 },
    );
    expect(moved).toBeGreaterThan(100);
  });

  it('the repair from arbitrary matchings (over capacity too): the same moves', () => {
    let moved = 0;
    fc.assert(
      fc.property(arb, fc.array(fc.nat(), { minLength: 1, maxLength: 50 }), fc.integer({ min: 0, max: 30 }), (r, picks, cap) => {
        const ps = toPairSet(r);
        const start = { pairOf: anyStart(ps, picks) };
        const got = resolveBlocking(ps, start);
        const want = old.resolveBlocking(ps, start);
        expect(Array.from(got.pairOf)).toEqual(Array.from(want.pairOf));
        expect(got.settled).toBe(want.settled);
        expect(Array.from(resolveBlocking(ps, start, cap).pairOf)).toEqual(Array.from(old.resolveBlocking(ps, start, cap).pairOf));
        if (!Array.from(got.pairOf).every((e, t) => e === start.pairOf[t])) moved++;
      }),
      { numRuns: 1500 },
    );
    expect(moved).toBeGreaterThan(300);
  });

  it('platformTops: the same lists for every limit and filter', () => {
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: SELECT_MAX + 2 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }), (r, limit, mask) => {
        const ps = toPairSet(r);
        const keep = (e: number) => mask[e % mask.length];
        expect(platformTops(ps, limit, keep)).toEqual(oldTops(ps, limit, keep));
      }),
      { numRuns: 1500 },
    );
  });
});
