/** match, refer: the capacity-respecting assignment and the two-way referral lists built on it. */
import type { Command } from 'commander';
import { z } from 'zod';
import { assignmentJsonParts, recordContext, referralRecords } from '../../../engine/formatAssignment.js';
import { writeLines, writeParts } from '../../files/write.js';
import { EXIT_OK } from '../common.js';
import type { Cli } from '../common.js';
import { engineFor, load } from '../load.js';
import { solverProgress, addAssignOptions, addDataOptions, assignOptions, assignSchema, dataOptionsSchema, dataPaths, parseOptions } from '../options.js';
import { summarizeAssignment } from '../render.js';
import { optionError } from '../../../errors.js';
import { assignPairs } from '../../../matching/assign.js';
import { assignIncoming } from '../../../engine/hosted.js';
import type { Assignment } from '../../../matching/assign.js';
import { readDecisions } from '../../files/scores.js';
import { indexOf, preferencesInstance, scoresInstance } from './matchInputs.js';

const schema = dataOptionsSchema.extend(assignSchema.shape).extend({ out: z.string() });
const matchSchema = schema.extend({ scores: z.string().optional(), capacities: z.string().optional(), preferences: z.string().optional(), decisions: z.string().optional() });

export function matchCommand(program: Command, { io, done }: Cli): void {
  addDataOptions(
    addAssignOptions(
      program
        .command('match')
        .description('capacity-respecting assignment (JSON): assignments, unassigned with reasons, blocking pairs, platform use')
        .requiredOption('--out <file>', 'output file (.json)')
        .option('--scores <file>', 'match on these scores instead of scoring: CSV talentId,platformId[,talentScore,platformScore],score (what `score` writes)')
        .option('--capacities <file>', 'with --scores: CSV platformId,slots,seats (free capacity); talents are those in the scores, each needing 1 seat')
        .option('--preferences <file>', 'match on rank lists (JSON, see docs/data-contract.md); stable mode')
        .option('--decisions <file>', 'committee decisions (JSON): pinned pairs, forbidden pairs, seats held back per platform'),
    ),
  ).action(async (raw: unknown) => {
    const o = parseOptions(matchSchema, raw);
    if (o.scores !== undefined && o.preferences !== undefined) throw optionError('--scores and --preferences are two different inputs: give one');
    if (o.capacities !== undefined && o.scores === undefined) throw optionError('--capacities goes with --scores');
    if (o.preferences !== undefined && o.mode === 'optimal') throw optionError('--preferences gives stable matchings (rank lists have no scores to maximise): use --mode stable, or --scores for optimal');
    // inputs that would not be read are refused, not silently ignored
    const unread = Object.keys(dataPaths(o)).map((k) => `--${k}`);
    if (unread.length > 0 && (o.preferences !== undefined || o.capacities !== undefined)) {
      throw optionError(`${o.preferences !== undefined ? '--preferences' : '--scores with --capacities'} is the whole input: ${unread.join(', ')} would not be read; give one or the other`);
    }
    const base = { ...(await assignOptions(o)), ...solverProgress(io) };
    if (o.scores === undefined && o.preferences === undefined) {
      const engine = engineFor(await load(o, true, io), {});
      const m = engine.model;
      const decisions = o.decisions === undefined ? undefined : await readDecisions(o.decisions, indexOf(Array.from({ length: m.talents.count }, (_, t) => m.talents.ids[t])), indexOf(m.platforms.ids));
      const a = engine.match({ ...base, ...(decisions ? { decisions } : {}) });
      await writeParts(o.out, assignmentJsonParts(recordContext(engine), a));
      io.err(summarizeAssignment(engine, a) + `wrote ${o.out}\n`);
      done(EXIT_OK);
      return;
    }
    const external =
      o.preferences !== undefined
        ? await preferencesInstance(o.preferences)
        : await scoresInstance(o.scores!, o.capacities, o.capacities === undefined ? engineFor(await load(o, true, io), {}) : undefined);
    const decisions = o.decisions === undefined ? undefined : await readDecisions(o.decisions, indexOf(external.talentIds), indexOf(external.context.platformIds));
    const opts = { ...base, ...(decisions ? { decisions } : {}) };
    const a = external.hostOf
      ? assignIncoming(external.ps, external.hostOf, opts, external.context.platformIds, external.noPairsReason, external.talentIds)
      : assignPairs(external.ps, opts, external.context.platformIds, external.noPairsReason, external.talentIds);
    await writeParts(o.out, assignmentJsonParts(external.context, a));
    io.err(`${summarizeExternal(a)}wrote ${o.out}\n`);
    done(EXIT_OK);
  });
}

/** One line for an assignment on inputs made elsewhere. */
function summarizeExternal(a: Assignment): string {
  let assigned = 0;
  for (let t = 0; t < a.pairs.talents; t++) if (a.matching.pairOf[t] >= 0) assigned++;
  const how = a.mode === 'stable' ? `${a.proposer}-proposing` : `${a.optimal?.method}, gap ${(100 * (a.optimal?.gap ?? 0)).toFixed(2)}%${a.solveMs !== undefined ? `, solved in ${Math.round(a.solveMs)} ms` : ''}`;
  return `assignment ${a.mode} (${how}): ${assigned} of ${a.pairs.talents} assigned, total score ${a.totalScore.toFixed(2)}, blocking pairs ${a.blockingPairs}\n`;
}

export function referCommand(program: Command, { io, done }: Cli): void {
  addDataOptions(
    addAssignOptions(
      program
        .command('refer')
        .description('two-way referral lists (JSON Lines): platform-to-government and government-to-platform')
        .requiredOption('--out <file>', 'output file (.jsonl)'),
    ),
  ).action(async (raw: unknown) => {
    const o = parseOptions(schema, raw);
    const engine = engineFor(await load(o, true, io), {});
    const a = engine.match({ ...(await assignOptions(o)), ...solverProgress(io) });
    const n = await writeLines(o.out, (function* () {
      for (const r of referralRecords(recordContext(engine), engine.refer(a))) yield JSON.stringify(r);
    })());
    io.err(`wrote ${n} referral lines to ${o.out}\n`);
    done(EXIT_OK);
  });
}
