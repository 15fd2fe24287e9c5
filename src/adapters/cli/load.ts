/** Steps several commands share: load the inputs, build the engine, write the HTML report. */
import { createEngine } from '../../engine/engine.js';
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
import { ThreadedRanker } from '../../workers/threaded.js';
import type { DataOptions } from './options.js';

export async function load(o: DataOptions, needTalents: boolean, io: Io, needOutcomes = false): Promise<LoadedDataset> {
  const loaded = await loadDataset(dataPaths(o), { needTalents, needOutcomes, skipInvalid: o.skipInvalid });
  reportSkipped(loaded.skipped, io);
  return loaded;
}

/** The engine over loaded inputs; --top / --top-platform where the command has them. */
export function engineFor(loaded: LoadedDataset, o: { top?: number; topPlatform?: number }): Engine {
  return createEngine(loaded.dataset, {
    trusted: true,
    ...(o.top !== undefined ? { topK: o.top } : {}),
    ...(o.topPlatform !== undefined ? { topKPlatform: o.topPlatform } : {}),
  });
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
