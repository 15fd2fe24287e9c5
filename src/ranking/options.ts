/**
 * What a consumer of the one ranking primitive (ranking/rows.ts RowRanker) asks it to keep
 * per row, and how it may prune.
 */
import type { RowScratch } from '../scoring/kernel.js';
import type { PlatformBlocks } from '../scoring/bounds.js';

export interface RankerOptions {
  /** first talent index of the range (default 0) */
  start?: number;
  /** one past the last talent index (default: every talent) */
  end?: number;
  /** platforms kept per talent by reciprocal score; 0 keeps no talent lists (default 0) */
  kTalent?: number;
  /** keep every row's talent list (default true); false reuses one row, read after each rank() */
  keepTalentRows?: boolean;
  /** talents kept per platform by reciprocal score; 0 keeps none (default 0) */
  kPlatform?: number;
  /** added to a talent index before it enters a platform heap (a range's global offset; default 0) */
  idBase?: number;
  /** preference list per talent by its one-sided score: undefined none, 0 every acceptable pair, n the best n */
  prefs?: number;
  /**
   * Exact block-max pruning (default false; on in rankRange, recommendAll and the batch's
   * chunks, the consumers that read the heaps alone): score fully only the blocks of
   * platforms whose upper bound can still enter the talent's heap or one of the block's
   * platform heaps, or whose forward bound can still enter the preference list (or whose
   * acceptability the bounds leave open). The heaps, the preference list and `pairs` are
   * exactly those of the unpruned ranking, but `scratch` then holds scores for the scored
   * pairs only (every pair the heaps and the list hold among them). Ignored where the
   * bounds need not hold (a negative weight or input).
   */
  prune?: boolean;
  /**
   * With `prune`: per platform, a score its merged heap already holds k pairs at or above
   * (the k-th best of other ranges' heaps that will be merged with this one; -Infinity for
   * none). A pair strictly below it cannot enter the merged result, so it need not enter
   * this range's heap either: the merge stays exact.
   */
  platformFloor?: Float64Array;
  /**
   * With `prune`: the blocks of the model's platforms (platformBlocks(model.platforms, dims)),
   * for a caller that ranks with fresh rankers against the same, unchanging platforms (the
   * API's live route: one new talent per request); default: built by the constructor
   * (O(platforms), and a sort). Read only, so rankers may share it.
   */
  blocks?: PlatformBlocks;
  /**
   * the per-platform scratch to score into (createRowScratch of the platforms' count), for a
   * caller that ranks one row at a time with fresh rankers and reuses it (the API's live
   * route); default: a new one. Every field rank() reads is written first, so any earlier
   * content is harmless.
   */
  scratch?: RowScratch;
  /**
   * With `prune`: the share of blocks let through by the loose bounds above which a row
   * accumulates every block at once (default LOOSE_SHARE; 1: always block by block, -1:
   * never, i.e. exact bounds for every block). Changes the work only, never the result (the
   * tests rank both ways).
   */
  looseShare?: number;
}

/** Above this share of blocks let through by the loose bounds, rankPruned accumulates every block at once (see there). */
export const LOOSE_SHARE = 1 / 3;
