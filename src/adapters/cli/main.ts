/**
 * talentmatch command line. Exit codes: 0 ok, 1 bad input (or unreadable file), 2 usage.
 */
import { Command, CommanderError, Option } from 'commander';
import { join } from 'node:path';
import { createEngine } from '../../engine/engine.js';
import { recommendationRecords, scoreCsvLines } from '../../engine/format.js';
import { loadDataset } from '../files/dataset.js';
import { writeLines, writeParts } from '../files/write.js';
import type { Io } from './common.js';
import { EXIT_OK, EXIT_USAGE, UsageError, addDataOptions, dataPaths, parsePositiveInt, reportError, reportSkipped } from './common.js';
import { summarize, summarizeAssignment } from './summary.js';
import { assignmentJsonParts, recordContext, referralRecords } from '../../engine/formatAssignment.js';
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
import { TalentmatchError, inputError } from '../../errors.js';
import type { Engine } from '../../engine/engine.js';
import type { Assignment } from '../../matching/assign.js';
import type { Recommendations } from '../../engine/engine.js';
import type { Outcome } from '../../domain/schemas.js';
import { availableParallelism } from 'node:os';
import { runBatch } from '../batch/run.js';
import type { DispatchContext } from '../batch/run.js';
import { Store } from '../../store/store.js';
import { diffRuns, exportRun, pickRun } from '../batch/readers.js';

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

/** --top and --top-platform, shared by recommend, run and batch. */
function topOption(): Option {
  return new Option('--top <k>', 'platforms per talent (1..1000)').argParser(parsePositiveInt('--top', 1000)).default(10);
}
function topPlatformOption(): Option {
  return new Option('--top-platform <k>', 'talents per platform (default: --top)').argParser(parsePositiveInt('--top-platform', 1000));
}

function addAssignOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--mode <mode>', 'assignment: stable (deferred acceptance) or optimal (max total score)').choices(['stable', 'optimal']).default('stable'))
    .addOption(new Option('--proposer <side>', 'stable mode: which side proposes').choices(['talent', 'platform']).default('talent'))
    .option('--max-prefs <n>', "keep each talent's best N platforms for the assignment (0 = every acceptable pair; default 0, batch 50)", (v) => (v === '0' ? 0 : parsePositiveInt('--max-prefs', 100_000)(v)))
    .option('--time-limit <sec>', 'optimal mode: MILP solver time limit in seconds', parsePositiveInt('--time-limit', 86_400), 60);
}

async function assignOptions(o: Opts): Promise<AssignOptions> {
  return {
    mode: o.mode as 'stable' | 'optimal',
    proposer: o.proposer as 'talent' | 'platform',
    ...(o.maxPrefs !== undefined ? { maxPrefs: o.maxPrefs as number } : {}),
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
      .addOption(topOption())
      .addOption(topPlatformOption()),
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
    await writeParts(o.out as string, assignmentJsonParts(recordContext(engine), a));
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

  addDataOptions(
    addAssignOptions(
      program
        .command('batch')
        .description('the nightly re-ranking: worker threads, streamed talents, resumable and incremental, into a SQLite snapshot')
        .option('--db <file>', 'SQLite database file', 'data/talentmatch.db')
        .option('--threads <n>', 'worker threads (default: available parallelism)', parsePositiveInt('--threads', 256), availableParallelism())
        .option('--chunk-size <n>', 'talents per chunk (the unit of work and of checkpointing)', parsePositiveInt('--chunk-size', 1_000_000), 2000)
        .addOption(topOption())
        .addOption(topPlatformOption())
        .option('--resume', 'continue the interrupted run with the same inputs', false)
        .option('--keep <n>', 'keep only the newest N complete snapshots', parsePositiveInt('--keep', 1_000_000))
        .option('--out <dir>', 'also export the snapshot into this folder')
        .option('--report <file>', 'also write the HTML report (in-process; for fixture-sized data)')
        .option('--queue <url>', 'distribute chunks over Redis + BullMQ (redis://[:password@]host:port[/db] or rediss://); run `talentmatch worker` processes')
        .option('--in-flight <n>', 'with --queue: chunks queued at once', parsePositiveInt('--in-flight', 10_000), 8),
    ),
  ).action(async (o: Opts) => {
    const paths = dataPaths(o);
    const loaded = await loadDataset(paths, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['talents', 'outcomes'] });
    const talentsPath = paths.talents ?? join(paths.data ?? '.', 'talents.jsonl');
    const progress = createProgress('batch', io);
    const summary = await runBatch(
      { industries: loaded.dataset.industries, platforms: loaded.dataset.platforms, policy: loaded.dataset.policy, ...(loaded.dataset.weights ? { weights: loaded.dataset.weights } : {}), talentsPath },
      {
        db: o.db as string,
        threads: o.threads as number,
        chunkSize: o.chunkSize as number,
        k: o.top as number,
        ...(o.topPlatform !== undefined ? { kPlatform: o.topPlatform as number } : {}),
        assign: await assignOptions(o),
        resume: o.resume === true,
        ...(o.keep !== undefined ? { keep: o.keep as number } : {}),
        skipInvalid: o.skipInvalid === true,
        onProgress: (b, t) => progress.update(b, t),
        ...(typeof o.queue === 'string'
          ? {
              dispatcher: async (ctx: DispatchContext) => {
                const { queueDispatcher } = await import('../queue/queue.js');
                return queueDispatcher(o.queue as string, ctx, { inFlight: o.inFlight as number });
              },
            }
          : {}),
      },
    );
    progress.stop();
    reportSkipped(summary.skipped, io);
    const lines = [
      `talentmatch batch: run ${summary.runId}${summary.resumed ? ' (resumed)' : ''} complete in ${o.db as string}`,
      `  input      ${summary.talents} talents x ${summary.platforms} platforms, ${summary.chunks} chunks (${summary.chunksScored} scored, ${summary.chunksReused} reused from the last snapshot, ${summary.chunksResumed} already done before a restart)`,
      `  reuse      ${summary.talentsReused} of ${summary.talents} talents reused unchanged (${((100 * summary.talentsReused) / Math.max(1, summary.talents)).toFixed(1)}%)`,
      `  scoring    ${summary.scoredPairs} pairs scored (${summary.pairs} acceptable), ${summary.threads} threads, ${summary.seconds.toFixed(2)} s end to end (stream + score ${summary.phases.stream.toFixed(2)} s, merge + assign + publish ${summary.phases.finalize.toFixed(2)} s), ${Math.round(summary.pairsPerSecond)} pairs/s`,
      `  assignment ${summary.assigned} assigned, total score ${summary.totalScore.toFixed(2)}, blocking pairs ${summary.blockingPairs}`,
    ];
    if (summary.pruned.length) lines.push(`  pruned     runs ${summary.pruned.join(', ')}`);
    if (typeof o.out === 'string') {
      const store = new Store(o.db as string);
      try {
        const files = await exportRun(store, pickRun(store, summary.runId), o.out);
        lines.push(`  exported   ${files.join(', ')}`);
      } finally {
        store.close();
      }
    }
    if (typeof o.report === 'string') {
      const full = await loadDataset(dataPaths(o), { needTalents: true, needOutcomes: false, skipInvalid: o.skipInvalid === true });
      const engine = engineFor(full, o);
      const rec = engine.recommend({ k: o.top as number, kPlatform: o.top as number });
      await writeReport(o.report, engine, rec, engine.match(await assignOptions(o)), full.dataset.outcomes ?? [], o.top as number, full.files.weights ?? 'default weights');
      lines.push(`  report     ${o.report}`);
    }
    io.out(lines.join('\n') + '\n');
    done(EXIT_OK);
  });

  program
    .command('export')
    .description("write a snapshot's recommendations, assignment and referrals in the contract's formats")
    .option('--db <file>', 'SQLite database file', 'data/talentmatch.db')
    .option('--run <id>', 'run id (default: the latest complete snapshot)', parsePositiveInt('--run', 2 ** 31 - 1))
    .requiredOption('--out <dir>', 'output folder')
    .action(async (o: Opts) => {
      const store = new Store(o.db as string, { readonly: true });
      try {
        store.beginRead(); // one snapshot for the whole export, even if a writer prunes meanwhile
        const run = pickRun(store, o.run as number | undefined);
        const files = await exportRun(store, run, o.out as string);
        io.err(`exported run ${run.id}: ${files.join(', ')}\n`);
      } finally {
        store.endRead();
        store.close();
      }
      done(EXIT_OK);
    });

  program
    .command('diff')
    .description('talents and platforms whose top-k or assignment changed between two snapshots, largest moves first')
    .option('--db <file>', 'SQLite database file', 'data/talentmatch.db')
    .option('--from <id>', 'older run (default: the snapshot before --to)', parsePositiveInt('--from', 2 ** 31 - 1))
    .option('--to <id>', 'newer run (default: the latest complete snapshot)', parsePositiveInt('--to', 2 ** 31 - 1))
    .option('--limit <n>', 'moves to list', parsePositiveInt('--limit', 1_000_000), 50)
    .option('--json', 'print every move as JSON', false)
    .action(async (o: Opts) => {
      const store = new Store(o.db as string, { readonly: true });
      try {
        const to = pickRun(store, o.to as number | undefined, '--to');
        let fromId = o.from as number | undefined;
        if (fromId === undefined) {
          const older = store.runs().filter((r) => r.status === 'complete' && r.id < to.id);
          if (older.length === 0) throw new TalentmatchError('E_UNKNOWN_ID', `no complete snapshot before run ${to.id} to compare with`);
          fromId = older[older.length - 1].id;
        }
        const from = pickRun(store, fromId, '--from');
        const moves = diffRuns(store, from, to);
        if (o.json) io.out(JSON.stringify({ from: from.id, to: to.id, moves }, null, 2) + '\n');
        else {
          const lines = [`diff run ${from.id} -> run ${to.id}: ${moves.filter((m) => m.side === 'talent').length} talents and ${moves.filter((m) => m.side === 'platform').length} platforms changed`];
          for (const m of moves.slice(0, o.limit as number)) {
            const parts: string[] = [];
            if (m.entered.length || m.left.length) parts.push(`top-k +${m.entered.length}/-${m.left.length}${m.entered.length ? ` (in: ${m.entered.slice(0, 3).join(', ')}${m.entered.length > 3 ? ', ...' : ''})` : ''}`);
            if (m.rankShift) parts.push(`rank moves ${m.rankShift}`);
            if (m.assignment) parts.push(`assignment ${m.assignment.from ?? 'none'} -> ${m.assignment.to ?? 'none'}`);
            lines.push(`  ${m.side.padEnd(8)} ${m.id}: ${parts.join('; ')}`);
          }
          io.out(lines.join('\n') + '\n');
        }
      } finally {
        store.close();
      }
      done(EXIT_OK);
    });

  addDataOptions(
    program
      .command('serve')
      .description('the scoring API over HTTP (snapshots from --db, live scoring with the model from --data)')
      .option('--db <file>', 'SQLite database file', 'data/talentmatch.db')
      .option('--port <n>', 'port (0 = any free port)', (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be an integer in [0, 65535], got ${JSON.stringify(v)}`);
        return n;
      }, 8080)
      .option('--host <addr>', 'address to listen on', '127.0.0.1'),
  ).action(async (o: Opts) => {
    const paths = dataPaths(o);
    let engine: Engine | undefined;
    if (paths.data || paths.platforms) {
      const loaded = await loadDataset(paths, { needTalents: false, needOutcomes: false, skipInvalid: o.skipInvalid === true, omit: ['outcomes'] });
      engine = createEngine(loaded.dataset, { trusted: true });
    }
    const { buildServer } = await import('../http/server.js');
    const app = await buildServer({ db: o.db as string, ...(engine ? { engine } : {}), logger: { level: process.env.TALENTMATCH_LOG_LEVEL ?? 'info' } });
    const address = await app.listen({ port: o.port as number, host: o.host as string });
    io.err(`talentmatch API listening on ${address} (docs: ${address}/docs)\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        // graceful: stop accepting, let in-flight requests finish, then exit
        app.close().then(resolve, resolve);
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    done(EXIT_OK);
  });

  addDataOptions(
    program
      .command('worker')
      .description('score queued chunks of distributed batch runs (same kernel, own thread pool); needs the same inputs as the coordinator')
      .requiredOption('--queue <url>', 'redis://[:password@]host:port[/db] or rediss:// (TLS)')
      .option('--threads <n>', 'worker threads (default: available parallelism)', parsePositiveInt('--threads', 256), availableParallelism())
      .option('--lock-ms <n>', "job lock in ms: a killed worker's chunk is handed on after about this long", parsePositiveInt('--lock-ms', 3_600_000), 30_000),
  ).action(async (o: Opts) => {
    const { startQueueWorker } = await import('../queue/worker.js');
    const w = await startQueueWorker({ url: o.queue as string, paths: dataPaths(o), threads: o.threads as number, lockMs: o.lockMs as number, log: io.err });
    io.err(`talentmatch worker: waiting for chunks on ${new URL(o.queue as string).host}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => void w.close().then(resolve, resolve);
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    done(EXIT_OK);
  });

  program
    .command('queue')
    .description('inspect the distributed queue')
    .command('status')
    .description('waiting / active / completed / failed chunks per run')
    .requiredOption('--queue <url>', 'redis:// or rediss:// URL')
    .option('--json', 'print JSON', false)
    .action(async (o: Opts) => {
      const { queueStatus } = await import('../queue/queue.js');
      const st = await queueStatus(o.queue as string);
      if (o.json) io.out(JSON.stringify(st, null, 2) + '\n');
      else {
        const lines = [`queue ${new URL(o.queue as string).host}: ${st.runs.length} run(s)`];
        for (const r of st.runs) {
          lines.push(`  ${r.key}: waiting ${r.waiting}, active ${r.active}, delayed ${r.delayed}, completed ${r.completed}, failed ${r.failed}`);
          for (const e of r.errors) lines.push(`    failed ${e}`);
        }
        io.out(lines.join('\n') + '\n');
      }
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
      .addOption(topOption())
      .addOption(topPlatformOption()),
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
    await writeParts(assignPath, assignmentJsonParts(recordContext(engine), assignment));
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
