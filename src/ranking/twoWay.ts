/**
 * Two-way top-k over a range of talents: every talent's best platforms, and every
 * platform's best talents among the range. A range is the unit of work of the threads and
 * the batch: the platform heaps of several ranges merge exactly (mergeTopK), whatever their
 * order. A thin use of the ranking primitive (./rows.ts), with exact block-max pruning:
 * only the heaps are read, and they equal the unpruned ones.
 */
import type { ScoringModel } from '../scoring/kernel.js';
import type { TopKBuffers } from '../vector/topk.js';
import { finalizeTopK } from '../vector/topk.js';
import { RowRanker } from './rows.js';
import type { PlatformBlocks } from '../scoring/bounds.js';

export interface RangeTopK {
  /** first talent index of the range */
  start: number;
  /** rows = talents of the range; ids are platform indices; finalized (best first) */
  talentTop: TopKBuffers;
  /** rows = all platforms; ids are talent indices + idBase; heaps, not yet finalized */
  platformTop: TopKBuffers;
  /** acceptable pairs seen */
  pairs: number;
}

/**
 * Two-way top-k of talents [start, end); platform heaps hold talent index + idBase.
 * `platformFloor` (per platform, the k-th best score of ranges already merged, or
 * -Infinity): the range's heaps skip pairs strictly below it (options.ts RankerOptions);
 * `blocks`: the platforms' blocks, for a caller ranking range after range against the same,
 * unchanging platforms (RankerOptions.blocks; default: built by the ranker).
 */
export function rankRange(m: ScoringModel, start: number, end: number, kTalent: number, kPlatform: number, idBase = 0, platformFloor?: Float64Array, blocks?: PlatformBlocks): RangeTopK {
  const r = new RowRanker(m, { start, end, kTalent, kPlatform, idBase, prune: true, ...(platformFloor ? { platformFloor } : {}), ...(blocks ? { blocks } : {}) }).rankAll();
  return { start, talentTop: r.talentTop, platformTop: r.platformTop, pairs: r.pairs };
}

export interface Recommendations {
  /** rows = talents (sorted by id); ids = platform indices; best first */
  talent: TopKBuffers;
  /** rows = platforms (sorted by id); ids = talent indices; best first */
  platform: TopKBuffers;
  /** acceptable pairs scored */
  pairs: number;
}

/** Two-way top-k over every talent of the model, both sides finalized (best first). */
export function recommendAll(m: ScoringModel, kTalent: number, kPlatform: number): Recommendations {
  const r = new RowRanker(m, { kTalent, kPlatform, prune: true }).rankAll();
  finalizeTopK(r.platformTop);
  return { talent: r.talentTop, platform: r.platformTop, pairs: r.pairs };
}
