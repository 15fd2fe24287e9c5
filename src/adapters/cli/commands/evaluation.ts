/** evaluate, tune, report: offline metrics against outcomes, the seeded weight search, the HTML report. */
import { Option } from 'commander';
import type { Command } from 'commander';
import { z } from 'zod';
import { defaultWeights } from '../../../config/weights.js';
import { TUNE_METHODS, defaultTuneOptions } from '../../../config/tuning.js';
import { weightIssues } from '../../../engine/data.js';
import { createEngine } from '../../../engine/engine.js';
import type { Engine } from '../../../engine/engine.js';
import { evaluate } from '../../../evaluation/evaluate.js';
import { evaluateControls } from '../../../evaluation/controls.js';
import { OBJECTIVES, tuneAsync } from '../../../evaluation/tune.js';
import { inputError, optionError } from '../../../errors.js';
import { readJson } from '../../files/read.js';
import { writeLines } from '../../files/write.js';
import { EXIT_OK, parsePositiveInt } from '../common.js';
import type { Cli } from '../common.js';
import { engineFor, load, withRanker, writeReport } from '../load.js';
import { addDataOptions, addThreadsOption, dataOptionsSchema, kOption, parseOptions, threadsSchema } from '../options.js';
import { createProgress } from '../progress.js';
import { controlsTable, evaluationTable, plantedTable, tuneReport } from '../render.js';
import { plantedRecall } from '../../../evaluation/planted.js';
import { readTruth } from '../../files/truth.js';

const k = z.number().int().min(1);

const evaluateSchema = dataOptionsSchema
  .extend(threadsSchema.shape)
  .extend({ k, json: z.boolean(), truth: z.string().optional(), industryShare: z.number().gt(0).max(1).optional(), exposureFloor: z.number().int().min(1).optional(), diversity: z.number().min(0).max(1).optional() });

/** k of `evaluate --truth` when --k is not given: the issue's recall@5. */
const TRUTH_K = 5;

const share = (v: string): number => {
  const x = Number(v);
  if (!(x > 0 && x <= 1)) throw optionError(`--industry-share must be a number in (0, 1], got ${JSON.stringify(v)}`);
  return x;
};

const weight = (v: string): number => {
  const x = Number(v);
  if (!(x >= 0 && x <= 1) || v.trim() === '') throw optionError(`--diversity must be a number in [0, 1], got ${JSON.stringify(v)}`);
  return x;
};

export function evaluateCommand(program: Command, { io, done }: Cli): void {
  addDataOptions(
    addThreadsOption(
      kOption(program.command('evaluate').description('offline metrics of both sides against outcomes.jsonl, coverage, exposure, assignment health; with --truth, recall@k of planted fits per language group'))
        .option('--json', 'print JSON instead of a table', false)
        .option('--truth <file>', 'planted truth (truth.jsonl: fits and languages); reports recall@k of the fits per language group of talents and of platforms (k defaults to 5 here)')
        .option('--industry-share <x>', "list control: at most this share of a talent's top-k from one industry, (0, 1]; reports its cost and gain", share)
        .option('--exposure-floor <m>', "list control: every platform with room in at least m talents' top-k; reports its cost and gain", parsePositiveInt('--exposure-floor', 1000))
        .option('--diversity <w>', "list control: MMR diversity weight in [0, 1] over each talent's list; reports its cost and gain", weight),
    ),
  ).action(async (raw: unknown, cmd: Command) => {
    const o = parseOptions(evaluateSchema, raw);
    if (o.truth !== undefined) {
      const controls = (['industryShare', 'exposureFloor', 'diversity'] as const).filter((k) => o[k] !== undefined).map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
      if (controls.length > 0) throw optionError(`--truth measures recall@k of the plain lists: ${controls.join(', ')} would not be applied; drop ${controls.length > 1 ? 'them' : 'it'} or --truth`);
      const kTruth = cmd.getOptionValueSource('k') === 'cli' ? o.k : TRUTH_K;
      const loaded = await load(o, true, io, false);
      const engine = engineFor(loaded, {});
      const truth = await readTruth(o.truth, new Set(engine.model.talents.ids), new Set(engine.model.platforms.ids));
      const rec = await withRanker(engine, o.threads, (r) => r.recommend(kTruth, kTruth));
      const r = plantedRecall({ talentIds: engine.model.talents.ids, platformIds: engine.model.platforms.ids, talent: rec.talent, platform: rec.platform }, truth, kTruth);
      io.out(o.json ? JSON.stringify(r, null, 2) + '\n' : plantedTable(r, o.truth));
      done(EXIT_OK);
      return;
    }
    const loaded = await load(o, true, io, true);
    const engine = engineFor(loaded, {});
    const outcomes = loaded.dataset.outcomes ?? [];
    const rec = await withRanker(engine, o.threads, (r) => r.recommend(o.k, o.k));
    const ev = evaluate(engine, outcomes, o.k, rec);
    const lists = engine.data.policy.lists;
    const wanted = {
      ...(o.industryShare !== undefined ? { industryShare: o.industryShare } : {}),
      ...(o.exposureFloor !== undefined ? { exposureFloor: o.exposureFloor } : {}),
      ...(o.diversity !== undefined ? { diversity: o.diversity } : {}),
      ...(lists && (lists.industryShare !== undefined || (lists.diversity ?? 0) > 0 || lists.exposureFloor !== undefined) ? { policy: lists } : {}),
    };
    const controls = Object.keys(wanted).length > 0 ? evaluateControls(engine, outcomes, o.k, wanted) : undefined;
    if (o.json) io.out(JSON.stringify(controls ? { ...ev, controls } : ev, null, 2) + '\n');
    else io.out(evaluationTable(ev, outcomes.length) + (controls ? controlsTable(controls, o.k) : ''));
    done(EXIT_OK);
  });
}

const tuneSchema = dataOptionsSchema.extend(threadsSchema.shape).extend({
  out: z.string(),
  budget: z.number().int().min(1),
  seed: z.number().int().min(1),
  folds: z.number().int().min(2),
  objective: z.enum(OBJECTIVES),
  method: z.enum(TUNE_METHODS),
  exposurePenalty: z.number().min(0),
  k,
});

export function tuneCommand(program: Command, { io, done }: Cli): void {
  addDataOptions(
    addThreadsOption(kOption(
      program
        .command('tune')
        .description('seeded weight search with k-fold cross-validation over the outcomes; writes the best weights with provenance')
        .requiredOption('--out <file>', 'weights file to write (.json)')
        .option('--budget <n>', 'candidate evaluations per search (1..100000)', parsePositiveInt('--budget', 100_000), 40)
        .option('--seed <n>', 'random seed', parsePositiveInt('--seed', 2 ** 31 - 1), 1)
        .option('--folds <n>', 'cross-validation folds (2..20)', parsePositiveInt('--folds', 20, 2), 5)
        .addOption(new Option('--objective <name>', 'what to maximise (see README)').choices([...OBJECTIVES]).default('balanced'))
        .addOption(new Option('--method <name>', 'random search, weights learned from the outcomes (conditional logit), or auto: both on the same folds, the better held-out kept').choices([...TUNE_METHODS]).default(defaultTuneOptions.method))
        .option('--exposure-penalty <x>', 'weight of the exposure Gini in the objective', (v) => {
          const x = Number(v);
          if (!Number.isFinite(x) || x < 0 || x > 10) throw optionError(`--exposure-penalty must be a number in [0, 10], got ${JSON.stringify(v)}`);
          return x;
        }, 0.1),
    )),
  ).action(async (raw: unknown) => {
    const o = parseOptions(tuneSchema, raw);
    const loaded = await load(o, true, io, true);
    const engine = engineFor(loaded, {});
    const progress = createProgress('tune', io);
    const tuneOptions = {
      budget: o.budget,
      seed: o.seed,
      folds: o.folds,
      objective: o.objective,
      method: o.method,
      exposurePenalty: o.exposurePenalty,
      k: o.k,
      onProgress: (d: number, t: number) => progress.update(d, t),
    };
    // every candidate weighting is ranked on the worker threads (same result as in process)
    const r = await withRanker(engine, o.threads, (ranker) => tuneAsync(engine, loaded.dataset.outcomes ?? [], tuneOptions, (model, kk) => ranker.recommend(kk, kk, model)));
    progress.stop();
    const out = {
      ...defaultWeights,
      ...(loaded.dataset.weights ?? {}),
      ...r.weights,
      _provenance: {
        tool: 'talentmatch tune',
        date: new Date().toISOString(),
        data: loaded.files,
        method: r.method,
        ...(r.compared ? { compared: r.compared } : {}),
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
    await writeLines(o.out, [JSON.stringify(out, null, 2)]);
    io.out(tuneReport(r, o.out));
    done(EXIT_OK);
  });
}

const reportSchema = dataOptionsSchema.extend({ out: z.string(), compare: z.string().optional(), k });

export function reportCommand(program: Command, { io, done }: Cli): void {
  addDataOptions(
    kOption(
      program
        .command('report')
        .description('one self-contained HTML report: metrics (optionally against a second weights file), heatmap, capacity, scores, unassigned')
        .requiredOption('--out <file>', 'output file (.html)')
        .option('--compare <weights>', 'a second weights file shown side by side'),
    ),
  ).action(async (raw: unknown) => {
    const o = parseOptions(reportSchema, raw);
    const loaded = await load(o, true, io, false);
    const engine = engineFor(loaded, {});
    let compare: { label: string; engine: Engine } | undefined;
    if (o.compare !== undefined) {
      const w = weightIssues(await readJson(o.compare), o.compare);
      if (w.issues.length > 0) throw inputError(w.issues);
      compare = { label: o.compare, engine: createEngine({ ...loaded.dataset, ...(w.weights ? { weights: w.weights } : {}) }, { trusted: true }) };
    }
    const rec = engine.recommend({ k: o.k, kPlatform: o.k });
    await writeReport(o.out, engine, rec, engine.match(), loaded.dataset.outcomes ?? [], o.k, loaded.files.weights ?? 'default weights', compare);
    io.err(`wrote ${o.out}\n`);
    done(EXIT_OK);
  });
}
