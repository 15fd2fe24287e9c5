/**
 * Ranking metrics over one ranked list (best first; ties already broken by id, as the
 * engine ranks) and a set of relevant ids. Each returns NaN when there is nothing relevant
 * (the query is then left out of averages, and counted apart).
 *
 *   DCG@k   = sum_{i<k, item_i relevant} 1 / log2(i + 2)
 *   NDCG@k  = DCG@k / IDCG@k, IDCG@k = sum_{i < min(k, |R|)} 1 / log2(i + 2)
 *   AP@k    = (1 / min(k, |R|)) * sum_{i<k, item_i relevant} precision@(i+1)
 *   recall@k= |top-k ∩ R| / |R|
 *   RR      = 1 / (rank of the first relevant item in the list), 0 if none is listed
 */

export function ndcgAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  if (relevant.size === 0) return Number.NaN;
  let dcg = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i])) dcg += 1 / Math.log2(i + 2);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) idcg += 1 / Math.log2(i + 2);
  return dcg / idcg;
}

export function apAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  if (relevant.size === 0) return Number.NaN;
  let hits = 0;
  let sum = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) {
    if (relevant.has(ranked[i])) {
      hits++;
      sum += hits / (i + 1);
    }
  }
  return sum / Math.min(k, relevant.size);
}

export function recallAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  if (relevant.size === 0) return Number.NaN;
  let hits = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i])) hits++;
  return hits / relevant.size;
}

export function reciprocalRank<T>(ranked: readonly T[], relevant: ReadonlySet<T>): number {
  if (relevant.size === 0) return Number.NaN;
  for (let i = 0; i < ranked.length; i++) if (relevant.has(ranked[i])) return 1 / (i + 1);
  return 0;
}

/** Mean of the defined (non-NaN) values; NaN when none is defined. */
export function meanDefined(xs: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (const x of xs) {
    if (Number.isNaN(x)) continue;
    s += x;
    n++;
  }
  return n === 0 ? Number.NaN : s / n;
}

/**
 * Gini coefficient of non-negative counts (0 = every platform equally exposed,
 * -> 1 = all exposure on one): G = sum_i (2i - n - 1) x_(i) / (n * sum x), x sorted ascending.
 * 0 for an empty list or all zeros.
 */
export function gini(counts: ArrayLike<number>): number {
  const xs = Array.from(counts).sort((a, b) => a - b);
  const n = xs.length;
  let total = 0;
  for (const x of xs) total += x;
  if (n === 0 || total === 0) return 0;
  let acc = 0;
  for (let i = 0; i < n; i++) acc += (2 * (i + 1) - n - 1) * xs[i];
  return acc / (n * total);
}

/**
 * Exposure: per platform, how many talents' lists show it (`lists`: each a list of platform
 * indices). The one exposure measure of the product: `evaluate`'s exposure Gini, the list
 * controls' report (./controls.ts) and `tune`'s exposure penalty all go through here.
 */
export function listExposure(platforms: number, lists: Iterable<ArrayLike<number>>): Float64Array {
  const out = new Float64Array(platforms);
  for (const l of lists) for (let j = 0; j < l.length; j++) out[l[j]]++;
  return out;
}

/** Gini of `listExposure` (0 = every platform shown equally often). */
export function exposureGini(platforms: number, lists: Iterable<ArrayLike<number>>): number {
  return gini(listExposure(platforms, lists));
}
