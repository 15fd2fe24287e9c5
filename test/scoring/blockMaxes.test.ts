/**
 * blockReads.ts blockMaxes: a block's largest combined text cosine and largest concept cosine
 * in one pass. Oracle: two plain loops, the combined cosine formed as the kernel forms it
 * ((1 - share) * description + share * profile, or the description alone), bit for bit, over
 * every span of random arrays (empty spans give -Infinity; ties, zeros and the maximum at
 * either end included).
 */
import { describe, expect, it } from 'vitest';
import { blockMaxes } from '../../src/scoring/blockReads.js';
import { rng } from '../../src/util/rng.js';

function maxOf(n: number, at: (j: number) => number, j0: number): number {
  let x = -Infinity;
  for (let j = j0; j < j0 + n; j++) if (at(j) > x) x = at(j);
  return x;
}

describe('blockMaxes', () => {
  it('gives the two maxima of the plain loops bit for bit, with and without a profile, on every span', () => {
    const r = rng(15);
    const N = 41;
    for (let round = 0; round < 30; round++) {
      // values with ties and zeros: drawn from a few levels, or continuous
      const draw = round % 3 === 0 ? () => Math.floor(r() * 4) / 4 : () => r();
      const d = Float64Array.from({ length: N }, draw);
      const q = Float64Array.from({ length: N }, draw);
      const c = Float64Array.from({ length: N }, draw);
      const tps = round % 2 === 0 ? 0.3 : r();
      const out = new Float64Array(2);
      for (let j0 = 0; j0 <= N; j0++) {
        for (let j1 = j0; j1 <= N; j1++) {
          const n = j1 - j0;
          blockMaxes(d, q, 1 - tps, tps, c, j0, j1, out);
          expect(Object.is(out[0], maxOf(n, (j) => (1 - tps) * d[j] + tps * q[j], j0))).toBe(true);
          expect(Object.is(out[1], maxOf(n, (j) => c[j], j0))).toBe(true);
          blockMaxes(d, null, 1 - tps, tps, c, j0, j1, out);
          expect(Object.is(out[0], maxOf(n, (j) => d[j], j0))).toBe(true);
          expect(Object.is(out[1], maxOf(n, (j) => c[j], j0))).toBe(true);
        }
      }
    }
  });

  it('known answers: the maximum at the first and at the last slot of the span, an empty span', () => {
    const out = new Float64Array(2);
    const d = Float64Array.from([0.9, 0.1, 0.2, 0.3]);
    const q = Float64Array.from([0, 0, 0, 1]);
    const c = Float64Array.from([0, 0.5, 0, 0.7]);
    blockMaxes(d, null, 1, 0, c, 0, 4, out);
    expect(Array.from(out)).toEqual([0.9, 0.7]);
    blockMaxes(d, q, 0.5, 0.5, c, 0, 4, out);
    expect(Array.from(out)).toEqual([0.5 * 0.3 + 0.5 * 1, 0.7]);
    blockMaxes(d, q, 0.5, 0.5, c, 1, 3, out);
    expect(Array.from(out)).toEqual([0.5 * 0.2, 0.5]);
    blockMaxes(d, q, 0.5, 0.5, c, 2, 2, out);
    expect(Array.from(out)).toEqual([-Infinity, -Infinity]);
  });
});
