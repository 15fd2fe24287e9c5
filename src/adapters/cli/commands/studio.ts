/** studio: the analyst studio on a local port, over one dataset, until Ctrl-C. */
import type { Command } from 'commander';
import { z } from 'zod';
import { createEngine } from '../../../engine/engine.js';
import { loadDataset } from '../../files/dataset.js';
import { optionError } from '../../../errors.js';
import { EXIT_OK, reportSkipped } from '../common.js';
import type { Cli } from '../common.js';
import { addDataOptions, dataOptionsSchema, dataPaths, parseOptions } from '../options.js';
import { addListenOptions, isLoopback, listenSchema, serveUntilSignal } from '../listen.js';
import { STUDIO_LISTEN } from '../../../config/studio.js';

const schema = dataOptionsSchema.extend(listenSchema.shape).extend({ db: z.string().optional() });

export function studioCommand(program: Command, { io, done }: Cli): void {
  addDataOptions(
    addListenOptions(
      program.command('studio').description('the analyst studio in the browser: tune weights against outcomes on one dataset (prints the URL)'),
      STUDIO_LISTEN,
      'loopback address to listen on (to share the studio, use serve with --keys)',
    ).option('--db <file>', 'a snapshot database to serve beside it (optional)'),
  ).action(async (raw: unknown) => {
    const o = parseOptions(schema, raw);
    if (!isLoopback(o.host)) throw optionError(`studio listens on loopback only (got --host ${o.host}): to share it, run talentmatch serve with --keys (README "Analyst studio")`);
    const paths = dataPaths(o);
    const loaded = await loadDataset(paths, { needTalents: true, needOutcomes: false, skipInvalid: o.skipInvalid });
    reportSkipped(loaded.skipped, io);
    const engine = createEngine(loaded.dataset, { trusted: true });
    const { buildServer } = await import('../../http/server.js');
    const source = paths.data ?? loaded.files.talents ?? '';
    const app = await buildServer({
      ...(o.db !== undefined ? { db: o.db } : {}),
      engine,
      logger: { level: process.env.TALENTMATCH_LOG_LEVEL ?? 'warn' },
      studio: { outcomes: loaded.dataset.outcomes ?? [], source },
    });
    const outcomes = loaded.dataset.outcomes?.length ?? 0;
    await serveUntilSignal(app, o, (address) => {
      io.out(`${address}/studio/\n`);
      io.err(`talentmatch studio on ${source}: ${engine.model.talents.count} talents x ${engine.model.platforms.count} platforms, ${outcomes} outcomes${outcomes ? '' : ' (no outcomes.jsonl: metrics are empty)'}; Ctrl-C to stop\n`);
    });
    done(EXIT_OK);
  });
}
