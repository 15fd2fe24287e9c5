/**
 * The library's threaded form of two-way ranking. `ThreadedRanker` holds a worker pool
 * that has the engine's platform side and its talents' features in shared memory (sent
 * once, read in place; no structured-cloned profiles); a ranking is cut into talent ranges,
 * each range is ranked in a worker with the same primitive as in process (ranking/rows.ts),
 * results come back as typed arrays and are assembled exactly (workers/rank.ts). Same
 * bytes for any thread count: `threads: 1` ranks in process without a pool.
 */
import type { Engine } from '../engine/engine.js';
import type { ScoringModel } from '../scoring/kernel.js';
import type { Recommendations } from '../ranking/twoWay.js';
import type { PairRows } from '../ranking/pairRows.js';
import { collectPairs } from '../ranking/pairRows.js';
import { recommendAll } from '../ranking/twoWay.js';
import type { ThreadOptions } from '../config/workers.js';
import { resolveThreadOptions } from '../config/workers.js';
import { packPlatformSide, packTalentFeatures, sharedBuffer } from './pack.js';
import type { TalentFeatures } from '../features/build.js';
import type { Talent } from '../domain/schemas.js';
import { concatTalentFeatures } from '../features/concat.js';
import type { PlatformSide } from '../engine/platformSide.js';
import type { ChunkPool } from './pool.js';
import { createChunkPool } from './pool.js';
import { RangeAssembler, assembleRanges, encodeTalents, platformLinesTasks, ranges, taperedRanges } from './rank.js';
import type { PlatformsResult, RankResult } from './rank.js';
import { platformLinesBytes, talentLinesBytes } from '../engine/format.js';
import { createExplainBuffer } from '../scoring/explain.js';
import { optionError } from '../errors.js';
import type { TopKBuffers } from '../vector/topk.js';
import { createTopK } from '../vector/topk.js';

/** What a range's result holds once assembled: its arrays are let go (RangeAssembler). */
const NOTHING: TopKBuffers = createTopK(0, 0);

/** What a ranker ranks: the scoring model and the platform side its workers are built on (an Engine is one; adapters/cli/load.ts WorkerLoad another). */
export type RankingInputs = Pick<Engine, 'model' | 'side'>;

export class ThreadedRanker {
  readonly threads: number;
  private readonly rangeSize: number;
  private pool: ChunkPool | undefined;
  private talents: TalentFeatures | undefined;

  /** `pool`: a started pool over the engine's platform side (threadedEngine's), used instead of starting one; destroy() stops it. */
  constructor(
    private readonly engine: RankingInputs,
    o: ThreadOptions = {},
    pool?: ChunkPool,
  ) {
    const r = resolveThreadOptions(o);
    this.threads = pool?.threads ?? r.threads;
    this.pool = pool;
    // at least one range per thread, so small inputs still spread
    this.rangeSize = Math.max(1, Math.min(r.rangeSize, Math.ceil(engine.model.talents.count / this.threads)));
  }

  /**
   * Two-way top-k of every talent. `model` may carry another scoring context over the
   * engine's features (evaluation/evaluate.ts modelWithWeights); default: the engine's.
   */
  async recommend(k: number, kPlatform: number, model: ScoringModel = this.engine.model): Promise<Recommendations> {
    const m = this.engine.model;
    if (model.talents !== m.talents || model.platforms !== m.platforms) throw optionError('ThreadedRanker.recommend: the model must share the engine\'s talent and platform features (only its scoring context may differ)');
    if (this.threads === 1) return recommendAll(model, k, kPlatform);
    const pool = this.startPool();
    const ctx = model.ctx === m.ctx ? undefined : model.ctx;
    const jobs = taperedRanges(m.talents.count, this.rangeSize, this.threads).map(([start, end]) => pool.rankRange({ start, end, k, kPlatform, talents: this.talents, ...(ctx ? { ctx } : {}) }));
    return assembleRanges(m.talents.count, m.platforms.count, k, kPlatform, await Promise.all(jobs));
  }

  /**
   * `recommend`'s JSON Lines (engine/format.ts recommendationLines, the same bytes) as
   * chunks in order: each range's talent lines are formatted by the worker that ranked it
   * and written as soon as the ranges before it are; the platform lines follow, from the
   * merged heaps. `result` resolves to the platforms' lists and the pair count once the
   * chunks are consumed: on threads the talents' lists are not kept once their lines are
   * written (1M talents at k = 10: 124 MB less).
   * Byte chunks lie at the start of buffers nobody else holds: the consumer may free them,
   * buffers whole, once written (adapters/files/write.ts writeChunks `consume`).
   */
  recommendLines(k: number, kPlatform: number): { chunks: AsyncIterable<string | Uint8Array>; result: Promise<PlatformsResult> } {
    const engine = this.engine;
    const m = engine.model;
    let resolve!: (r: PlatformsResult) => void;
    let reject!: (e: unknown) => void;
    const result = new Promise<PlatformsResult>((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    result.catch(() => undefined); // surfaced through the chunks' iteration
    const self = this;
    async function* chunks(): AsyncGenerator<string | Uint8Array> {
      try {
        if (self.threads === 1) {
          const rec = recommendAll(m, k, kPlatform);
          yield* recommendationChunks(m, rec, self.rangeSize);
          resolve(rec);
          return;
        }
        const pool = self.startPool();
        // two ranges per thread ranking at once, refilled as each finishes, not as the writer
        // takes its lines: a write that stalls (a loaded disk or machine) no longer leaves the
        // workers idle. At most four ranges per thread between being posted and being
        // written, so the output held in memory stays bounded whatever the writer's pace.
        // the last ranges cut smaller (taperedRanges): the workers finish close together
        const all = taperedRanges(m.talents.count, self.rangeSize, self.threads);
        const inFlight: Promise<RankResult>[] = [];
        let running = 0;
        // each range is assembled as it finishes (in any order: the same result), and only
        // its lines are kept until written. The platform heaps of the ranges done so far are
        // a bound for the next: each new range prunes the pairs below their k-th best (exact:
        // those cannot enter the final heaps, which merge every range)
        const asm = new RangeAssembler(m.talents.count, m.platforms.count, k, kPlatform, { talents: false });
        const seen = asm.platform;
        const floor = new Float64Array(m.platforms.count).fill(-Infinity);
        let done = 0;
        // once every range is ranked, the platform lines are formatted on the workers, in
        // parts, while this thread still writes the last ranges' lines
        let platformLines: { rec: PlatformsResult; parts: Promise<Uint8Array>[] } | undefined;
        const platformPart = (): { rec: PlatformsResult; parts: Promise<Uint8Array>[] } => {
          const rec = asm.finishPlatforms();
          const parts = platformLinesTasks(m, rec, pool.threads).map((t) => pool.platformLines({ ...t, talents: self.talents }));
          for (const p of parts) p.catch(() => undefined); // each failure surfaces where it is awaited, in order
          return (platformLines = { rec, parts });
        };
        const finished = (r: RankResult): void => {
          running--;
          asm.add(r);
          r.talent = r.platform = NOTHING;
          if (kPlatform > 0) for (let p = 0; p < floor.length; p++) if (seen.sizes[p] === kPlatform) floor[p] = seen.scores[p * kPlatform];
          if (++done === all.length) platformPart();
          fill();
        };
        let next = 0;
        const fill = (): void => {
          while (next < all.length && running < 2 * self.threads && inFlight.length < 4 * self.threads) {
            const [start, end] = all[next++];
            const job = pool.rankRange({ start, end, k, kPlatform, talents: self.talents, talentIds: m.talents.ids.slice(start, end), platformFloor: floor });
            running++;
            // each failure surfaces where it is awaited, in order
            job.then(finished, () => void running--);
            inFlight.push(job);
          }
        };
        fill();
        while (inFlight.length > 0) {
          const r = await inFlight.shift()!;
          fill();
          yield r.text!;
          r.text = undefined;
        }
        // every range was awaited, so every range finished (its `finished` ran first); no
        // ranges (no talents): the platform lines now
        const { rec, parts } = platformLines ?? platformPart();
        for (const part of parts) yield await part;
        resolve(rec);
      } catch (e) {
        reject(e);
        throw e;
      }
    }
    return { chunks: chunks(), result };
  }

  /**
   * Every acceptable pair (what `talentmatch score` writes), range by range in talent
   * order; at most two ranges per thread are in flight, so memory stays bounded.
   */
  async *pairs(): AsyncGenerator<PairRows> {
    const m = this.engine.model;
    const all = ranges(m.talents.count, this.rangeSize);
    if (this.threads === 1) {
      for (const [start, end] of all) yield collectPairs(m, start, end);
      return;
    }
    const pool = this.startPool();
    const inFlight: Promise<PairRows>[] = [];
    let next = 0;
    const fill = () => {
      while (next < all.length && inFlight.length < 2 * this.threads) {
        const [start, end] = all[next++];
        const job = pool.pairsRange({ start, end, k: 0, kPlatform: 0, talents: this.talents });
        job.catch(() => undefined); // a failure surfaces where the job is awaited, in order
        inFlight.push(job);
      }
    };
    fill();
    while (inFlight.length > 0) {
      const r = await inFlight.shift()!;
      fill();
      yield r;
    }
  }

  private startPool(): ChunkPool {
    // the talents' features travel with each task as shared memory (no copy when they were vectorized into it: threadedEngine)
    this.talents ??= packTalentFeatures(this.engine.model.talents);
    this.pool ??= createChunkPool(packPlatformSide(this.engine.side), this.threads);
    return this.pool;
  }

  /** Stops the workers (idempotent). */
  async destroy(): Promise<void> {
    const p = this.pool;
    this.pool = undefined;
    if (p) await p.destroy();
  }
}

/**
 * `recommend`'s JSON Lines of a two-way result as byte chunks, talents in ranges of
 * `rangeSize`, then the platforms: the workers' writer (engine/format.ts talentLinesBytes,
 * platformLinesBytes), the same bytes as recommendationLines.
 */
export function* recommendationChunks(m: ScoringModel, rec: Recommendations, rangeSize: number): Generator<Uint8Array> {
  for (const [start, end] of ranges(m.talents.count, rangeSize)) {
    const top = { k: rec.talent.k, rows: end - start, ids: rec.talent.ids.subarray(start * rec.talent.k, end * rec.talent.k), sizes: rec.talent.sizes.subarray(start, end), scores: rec.talent.scores.subarray(start * rec.talent.k, end * rec.talent.k) };
    yield talentLinesBytes(m, start, m.talents.ids.slice(start, end), top);
  }
  yield* platformChunks(m, rec);
}

/** `recommend`'s platform lines as byte chunks of ~64 platforms (engine/format.ts platformLinesBytes). */
function* platformChunks(m: ScoringModel, rec: Recommendations): Generator<Uint8Array> {
  const buf = createExplainBuffer();
  for (let pi = 0; pi < m.platforms.count; pi += 64) yield platformLinesBytes(m, rec, pi, Math.min(m.platforms.count, pi + 64), buf);
}

/**
 * The engine's recommend() on worker threads: `threads` (default: available parallelism),
 * `k` and `kPlatform` as recommend(). Resolves to exactly what recommend() returns.
 */
export async function recommendAsync(engine: Engine, o: ThreadOptions & { k?: number; kPlatform?: number } = {}): Promise<Recommendations> {
  const k = o.k ?? engine.options.topK;
  const kp = o.kPlatform ?? o.k ?? engine.options.topKPlatform;
  const r = new ThreadedRanker(engine, o);
  try {
    return await r.recommend(k, kp);
  } finally {
    await r.destroy();
  }
}

/**
 * The features of `talents` (sorted by id) vectorized on the pool's workers, range by range,
 * stacked in shared memory (so a ThreadedRanker on the same pool ranks them without a copy).
 * Exactly talentFeatures(side, talents) of one pass: a talent's features depend only on its
 * own profile and the platform side (features/concat.ts). The ranges reach the workers as
 * JSON Lines bytes, each posted as soon as it is encoded, so the workers start at once.
 */
export async function vectorizeOnPool(pool: ChunkPool, talents: readonly Talent[], rangeSize: number): Promise<TalentFeatures> {
  const all = ranges(talents.length, rangeSize);
  const parts: TalentFeatures[] = new Array<TalentFeatures>(all.length);
  // two ranges per thread in flight: the bytes of a range are encoded only when a slot frees (memory stays bounded)
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < all.length) {
      const i = next++;
      const [start, end] = all[i];
      parts[i] = await pool.vectorize({ lines: encodeTalents(talents.slice(start, end)) });
    }
  };
  await Promise.all(Array.from({ length: Math.min(all.length, 2 * pool.threads) }, lane));
  return concatTalentFeatures(parts, talents.map((t) => t.id), sharedBuffer);
}

/** A pool over a platform side, for threadedEngine's vectorizing and ranking (`threads` >= 2). */
export function platformPool(side: PlatformSide, threads: number): ChunkPool {
  return createChunkPool(packPlatformSide(side), threads);
}
