/**
 * Counts blocking pairs of an assignment (contract, Assignment section). A pair (t, p),
 * t not assigned to p, blocks when
 *  1. t is unassigned (and the pair acceptable), or t prefers p to its own platform; and
 *  2. p could take t: p has a free slot and enough free seats for t, or p ranks t above one
 *     of its assigned talents t' whose removal frees enough seats for t.
 * Preferences are strict: score desc, then id asc (the same order the matchers use).
 * Cost: O(pairs * log capacity) with a per-platform suffix maximum of seat needs.
 */
import type { PairSet } from './pairs.js';
import { platformPrefers, platformRankOf, talentPrefers } from './pairs.js';
import type { Matching } from './types.js';
import { fits } from './capacity.js';

export function countBlockingPairs(ps: PairSet, m: Matching): number {
  const M = ps.platforms;
  const N = ps.talents;
  // assigned pairs per platform, sorted by the platform's preference (best first)
  const lists: number[][] = Array.from({ length: M }, () => []);
  for (let t = 0; t < N; t++) if (m.pairOf[t] >= 0) lists[ps.plat[m.pairOf[t]]].push(m.pairOf[t]);
  const freeSlots = new Int32Array(M);
  const freeSeats = new Int32Array(M);
  const suffixMaxSeats: Int32Array[] = [];
  for (let p = 0; p < M; p++) {
    const l = lists[p];
    l.sort((x, y) => (platformPrefers(ps, x, y) ? -1 : platformPrefers(ps, y, x) ? 1 : 0));
    let seats = 0;
    for (const e of l) seats += ps.seats[ps.talentOf[e]];
    freeSlots[p] = ps.freeSlots[p] - l.length;
    freeSeats[p] = ps.freeSeats[p] - seats;
    const suf = new Int32Array(l.length + 1);
    for (let i = l.length - 1; i >= 0; i--) suf[i] = Math.max(suf[i + 1], ps.seats[ps.talentOf[l[i]]]);
    suffixMaxSeats.push(suf);
  }
  let count = 0;
  for (let t = 0; t < N; t++) {
    const own = m.pairOf[t];
    const need = ps.seats[t];
    for (let e = ps.tPtr[t]; e < ps.tPtr[t + 1]; e++) {
      if (e === own) continue;
      if (own >= 0 && !talentPrefers(ps, e, own)) continue;
      const p = ps.plat[e];
      if (fits(freeSlots[p], freeSeats[p], need)) {
        count++;
        continue;
      }
      // first position in p's list that p ranks below t: binary search
      const l = lists[p];
      const lo = platformRankOf(ps, l, e);
      // some t' ranked below t whose removal frees enough seats
      if (lo < l.length && fits(freeSlots[p] + 1, freeSeats[p] + suffixMaxSeats[p][lo], need)) count++;
    }
  }
  return count;
}
