/** Steps several commands share: load the inputs, build the engine, write the HTML report. */
import { createEngine, engineFromPlan, planEngine, planSide } from '../../engine/engine.js';
import type { EngineOptions } from '../../config/options.js';
import { defaultWorkerOptions, resolveThreadOptions } from '../../config/workers.js';
import type { Engine, Recommendations } from '../../engine/engine.js';
import type { Assignment } from '../../matching/assign.js';
import type { Outcome } from '../../domain/schemas.js';
import { evaluate } from '../../evaluation/evaluate.js';
import { buildReportData } from '../../evaluation/report.js';
import type { ReportRun } from '../../evaluation/report.js';
import { loadDataset } from '../files/dataset.js';
import type { LoadedDataset } from '../files/dataset.js';
import { writeLines } from '../files/write.js';
import { renderReportHtml } from '../report/html.js';
import { referralReport } from '../report/referrals.js';
import type { Io } from './common.js';
import { reportSkipped } from './common.js';
import { dataPaths } from './options.js';
import { ThreadedRanker, platformPool, vectorizeOnPool } from '../../workers/threaded.js';
import type { EarlyViews, ReferenceInputs } from '../files/dataset.js';
import type { Dataset } from '../../engine/data.js';
import type { Talent } from '../../domain/schemas.js';
import type { PlatformSide } from '../../engine/platformSide.js';
import type { TalentFeatures } from '../../features/build.js';
import type { ChunkPool } from '../../workers/pool.js';
import { sharedBuffer } from '../../workers/pack.js';
import { concatTalentFeatures } from '../../features/concat.js';
import type { DataOptions } from './options.js';

export async function load(o: DataOptions, needTalents: boolean, io: Io, needOutcomes = false): Promise<LoadedDataset> {
  const loaded = await loadDataset(dataPaths(o), { needTalents, needOutcomes, skipInvalid: o.skipInvalid });
  reportSkipped(loaded.skipped, io);
  return loaded;
}

/**
 * Talents vectorized on worker threads while the talents file is still being read. Once the
 * reference files are read (and had no problem), the platform side is built and the pool
 * started; each schema-valid talent line then goes to the workers as its JSON text, ranges of
 * `rangeSize` lines in file order, so the workers vectorize while the main thread reads and
 * validates the rest. Speculative: nothing is reported from here, and `take` hands the
 * features over only when the loaded dataset holds exactly the records seen (the same
 * reference records, the same talents in the same order: no record skipped or dropped by a
 * cross-record rule) and the file was in id order (ranked rows are in id order). Otherwise
 * the work is dropped and the usual path runs (withEngine). The features equal the usual
 * path's: a talent's features depend only on its own record and the platform side
 * (features/concat.ts), and the worker parses the same JSON the schema accepted (schemas
 * have no transforms or defaults, and vectorizing reads only contract fields).
 */
export class EarlyVectorizer {
  private side: PlatformSide | undefined;
  private pool: ChunkPool | undefined;
  private refs: ReferenceInputs | undefined;
  private readonly records: Talent[] = [];
  private lines: string[] = [];
  private readonly parts: Promise<TalentFeatures>[] = [];
  private readonly settled: Promise<void>[] = [];
  private inOrder = true;

  constructor(
    private readonly threads: number,
    private readonly options: EngineOptions,
    private readonly rangeSize: number = defaultWorkerOptions.rangeSize,
  ) {}

  views(): EarlyViews {
    return {
      references: (r) => {
        if (r.issues > 0 || !r.policy) return; // the load fails or skips: no speculation
        try {
          this.side = planSide({ industries: r.industries, platforms: r.platforms, policy: r.policy, ...(r.weights ? { weights: r.weights } : {}) }, this.options);
        } catch {
          return; // e.g. weights the load reports: the usual path reports it
        }
        this.pool = platformPool(this.side, this.threads);
        this.refs = r;
      },
      talent: (t, text) => this.talent(t, text),
    };
  }

  private talent(t: Talent, text: string): void | Promise<void> {
    if (!this.pool || !this.inOrder) return;
    const last = this.records.length > 0 ? this.records[this.records.length - 1] : undefined;
    if (last && !(last.id < t.id)) {
      this.inOrder = false; // not strictly in id order: the rows must be sorted first (usual path)
      this.lines = [];
      return;
    }
    this.records.push(t);
    this.lines.push(text);
    if (this.lines.length >= this.rangeSize) return this.post(this.pool);
  }

  /** Posts the lines held; waits while more than two ranges per thread are in flight. */
  private post(pool: ChunkPool): Promise<void> | undefined {
    const job = pool.vectorize({ lines: new TextEncoder().encode(this.lines.join('\n')) });
    this.lines = [];
    this.parts.push(job);
    this.settled.push(job.then(
      () => undefined,
      () => undefined,
    ));
    const behind = this.settled.length - 1 - 2 * this.threads;
    return behind >= 0 ? this.settled[behind] : undefined;
  }

  /**
   * The pool and platform side when they were built from exactly the dataset's reference
   * records, and the talents' features when the talents are exactly those sent; else stops
   * what was started and returns undefined.
   */
  async take(d: Dataset): Promise<{ pool: ChunkPool; side: PlatformSide; features?: TalentFeatures } | undefined> {
    const { pool, side, refs } = this;
    this.pool = undefined;
    if (!pool || !side || !refs) return undefined;
    if (!sameRecords(refs.industries, d.industries) || !sameRecords(refs.platforms, d.platforms) || refs.policy !== d.policy || refs.weights !== d.weights) {
      await Promise.all(this.settled);
      await pool.destroy();
      return undefined;
    }
    if (!this.inOrder || !sameRecords(this.records, d.talents)) {
      await Promise.all(this.settled); // let the pool go idle; the usual path vectorizes again
      return { pool, side };
    }
    if (this.lines.length > 0) void this.post(pool);
    try {
      const parts = await Promise.all(this.parts);
      return { pool, side, features: concatTalentFeatures(parts, this.records.map((t) => t.id), sharedBuffer) };
    } catch (e) {
      await Promise.all(this.settled);
      await pool.destroy(); // a worker failed: nothing else will stop the pool
      throw e;
    }
  }

  /** Stops the pool, if one was started (the load failed). */
  async discard(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (!pool) return;
    await Promise.all(this.settled);
    await pool.destroy();
  }
}

const sameRecords = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** A dataset loaded for ranking on `threads` worker threads; see `load` and EarlyVectorizer. */
export interface RankingLoad {
  loaded: LoadedDataset;
  early?: EarlyVectorizer;
}

/**
 * `load` for a command that ranks with withEngine: with two threads or more the workers start
 * on the talents while the file is still being read (EarlyVectorizer). Same result, same
 * problems reported, same output as `load` then withEngine.
 */
export async function loadForRanking(o: DataOptions, io: Io, threads: number | undefined, top: { top?: number; topPlatform?: number } = {}, rangeSize?: number): Promise<RankingLoad> {
  const n = resolveThreadOptions(threads !== undefined ? { threads } : {}).threads;
  if (n === 1) return { loaded: await load(o, true, io) };
  const early = new EarlyVectorizer(n, engineOptions(top), rangeSize);
  try {
    const loaded = await loadDataset(dataPaths(o), { needTalents: true, needOutcomes: false, skipInvalid: o.skipInvalid, early: early.views() });
    reportSkipped(loaded.skipped, io);
    return { loaded, early };
  } catch (e) {
    await early.discard();
    throw e;
  }
}

function engineOptions(o: { top?: number; topPlatform?: number }): EngineOptions {
  return {
    trusted: true,
    ...(o.top !== undefined ? { topK: o.top } : {}),
    ...(o.topPlatform !== undefined ? { topKPlatform: o.topPlatform } : {}),
  };
}

/** The engine over loaded inputs; --top / --top-platform where the command has them. */
export function engineFor(loaded: LoadedDataset, o: { top?: number; topPlatform?: number }): Engine {
  return createEngine(loaded.dataset, engineOptions(o));
}

/**
 * The engine over loaded inputs and a ranker on `threads` worker threads (default: available
 * parallelism), stopping the workers after `f`. With two threads or more the talents are
 * vectorized on the ranker's own workers (workers/threaded.ts vectorizeOnPool: the same
 * features as in process, into shared memory), so both cores work from the start; with one,
 * everything runs in process.
 */
export async function withEngine<T>(input: LoadedDataset | RankingLoad, o: { top?: number; topPlatform?: number }, threads: number | undefined, f: (engine: Engine, r: ThreadedRanker) => Promise<T>): Promise<T> {
  const { loaded, early } = 'loaded' in input ? input : { loaded: input, early: undefined };
  const n = resolveThreadOptions(threads !== undefined ? { threads } : {}).threads;
  if (n === 1 || loaded.dataset.talents.length === 0) {
    await early?.discard();
    const engine = engineFor(loaded, o);
    return withRanker(engine, n, (r) => f(engine, r));
  }
  const pre = await early?.take(loaded.dataset);
  const plan = planEngine(loaded.dataset, engineOptions(o), pre?.side);
  const pool = pre?.pool ?? platformPool(plan.side, n);
  let ranker: ThreadedRanker | undefined;
  try {
    const rangeSize = Math.max(1, Math.min(defaultWorkerOptions.rangeSize, Math.ceil(plan.talents.length / n)));
    const engine = engineFromPlan(plan, pre?.features ?? (await vectorizeOnPool(pool, plan.talents, rangeSize)));
    ranker = new ThreadedRanker(engine, { threads: n }, pool);
    return await f(engine, ranker);
  } finally {
    await (ranker ? ranker.destroy() : pool.destroy());
  }
}

/** Runs `f` with a ranker on `threads` worker threads (default: available parallelism), stopping the workers after. */
export async function withRanker<T>(engine: Engine, threads: number | undefined, f: (r: ThreadedRanker) => Promise<T>): Promise<T> {
  const ranker = new ThreadedRanker(engine, threads !== undefined ? { threads } : {});
  try {
    return await f(ranker);
  } finally {
    await ranker.destroy();
  }
}

/** `rec`: the engine's lists; reused for the evaluation when they were ranked at k on both sides. */
export async function writeReport(path: string, engine: Engine, rec: Recommendations, assignment: Assignment, outcomes: readonly Outcome[], k: number, label: string, compare?: { label: string; engine: Engine }): Promise<void> {
  const same = rec.talent.k === k && rec.platform.k === k && engine.model.platforms.count >= k;
  const runs: ReportRun[] = [{ label, evaluation: same ? evaluate(engine, outcomes, k, rec) : evaluate(engine, outcomes, k) }];
  if (compare) runs.push({ label: compare.label, evaluation: evaluate(compare.engine, outcomes, k) });
  const html = await renderReportHtml(buildReportData(engine, rec, assignment, runs, new Date().toISOString()), referralReport(engine, engine.refer(assignment)));
  await writeLines(path, [html]);
}
