import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finishPairSet, platformMajor, platformPrefers } from '../../src/matching/pairs.js';

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
        for (let p = 0; p < M; p++) for (let k = ps.pPtr[p]; k + 1 < ps.pPtr[p + 1]; k++) expect(platformPrefers(ps, ps.pPair[k], ps.pPair[k + 1])).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a NaN platform score instead of ordering it silently', () => {
    expect(() => platformMajor(1, Int32Array.from([0, 0]), Float64Array.from([1, NaN]))).toThrow(/NaN/);
  });
});
