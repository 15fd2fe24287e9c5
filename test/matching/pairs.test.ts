import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SELECT_MAX, byPlatform, finishPairSet, platformMajor, platformOrder, platformPrefers, platformTops } from '../../src/matching/pairs.js';

/** The platform-major view by the rule itself: per platform, pairs sorted by (b desc, talent asc). */
function oracle(M: number, plat: Int32Array, b: Float64Array, talentOf: Int32Array): { pPtr: number[]; pPair: number[] } {
  const lists: number[][] = Array.from({ length: M }, () => []);
  plat.forEach((p, e) => lists[p].push(e));
  const pPtr = [0];
  const pPair: number[] = [];
  for (const l of lists) {
    l.sort((x, y) => (b[x] > b[y] ? -1 : b[x] < b[y] ? 1 : talentOf[x] - talentOf[y]));
    pPair.push(...l);
    pPtr.push(pPair.length);
  }
  return { pPtr, pPair };
}

/** A talent-major instance: each talent has distinct platforms; scores drawn from a small pool so ties are common. */
const instance = fc
  .record({
    M: fc.integer({ min: 1, max: 7 }),
    pool: fc.array(fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, -0, 1, -1, 0.5, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, 2 ** 40 + 0.5)), { minLength: 1, maxLength: 6 }),
    talents: fc.array(fc.array(fc.nat(), { maxLength: 7 }), { maxLength: 30 }),
  })
  .map(({ M, pool, talents }) => {
    const plat: number[] = [];
    const b: number[] = [];
    const talentOf: number[] = [];
    const tPtr = [0];
    talents.forEach((picks, t) => {
      const seen = new Set<number>();
      for (const x of picks) {
        const p = x % M;
        if (seen.has(p)) continue;
        seen.add(p);
        plat.push(p);
        b.push(pool[x % pool.length]);
        talentOf.push(t);
      }
      tPtr.push(plat.length);
    });
    return { N: talents.length, M, tPtr: Int32Array.from(tPtr), plat: Int32Array.from(plat), b: Float64Array.from(b), talentOf: Int32Array.from(talentOf) };
  });

describe('the pair set platform-major view (radix + counting sort)', () => {
  it('equals sorting each platform by (b desc, talent asc), ties, -0, infinities and negative scores included', () => {
    fc.assert(
      fc.property(instance, ({ M, plat, b, talentOf }) => {
        const got = platformMajor(M, plat, b);
        const want = oracle(M, plat, b, talentOf);
        expect(Array.from(got.pPtr)).toEqual(want.pPtr);
        expect(Array.from(got.pPair)).toEqual(want.pPair);
      }),
      { numRuns: 500 },
    );
  });

  it('orders scores that differ only in the lowest bit, and by talent on an exact tie', () => {
    const x = 0.7;
    const up = new Float64Array([x]);
    new Uint32Array(up.buffer)[0] += 1; // the next double above 0.7 (little-endian low word)
    // talents 0..3 each with one pair at platform 0: b = x, next(x), x, -0 / 0 mixed
    const plat = Int32Array.from([0, 0, 0, 0, 0]);
    const b = Float64Array.from([x, up[0], x, -0, 0]);
    const { pPtr, pPair } = platformMajor(1, plat, b);
    expect(Array.from(pPtr)).toEqual([0, 5]);
    expect(Array.from(pPair)).toEqual([1, 0, 2, 3, 4]);
  });

  it('agrees with platformPrefers on every adjacent pair of a finished pair set', () => {
    fc.assert(
      fc.property(instance, ({ N, M, tPtr, plat, b }) => {
        const E = plat.length;
        const ps = finishPairSet(N, M, tPtr, plat, new Float64Array(E), b, new Float64Array(E), new Int32Array(N).fill(1), new Int32Array(M).fill(1), new Int32Array(M).fill(1));
        const order = platformOrder(ps);
        expect(order).toBe(ps.pPair); // sorted in place
        for (let p = 0; p < M; p++) for (let k = ps.pPtr[p]; k + 1 < ps.pPtr[p + 1]; k++) expect(platformPrefers(ps, order[k], order[k + 1])).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a NaN platform score instead of ordering it silently', () => {
    expect(() => platformMajor(1, Int32Array.from([0, 0]), Float64Array.from([1, NaN]))).toThrow(/NaN/);
  });

  it('a finished pair set is grouped by platform in ascending talent order until platformOrder sorts it, once, for its copies too', () => {
    // talents 0..2; platform 0 gets b 0.1, 0.9, 0.5 (talents 0, 1, 2), platform 1 gets 0.3 (talent 0)
    const tPtr = Int32Array.from([0, 2, 3, 4]);
    const plat = Int32Array.from([0, 1, 0, 0]);
    const b = Float64Array.from([0.1, 0.3, 0.9, 0.5]);
    const ps = finishPairSet(3, 2, tPtr, plat, new Float64Array(4), b, new Float64Array(4), new Int32Array(3).fill(1), new Int32Array(2).fill(1), new Int32Array(2).fill(1));
    expect(Array.from(ps.pPtr)).toEqual([0, 3, 4]);
    expect(Array.from(ps.pPair)).toEqual([0, 2, 3, 1]); // talent order
    const copy = { ...ps };
    expect(Array.from(platformOrder(copy))).toEqual([2, 3, 0, 1]); // b desc
    expect(Array.from(ps.pPair)).toEqual([2, 3, 0, 1]); // the copy shares the array
    // a second call does not sort again: a mark per array (would reorder nothing anyway)
    expect(platformOrder(ps)).toBe(ps.pPair);
  });

  it('refuses a NaN platform score when the pair set is finished, not only when it is sorted', () => {
    const t = Int32Array.from([0, 1]);
    expect(() => finishPairSet(1, 1, t, Int32Array.from([0]), new Float64Array(1), Float64Array.from([NaN]), new Float64Array(1), new Int32Array(1), new Int32Array(1), new Int32Array(1))).toThrow(/NaN/);
  });

  it('platformTops and byPlatform give what the sorted view would, on a view sorted or not, at every length boundary', () => {
    fc.assert(
      fc.property(instance, fc.integer({ min: 0, max: SELECT_MAX + 3 }), fc.integer({ min: 0, max: 2 ** 30 }), fc.boolean(), ({ N, M, tPtr, plat, b }, limit0, mask, sortFirst) => {
        const E = plat.length;
        const mk = () => finishPairSet(N, M, tPtr, plat, new Float64Array(E), b, new Float64Array(E), new Int32Array(N).fill(1), new Int32Array(M).fill(1), new Int32Array(M).fill(1));
        const ps = mk();
        const sorted = platformOrder(mk());
        if (sortFirst) platformOrder(ps);
        const keep = (e: number) => ((mask >>> (e % 30)) & 1) === 1;
        const want = Array.from({ length: M }, (_, p) => Array.from(sorted.subarray(ps.pPtr[p], ps.pPtr[p + 1])).filter(keep));
        const longest = Math.max(0, ...want.map((l) => l.length));
        // no pair, one, exactly the longest kept list, one short of it, one over, and either side of the one-pass bound
        for (const limit of [limit0, 0, 1, longest, Math.max(0, longest - 1), longest + 1, SELECT_MAX, SELECT_MAX + 1]) {
          expect(platformTops(ps, limit, keep)).toEqual(want.map((l) => l.slice(0, limit)));
        }
        const kept = Array.from({ length: E }, (_, e) => e).filter(keep);
        expect(byPlatform(ps, kept.reverse())).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('platformTops keeps the view unsorted for a short list and sorts it for a long one', () => {
    // one platform, talents 0..2 with b 0.2, 0.8, 0.5; an exact tie of talents 3 and 4 at 0.5
    const tPtr = Int32Array.from([0, 1, 2, 3, 4, 5]);
    const plat = Int32Array.from([0, 0, 0, 0, 0]);
    const b = Float64Array.from([0.2, 0.8, 0.5, 0.5, 0.5]);
    const ps = finishPairSet(5, 1, tPtr, plat, new Float64Array(5), b, new Float64Array(5), new Int32Array(5).fill(1), new Int32Array(1).fill(1), new Int32Array(1).fill(1));
    expect(platformTops(ps, 2, () => true)).toEqual([[1, 2]]);
    expect(platformTops(ps, 3, (e) => e !== 2)).toEqual([[1, 3, 4]]);
    expect(platformTops(ps, 4, () => true)).toEqual([[1, 2, 3, 4]]);
    expect(byPlatform(ps, [4, 0, 2])).toEqual([[2, 4, 0]]);
    expect(Array.from(ps.pPair)).toEqual([0, 1, 2, 3, 4]);
    expect(platformTops(ps, SELECT_MAX + 1, () => true)).toEqual([[1, 2, 3, 4, 0]]);
    expect(Array.from(ps.pPair)).toEqual([1, 2, 3, 4, 0]);
  });
});
