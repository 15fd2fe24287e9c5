/**
 * The library's threaded form of two-way ranking. `ThreadedRanker` holds a worker pool
 * that has the engine's platform side and its talents' features in shared memory (sent
 * once, read in place; no structured-cloned profiles); a ranking is cut into talent ranges,
 * each range is ranked in a worker with the same primitive as in process (ranking/rows.ts),
 * results come back as typed arrays and are assembled exactly (workers/rank.ts). Same
 * bytes for any thread count: `threads: 1` ranks in process without a pool.
 */
import type { Engine } from '../engine/engine.js';
import { createEngine, engineFromPlan, planEngine } from '../engine/engine.js';
import type { Dataset } from '../engine/data.js';
import type { EngineOptions } from '../config/options.js';
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
import { createChunkPool, startChunkPool } from './pool.js';
import { RangeAssembler, encodeTalents, platformLinesTasks, ranges, taperedRanges } from './rank.js';
import type { PlatformsResult, RangeTask, RankResult } from './rank.js';
import { platformLinesBytes, talentLinesBytes } from '../engine/format.js';
import { createExplainBuffer } from '../scoring/explain.js';
import { applyListControls } from '../engine/lists.js';
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

  /** `pool`: a started pool over the engine's platform side (createEngineAsync's), used instead of starting one; destroy() stops it. */
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
    const asm = new RangeAssembler(m.talents.count, m.platforms.count, k, kPlatform);
    const all = taperedRanges(m.talents.count, this.rangeSize, this.threads);
    // nothing to hold for a writer: the results are taken as they come (the feed's window is the workers')
    for await (const r of rankedRanges(pool, all, asm, { k, kPlatform, talents: this.talents, ...(ctx ? { ctx } : {}) }, { ahead: Infinity })) void r;
    return asm.finish();
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
        // the talents' lists are not kept: each range's lines are written by its worker
        const asm = new RangeAssembler(m.talents.count, m.platforms.count, k, kPlatform, { talents: false });
        // once every range is ranked, the platform lines are formatted on the workers, in
        // parts, while this thread still writes the last ranges' lines
        let platformLines: { rec: PlatformsResult; parts: Promise<Uint8Array>[] } | undefined;
        const platformPart = (): { rec: PlatformsResult; parts: Promise<Uint8Array>[] } => {
          const rec = asm.finishPlatforms();
          const parts = platformLinesTasks(m, rec, pool.threads).map((t) => pool.platformLines({ ...t, talents: self.talents }));
          for (const p of parts) p.catch(() => undefined); // each failure surfaces where it is awaited, in order
          return (platformLines = { rec, parts });
        };
        // at most four ranges per thread between being posted and being written, so the
        // output held in memory stays bounded whatever the writer's pace; the last ranges
        // cut smaller (taperedRanges): the workers finish close together
        const all = taperedRanges(m.talents.count, self.rangeSize, self.threads);
        for await (const r of rankedRanges(pool, all, asm, { k, kPlatform, talents: self.talents }, { ahead: 4 * self.threads, ids: m.talents.ids, allRanked: platformPart })) {
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
    yield* orderedJobs(all.length, (unread) => unread < 2 * this.threads, (i) => pool.pairsRange({ start: all[i][0], end: all[i][1], k: 0, kPlatform: 0, talents: this.talents })).results;
  }

  private startPool(): ChunkPool {
    // the talents' features travel with each task as shared memory (no copy when they were vectorized into it: createEngineAsync)
    this.talents ??= packTalentFeatures(this.engine.model.talents);
    this.pool ??= platformPool(this.engine.side, this.threads);
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
 * Ranges `all` ranked on the pool with running floors (for `recommend` and `recommendLines`:
 * one feed). Two ranges per thread rank at once, refilled as each finishes, not as the
 * consumer takes them: a consumer that stalls (a loaded disk or machine) does not leave the
 * workers idle; at most `ahead` ranges are between being posted and being taken. Each range
 * is assembled into `asm` as it finishes (in any order: the same result) and its arrays let
 * go; the platform heaps merged so far are a floor for the ranges posted after: each new
 * range prunes the pairs below a platform's k-th best (exact: those cannot enter the final
 * heaps, which merge every range). Results are yielded in range order; with `ids`, each
 * carries its range's talent lines (RangeTask.talentIds). `allRanked` runs once every range
 * is assembled, before the last ones are taken.
 */
async function* rankedRanges(
  pool: ChunkPool,
  all: readonly [number, number][],
  asm: RangeAssembler,
  task: Pick<RangeTask, 'k' | 'kPlatform' | 'talents' | 'ctx'>,
  o: { ahead: number; ids?: readonly string[]; allRanked?: () => void },
): AsyncGenerator<RankResult> {
  const kPlatform = task.kPlatform;
  const seen = asm.platform;
  const floor = new Float64Array(seen.rows).fill(-Infinity);
  let running = 0;
  let done = 0;
  const finished = (r: RankResult): void => {
    running--;
    asm.add(r);
    r.talent = r.platform = NOTHING;
    // a full heap's root is its k-th best (heaps are not finalized until the end)
    if (kPlatform > 0) for (let p = 0; p < floor.length; p++) if (seen.sizes[p] === kPlatform) floor[p] = seen.scores[p * kPlatform];
    if (++done === all.length) o.allRanked?.();
    feed.refill();
  };
  const feed = orderedJobs(
    all.length,
    (unread) => running < 2 * pool.threads && unread < o.ahead,
    (i) => {
      const [start, end] = all[i];
      const job = pool.rankRange({ ...task, start, end, platformFloor: floor, ...(o.ids ? { talentIds: o.ids.slice(start, end) } : {}) });
      running++;
      job.then(finished, () => void running--);
      return job;
    },
  );
  yield* feed.results;
}

/**
 * Jobs 0 .. n - 1 posted in order while `room(unread)` holds (`unread`: posted and not yet
 * taken), their results yielded in order; posting starts when the first result is asked for.
 * `refill` posts more: it runs after each result is taken, and a caller whose room grows
 * otherwise (a job finished) calls it then. A job's failure surfaces where it is taken, in
 * order (a failure not yet taken is not an unhandled rejection).
 */
function orderedJobs<T>(n: number, room: (unread: number) => boolean, post: (i: number) => Promise<T>): { refill: () => void; results: AsyncGenerator<T> } {
  const inFlight: Promise<T>[] = [];
  let next = 0;
  const refill = (): void => {
    while (next < n && room(inFlight.length)) {
      const job = post(next++);
      job.catch(() => undefined);
      inFlight.push(job);
    }
  };
  async function* results(): AsyncGenerator<T> {
    refill();
    while (inFlight.length > 0) {
      const r = await inFlight.shift()!;
      refill();
      yield r;
    }
  }
  return { refill, results: results() };
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
 * `k` and `kPlatform` as recommend(). Resolves to exactly what recommend() returns, the
 * policy's list controls included (applied in process after the threaded ranking, as
 * recommend() applies them: engine/lists.ts).
 */
export async function recommendAsync(engine: Engine, o: ThreadOptions & { k?: number; kPlatform?: number } = {}): Promise<Recommendations> {
  const k = o.k ?? engine.options.topK;
  const kp = o.kPlatform ?? o.k ?? engine.options.topKPlatform;
  const r = new ThreadedRanker(engine, o);
  try {
    return applyListControls(engine.model, engine.data.policy, await r.recommend(k, kp)).rec;
  } finally {
    await r.destroy();
  }
}

/** An engine built on worker threads (createEngineAsync) and the ranker that owns its workers. */
export interface ThreadedEngine {
  engine: Engine;
  /** ranks on the workers that vectorized the engine's talents (features already in shared memory); destroy() it when done */
  ranker: ThreadedRanker;
}

/**
 * createEngine with the talents vectorized on `threads` worker threads (default: available
 * parallelism), and a ThreadedRanker on the same workers: `ranker.recommend(k, kPlatform)`
 * resolves to exactly `engine.recommend({ k, kPlatform })` without list controls (what
 * recommendAsync returns). The workers start first and load their modules while this thread
 * validates the inputs and builds the platform side, which then reaches them (pool.ts
 * startChunkPool); each talent range is vectorized into shared memory (vectorizeOnPool: the
 * features equal createEngine's bit for bit), so ranking copies nothing. `threads: 1` or
 * no talents: createEngine in process (the ranker starts workers only if asked to rank on
 * more than one). The caller stops the workers: `await ranker.destroy()`.
 */
export async function createEngineAsync(input: Dataset, o: EngineOptions & ThreadOptions = {}): Promise<ThreadedEngine> {
  const { threads, rangeSize, ...options } = o;
  const t = resolveThreadOptions({ ...(threads !== undefined ? { threads } : {}), ...(rangeSize !== undefined ? { rangeSize } : {}) });
  if (t.threads === 1 || (Array.isArray(input.talents) && input.talents.length === 0)) {
    const engine = createEngine(input, options);
    return { engine, ranker: new ThreadedRanker(engine, t) };
  }
  const pool = startChunkPool(t.threads);
  try {
    const plan = planEngine(input, options);
    pool.setSide(packPlatformSide(plan.side));
    const size = Math.max(1, Math.min(t.rangeSize, Math.ceil(plan.talents.length / t.threads)));
    const engine = engineFromPlan(plan, await vectorizeOnPool(pool, plan.talents, size));
    return { engine, ranker: new ThreadedRanker(engine, t, pool) };
  } catch (e) {
    await pool.destroy();
    throw e;
  }
}

/**
 * The features of `talents` (sorted by id) vectorized on the pool's workers, range by range,
 * stacked in shared memory (so a ThreadedRanker on the same pool ranks them without a copy).
 * Exactly talentFeatures(side, talents) of one pass: a talent's features depend only on its
 * own profile and the platform side (features/concat.ts). The ranges reach the workers as
 * V8-serialized bytes (rank.ts encodeTalents), each posted as soon as it is encoded, so the workers start at once.
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
      parts[i] = await pool.vectorize({ talents: encodeTalents(talents.slice(start, end)) });
    }
  };
  await Promise.all(Array.from({ length: Math.min(all.length, 2 * pool.threads) }, lane));
  return concatTalentFeatures(parts, talents.map((t) => t.id), sharedBuffer);
}

/** A pool over a platform side, for vectorizing and ranking on it (`threads` >= 2). */
export function platformPool(side: PlatformSide, threads: number): ChunkPool {
  return createChunkPool(packPlatformSide(side), threads);
}
