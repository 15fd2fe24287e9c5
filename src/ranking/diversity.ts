/**
 * Per-talent list controls (pure): an industry share cap and an MMR-style diversity weight,
 * over one talent's acceptable platforms in score order (score desc, platform index asc —
 * the order `recommend` ranks by). Items are never rescored: a kept item keeps its score
 * and its `why`; the controls only choose which platforms the list shows, and in what order.
 *
 * Maximal marginal relevance (Carbonell & Goldstein 1998), with w = the diversity weight in
 * [0, 1]: the list is built one item at a time, each time taking the candidate with the
 * largest
 *
 *     (1 - w) * score(p)  -  w * max_{q already picked} sim(p, q)
 *
 * among those the share cap still allows; ties go to the earlier candidate (higher score,
 * then lower platform index = platform id). sim(p, q) is the cosine of the two platforms'
 * industry vectors (unit vectors with non-negative components, so sim is in [0, 1]: 1 for
 * two platforms of the same single industry, 0 for disjoint industries). Guarantees:
 *  - w = 0 gives exactly the plain top-k (or, with a cap, exactly the capped list of
 *    ./controls.ts capIndustryShare);
 *  - the list is min(k, what the cap allows) distinct acceptable platforms of the talent,
 *    in the order they were picked (a permutation of a subset of the candidates);
 *  - the first item is always the best-scoring candidate (nothing is picked yet, so the
 *    penalty is 0 for every candidate);
 *  - deterministic: no randomness, ties by platform index.
 */

/** The platforms' industries: industry vectors (unit, >= 0) and each platform's main industry. */
export interface IndustryView {
  /** dims per vector */
  dims: number;
  /** platform-major: vector of platform p at [p * dims, (p + 1) * dims) */
  vectors: Float32Array;
  /** main industry per platform (./controls.ts capIndustryShare's industryOf) */
  main: Int32Array;
}

export interface TalentListOptions {
  /** list length k >= 1 */
  k: number;
  /** industry share cap in (0, 1]: at most max(1, floor(share * k)) items of one industry */
  industryShare?: number;
  /** MMR weight in [0, 1]; absent or 0 = none */
  diversity?: number;
}

/** The cap a share gives on a list of k: max(1, floor(share * k)). One rule for every caller. */
export function shareCap(share: number, k: number): number {
  return Math.max(1, Math.floor(share * k + 1e-9));
}

/**
 * Main industry of each of `count` unit vectors (largest component; ties to the lower
 * industry index; -1 for an all-zero vector).
 */
export function mainIndustries(vectors: Float32Array, count: number, dims: number): Int32Array {
  const out = new Int32Array(count).fill(-1);
  for (let i = 0; i < count; i++) {
    let best = -1;
    let bestValue = 0;
    for (let d = 0; d < dims; d++) {
      const v = vectors[i * dims + d];
      if (v > bestValue) {
        bestValue = v;
        best = d;
      }
    }
    out[i] = best;
  }
  return out;
}

/** sim(p, q): cosine of the two platforms' industry vectors (their dot product: unit vectors). */
export function industrySimilarity(view: IndustryView, p: number, q: number): number {
  const D = view.dims;
  let s = 0;
  for (let d = 0; d < D; d++) s += view.vectors[p * D + d] * view.vectors[q * D + d];
  return s;
}

/**
 * One talent's controlled list. `plat` / `score`: its acceptable platforms best first (score
 * desc, platform asc), `n` of them. Returns positions into those arrays, in list order.
 */
export function controlledList(plat: ArrayLike<number>, score: ArrayLike<number>, n: number, view: IndustryView, o: TalentListOptions): Int32Array {
  const k = Math.min(o.k, n);
  const cap = o.industryShare !== undefined ? shareCap(o.industryShare, o.k) : Number.POSITIVE_INFINITY;
  const w = o.diversity ?? 0;
  const picked = new Int32Array(k);
  let size = 0;
  const used = new Map<number, number>();
  const taken = new Uint8Array(n);
  const maxSim = new Float64Array(n);
  while (size < k) {
    let best = -1;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      if (taken[j]) continue;
      if ((used.get(view.main[plat[j]]) ?? 0) >= cap) continue;
      const v = w === 0 ? score[j] : (1 - w) * score[j] - w * maxSim[j];
      if (v > bestValue) {
        bestValue = v;
        best = j;
        if (w === 0) break; // candidates are in score order: the first allowed one wins
      }
    }
    if (best < 0) break;
    taken[best] = 1;
    picked[size++] = best;
    const ind = view.main[plat[best]];
    used.set(ind, (used.get(ind) ?? 0) + 1);
    if (w !== 0) {
      for (let j = 0; j < n; j++) {
        if (taken[j]) continue;
        const s = industrySimilarity(view, plat[j], plat[best]);
        if (s > maxSim[j]) maxSim[j] = s;
      }
    }
  }
  return picked.slice(0, size);
}
