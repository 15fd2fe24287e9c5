/**
 * Seeded preference structures for the matching benchmarks, built directly (the matcher is
 * what is measured, not the scorer). Platforms have a popularity, talents a quality; each
 * one-sided score mixes them with pair noise, so lists correlate as real ones do.
 */
import type { PairSet } from '../src/matching/pairs.js';
import { finishPairSet } from '../src/matching/pairs.js';
import { rng } from '../src/util/rng.js';

export function syntheticPairSet(o: { talents: number; platforms: number; prefs: number; slots: number; seed?: number; seats?: boolean }): PairSet {
  const r = rng(o.seed ?? 11);
  const N = o.talents;
  const M = o.platforms;
  const L = Math.min(o.prefs, M);
  const pop = Float64Array.from({ length: M }, () => r());
  const quality = Float64Array.from({ length: N }, () => r());
  const tPtr = new Int32Array(N + 1);
  const plat = new Int32Array(N * L);
  const f = new Float64Array(N * L);
  const b = new Float64Array(N * L);
  const s = new Float64Array(N * L);
  const pick = new Int32Array(M);
  for (let p = 0; p < M; p++) pick[p] = p;
  const tmp: { p: number; f: number; b: number; s: number }[] = [];
  let e = 0;
  for (let t = 0; t < N; t++) {
    // a partial Fisher-Yates shuffle picks L distinct platforms
    for (let i = 0; i < L; i++) {
      const j = i + Math.floor(r() * (M - i));
      const x = pick[i]; pick[i] = pick[j]; pick[j] = x;
    }
    tmp.length = 0;
    for (let i = 0; i < L; i++) {
      const p = pick[i];
      const fv = 0.6 * pop[p] + 0.4 * r();
      const bv = 0.6 * quality[t] + 0.4 * r();
      tmp.push({ p, f: fv, b: bv, s: (2 * fv * bv) / (fv + bv) });
    }
    tmp.sort((x, y) => y.f - x.f || x.p - y.p);
    for (const x of tmp) {
      plat[e] = x.p; f[e] = x.f; b[e] = x.b; s[e] = x.s; e++;
    }
    tPtr[t + 1] = e;
  }
  const seats = Int32Array.from({ length: N }, () => (o.seats ? 1 + Math.floor(r() * 5) : 1));
  const freeSlots = new Int32Array(M).fill(o.slots);
  const freeSeats = Int32Array.from(freeSlots, (x) => x * 5);
  return finishPairSet(N, M, tPtr, plat, f, b, s, seats, freeSlots, freeSeats);
}
