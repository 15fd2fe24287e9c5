/**
 * Two-way top-k over worker threads, without the batch's store: the talents (sorted by
 * id) are cut into contiguous ranges, each worker vectorizes and ranks its range against
 * the shared platform side (rankRange), and the main thread merges the platform-side
 * heaps. Talent lists are per range and need no merge. The result equals the in-process
 * engine's recommend() exactly, whatever the thread count or range size: a talent's
 * vector depends only on its own text and the platform side, and heap merges are exact.
 */
import type { Talent } from '../domain/schemas.js';
import type { PlatformSide } from '../engine/platformSide.js';
import { talentFeatures } from '../engine/platformSide.js';
import type { TokenSource } from '../features/build.js';
import { rankRange } from '../ranking/twoWay.js';
import type { TopKBuffers } from '../vector/topk.js';
import { createTopK, finalizeTopK, mergeTopK } from '../vector/topk.js';

export interface RankTask {
  /** index of the range's first talent in the full, id-sorted talent list */
  start: number;
  talents: Talent[];
  k: number;
  kPlatform: number;
}

export interface RankResult {
  start: number;
  /** finalized talent lists of the range (rows = talents of the range) */
  talent: TopKBuffers;
  /** platform heaps (not finalized), talent ids already global */
  platform: TopKBuffers;
  pairs: number;
}

/** Pure: ranks one range. Runs in a worker or in process. */
export function rankTask(side: PlatformSide, task: RankTask, tokens: TokenSource): RankResult {
  const T = talentFeatures(side, task.talents, tokens);
  const r = rankRange({ ctx: side.ctx, talents: T, platforms: side.platforms }, 0, T.count, task.k, task.kPlatform);
  const ids = r.platformTop.ids;
  for (let p = 0; p < side.platforms.count; p++) {
    const base = p * r.platformTop.k;
    for (let j = 0; j < r.platformTop.sizes[p]; j++) ids[base + j] += task.start;
  }
  return { start: task.start, talent: r.talentTop, platform: r.platformTop, pairs: r.pairs };
}

export interface RankedAll {
  talent: TopKBuffers;
  platform: TopKBuffers;
  pairs: number;
}

/**
 * Runs `talents` (sorted by id) through `runTask` in ranges of `rangeSize`, all in flight
 * at once (the pool queues them), and assembles the full two-way result.
 */
export async function rankAll(
  platforms: number,
  talents: readonly Talent[],
  o: { k: number; kPlatform: number; rangeSize: number },
  runTask: (t: RankTask) => Promise<RankResult>,
): Promise<RankedAll> {
  const N = talents.length;
  const k = Math.min(o.k, platforms);
  const talent = createTopK(N, k);
  const platform = createTopK(platforms, o.kPlatform);
  const jobs: Promise<RankResult>[] = [];
  for (let start = 0; start < N; start += o.rangeSize) {
    jobs.push(runTask({ start, talents: talents.slice(start, start + o.rangeSize), k: o.k, kPlatform: o.kPlatform }));
  }
  let pairs = 0;
  for (const r of await Promise.all(jobs)) {
    talent.sizes.set(r.talent.sizes, r.start);
    talent.ids.set(r.talent.ids, r.start * k);
    talent.scores.set(r.talent.scores, r.start * k);
    mergeTopK(platform, r.platform);
    pairs += r.pairs;
  }
  finalizeTopK(platform);
  return { talent, platform, pairs };
}
