/** Steps several commands share: load the inputs, build the engine, write the HTML report. */
import { createEngine, planSide } from '../../engine/engine.js';
import type { EngineOptions, ResolvedEngineOptions } from '../../config/options.js';
import { resolveEngineOptions } from '../../config/options.js';
import { defaultWorkerOptions } from '../../config/workers.js';
import type { Engine, Recommendations } from '../../engine/engine.js';
import type { Assignment } from '../../matching/assign.js';
import type { Outcome } from '../../domain/schemas.js';
import { evaluate } from '../../evaluation/evaluate.js';
import { buildReportData } from '../../evaluation/report.js';
import type { ReportRun } from '../../evaluation/report.js';
import { finishLoad, loadDataset, loadRecords, readReferences, resolvePaths } from '../files/dataset.js';
import type { LoadOptions, LoadedDataset, LoadedOf, References, TalentsRead } from '../files/dataset.js';
import { TalentLinkColumns } from '../../domain/links.js';
import { readLineRanges } from '../files/lines.js';
import { isJsonLines } from '../files/read.js';
import { writeLines } from '../files/write.js';
import { renderReportHtml } from '../report/html.js';
import { referralReport } from '../report/referrals.js';
import type { Io } from './common.js';
import { reportSkipped } from './common.js';
import { dataPaths } from './options.js';
import { ThreadedRanker, createEngineAsync } from '../../workers/threaded.js';
import { startChunkPool } from '../../workers/pool.js';
import { packPlatformSide } from '../../workers/pack.js';
import type { Policy } from '../../domain/schemas.js';
import type { PlatformSide } from '../../engine/platformSide.js';
import type { TalentFeatures } from '../../features/build.js';
import type { ScoringModel } from '../../scoring/kernel.js';
import type { ChunkPool } from '../../workers/pool.js';
import type { LineRangeResult } from '../../workers/lines.js';
import { sharedBuffer } from '../../workers/pack.js';
import { TalentAppender, capacityOf, concatTalentFeatures, pickTalentRows } from '../../features/concat.js';
import { stat } from 'node:fs/promises';
import type { DataOptions } from './options.js';

export async function load(o: DataOptions, needTalents: boolean, io: Io, needOutcomes = false): Promise<LoadedDataset> {
  const loaded = await loadDataset(dataPaths(o), { needTalents, needOutcomes, skipInvalid: o.skipInvalid });
  reportSkipped(loaded.skipped, io);
  return loaded;
}

/**
 * What `recommend` ranks on worker threads when the talents were validated and vectorized
 * there (loadOnWorkers): the scoring model (features in shared memory), the platform side,
 * the policy and the workers' pool. No talent record is held on the main thread.
 */
export interface WorkerLoad {
  model: ScoringModel;
  side: PlatformSide;
  policy: Policy;
  options: ResolvedEngineOptions;
  pool: ChunkPool;
}

/**
 * `load` for ranking on `threads` (>= 2) worker threads, with the talents file read by the
 * workers: the pool starts first (the workers load their modules meanwhile); once the
 * reference files are read (and the load can succeed), the platform side is built and handed
 * to the workers; the main thread then only cuts the talents file into
 * ranges of lines (files/lines.ts readLineRanges), and each worker parses, validates
 * (the contract's one rule, domain/lines.ts parseRecordLine) and vectorizes its ranges
 * (workers/lines.ts), returning the problems with their line numbers and each valid
 * talent's links (TalentLinks) instead of the record, in columns (domain/links.ts: no
 * object per talent is kept on this thread). The main thread merges the problems
 * in file order under the same cap and runs the same cross-record rules
 * (files/dataset.ts finishLoad), so the same problems are reported, in the same order, as
 * with one thread. The features are stacked in id order, without the records dropped by
 * --skip-invalid. Where the workers cannot read (a reference file with a problem, a talents
 * file that is a JSON array) or a platform is dropped by a cross-record rule (--skip-invalid:
 * the side changes), the usual load runs and its dataset is returned instead.
 *
 * `early`: called (at most once) with the WorkerLoad the load will most likely resolve to,
 * before the cross-record rules have run, so that the workers need not wait for them (they
 * take ~0.13 s of this thread at 100k talents): when the file was read without a problem
 * and its ids are strictly increasing (the usual file: the features are then stacked in
 * their final order, and no id is a duplicate). What the caller starts with it may use the
 * pool but must not write anything: the load still fails as it would without `early` (the
 * same error, the pool stopped), and it stands only if the load resolves to that very
 * object (--skip-invalid may drop a talent by a cross-record rule: then another one).
 */
export async function loadOnWorkers(
  o: DataOptions,
  io: Io,
  threads: number,
  top: { top?: number; topPlatform?: number } = {},
  rangeSize: number = defaultWorkerOptions.rangeSize,
  early?: (w: WorkerLoad) => void,
): Promise<WorkerLoad | LoadedDataset> {
  const lo: LoadOptions = { needTalents: true, needOutcomes: false, skipInvalid: o.skipInvalid };
  // the workers start first: they load their modules while this thread reads the reference
  // files and builds the platform side, which follows them once built (pool.ts startChunkPool)
  const talentsPath = resolvePaths(dataPaths(o), lo).talents;
  const pool = talentsPath && isJsonLines(talentsPath) ? startChunkPool(threads) : undefined;
  let side: PlatformSide | undefined;
  let refs: References;
  try {
    refs = await readReferences(dataPaths(o), lo);
    side = pool && workerSide(refs, lo, engineOptions(top));
  } catch (e) {
    await pool?.destroy();
    throw e;
  }
  if (!pool || !side) {
    await pool?.destroy();
    const loaded = await loadRecords(refs, lo);
    reportSkipped(loaded.skipped, io);
    return loaded;
  }
  pool.setSide(packPlatformSide(side));
  const planned = side;
  const policy = refs.policy;
  try {
    const rows = new RowsOnPool();
    let before: WorkerLoad | undefined;
    const loaded = await finishLoad(refs, lo, async (path) => {
      const read = await readOnPool(pool, path, refs, rangeSize, rows);
      // the stacked features are final unless a cross-record rule drops a talent (--skip-invalid)
      if (early && policy && read.issues.length === 0 && read.omitted === 0 && read.bad.length === 0 && refs.platforms.issues.length === 0 && refs.platforms.omitted === 0 && rows.inIdOrder()) {
        before = stackedLoad(rows, planned, policy, pool, top);
        early(before);
      }
      return read;
    });
    if (sameRecords(refs.platforms.records.map((r) => r.value), loaded.dataset.platforms)) return workerLoad(loaded, side, pool, rows, top, io, before);
  } catch (e) {
    await pool.destroy();
    throw e;
  }
  await pool.destroy(); // the side was built with a platform now dropped: the usual load, from the start
  return load(o, true, io);
}

/**
 * The valid talents' features as the workers' ranges arrive, in file order: each range's
 * features (in shared memory, written there by its worker: workers/lines.ts) are appended
 * at once to the stacked arrays (features/concat.ts TalentAppender, shared memory) and
 * dropped, so the ranges and the stacked features are never all held together. The
 * arrays get room for the whole file once the first range is in: its sizes scaled by the
 * file's bytes over the range's (1.5x over; pages never written cost nothing).
 */
class RowsOnPool {
  private appender: TalentAppender | undefined;
  /** every valid talent's links (its id among them), in row order: set by the reader, which knows the file's name */
  links = new TalentLinkColumns('');

  add(features: TalentFeatures, rangeBytes: number, fileBytes: number): void {
    this.appender ??= new TalentAppender(sharedBuffer, capacityOf(features, (1.5 * fileBytes) / Math.max(1, rangeBytes)));
    this.appender.append(features);
  }

  private stacked: TalentFeatures | undefined;
  private increasing: boolean | undefined;

  /** The features of every valid talent, in row order (once every range is in). */
  all(): TalentFeatures {
    const ids = this.links.ids;
    return (this.stacked ??= this.appender ? this.appender.finish(ids) : concatTalentFeatures([], ids, sharedBuffer));
  }

  /** Whether the ids are strictly increasing in row order (once every range is in): the rows are in id order and no id is a duplicate. */
  inIdOrder(): boolean {
    const ids = this.links.ids;
    if (this.increasing === undefined) {
      let ok = true;
      for (let i = 1; i < ids.length && ok; i++) ok = ids[i - 1] < ids[i];
      this.increasing = ok;
    }
    return this.increasing;
  }
}

/**
 * The WorkerLoad of a load read on the pool: the kept talents' features, in id order, in
 * shared memory. `before`: the one loadOnWorkers handed out early (stackedLoad), returned
 * itself when every talent was kept (the same features, policy and options).
 */
function workerLoad(loaded: LoadedOf<TalentLinkColumns>, side: PlatformSide, pool: ChunkPool, read: RowsOnPool, top: { top?: number; topPlatform?: number }, io: Io, before?: WorkerLoad): WorkerLoad {
  reportSkipped(loaded.skipped, io);
  const allIds = read.links.ids;
  const kept = (loaded.dataset.talents ?? read.links).rows();
  const all = read.all();
  // all the valid talents, already in id order (the usual file): the stacked arrays as they are
  if (kept.length === all.count && read.inIdOrder()) return before ?? stackedLoad(read, side, loaded.dataset.policy, pool, top);
  // the rows kept of a file in id order are in id order: no sort
  const rows = read.inIdOrder() ? Array.from(kept) : Array.from(kept).sort((a, b) => (allIds[a] < allIds[b] ? -1 : allIds[a] > allIds[b] ? 1 : 0));
  const ids = rows.map((r) => allIds[r]);
  const features = rows.length === all.count && rows.every((r, i) => r === i) ? { ...all, ids } : pickTalentRows(all, rows, ids, sharedBuffer);
  return { model: { ctx: side.ctx, talents: features, platforms: side.platforms }, side, policy: loaded.dataset.policy, options: resolveEngineOptions(engineOptions(top)), pool };
}

/** The WorkerLoad of every talent read, as stacked (their rows in id order: RowsOnPool.inIdOrder). */
function stackedLoad(read: RowsOnPool, side: PlatformSide, policy: Policy, pool: ChunkPool, top: { top?: number; topPlatform?: number }): WorkerLoad {
  return { model: { ctx: side.ctx, talents: { ...read.all(), ids: read.links.ids }, platforms: side.platforms }, side, policy, options: resolveEngineOptions(engineOptions(top)), pool };
}

/** The platform side of the reference files as read, when the load can succeed and the talents file is JSON Lines; else undefined. */
function workerSide(refs: References, o: LoadOptions, options: EngineOptions): PlatformSide | undefined {
  const talents = refs.files.talents;
  if (!talents || !isJsonLines(talents) || !refs.policy || refs.fatal.length > 0) return undefined;
  if (!o.skipInvalid && (refs.platforms.issues.length > 0 || refs.platforms.omitted > 0)) return undefined; // the load fails: no workers to start
  try {
    return planSide({ industries: refs.industries.records.map((r) => r.value), platforms: refs.platforms.records.map((r) => r.value), policy: refs.policy, ...(refs.weights ? { weights: refs.weights } : {}) }, options);
  } catch {
    return undefined; // the usual load reports it
  }
}

/**
 * The talents file read by the pool's workers (workers/lines.ts), ranges of `rangeSize` lines
 * posted as they are cut, at most two per thread ahead of the merge (memory stays bounded);
 * results merged in file order: problems under the file's cap, as readRecords lists them.
 * The ranges' features and every valid talent's links go to `rows` (row order).
 */
async function readOnPool(pool: ChunkPool, path: string, refs: References, rangeSize: number, rows: RowsOnPool): Promise<TalentsRead<TalentLinkColumns>> {
  const maxLineBytes = refs.limits.maxLineBytes;
  const fileBytes = (await stat(path)).size;
  rows.links = new TalentLinkColumns(path);
  const out: TalentsRead<TalentLinkColumns> = { records: rows.links, issues: [], omitted: 0, bad: [], rejectedIds: new Set() };
  const merge = ({ x, bytes }: { x: LineRangeResult; bytes: number }) => {
    for (const i of x.issues) {
      if (out.issues.length < refs.cap) out.issues.push(i);
      else out.omitted++;
    }
    out.omitted += x.omitted;
    for (const line of x.bad) out.bad.push({ file: path, line });
    for (const id of x.rejectedIds) out.rejectedIds.add(id);
    rows.links.add(x.links);
    rows.add(x.features, bytes, fileBytes);
  };
  const inFlight: Promise<{ x: LineRangeResult; bytes: number }>[] = [];
  try {
    for await (const r of readLineRanges(path, rangeSize, { maxLineBytes })) {
      const bytes = r.bytes.length;
      const job = pool.lineRange({ ...r, file: path, maxLineBytes, cap: refs.cap }).then((x) => ({ x, bytes }));
      job.catch(() => undefined); // each failure surfaces where it is awaited, in order
      inFlight.push(job);
      while (inFlight.length > 2 * pool.threads) merge(await inFlight.shift()!);
    }
    while (inFlight.length > 0) merge(await inFlight.shift()!);
  } finally {
    await Promise.allSettled(inFlight); // a failure: let the pool go idle before it is stopped
  }
  return out;
}

const sameRecords = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** A ranker over a WorkerLoad's model on its pool (destroying it stops the pool). */
export function workerRanker(w: WorkerLoad): ThreadedRanker {
  return new ThreadedRanker(w, { threads: w.pool.threads }, w.pool);
}

/** Runs `f` with a ranker over a WorkerLoad's model on its pool (`ranker`: one already made, workerRanker), stopping the workers after. */
export async function withWorkerRanker<T>(w: WorkerLoad, f: (r: ThreadedRanker) => Promise<T>, ranker: ThreadedRanker = workerRanker(w)): Promise<T> {
  try {
    return await f(ranker);
  } finally {
    await ranker.destroy();
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
 * parallelism), stopping the workers after `f`: the library's threaded build
 * (workers/threaded.ts createEngineAsync: with two threads or more the talents are vectorized
 * on the ranker's own workers, the same features as in process, into shared memory, so both
 * cores work from the start; with one, everything runs in process).
 */
export async function withEngine<T>(loaded: LoadedDataset, o: { top?: number; topPlatform?: number }, threads: number | undefined, f: (engine: Engine, r: ThreadedRanker) => Promise<T>): Promise<T> {
  const { engine, ranker } = await createEngineAsync(loaded.dataset, { ...engineOptions(o), ...(threads !== undefined ? { threads } : {}) });
  try {
    return await f(engine, ranker);
  } finally {
    await ranker.destroy();
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
