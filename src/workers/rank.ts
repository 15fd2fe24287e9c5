/**
 * Two-way top-k over worker threads, without the batch's store. The talents (sorted by id)
 * are vectorized (workers/threaded.ts vectorizeOnPool, `VectorizeTask`) or packed into shared
 * memory (pack.ts), cut into contiguous row ranges, and each range is ranked with the ranking
 * primitive (ranking/rows.ts via rankRange); the main thread merges the platform-side heaps.
 * Talent lists are per range and need no merge. The result equals the in-process engine's
 * recommend() exactly, whatever the thread count or range size: a talent's vector depends
 * only on its own text and the platform side, and heap merges are exact.
 *
 * A `RangeTask` carries no profile objects: a row range of talent features already in shared
 * memory, optionally with another scoring context (the tuner's candidate weights).
 */
import { deserialize, serialize } from 'node:v8';
import type { Talent } from '../domain/schemas.js';
import { TalentmatchError } from '../errors.js';
import type { PlatformSide } from '../engine/platformSide.js';
import type { TalentFeatures, TokenSource } from '../features/build.js';
import { blocksOf } from '../ranking/blockScan.js';
import { sharedFeatures } from './lines.js';
import type { ScoringContext } from '../scoring/context.js';
import { rankRange } from '../ranking/twoWay.js';
import { platformLinesOf, talentLinesBytes } from '../engine/format.js';
import type { ScoringModel } from '../scoring/kernel.js';
import type { PairRows } from '../ranking/pairRows.js';
import { collectPairs } from '../ranking/pairRows.js';
import type { Recommendations } from '../ranking/twoWay.js';
import type { TopKBuffers } from '../vector/topk.js';
import { createTopK, finalizeTopK, mergeTopK } from '../vector/topk.js';

export interface RangeTask {
  /** talent rows [start, end) of the shared talent features */
  start: number;
  end: number;
  k: number;
  kPlatform: number;
  /** score with this context instead of the platform side's (same features, other weights) */
  ctx?: ScoringContext;
  /** the range's talent ids: when given, the worker also writes the range's talent lines (RankResult.text) */
  talentIds?: string[];
  /** every talent's features in shared memory (pack.ts packTalentFeatures); default: the pool's workerData */
  talents?: TalentFeatures;
  /** per platform, the k-th best score of the ranges merged so far (-Infinity: fewer): pruning skips pairs below it (ranking/twoWay.ts rankRange) */
  platformFloor?: Float64Array;
}

export interface RankResult {
  start: number;
  /** finalized talent lists of the range (rows = talents of the range) */
  talent: TopKBuffers;
  /** platform heaps (not finalized), talent ids already global */
  platform: TopKBuffers;
  pairs: number;
  /** the range's talent lines of `recommend` (UTF-8, one newline each), when the task named its talent ids */
  text?: Uint8Array;
}

/**
 * Validated talents as bytes for a VectorizeTask: V8's serialization (the structured clone's
 * format: exactly the objects, read back whole), not JSON Lines. At 100k talents JSON
 * Lines cost this thread ~0.85 s CPU to encode and the workers ~1.0 s to decode; V8's
 * ~0.35 s and ~0.3 s (bench/async-lib.mjs, sixteenth pass). A buffer of its own, so it can be moved.
 */
export function encodeTalents(talents: readonly Talent[]): Uint8Array {
  const b = serialize(talents);
  return b.byteOffset === 0 && b.buffer.byteLength === b.byteLength ? new Uint8Array(b.buffer, 0, b.byteLength) : new Uint8Array(b);
}

export function decodeTalents(bytes: Uint8Array): Talent[] {
  return deserialize(bytes) as Talent[];
}

/** A talent range to vectorize: its validated talents, sorted by id (encodeTalents). */
export interface VectorizeTask {
  talents: Uint8Array;
}

/**
 * Pure: the features of one talent range given as bytes (ids left out: the caller has them).
 * Runs in a worker, into shared memory (posted back without a copy); features/concat.ts stacks the ranges.
 */
export function vectorizeTask(side: PlatformSide, task: VectorizeTask, tokens: TokenSource): TalentFeatures {
  const T = sharedFeatures(side, decodeTalents(task.talents), tokens);
  return { ...T, ids: [] };
}

/** Pure: ranks rows [start, end) of already vectorized talents. */
export function rankRangeTask(side: PlatformSide, T: TalentFeatures, task: RangeTask): RankResult {
  const m = { ctx: task.ctx ?? side.ctx, talents: T, platforms: side.platforms };
  const r = rankRange(m, task.start, task.end, task.k, task.kPlatform, 0, task.platformFloor, blocksOf(side.platforms, m.ctx.dims));
  const out: RankResult = { start: task.start, talent: r.talentTop, platform: r.platformTop, pairs: r.pairs };
  // formatting the range's lines here spreads the output's cost over the threads (same bytes: engine/format.ts)
  if (task.talentIds) out.text = talentLinesBytes(m, task.start, task.talentIds, r.talentTop);
  return out;
}

/**
 * Platform lines [from, to) of a two-way result, formatted where the talents' features are
 * (a worker: the last step of `recommend`, shared by the threads instead of run on the main
 * thread after the last range; workers/threaded.ts recommendLines). Carries the part's rows
 * of the merged platform lists and the ids of the talents they list, slot by slot.
 */
export interface PlatformLinesTask {
  from: number;
  to: number;
  /** the part's rows of the finalized platform lists (row r: platform from + r) */
  lists: { k: number; ids: Int32Array; sizes: Int32Array };
  /** the id of the talent in each slot r * k + j of `lists` ('' past a row's size) */
  names: string[];
  ctx?: ScoringContext;
  /** every talent's features in shared memory (pack.ts packTalentFeatures); default: the pool's workerData */
  talents?: TalentFeatures;
}

/** The tasks for `parts` near-equal parts of the platform lines of `rec` (m: the model whose talent ids name the rows). */
export function platformLinesTasks(m: ScoringModel, rec: Pick<Recommendations, 'platform'>, parts: number): PlatformLinesTask[] {
  const P = m.platforms.count;
  const k = rec.platform.k;
  const tids = m.talents.ids;
  const out: PlatformLinesTask[] = [];
  const size = Math.max(1, Math.ceil(P / parts));
  for (let from = 0; from < P; from += size) {
    const to = Math.min(P, from + size);
    const ids = rec.platform.ids.slice(from * k, to * k);
    const sizes = rec.platform.sizes.slice(from, to);
    const names = new Array<string>(ids.length).fill('');
    for (let r = 0; r < to - from; r++) for (let j = 0; j < sizes[r]; j++) names[r * k + j] = tids[ids[r * k + j]];
    out.push({ from, to, lists: { k, ids, sizes }, names });
  }
  return out;
}

/** Pure: the platform lines of a PlatformLinesTask (engine/format.ts platformLinesOf: platformLinesBytes' bytes). */
export function platformLinesTask(side: PlatformSide, T: TalentFeatures, task: PlatformLinesTask): Uint8Array {
  return platformLinesOf({ ctx: task.ctx ?? side.ctx, talents: T, platforms: side.platforms }, task.lists, task.names, task.from, task.to);
}

/** Pure: every acceptable pair of rows [start, end) of already vectorized talents. */
export function pairsRangeTask(side: PlatformSide, T: TalentFeatures, task: RangeTask): PairRows {
  return collectPairs({ ctx: task.ctx ?? side.ctx, talents: T, platforms: side.platforms }, task.start, task.end);
}

/** A two-way result without the talents' lists: the platforms' lists and the pair count (RangeAssembler finishPlatforms). */
export type PlatformsResult = Omit<Recommendations, 'talent'>;

/**
 * Ranges' results (any order) assembled into the full two-way result as they arrive: each
 * range's talent lists copied into place (where they are kept), its platform heaps merged exactly (the top-k of
 * the union, whatever the order: vector/topk.ts mergeTopK), then nothing of the range is
 * held. At 1M talents x 10k platforms a range's heaps are 1.2 MB and there are 500 ranges:
 * keeping every result for one assembly at the end held ~600 MB more at the peak.
 */
export class RangeAssembler {
  /** undefined: the talents' lists are not kept (`recommend` on threads: the workers wrote their lines; 124 bytes a talent at k = 10) */
  readonly talent: TopKBuffers | undefined;
  /** the platform heaps merged so far (not finalized until finish): a running bound for the ranges still to rank */
  readonly platform: TopKBuffers;
  private pairs = 0;
  private readonly kt: number;

  constructor(talents: number, platforms: number, k: number, kPlatform: number, o: { talents?: boolean } = {}) {
    this.kt = Math.min(k, platforms);
    this.talent = o.talents === false ? undefined : createTopK(talents, this.kt);
    this.platform = createTopK(platforms, kPlatform);
  }

  add(r: Pick<RankResult, 'start' | 'talent' | 'platform' | 'pairs'>): void {
    if (this.talent) {
      this.talent.sizes.set(r.talent.sizes, r.start);
      this.talent.ids.set(r.talent.ids, r.start * this.kt);
      this.talent.scores.set(r.talent.scores, r.start * this.kt);
    }
    mergeTopK(this.platform, r.platform);
    this.pairs += r.pairs;
  }

  /** The platforms' lists (finalized) and the pairs: all a writer of the talents' lines as they come needs at the end. */
  finishPlatforms(): PlatformsResult {
    finalizeTopK(this.platform);
    return { platform: this.platform, pairs: this.pairs };
  }

  finish(): Recommendations {
    if (!this.talent) throw new TalentmatchError('E_INTERNAL', 'RangeAssembler.finish: the talents\' lists were not kept (finishPlatforms)');
    return { talent: this.talent, ...this.finishPlatforms() };
  }
}

/** Parts each of the last ranges is cut into (taperedRanges). */
export const TAIL_PARTS = 4;

/**
 * Range boundaries for `threads` workers taking ranges as they free: ranges of `size`, but
 * the last rows (the last `threads` ranges' worth, and what is left over) in quarters of it
 * (TAIL_PARTS), so the workers finish within a quarter range's time of each other instead of
 * a whole one's (the run's idle tail). The same rows in the same order: outputs assembled
 * range by range do not depend on the cut.
 */
export function taperedRanges(n: number, size: number, threads: number): [number, number][] {
  const full = Math.max(0, Math.floor(n / size) - threads);
  const piece = Math.ceil(size / TAIL_PARTS);
  const out = ranges(full * size, size);
  for (let start = full * size; start < n; start += piece) out.push([start, Math.min(n, start + piece)]);
  return out;
}

/** Range boundaries [start, end) of `n` rows in ranges of `size`. */
export function ranges(n: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let start = 0; start < n; start += size) out.push([start, Math.min(n, start + size)]);
  return out;
}
