/**
 * The per-row bookkeeping of the pruned ranking (ranking/rows.ts RowRanker.rankPruned) over
 * the platforms' blocks (scoring/bounds.ts PlatformBlocks): the blocks' visiting order, the
 * talent's excluded platforms with room counted per block, and a block's heap threshold.
 */
import type { PlatformBlocks } from '../scoring/bounds.js';
import { platformBlocks } from '../scoring/bounds.js';
import type { PlatformFeatures, TalentFeatures } from '../features/build.js';
import { hasRoom } from '../scoring/acceptability.js';

/**
 * Whether a heap holding `size` of `k` entries, its worst entry scoring `root`, may still
 * take a pair scoring up to `bound`: while it has room, or when the bound reaches the root
 * (a pair equal to the root with a smaller id enters, so equality must visit the block).
 */
export function heapWants(size: number, k: number, bound: number, root: number): boolean {
  return size < k || bound >= root;
}

/** ord[0..B) = the blocks by upper bound hi, best first, ties by block index (insertion sort: a few dozen blocks). */
export function sortBlocksDesc(hi: Float64Array, ord: Int32Array, B: number): void {
  for (let i = 0; i < B; i++) {
    const h = hi[i];
    let j = i;
    while (j > 0 && hi[ord[j - 1]] < h) {
      ord[j] = ord[j - 1];
      j--;
    }
    ord[j] = i;
  }
}

/**
 * Counts talent ti's excluded platforms that have room for it, per block, into exclRoom (a
 * platform excluded twice counts once: `seen` marks it); clearExcludedRoom undoes it after
 * the row. The pruned ranking subtracts them from a block's counted pairs.
 */
export function markExcludedRoom(T: TalentFeatures, ti: number, freeSlots: ArrayLike<number>, freeSeats: ArrayLike<number>, blockOf: Int32Array, seen: Uint8Array, exclRoom: Int32Array): void {
  const seats = T.seats[ti];
  for (let e = T.exclIndptr[ti]; e < T.exclIndptr[ti + 1]; e++) {
    const p = T.exclIdx[e];
    if (seen[p] === 0 && hasRoom(freeSlots[p], freeSeats[p], seats)) {
      seen[p] = 1;
      exclRoom[blockOf[p]]++;
    }
  }
}

export function clearExcludedRoom(T: TalentFeatures, ti: number, blockOf: Int32Array, seen: Uint8Array, exclRoom: Int32Array): void {
  for (let e = T.exclIndptr[ti]; e < T.exclIndptr[ti + 1]; e++) {
    const p = T.exclIdx[e];
    if (seen[p] === 1) {
      seen[p] = 0;
      exclRoom[blockOf[p]]--;
    }
  }
}

/**
 * floor[b] = the smallest threshold `thr` of block b's platforms with a free slot (Infinity for
 * none): no pair below it can enter one of their heaps. Written into `floor`, not returned: a
 * double returned from a call V8 does not inline is a fresh heap number.
 */
export function setBlockFloor(k: PlatformBlocks, b: number, thr: Float64Array, freeSlots: ArrayLike<number>, floor: Float64Array): void {
  const order = k.order;
  let f = Infinity;
  for (let j = k.start[b]; j < k.start[b + 1]; j++) {
    const p = order[j];
    if (freeSlots[p] > 0 && thr[p] < f) f = thr[p];
  }
  floor[b] = f;
}

/**
 * The blocks of a platform side's platforms, built once per platform features and dims (for
 * RankerOptions.blocks): a worker ranks ~50 ranges or chunks of 2,000 against the same
 * platforms, and each ranker built them anew (a sort, the inverted index regrouped: ~3% of a
 * worker's time at 100k x 1k). A side's platform features are never changed once built (what
 * a matching changes, it copies). Shared by recommend's ranges (workers/rank.ts) and the
 * batch's chunks (engine/chunk.ts).
 */
const sideBlocks = new WeakMap<PlatformFeatures, PlatformBlocks>();
export function blocksOf(P: PlatformFeatures, dims: number): PlatformBlocks {
  let k = sideBlocks.get(P);
  if (k === undefined || k.dims !== dims) sideBlocks.set(P, (k = platformBlocks(P, dims)));
  return k;
}
