/**
 * The acceptable pairs as the matchers see them: one list per talent ordered by the
 * talent's preference (talentScore desc, platform id asc) and one list per platform ordered
 * by the platform's preference (platformScore desc, talent id asc), over shared pair
 * arrays. Built from the scoring kernel, so the pairs are exactly those of
 * `talentmatch score` (optionally truncated to each talent's `maxPrefs` best platforms,
 * beyond which pairs count as unacceptable).
 */
import type { ScoringModel } from '../scoring/kernel.js';
import { RowRanker } from '../ranking/rows.js';
import { TalentmatchError } from '../errors.js';

export interface PairSet {
  talents: number;
  platforms: number;
  /** talent-major pairs: tPtr[t]..tPtr[t+1], sorted by the talent's preference */
  tPtr: Int32Array;
  plat: Int32Array;
  /** the talent's one-sided score (its preference) */
  f: Float64Array;
  /** the platform's one-sided score (its preference) */
  b: Float64Array;
  /** reciprocal score (the optimal mode's objective) */
  s: Float64Array;
  /**
   * platform-major: pPtr[p]..pPtr[p+1] index pair ids, grouped by platform in ascending talent
   * order; `platformOrder(ps)` sorts each group by the platform's preference (in place, once)
   * for the readers that walk it in that order
   */
  pPtr: Int32Array;
  pPair: Int32Array;
  /** talent of each pair (inverse of tPtr) */
  talentOf: Int32Array;
  /** seats each talent needs; free slots / seats of each platform */
  seats: Int32Array;
  freeSlots: Int32Array;
  freeSeats: Int32Array;
}

/** Builds the pair set; maxPrefs = 0 keeps every acceptable pair. */
export function buildPairSet(m: ScoringModel, maxPrefs = 0): PairSet {
  const N = m.talents.count;
  const M = m.platforms.count;
  const ranker = new RowRanker(m, { prefs: maxPrefs });
  const scratch = ranker.scratch;
  const heap = ranker.prefTop;
  const tPtr = new Int32Array(N + 1);
  let cap = Math.max(16, maxPrefs > 0 ? N * Math.min(maxPrefs, M) : N * 8);
  let plat = new Int32Array(cap);
  let f = new Float64Array(cap);
  let b = new Float64Array(cap);
  let s = new Float64Array(cap);
  const grow = (need: number) => {
    if (need <= cap) return;
    cap = Math.max(need, cap * 2);
    const p2 = new Int32Array(cap); p2.set(plat); plat = p2;
    const f2 = new Float64Array(cap); f2.set(f); f = f2;
    const b2 = new Float64Array(cap); b2.set(b); b = b2;
    const s2 = new Float64Array(cap); s2.set(s); s = s2;
  };
  let e = 0;
  for (let t = 0; t < N; t++) {
    ranker.rank(t);
    const n = heap.sizes[0];
    grow(e + n);
    for (let j = 0; j < n; j++) {
      const p = heap.ids[j];
      plat[e] = p;
      f[e] = scratch.forward[p];
      b[e] = scratch.backward[p];
      s[e] = scratch.score[p];
      e++;
    }
    tPtr[t + 1] = e;
  }
  return finishPairSet(N, M, tPtr, plat.slice(0, e), f.slice(0, e), b.slice(0, e), s.slice(0, e), m.talents.seats, m.platforms.freeSlots, m.platforms.freeSeats);
}

/**
 * Completes a pair set from talent-major arrays (each talent's list already sorted by its
 * preference): adds the platform-major view. Exposed for tests that build instances by hand.
 */
export function finishPairSet(
  N: number,
  M: number,
  tPtr: Int32Array,
  plat: Int32Array,
  f: Float64Array,
  b: Float64Array,
  s: Float64Array,
  seats: Int32Array,
  freeSlots: Int32Array,
  freeSeats: Int32Array,
): PairSet {
  const E = plat.length;
  const talentOf = new Int32Array(E);
  for (let t = 0; t < N; t++) for (let e = tPtr[t]; e < tPtr[t + 1]; e++) talentOf[e] = t;
  // grouped only: the sort by the platform's preference is paid by the readers that need it
  // (platformOrder): the default talent-proposing assignment and the batch's referrals do not
  const { pPtr, pPair } = platformGroups(M, plat, b);
  return { talents: N, platforms: M, tPtr, plat, f, b, s, pPtr, pPair, talentOf, seats, freeSlots, freeSeats };
}

/** Whether typed arrays lay out a float64's low word first (every platform Node supports does; checked, not assumed). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The platform-major view: pair ids grouped by platform (pPtr[p]..pPtr[p+1]), each group
 * ordered by the platform's preference (b desc, then talent asc), the order `platformPrefers`
 * states. A counting sort by platform first: pair ids are talent-major, so it leaves each
 * platform's pairs in ascending talent order (a talent has at most one pair per platform).
 * Then each platform's pairs (a few thousand: they stay in cache) are put in b order by a
 * stable LSD radix sort on b's IEEE bits (8-bit digits, a digit every pair shares skipped),
 * which keeps ascending talent among equal scores. Linear, no comparator calls, no JS arrays
 * (the comparator sort per platform was most of the batch's final assembly). b must not hold
 * NaN (scores never do; checked); -0 ties with +0, as the comparator's b[y] - b[x] did.
 */
export function platformMajor(M: number, plat: Int32Array, b: Float64Array): { pPtr: Int32Array; pPair: Int32Array } {
  const g = platformGroups(M, plat, b);
  sortGroups(g.pPtr, g.pPair, b);
  return g;
}

/**
 * Pair ids grouped by platform (a counting sort): pair ids are talent-major, so each group is
 * in ascending talent order. Refuses a NaN platform score (scores never are; the platform's
 * order would be undefined).
 */
export function platformGroups(M: number, plat: Int32Array, b: Float64Array): { pPtr: Int32Array; pPair: Int32Array } {
  const E = plat.length;
  const pPtr = new Int32Array(M + 1);
  for (let e = 0; e < E; e++) {
    if (b[e] !== b[e]) throw new TalentmatchError('E_INTERNAL', `pair ${e}: a platform score is NaN`);
    pPtr[plat[e] + 1]++;
  }
  for (let p = 0; p < M; p++) pPtr[p + 1] += pPtr[p];
  const fill = pPtr.slice(0, M);
  const pPair = new Int32Array(E);
  for (let e = 0; e < E; e++) pPair[fill[plat[e]]++] = e;
  return { pPtr, pPair };
}

/** The pPair arrays already sorted by the platform's preference (a pair set's copies share theirs). */
const ordered = new WeakSet<Int32Array>();

/**
 * The pair set's platform-major view in the platform's preference order (b desc, talent asc):
 * each group sorted in place on the first call for this pPair, then as it is.
 */
export function platformOrder(ps: PairSet): Int32Array {
  if (!ordered.has(ps.pPair)) {
    sortGroups(ps.pPtr, ps.pPair, ps.b);
    ordered.add(ps.pPair);
  }
  return ps.pPair;
}

/** Each group pPtr[p]..pPtr[p+1] of pPair (in ascending talent order) sorted by b desc, stably. */
function sortGroups(pPtr: Int32Array, pPair: Int32Array, b: Float64Array): void {
  const M = pPtr.length - 1;
  let longest = 0;
  for (let p = 0; p < M; p++) longest = Math.max(longest, pPtr[p + 1] - pPtr[p]);
  // one platform's keys (descending order as two uint32 words) and ids, and their next pass
  let hi = new Uint32Array(longest);
  let lo = new Uint32Array(longest);
  let id = new Int32Array(longest);
  let hi2 = new Uint32Array(longest);
  let lo2 = new Uint32Array(longest);
  let id2 = new Int32Array(longest);
  const one = new Float64Array(1);
  const words = new Uint32Array(one.buffer);
  const H = LITTLE_ENDIAN ? 1 : 0;
  const count = new Int32Array(256);
  for (let p = 0; p < M; p++) {
    const a = pPtr[p];
    const n = pPtr[p + 1] - a;
    if (n < 2) continue;
    for (let i = 0; i < n; i++) {
      const e = pPair[a + i];
      const v = b[e];
      if (v !== v) throw new TalentmatchError('E_INTERNAL', `pair ${e}: a platform score is NaN`);
      one[0] = v === 0 ? 0 : v; // -0 sorts with +0
      const h = words[H];
      const l = words[1 - H];
      // b >= 0: the bits with the sign set order ascending, b < 0: their complement does;
      // complemented once more, descending
      if (h & 0x80000000) {
        hi[i] = h;
        lo[i] = l;
      } else {
        hi[i] = ~h & 0x7fffffff;
        lo[i] = ~l >>> 0;
      }
      id[i] = e;
    }
    for (let pass = 0; pass < 8; pass++) {
      const key = pass < 4 ? lo : hi;
      const shift = (pass & 3) * 8;
      count.fill(0);
      for (let i = 0; i < n; i++) count[(key[i] >>> shift) & 255]++;
      if (count[(key[0] >>> shift) & 255] === n) continue; // every pair has this digit
      let sum = 0;
      for (let d = 0; d < 256; d++) {
        const c = count[d];
        count[d] = sum;
        sum += c;
      }
      for (let i = 0; i < n; i++) {
        const j = count[(key[i] >>> shift) & 255]++;
        hi2[j] = hi[i];
        lo2[j] = lo[i];
        id2[j] = id[i];
      }
      [hi, hi2] = [hi2, hi];
      [lo, lo2] = [lo2, lo];
      [id, id2] = [id2, id];
    }
    pPair.set(id.subarray(0, n), a);
  }
}

/** Longest `limit` platformTops selects in one pass; a longer one walks the sorted view (platformOrder). */
export const SELECT_MAX = 64;

/**
 * Each platform's best `limit` pairs among those `keep` accepts, in the platform's preference
 * order: the first `limit` of platformOrder's group that `keep` accepts. For a short `limit`,
 * one pass over the pairs in talent-major order (sequential reads: the platform-major order
 * jumps through the arrays at every pair) keeping a bounded list per platform; once a list is
 * full, a pair costs one comparison with its weakest, kept flat per platform. The view is left as it was.
 */
export function platformTops(ps: PairSet, limit: number, keep: (e: number) => boolean): number[][] {
  const M = ps.platforms;
  const out: number[][] = Array.from({ length: M }, () => []);
  if (limit <= 0) return out;
  if (limit > SELECT_MAX) {
    const order = platformOrder(ps);
    for (let p = 0; p < M; p++) {
      const l = out[p];
      for (let k = ps.pPtr[p]; k < ps.pPtr[p + 1] && l.length < limit; k++) if (keep(order[k])) l.push(order[k]);
    }
    return out;
  }
  const { plat, b, talentOf } = ps;
  const E = plat.length;
  // each full list's weakest pair, flat (platformPrefers' two keys): a pair enters only when the
  // platform prefers it to that one; a list not yet full lets every pair by (-Infinity, and a
  // talent index above any: a pair scored -Infinity passes on the tie)
  const barB = new Float64Array(M).fill(-Infinity);
  const barT = new Int32Array(M).fill(0x7fffffff);
  for (let e = 0; e < E; e++) {
    const p = plat[e];
    const be = b[e];
    if (!ranksAbove(be, talentOf[e], barB[p], barT[p])) continue;
    if (!keep(e)) continue;
    const l = out[p];
    const lo = platformRankOf(ps, l, e);
    if (l.length === limit) l.pop();
    l.splice(lo, 0, e);
    if (l.length === limit) {
      barB[p] = b[l[limit - 1]];
      barT[p] = talentOf[l[limit - 1]];
    }
  }
  return out;
}

/** The given pairs (any order) grouped by platform, each group in the platform's preference order. */
export function byPlatform(ps: PairSet, pairs: Iterable<number>): number[][] {
  const out: number[][] = Array.from({ length: ps.platforms }, () => []);
  for (const e of pairs) out[ps.plat[e]].push(e);
  for (const l of out) if (l.length > 1) l.sort((x, y) => (x === y ? 0 : platformPrefers(ps, x, y) ? -1 : 1));
  return out;
}

/** true when platform prefers pair x over pair y (both at that platform). */
export function platformPrefers(ps: PairSet, x: number, y: number): boolean {
  return ranksAbove(ps.b[x], ps.talentOf[x], ps.b[y], ps.talentOf[y]);
}

/**
 * A platform's order on flat keys, the one rule platformPrefers reads from a pair set: the
 * pair of backward score `b` and talent index `t` ranks above the pair of `B` and `T` (a
 * higher score, then the smaller talent index). For loops that keep the keys in arrays of their own.
 */
export function ranksAbove(b: number, t: number, B: number, T: number): boolean {
  return b > B || (b === B && t < T);
}

/**
 * The first position in `list` (pairs of one platform, in its order of preference) whose
 * pair the platform does not prefer to pair `e`: where `e` ranks among them (binary search).
 */
export function platformRankOf(ps: PairSet, list: readonly number[], e: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (platformPrefers(ps, list[mid], e)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** true when the talent prefers pair x over pair y (both of that talent). */
export function talentPrefers(ps: PairSet, x: number, y: number): boolean {
  return ps.f[x] > ps.f[y] || (ps.f[x] === ps.f[y] && ps.plat[x] < ps.plat[y]);
}

/**
 * Whether seats can bind (contract): they do not when every platform's free seats are at
 * least its free slots times the largest seat need among talents acceptable to it.
 */
export function seatsBind(ps: PairSet): boolean {
  for (let p = 0; p < ps.platforms; p++) {
    let maxSeats = 0;
    for (let k = ps.pPtr[p]; k < ps.pPtr[p + 1]; k++) maxSeats = Math.max(maxSeats, ps.seats[ps.talentOf[ps.pPair[k]]]);
    if (ps.freeSeats[p] < ps.freeSlots[p] * maxSeats) return true;
  }
  return false;
}
