/** validate, export, diff: check inputs against the contract; read snapshots back out of the store. */
import type { Command } from 'commander';
import { z } from 'zod';
import { TalentmatchError } from '../../../errors.js';
import { openStore } from '../../../store/open.js';
import { diffRuns, exportRun, pickRun } from '../../batch/readers.js';
import { EXIT_OK, parsePositiveInt } from '../common.js';
import type { Cli } from '../common.js';
import { load } from '../load.js';
import { addDataOptions, dataOptionsSchema, dbOption, parseOptions } from '../options.js';
import { diffReport } from '../render.js';

export function validateCommand(program: Command, { io, done }: Cli): void {
  addDataOptions(program.command('validate').description('check input files against the data contract; exit 1 listing every problem')).action(async (raw: unknown) => {
    const o = parseOptions(dataOptionsSchema, raw);
    const d = (await load(o, false, io)).dataset;
    io.out(`ok: ${d.industries.length} industries, ${d.platforms.length} platforms, ${d.talents.length} talents\n`);
    done(EXIT_OK);
  });
}

const runId = (name: string) => parsePositiveInt(name, 2 ** 31 - 1);
const id = z.number().int().min(1).optional();

const exportSchema = z.object({ db: z.string(), run: id, out: z.string() });

export function exportCommand(program: Command, { io, done }: Cli): void {
  dbOption(program.command('export').description("write a snapshot's recommendations, assignment and referrals in the contract's formats"))
    .option('--run <id>', 'run id (default: the latest complete snapshot)', runId('--run'))
    .requiredOption('--out <dir>', 'output folder')
    .action(async (raw: unknown) => {
      const o = parseOptions(exportSchema, raw);
      const store = await openStore(o.db, { readonly: true });
      try {
        await store.beginRead(); // one snapshot for the whole export, even if a writer prunes meanwhile
        const run = await pickRun(store, o.run);
        const files = await exportRun(store, run, o.out);
        io.err(`exported run ${run.id}: ${files.join(', ')}\n`);
      } finally {
        await store.endRead();
        await store.close();
      }
      done(EXIT_OK);
    });
}

const diffSchema = z.object({ db: z.string(), from: id, to: id, limit: z.number().int().min(1), json: z.boolean() });

export function diffCommand(program: Command, { io, done }: Cli): void {
  dbOption(program.command('diff').description('talents and platforms whose top-k or assignment changed between two snapshots, largest moves first'))
    .option('--from <id>', 'older run (default: the snapshot before --to)', runId('--from'))
    .option('--to <id>', 'newer run (default: the latest complete snapshot)', runId('--to'))
    .option('--limit <n>', 'moves to list', parsePositiveInt('--limit', 1_000_000), 50)
    .option('--json', 'print every move as JSON', false)
    .action(async (raw: unknown) => {
      const o = parseOptions(diffSchema, raw);
      const store = await openStore(o.db, { readonly: true });
      try {
        const to = await pickRun(store, o.to, '--to');
        let fromId = o.from;
        if (fromId === undefined) {
          const older = (await store.runs()).filter((r) => r.status === 'complete' && r.id < to.id);
          if (older.length === 0) throw new TalentmatchError('E_UNKNOWN_ID', `no complete snapshot before run ${to.id} to compare with`);
          fromId = older[older.length - 1].id;
        }
        const from = await pickRun(store, fromId, '--from');
        const moves = await diffRuns(store, from, to);
        io.out(o.json ? JSON.stringify({ from: from.id, to: to.id, moves }, null, 2) + '\n' : diffReport(from.id, to.id, moves, o.limit));
      } finally {
        await store.close();
      }
      done(EXIT_OK);
    });
}
