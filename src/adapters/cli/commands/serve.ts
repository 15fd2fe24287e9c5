/** serve: the scoring API over HTTP until SIGTERM / SIGINT. */
import type { Command } from 'commander';
import { z } from 'zod';
import { createEngine } from '../../../engine/engine.js';
import type { Engine } from '../../../engine/engine.js';
import { loadDataset } from '../../files/dataset.js';
import { TalentmatchError, optionError } from '../../../errors.js';
import { EXIT_OK } from '../common.js';
import type { Cli } from '../common.js';
import { addDataOptions, dataOptionsSchema, dataPaths, dbOption, parseOptions } from '../options.js';

const schema = dataOptionsSchema.extend({ db: z.string(), port: z.number().int().min(0).max(65535), host: z.string() });

export function serveCommand(program: Command, { io, done }: Cli): void {
  addDataOptions(
    dbOption(program.command('serve').description('the scoring API over HTTP (snapshots from --db, live scoring with the model from --data)'))
      .option('--port <n>', 'port (0 = any free port)', (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw optionError(`--port must be an integer in [0, 65535], got ${JSON.stringify(v)}`);
        return n;
      }, 8080)
      .option('--host <addr>', 'address to listen on', '127.0.0.1'),
  ).action(async (raw: unknown) => {
    const o = parseOptions(schema, raw);
    const paths = dataPaths(o);
    let engine: Engine | undefined;
    if (paths.data || paths.platforms) {
      const loaded = await loadDataset(paths, { needTalents: false, needOutcomes: false, skipInvalid: o.skipInvalid, omit: ['outcomes'] });
      engine = createEngine(loaded.dataset, { trusted: true });
    }
    const { buildServer } = await import('../../http/server.js');
    const app = await buildServer({ db: o.db, ...(engine ? { engine } : {}), logger: { level: process.env.TALENTMATCH_LOG_LEVEL ?? 'info' } });
    let address: string;
    try {
      address = await app.listen({ port: o.port, host: o.host });
    } catch (e) {
      await app.close();
      throw listenError(e, o.host, o.port);
    }
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
}

/** Why the socket could not be bound, for a person (exit 1, not an internal error); other errors pass through. */
const LISTEN_FAILURES: Record<string, string> = {
  EADDRINUSE: 'the port is in use by another process; stop it or choose another --port',
  EACCES: 'permission denied (ports below 1024 need privileges); choose another --port',
  EADDRNOTAVAIL: 'no such address on this machine; check --host',
  ENOTFOUND: 'the host name does not resolve; check --host',
};

export function listenError(e: unknown, host: string, port: number): unknown {
  const why = e instanceof Error && 'code' in e ? LISTEN_FAILURES[String(e.code)] : undefined;
  return why === undefined ? e : new TalentmatchError('E_IO', `cannot listen on ${host}:${port}: ${why}`);
}
