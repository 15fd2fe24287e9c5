/** match, refer: the capacity-respecting assignment and the two-way referral lists built on it. */
import type { Command } from 'commander';
import { z } from 'zod';
import { assignmentJsonParts, recordContext, referralRecords } from '../../../engine/formatAssignment.js';
import { writeLines, writeParts } from '../../files/write.js';
import { EXIT_OK } from '../common.js';
import type { Cli } from '../common.js';
import { engineFor, load } from '../load.js';
import { addAssignOptions, addDataOptions, assignOptions, assignSchema, dataOptionsSchema, parseOptions } from '../options.js';
import { summarizeAssignment } from '../render.js';

const schema = dataOptionsSchema.extend(assignSchema.shape).extend({ out: z.string() });

export function matchCommand(program: Command, { io, done }: Cli): void {
  addDataOptions(
    addAssignOptions(
      program
        .command('match')
        .description('capacity-respecting assignment (JSON): assignments, unassigned with reasons, blocking pairs, platform use')
        .requiredOption('--out <file>', 'output file (.json)'),
    ),
  ).action(async (raw: unknown) => {
    const o = parseOptions(schema, raw);
    const engine = engineFor(await load(o, true, io), {});
    const a = engine.match(await assignOptions(o));
    await writeParts(o.out, assignmentJsonParts(recordContext(engine), a));
    io.err(summarizeAssignment(engine, a) + `wrote ${o.out}\n`);
    done(EXIT_OK);
  });
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
    const a = engine.match(await assignOptions(o));
    const n = await writeLines(o.out, (function* () {
      for (const r of referralRecords(recordContext(engine), engine.refer(a))) yield JSON.stringify(r);
    })());
    io.err(`wrote ${n} referral lines to ${o.out}\n`);
    done(EXIT_OK);
  });
}
