/**
 * Pair sets from scores or rank lists made elsewhere (no scoring model): the matchers run on
 * them exactly as on the engine's own pairs. Talents and platforms are indexed in id order
 * (as the engine does), so ties resolve the same way.
 */
import type { PairSet } from './pairs.js';
import { finishPairSet } from './pairs.js';

/** One acceptable pair: talent and platform indexes, the two one-sided scores and the reciprocal score. */
export interface ExternalPair {
  t: number;
  p: number;
  /** the talent's view (its preference order) */
  f: number;
  /** the platform's view (its preference order) */
  b: number;
  /** the reciprocal score (the optimal mode's objective) */
  s: number;
}

/** Builds the pair set; each talent's list is ordered by f desc, then platform index. Pairs must be unique. */
export function pairSetFromPairs(N: number, M: number, pairs: readonly ExternalPair[], seats: Int32Array, freeSlots: Int32Array, freeSeats: Int32Array): PairSet {
  // bucket by talent (counting sort), then order each talent's few pairs
  const E = pairs.length;
  const tPtr = new Int32Array(N + 1);
  for (const x of pairs) tPtr[x.t + 1]++;
  for (let t = 0; t < N; t++) tPtr[t + 1] += tPtr[t];
  const fill = tPtr.slice(0, N);
  const byTalent = new Array<ExternalPair>(E);
  for (const x of pairs) byTalent[fill[x.t]++] = x;
  const plat = new Int32Array(E);
  const f = new Float64Array(E);
  const b = new Float64Array(E);
  const s = new Float64Array(E);
  for (let t = 0; t < N; t++) {
    const seg = byTalent.slice(tPtr[t], tPtr[t + 1]).sort((x, y) => y.f - x.f || x.p - y.p);
    seg.forEach((x, i) => {
      const e = tPtr[t] + i;
      plat[e] = x.p;
      f[e] = x.f;
      b[e] = x.b;
      s[e] = x.s;
    });
  }
  return finishPairSet(N, M, tPtr, plat, f, b, s, seats, freeSlots, freeSeats);
}

/** Rank lists: `prefs` in order, best first; `seats` is a talent's need or a platform's free seats. */
export interface RankLists {
  talents: readonly { id: string; prefs: readonly string[]; seats?: number }[];
  platforms: readonly { id: string; slots: number; seats?: number; prefs: readonly string[] }[];
}

/**
 * The pair set of rank lists: a pair is acceptable when each side lists the other; the
 * one-sided scores are 1 - rank / length (best = 1), strictly decreasing along each list,
 * so every matcher follows the lists exactly. A talent's seats default to 1; a platform's
 * seats default to its slots times the largest need (seats then never bind). Lists are
 * assumed valid (ids known, no repeats): the adapter checks and names what is wrong.
 */
export function pairSetFromRankLists(r: RankLists): { ps: PairSet; talentIds: string[]; platformIds: string[] } {
  const talents = [...r.talents].sort((x, y) => cmp(x.id, y.id));
  const platforms = [...r.platforms].sort((x, y) => cmp(x.id, y.id));
  const pIndex = new Map(platforms.map((p, i) => [p.id, i]));
  const seats = Int32Array.from(talents, (t) => t.seats ?? 1);
  const maxNeed = Math.max(1, ...seats);
  const freeSlots = Int32Array.from(platforms, (p) => p.slots);
  const freeSeats = Int32Array.from(platforms, (p) => p.seats ?? p.slots * maxNeed);
  // the platform's rank of each talent
  const pRank = platforms.map((p) => new Map(p.prefs.map((id, k) => [id, 1 - k / p.prefs.length])));
  const pairs: ExternalPair[] = [];
  talents.forEach((t, ti) => {
    t.prefs.forEach((pid, k) => {
      const p = pIndex.get(pid);
      if (p === undefined) return;
      const b = pRank[p].get(t.id);
      if (b === undefined) return;
      const f = 1 - k / t.prefs.length;
      pairs.push({ t: ti, p, f, b, s: (2 * f * b) / (f + b) });
    });
  });
  return { ps: pairSetFromPairs(talents.length, platforms.length, pairs, seats, freeSlots, freeSeats), talentIds: talents.map((t) => t.id), platformIds: platforms.map((p) => p.id) };
}

/** Code-unit order (the engine's id order). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
