/**
 * talentmatch command line. Exit codes: 0 ok, 1 bad input (or unreadable file), 2 usage.
 */
import { Command, CommanderError, Option } from 'commander';
import { join } from 'node:path';
import { createEngine } from '../../engine/engine.js';
import { recommendationRecords, scoreCsvLines } from '../../engine/format.js';
import { loadDataset } from '../files/dataset.js';
import { writeLines } from '../files/write.js';
import type { Io } from './common.js';
import { EXIT_OK, EXIT_USAGE, UsageError, addDataOptions, dataPaths, parsePositiveInt, reportError, reportSkipped } from './common.js';
import { summarize, summarizeAssignment } from './summary.js';
import { assignmentRecord, recordContext, referralRecords } from '../../engine/formatAssignment.js';
import { loadHighsSolver } from '../../solvers/highs.js';
import type { AssignOptions } from '../../matching/assign.js';
import { evaluate } from '../../evaluation/evaluate.js';
import { OBJECTIVES, tune } from '../../evaluation/tune.js';
import type { Objective } from '../../evaluation/tune.js';
import { defaultWeights } from '../../config/weights.js';
import { evaluationTable } from './evaluation.js';
import { createProgress } from './progress.js';
import { buildReportData } from '../../evaluation/report.js';
import type { ReportRun } from '../../evaluation/report.js';
import { renderReportHtml } from '../report/html.js';
import { readJson } from '../files/read.js';
import { weightIssues } from '../../engine/data.js';
import { inputError } from '../../errors.js';
import type { Engine } from '../../engine/engine.js';
import type { Assignment } from '../../matching/assign.js';
import type { Recommendations } from '../../engine/engine.js';
import type { Outcome } from '../../domain/schemas.js';

const processIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

type Opts = Record<string, unknown>;

async function load(o: Opts, needTalents: boolean, io: Io, needOutcomes = false) {
  const loaded = await loadDataset(dataPaths(o), { needTalents, needOutcomes, skipInvalid: o.skipInvalid === true });
  reportSkipped(loaded.skipped, io);
  return loaded;
}

function engineFor(loaded: Awaited<ReturnType<typeof load>>, o: Opts) {
  return createEngine(loaded.dataset, {
    trusted: true,
    ...(o.top !== undefined ? { topK: o.top as number } : {}),
    ...(o.topPlatform !== undefined ? { topKPlatform: o.topPlatform as number } : {}),
  });
}

function addAssignOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--mode <mode>', 'assignment: stable (deferred acceptance) or optimal (max total score)').choices(['stable', 'optimal']).default('stable'))
    .addOption(new Option('--proposer <side>', 'stable mode: which side proposes').choices(['talent', 'platform']).default('talent'))
    .option('--max-prefs <n>', "keep each talent's best N platforms (0 = every acceptable pair)", (v) => (v === '0' ? 0 : parsePositiveInt('--max-prefs', 100_000)(v)), 0)
    .option('--time-limit <sec>', 'optimal mode: MILP solver time limit in seconds', parsePositiveInt('--time-limit', 86_400), 60);
}

async function assignOptions(o: Opts): Promise<AssignOptions> {
  return {
    mode: o.mode as 'stable' | 'optimal',
    proposer: o.proposer as 'talent' | 'platform',
    maxPrefs: o.maxPrefs as number,
    timeLimitSec: o.timeLimit as number,
    ...(o.mode === 'optimal' ? { solver: await loadHighsSolver() } : {}),
  };
}

async function writeReport(path: string, engine: Engine, rec: Recommendations, assignment: Assignment, outcomes: readonly Outcome[], k: number, label: string, compare?: { label: string; engine: Engine }): Promise<void> {
  const runs: ReportRun[] = [{ label, evaluation: evaluate(engine, outcomes, k) }];
  if (compare) runs.push({ label: compare.label, evaluation: evaluate(compare.engine, outcomes, k) });
  const html = await renderReportHtml(buildReportData(engine, rec, assignment, runs, new Date().toISOString()));
  await writeLines(path, [html]);
}

export function buildProgram(io: Io, done: (code: number) => void): Command {
  const program = new Command('talentmatch')
    .description('Two-way matching and recommendations for a talent-platform cluster')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)');

  addDataOptions(
    program
      .command('recommend')
      .description('two-way top-k recommendations (JSON Lines: talents, then platforms)')
      .requiredOption('--out <file>', 'output file (.jsonl)')
      .option('--top <k>', 'platforms per talent (1..1000)', parsePositiveInt('--top', 1000), 10)
      .option('--top-platform <k>', 'talents per platform (default: --top)', parsePositiveInt('--top-platform', 1000)),
  ).action(async (o: Opts) => {
    const loaded = await load(o, true, io);
    const engine = engineFor(loaded, o);
    const rec = engine.recommend();
    const n = await writeLines(o.out as string, (function* () {
      for (const r of recommendationRecords(engine, rec)) yield JSON.stringify(r);
    })());
    io.err(`wrote ${n} lines (${engine.model.talents.count} talents, ${engine.model.platforms.count} platforms, ${rec.pairs} acceptable pairs) to ${o.out as string}\n`);
    done(EXIT_OK);
  });

  addDataOptions(
    program
      .command('score')
      .description('every acceptable pair as CSV: talentId,platformId,talentScore,platformScore,score')
      .requiredOption('--out <file>', 'output file (.csv)'),
  ).action(async (o: Opts) => {
    const loaded = await load(o, true, io);
    const engine = engineFor(loaded, o);
    const n = await writeLines(o.out as string, scoreCsvLines(engine));
    io.err(`wrote ${n - 1} pairs to ${o.out as string}\n`);
    done(EXIT_OK);
  });

  addDataOptions(
    program
      .command('explain')
      .description('every term, both one-sided scores and the contributions of one pair')
      .requiredOption('--talent <id>', 'talent id')
      .requiredOption('--platform <id>', 'platform id'),
  ).action(async (o: Opts) => {
    const loaded = await load(o, true, io);
    const engine = engineFor(loaded, o);
    io.out(JSON.stringify({ talentId: o.talent, platformId: o.platform, ...engine.explain(o.talent as string, o.platform as string) }, null, 2) + '\n');
    done(EXIT_OK);
  });

  addDataOptions(
    addAssignOptions(
      program
        .command('match')
        .description('capacity-respecting assignment (JSON): assignments, unassigned with reasons, blocking pairs, platform use')
        .requiredOption('--out <file>', 'output file (.json)'),
    ),
  ).action(async (o: Opts) => {
    const loaded = await load(o, true, io);
    const engine = engineFor(loaded, o);
    const a = engine.match(await assignOptions(o));
    const rec = assignmentRecord(recordContext(engine), a);
    await writeLines(o.out as string, [JSON.stringify(rec, null, 2)]);
    io.err(summarizeAssignment(engine, a) + `wrote ${o.out as string}\n`);
    done(EXIT_OK);
  });

  addDataOptions(
    addAssignOptions(
      program
        .command('refer')
        .description('two-way referral lists (JSON Lines): platform-to-government and government-to-platform')
        .requiredOption('--out <file>', 'output file (.jsonl)'),
    ),
  ).action(async (o: Opts) => {
    const loaded = await load(o, true, io);
    const engine = engineFor(loaded, o);
    const a = engine.match(await assignOptions(o));
    const n = await writeLines(o.out as string, (function* () {
      for (const r of referralRecords(recordContext(engine), engine.refer(a))) yield JSON.stringify(r);
    })());
    io.err(`wrote ${n} referral lines to ${o.out as string}\n`);
    done(EXIT_OK);
  });

  addDataOptions(
    program
      .command('evaluate')
      .description('offline metrics of both sides against outcomes.jsonl, coverage, exposure, assignment health')
      .option('--k <k>', 'cutoff k (1..1000)', parsePositiveInt('--k', 1000), 10)
      .option('--json', 'print JSON instead of a table', false),
  ).action(async (o: Opts) => {
    const loaded = await load(o, true, io, true);
    const engine = engineFor(loaded, o);
    const ev = evaluate(engine, loaded.dataset.outcomes ?? [], o.k as number);
    io.out(o.json ? JSON.stringify(ev, null, 2) + '\n' : evaluationTable(ev, loaded.dataset.outcomes?.length ?? 0));
    done(EXIT_OK);
  });

  addDataOptions(
    program
      .command('tune')
      .description('seeded weight search with k-fold cross-validation over the outcomes; writes the best weights with provenance')
      .requiredOption('--out <file>', 'weights file to write (.json)')
      .option('--budget <n>', 'candidate evaluations per search (1..100000)', parsePositiveInt('--budget', 100_000), 40)
      .option('--seed <n>', 'random seed', parsePositiveInt('--seed', 2 ** 31 - 1), 1)
      .option('--folds <n>', 'cross-validation folds (2..20)', (v) => {
        const n = parsePositiveInt('--folds', 20)(v);
        if (n < 2) throw new UsageError(`--folds must be an integer in [2, 20], got ${JSON.stringify(v)}`);
        return n;
      }, 5)
      .addOption(new Option('--objective <name>', 'what to maximise (see README)').choices([...OBJECTIVES]).default('balanced'))
      .option('--exposure-penalty <x>', 'weight of the exposure Gini in the objective', (v) => {
        const x = Number(v);
        if (!Number.isFinite(x) || x < 0 || x > 10) throw new UsageError(`--exposure-penalty must be a number in [0, 10], got ${JSON.stringify(v)}`);
        return x;
      }, 0.1)
      .option('--k <k>', 'cutoff k (1..1000)', parsePositiveInt('--k', 1000), 10),
  ).action(async (o: Opts) => {
    const loaded = await load(o, true, io, true);
    const engine = engineFor(loaded, o);
    const progress = createProgress('tune', io);
    const r = tune(engine, loaded.dataset.outcomes ?? [], {
      budget: o.budget as number,
      seed: o.seed as number,
      folds: o.folds as number,
      objective: o.objective as Objective,
      exposurePenalty: o.exposurePenalty as number,
      k: o.k as number,
      onProgress: (d, t) => progress.update(d, t),
    });
    progress.stop();
    const out = {
      ...defaultWeights,
      ...(loaded.dataset.weights ?? {}),
      ...r.weights,
      _provenance: {
        tool: 'talentmatch tune',
        date: new Date().toISOString(),
        data: loaded.files,
        objective: r.options.objective,
        exposurePenalty: r.options.exposurePenalty,
        k: r.options.k,
        folds: r.options.folds,
        seed: r.options.seed,
        budget: r.options.budget,
        evaluations: r.evaluations,
        baseline: r.baseline,
        tuned: r.tuned,
        perFold: r.perFold,
      },
    };
    await writeLines(o.out as string, [JSON.stringify(out, null, 2)]);
    const gain = r.tuned.cv - r.baseline.cv;
    io.out(
      `tune: objective ${r.options.objective} (k=${r.options.k}, ${r.options.folds}-fold CV, seed ${r.options.seed}, ${r.evaluations} evaluations)\n` +
        `  held-out objective: baseline ${r.baseline.cv.toFixed(4)} -> tuned ${r.tuned.cv.toFixed(4)} (${gain >= 0 ? '+' : ''}${gain.toFixed(4)})\n` +
        `  all outcomes:       baseline ${r.baseline.all.toFixed(4)} -> tuned ${r.tuned.all.toFixed(4)}\n` +
        `  wrote ${o.out as string}\n`,
    );
    done(EXIT_OK);
  });

  addDataOptions(
    program
      .command('report')
      .description('one self-contained HTML report: metrics (optionally against a second weights file), heatmap, capacity, scores, unassigned')
      .requiredOption('--out <file>', 'output file (.html)')
      .option('--compare <weights>', 'a second weights file shown side by side')
      .option('--k <k>', 'cutoff k (1..1000)', parsePositiveInt('--k', 1000), 10),
  ).action(async (o: Opts) => {
    const loaded = await load(o, true, io, false);
    const engine = engineFor(loaded, o);
    let compare: { label: string; engine: Engine } | undefined;
    if (typeof o.compare === 'string') {
      const w = weightIssues(await readJson(o.compare), o.compare);
      if (w.issues.length > 0) throw inputError(w.issues);
      compare = { label: o.compare, engine: createEngine({ ...loaded.dataset, ...(w.weights ? { weights: w.weights } : {}) }, { trusted: true }) };
    }
    const k = o.k as number;
    const rec = engine.recommend({ k, kPlatform: k });
    await writeReport(o.out as string, engine, rec, engine.match(), loaded.dataset.outcomes ?? [], k, loaded.files.weights ?? 'default weights', compare);
    io.err(`wrote ${o.out as string}\n`);
    done(EXIT_OK);
  });

  addDataOptions(program.command('validate').description('check input files against the data contract; exit 1 listing every problem')).action(async (o: Opts) => {
    const loaded = await load(o, false, io);
    const d = loaded.dataset;
    io.out(`ok: ${d.industries.length} industries, ${d.platforms.length} platforms, ${d.talents.length} talents\n`);
    done(EXIT_OK);
  });

  addDataOptions(
    addAssignOptions(program
      .command('run')
      .description('the main job: recommendations, pair scores, assignment and referrals into a folder, then a readable summary'))
      .requiredOption('--out <dir>', 'output folder')
      .option('--top <k>', 'platforms per talent (1..1000)', parsePositiveInt('--top', 1000), 10)
      .option('--top-platform <k>', 'talents per platform (default: --top)', parsePositiveInt('--top-platform', 1000)),
  ).action(async (o: Opts) => {
    const t0 = performance.now();
    const loaded = await load(o, true, io);
    const t1 = performance.now();
    const engine = engineFor(loaded, o);
    const t2 = performance.now();
    const rec = engine.recommend();
    const t3 = performance.now();
    const dir = o.out as string;
    const recPath = join(dir, 'recommendations.jsonl');
    const records = [...recommendationRecords(engine, rec)];
    await writeLines(recPath, records.map((r) => JSON.stringify(r)));
    const scorePath = join(dir, 'scores.csv');
    await writeLines(scorePath, scoreCsvLines(engine));
    const t4 = performance.now();
    const assignment = engine.match(await assignOptions(o));
    const assignPath = join(dir, 'assignment.json');
    await writeLines(assignPath, [JSON.stringify(assignmentRecord(recordContext(engine), assignment), null, 2)]);
    const referPath = join(dir, 'referrals.jsonl');
    const referrals = engine.refer(assignment);
    await writeLines(referPath, [...referralRecords(recordContext(engine), referrals)].map((r) => JSON.stringify(r)));
    const reportPath = join(dir, 'report.html');
    await writeReport(reportPath, engine, rec, assignment, loaded.dataset.outcomes ?? [], rec.talent.k, loaded.files.weights ?? 'default weights');
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

  return program;
}

/** Runs the CLI; resolves to the exit code. Never throws. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram(io, (c) => (code = c));
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    await program.parseAsync([...argv]);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version') return EXIT_OK;
      if (e.cause instanceof UsageError || e.code === 'commander.invalidArgument') return EXIT_USAGE;
      return EXIT_USAGE;
    }
    return reportError(e, io);
  }
}
