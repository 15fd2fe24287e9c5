/** run: the main job — recommendations, pair scores, assignment, referrals and the report into one folder, then a summary. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { recommendationRecords, scoreCsvLines, scoreCsvLinesFrom } from '../../../engine/format.js';
import { assignmentJsonParts, recordContext, referralRecords } from '../../../engine/formatAssignment.js';
import { writeFolder, writeLines, writeParts } from '../../files/write.js';
import { EXIT_OK } from '../common.js';
import type { Cli } from '../common.js';
import { load, withEngine, writeReport } from '../load.js';
import { solverProgress, addAssignOptions, addDataOptions, addThreadsOption, addTopOptions, assignOptions, assignSchema, dataOptionsSchema, parseOptions, threadsSchema, topSchema } from '../options.js';
import { listControlsNote, summarize } from '../render.js';
import { applyListControls } from '../../../engine/lists.js';

const schema = dataOptionsSchema.extend(assignSchema.shape).extend(topSchema.shape).extend(threadsSchema.shape).extend({ out: z.string() });

export function runCommand(program: Command, { io, done }: Cli): void {
  addDataOptions(
    addThreadsOption(addTopOptions(
      addAssignOptions(program.command('run').description('the main job: recommendations, pair scores, assignment and referrals into a folder, then a readable summary')).requiredOption(
        '--out <dir>',
        'output folder',
      ),
    )),
  ).action(async (raw: unknown) => {
    const o = parseOptions(schema, raw);
    const t0 = performance.now();
    const loaded = await load(o, true, io);
    const t1 = performance.now();
    const dir = o.out;
    const names = { recommendations: 'recommendations.jsonl', scores: 'scores.csv', assignment: 'assignment.json', referrals: 'referrals.jsonl', report: 'report.html' };
    let t2 = 0;
    let t3 = 0;
    let t4 = 0;
    // the five files are put in place together once all are written (a failed assignment left
    // this run's recommendations and scores beside the last run's assignment)
    const { engine, rec, records, assignment, referrals } = await writeFolder(dir, async (tmp) => {
      // with 2+ threads the talents are vectorized on the ranker's workers (load.ts withEngine)
      const { engine, rec, records } = await withEngine(loaded, o, o.threads, async (engine, r) => {
        t2 = performance.now();
        const { rec, report } = applyListControls(engine.model, engine.data.policy, await r.recommend(engine.options.topK, engine.options.topKPlatform));
        io.err(listControlsNote(engine.data.policy, report, engine.model.platforms.ids));
        t3 = performance.now();
        const records = [...recommendationRecords(engine, rec)];
        await writeLines(join(tmp, names.recommendations), records.map((x) => JSON.stringify(x)));
        await writeLines(join(tmp, names.scores), r.threads === 1 ? scoreCsvLines(engine) : scoreCsvLinesFrom(engine, r.pairs()));
        return { engine, rec, records };
      });
      t4 = performance.now();
      const assignment = engine.match({ ...(await assignOptions(o)), ...solverProgress(io) });
      await writeParts(join(tmp, names.assignment), assignmentJsonParts(recordContext(engine), assignment));
      const referrals = engine.refer(assignment);
      await writeLines(join(tmp, names.referrals), [...referralRecords(recordContext(engine), referrals)].map((r) => JSON.stringify(r)));
      await writeReport(join(tmp, names.report), engine, rec, assignment, loaded.dataset.outcomes ?? [], rec.talent.k, loaded.files.weights ?? 'default weights');
      return { engine, rec, records, assignment, referrals };
    });
    const [recPath, scorePath, assignPath, referPath, reportPath] = [names.recommendations, names.scores, names.assignment, names.referrals, names.report].map((n) => join(dir, n));
    const t5 = performance.now();
    io.out(
      summarize(engine, rec, records, {
        files: { recommendations: recPath, scores: scorePath, assignment: assignPath, referrals: referPath, report: reportPath },
        timings: { load: t1 - t0, model: t2 - t1, rank: t3 - t2, write: t4 - t3, 'match+refer+report': t5 - t4 },
        assignment,
        referrals,
      }),
    );
    done(EXIT_OK);
  });
}
