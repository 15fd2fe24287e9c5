/**
 * "Complementary development" controls on the talents' lists, applied after scoring (pure).
 * Each list is a talent's acceptable platforms, best first (score desc, platform index
 * asc); a control picks which of them the talent's top-k shows. Items are never rescored:
 * a kept item keeps its score and its `why`.
 *
 *  - industry share cap: no industry fills more than c = max(1, floor(share * k)) places of
 *    a list. Guarantee: the kept list is the highest-scoring list of at most k items that
 *    respects the cap (a partition matroid, so best-first greedy is optimal), in score
 *    order; it is shorter than k only when the acceptable platforms cannot fill k places
 *    within the cap.
 *  - exposure floor: every platform with room that is acceptable to at least m talents
 *    appears in at least m talents' top-k. Guarantee: among all choices of k_t = min(k,
 *    acceptable) platforms per talent meeting the floors, the chosen one has the largest
 *    total score, i.e. the smallest loss against the plain top-k (reported). Method:
 *    successive shortest paths on the platform graph from the plain top-k (which is
 *    optimal without floors): one unit of a short platform's exposure comes from a chain
 *    of switches "talent t shows p instead of q" whose total score loss is least
 *    (Bellman-Ford: switch costs can be negative after earlier switches), ending at a
 *    platform above its floor. Floors that no chain can meet are reported, never
 *    silently dropped. Checked against a MILP (HiGHS) on small instances.
 */
import type { ScoringModel } from '../scoring/kernel.js';
import { RowRanker } from './rows.js';
import { shareCap } from './diversity.js';

export interface CandidateLists {
  talents: number;
  platforms: number;
  /** talent-major: ptr[t]..ptr[t+1] are talent t's acceptable platforms, best first */
  ptr: Int32Array;
  plat: Int32Array;
  score: Float64Array;
}

/** Every talent's acceptable platforms, best first (score desc, platform index asc): the order `recommend` ranks by. */
export function candidateListsOf(model: ScoringModel): CandidateLists {
  const N = model.talents.count;
  const M = model.platforms.count;
  const r = new RowRanker(model);
  const s = r.scratch.score;
  const ptr = new Int32Array(N + 1);
  const plat: number[] = [];
  const score: number[] = [];
  const row: number[] = [];
  for (let t = 0; t < N; t++) {
    r.rank(t);
    row.length = 0;
    for (let p = 0; p < M; p++) if (s[p] >= 0) row.push(p);
    row.sort((a, b) => s[b] - s[a] || a - b);
    for (const p of row) {
      plat.push(p);
      score.push(s[p]);
    }
    ptr[t + 1] = plat.length;
  }
  return { talents: N, platforms: M, ptr, plat: Int32Array.from(plat), score: Float64Array.from(score) };
}

/** A talent's shown items: indices into the CandidateLists' pair arrays, best first. */
export type Shown = Int32Array[];

/** The plain top-k: each talent's first min(k, acceptable) pairs. */
export function topKShown(c: CandidateLists, k: number): Shown {
  const out: Shown = [];
  for (let t = 0; t < c.talents; t++) {
    const a = c.ptr[t];
    const n = Math.min(k, c.ptr[t + 1] - a);
    out.push(Int32Array.from({ length: n }, (_, j) => a + j));
  }
  return out;
}

/** Total score of what is shown. */
export function shownScore(c: CandidateLists, shown: Shown): number {
  let s = 0;
  for (const list of shown) for (const e of list) s += c.score[e];
  return s;
}

/**
 * Industry share cap. `industryOf[p]` is platform p's industry (its main one); `share` in
 * (0, 1]; k >= 1.
 */
export function capIndustryShare(c: CandidateLists, industryOf: ArrayLike<number>, k: number, share: number): Shown {
  const cap = shareCap(share, k);
  const out: Shown = [];
  const used = new Map<number, number>();
  for (let t = 0; t < c.talents; t++) {
    used.clear();
    const kept: number[] = [];
    for (let e = c.ptr[t]; e < c.ptr[t + 1] && kept.length < k; e++) {
      const d = industryOf[c.plat[e]];
      const n = used.get(d) ?? 0;
      if (n >= cap) continue;
      used.set(d, n + 1);
      kept.push(e);
    }
    out.push(Int32Array.from(kept));
  }
  return out;
}

export interface FloorResult {
  shown: Shown;
  /** total score of the plain top-k minus that of the shown lists (>= 0) */
  loss: number;
  /** per platform: its floor (0 = none) */
  floor: Int32Array;
  /** per platform: talents showing it */
  exposure: Int32Array;
  /** platforms whose floor could not be met, with how many places were missing */
  unmet: { platform: number; missing: number }[];
}

/**
 * Exposure floor m over top-k lists. `hasRoom[p]`: the platform has a free slot (only
 * those get a floor).
 */
export function exposureFloor(c: CandidateLists, k: number, m: number, hasRoom: ArrayLike<boolean>): FloorResult {
  const T = c.talents;
  const M = c.platforms;
  const base = topKShown(c, k);
  // per talent: which candidate pair of each platform it has (or -1), and whether it is shown
  const shownSet: Set<number>[] = base.map((l) => new Set(Array.from(l, (e) => c.plat[e])));
  const pairOf: Map<number, number>[] = [];
  const acceptable = new Int32Array(M);
  for (let t = 0; t < T; t++) {
    const m2 = new Map<number, number>();
    for (let e = c.ptr[t]; e < c.ptr[t + 1]; e++) {
      m2.set(c.plat[e], e);
      acceptable[c.plat[e]]++;
    }
    pairOf.push(m2);
  }
  const floor = new Int32Array(M);
  for (let p = 0; p < M; p++) floor[p] = hasRoom[p] && acceptable[p] >= m ? m : 0;
  const exposure = new Int32Array(M);
  for (const s of shownSet) for (const p of s) exposure[p]++;

  const unmet: { platform: number; missing: number }[] = [];
  const dist = new Float64Array(M);
  const via = new Int32Array(M); // talent switching into the node
  const prev = new Int32Array(M); // platform that talent drops
  for (;;) {
    let target = -1;
    for (let p = 0; p < M; p++) if (exposure[p] < floor[p] && !unmet.some((u) => u.platform === p)) {
      target = p;
      break;
    }
    if (target < 0) break;
    // shortest chain ending at target: dist[q] = least loss to give q one more place,
    // sources: platforms above their floor (dist 0 to take one place from them)
    dist.fill(Number.POSITIVE_INFINITY);
    via.fill(-1);
    prev.fill(-1);
    for (let q = 0; q < M; q++) if (exposure[q] > floor[q]) dist[q] = 0;
    for (let round = 0; round < M; round++) {
      let changed = false;
      for (let t = 0; t < T; t++) {
        const s = shownSet[t];
        const pairs = pairOf[t];
        for (const q of s) {
          const dq = dist[q];
          if (dq === Number.POSITIVE_INFINITY) continue;
          const sq = c.score[pairs.get(q)!];
          for (const [p, e] of pairs) {
            if (s.has(p)) continue;
            const d = dq + sq - c.score[e];
            if (d < dist[p] - 1e-12) {
              dist[p] = d;
              via[p] = t;
              prev[p] = q;
              changed = true;
            }
          }
        }
      }
      if (!changed) break;
    }
    if (dist[target] === Number.POSITIVE_INFINITY) {
      unmet.push({ platform: target, missing: floor[target] - exposure[target] });
      continue;
    }
    // apply the chain: target <- q1 <- q2 ... <- source (each node gains one, loses one)
    const chain: [number, number, number][] = [];
    for (let p = target, guard = 0; via[p] >= 0 && guard <= M; p = prev[p], guard++) chain.push([via[p], prev[p], p]);
    for (const [t, q, p] of chain) {
      shownSet[t].delete(q);
      shownSet[t].add(p);
    }
    exposure[target]++;
    exposure[chain[chain.length - 1][1]]--;
  }
  const shown: Shown = shownSet.map((s, t) =>
    Int32Array.from([...s].map((p) => pairOf[t].get(p)!)).sort((x, y) => c.score[y] - c.score[x] || c.plat[x] - c.plat[y]),
  );
  return { shown, loss: shownScore(c, base) - shownScore(c, shown), floor, exposure, unmet };
}
