/**
 * Options shared by several commands: their commander declarations (help text, defaults,
 * range checks with the user-facing message) and the zod schemas that type what commander
 * hands an action. Each command parses its options once, at the edge, with
 * `parseOptions(schema, raw)`; nothing after that casts.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { z } from 'zod';
import { TalentmatchError } from '../../errors.js';
import type { DataPaths } from '../files/dataset.js';
import type { AssignOptions } from '../../matching/assign.js';
import { loadHighsSolver } from '../../solvers/highs.js';
import { parsePositiveInt } from './common.js';
import type { Io } from './common.js';
import { MAX_THREADS } from '../../config/limits.js';
import { defaultAssignOptions } from '../../config/assignment.js';

/**
 * Types the option record commander built. The declarations already checked every value
 * a user can get wrong (with the message naming the option), so a mismatch here is a
 * declaration out of step with its schema: an internal error, not bad input.
 */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const what = r.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new TalentmatchError('E_INTERNAL', `command options do not match their schema: ${what}`);
  }
  return r.data;
}

const file = z.string().optional();

export const dataOptionsSchema = z.object({
  data: file,
  industries: file,
  policy: file,
  weights: file,
  platforms: file,
  talents: file,
  outcomes: file,
  skipInvalid: z.boolean(),
});
export type DataOptions = z.infer<typeof dataOptionsSchema>;

export function addDataOptions(cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'folder with the standard file names (industries.json, policy.json, weights.json, platforms.jsonl, talents.jsonl, outcomes.jsonl)')
    .option('--industries <file>', 'industry taxonomy (JSON array or JSON Lines)')
    .option('--policy <file>', 'policy (JSON object)')
    .option('--weights <file>', 'scorer weights (JSON object; missing keys take defaults)')
    .option('--platforms <file>', 'platforms (JSON Lines or JSON array)')
    .option('--talents <file>', 'talent projects (JSON Lines or JSON array)')
    .option('--outcomes <file>', 'outcomes history (JSON Lines or JSON array)')
    .option('--skip-invalid', 'skip bad records (each one is listed) instead of rejecting the input', false);
}

export function dataPaths(o: DataOptions): DataPaths {
  const p: DataPaths = {};
  for (const k of ['data', 'industries', 'policy', 'weights', 'platforms', 'talents', 'outcomes'] as const) {
    const v = o[k];
    if (v !== undefined) p[k] = v;
  }
  return p;
}

const count = z.number().int().min(1);

/** --top and --top-platform, shared by recommend, run and batch. */
export const topSchema = z.object({ top: count, topPlatform: count.optional() });
export function addTopOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--top <k>', 'platforms per talent (1..1000)').argParser(parsePositiveInt('--top', 1000)).default(10))
    .addOption(new Option('--top-platform <k>', 'talents per platform (default: --top)').argParser(parsePositiveInt('--top-platform', 1000)));
}

/** --mode, --proposer, --max-prefs, --time-limit: shared by match, refer, run and batch. */
export const assignSchema = z.object({
  mode: z.enum(['stable', 'optimal']),
  proposer: z.enum(['talent', 'platform']),
  maxPrefs: z.number().int().min(0).optional(),
  timeLimit: count,
});
export function addAssignOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--mode <mode>', 'assignment: stable (deferred acceptance) or optimal (max total score)').choices(['stable', 'optimal']).default('stable'))
    .addOption(new Option('--proposer <side>', 'stable mode: which side proposes').choices(['talent', 'platform']).default('talent'))
    .option('--max-prefs <n>', "keep each talent's best N platforms for the assignment (0 = every acceptable pair; default 0, batch 50)", parsePositiveInt('--max-prefs', 100_000, 0))
    .option('--time-limit <sec>', `optimal mode: MILP solver time limit in seconds (default ${defaultAssignOptions.timeLimitSec})`, parsePositiveInt('--time-limit', 86_400), defaultAssignOptions.timeLimitSec);
}

export async function assignOptions(o: z.infer<typeof assignSchema>): Promise<AssignOptions> {
  return {
    mode: o.mode,
    proposer: o.proposer,
    ...(o.maxPrefs !== undefined ? { maxPrefs: o.maxPrefs } : {}),
    timeLimitSec: o.timeLimit,
    ...(o.mode === 'optimal' ? { solver: await loadHighsSolver() } : {}),
  };
}

/**
 * Optimal mode's clock and progress (adapter side: the solver reads no clock): one stderr
 * line a second once the solver has run for a second.
 */
export function solverProgress(io: Pick<Io, 'err'>, now: () => number = () => performance.now()): Pick<AssignOptions, 'now' | 'onProgress'> {
  const t0 = now();
  let last = 0;
  return {
    now,
    onProgress: (p) => {
      const el = now() - t0;
      if (el < 1000 || el - last < 1000) return;
      last = el;
      io.err(`optimal: iteration ${p.iteration}, total ${p.best.toFixed(3)}, bound ${p.bound.toFixed(3)}, gap ${(100 * p.gap).toFixed(2)}% (${(el / 1000).toFixed(1)} s)\n`);
    },
  };
}

/** --threads: worker threads of recommend, score, run, evaluate and tune (the output does not depend on it). */
export const threadsSchema = z.object({ threads: count.max(MAX_THREADS).optional() });
export function addThreadsOption(cmd: Command): Command {
  return cmd.option('--threads <n>', `worker threads for scoring and ranking (1..${MAX_THREADS}; default: available parallelism; same output for any count)`, parsePositiveInt('--threads', MAX_THREADS));
}

/** --k: the evaluation cutoff of evaluate, tune and report. */
export const kOption = (cmd: Command): Command => cmd.option('--k <k>', 'cutoff k (1..1000)', parsePositiveInt('--k', 1000), 10);

/** --db: the SQLite snapshot store of batch, export, diff and serve. */
export const dbOption = (cmd: Command): Command => cmd.option('--db <file|url>', 'snapshot store: a SQLite file, or postgres://user@host:port/db (password and TLS from the URL or PG* variables)', 'data/talentmatch.db');
