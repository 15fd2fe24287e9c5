/** Steps several commands share: load the inputs, build the engine, write the HTML report. */
import { createEngine, engineFromPlan, planEngine } from '../../engine/engine.js';
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
import type { DataOptions } from './options.js';

export async function load(o: DataOptions, needTalents: boolean, io: Io, needOutcomes = false): Promise<LoadedDataset> {
  const loaded = await loadDataset(dataPaths(o), { needTalents, needOutcomes, skipInvalid: o.skipInvalid });
  reportSkipped(loaded.skipped, io);
  return loaded;
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
export async function withEngine<T>(loaded: LoadedDataset, o: { top?: number; topPlatform?: number }, threads: number | undefined, f: (engine: Engine, r: ThreadedRanker) => Promise<T>): Promise<T> {
  const n = resolveThreadOptions(threads !== undefined ? { threads } : {}).threads;
  if (n === 1 || loaded.dataset.talents.length === 0) {
    const engine = engineFor(loaded, o);
    return withRanker(engine, n, (r) => f(engine, r));
  }
  const plan = planEngine(loaded.dataset, engineOptions(o));
  const pool = platformPool(plan.side, n);
  let ranker: ThreadedRanker | undefined;
  try {
    const rangeSize = Math.max(1, Math.min(defaultWorkerOptions.rangeSize, Math.ceil(plan.talents.length / n)));
    const engine = engineFromPlan(plan, await vectorizeOnPool(pool, plan.talents, rangeSize));
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
