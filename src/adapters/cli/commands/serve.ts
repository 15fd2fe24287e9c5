/** serve: the scoring API over HTTP until SIGTERM / SIGINT. */
import type { Command } from 'commander';
import { z } from 'zod';
import { createEngine } from '../../../engine/engine.js';
import type { Engine } from '../../../engine/engine.js';
import type { Outcome } from '../../../domain/schemas.js';
import { loadDataset } from '../../files/dataset.js';
import { TalentmatchError, errorMessage, optionError } from '../../../errors.js';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { AUDIT_BUFFER, DEFAULT_PG_SNAPSHOT_POLL_MS, KEYS_ENV, KEYS_RELOAD_MS, SERVE_LISTEN, defaultQuotas } from '../../../config/api.js';
import { KeyRing, parseKeysFile, readKeysFile } from '../../http/keys.js';
import { EXIT_OK } from '../common.js';
import type { Cli } from '../common.js';
import { addDataOptions, dataOptionsSchema, dataPaths, dbOption, parseOptions } from '../options.js';
import { addListenOptions, isLoopback, listenSchema, serveUntilSignal } from '../listen.js';

const schema = dataOptionsSchema.extend(listenSchema.shape).extend({
  db: z.string(),
  keys: z.string().optional(),
  insecureNoAuth: z.boolean(),
  audit: z.string().optional(),
  auditSync: z.boolean(),
  tlsCert: z.string().optional(),
  tlsKey: z.string().optional(),
  corsOrigin: z.array(z.string()).optional(),
  trustProxy: z.union([z.boolean(), z.array(z.string())]).optional(),
  rateLimit: z.number().int().min(1).optional(),
  rateLimitExpensive: z.number().int().min(1).optional(),
  rateWindow: z.number().int().min(1).optional(),
  snapshotPoll: z.number().int().min(0).optional(),
});

const count = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw optionError(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
};
const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

/** The keys of `serve`: --keys FILE, else $TALENTMATCH_KEYS_FILE, else $TALENTMATCH_KEYS (the file's JSON inline). */
function loadKeys(path: string | undefined): { ring: KeyRing; file?: string } | undefined {
  const file = path ?? process.env[KEYS_ENV.file];
  if (file) return { ring: new KeyRing(readKeysFile(file)), file };
  const inline = process.env[KEYS_ENV.inline];
  if (inline) return { ring: new KeyRing(parseKeysFile(inline, `$${KEYS_ENV.inline}`)) };
  return undefined;
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new TalentmatchError('E_IO', `cannot read ${what} ${path}: ${errorMessage(e)}`);
  }
}

export function serveCommand(program: Command, { io, done }: Cli): void {
  addDataOptions(
    addListenOptions(dbOption(program.command('serve').description('the scoring API over HTTP (snapshots from --db, live scoring with the model from --data)')), SERVE_LISTEN, 'address to listen on')
      .option('--keys <file>', `API keys file (talentmatch keys create); default $${KEYS_ENV.file}, or the file's JSON in $${KEYS_ENV.inline}`)
      .option('--insecure-no-auth', 'serve beyond loopback without API keys (everyone who reaches the port gets everything)', false)
      .option('--audit <file>', 'append one JSON line per request (key id, route, ids, status, time; no profile text) to this file')
      .option('--audit-sync', `write each request's log and audit line as the request completes (default: in batches, every ${AUDIT_BUFFER.flushMs} ms or ${AUDIT_BUFFER.chars} characters, and at shutdown)`, false)
      .option('--tls-cert <file>', 'PEM certificate (chain): serve HTTPS (with --tls-key)')
      .option('--tls-key <file>', 'PEM private key of --tls-cert')
      .option('--cors-origin <origins>', 'browser origins allowed to call the API, comma-separated, or * (default: CORS off)', list)
      .option('--trust-proxy [addrs]', 'behind a reverse proxy: take the client address from X-Forwarded-For of these proxies (comma-separated addresses/CIDRs; no value = every hop)', (v: string) => list(v))
      .option('--rate-limit <n>', `requests per key per window (default ${defaultQuotas.max})`, count('--rate-limit'))
      .option('--rate-limit-expensive <n>', `requests per key per window on live scoring, match, simulate (default ${defaultQuotas.expensiveMax})`, count('--rate-limit-expensive'))
      .option('--rate-window <ms>', `quota window in milliseconds (default ${defaultQuotas.windowMs})`, count('--rate-window'))
      .option('--snapshot-poll <ms>', `how often to look up the newest complete snapshot (default: every request on SQLite, ${DEFAULT_PG_SNAPSHOT_POLL_MS} ms on PostgreSQL)`, (v) => (v === '0' ? 0 : count('--snapshot-poll')(v))),
  ).action(async (raw: unknown) => {
    const o = parseOptions(schema, raw);
    const keys = loadKeys(o.keys);
    if (!keys && !o.insecureNoAuth && !isLoopback(o.host)) {
      throw optionError(`refusing to serve on ${o.host} without API keys: give --keys FILE (talentmatch keys create), or --insecure-no-auth to expose every route to anyone who can reach the port`);
    }
    if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw optionError('--tls-cert and --tls-key go together');
    const tls = o.tlsCert !== undefined && o.tlsKey !== undefined ? { cert: readPem(o.tlsCert, 'TLS certificate'), key: readPem(o.tlsKey, 'TLS key') } : undefined;
    const paths = dataPaths(o);
    let engine: Engine | undefined;
    let studio: { outcomes: readonly Outcome[]; source: string } | undefined;
    if (paths.data || paths.platforms) {
      // outcomes (optional) feed the analyst studio's metrics at /studio
      const loaded = await loadDataset(paths, { needTalents: false, needOutcomes: false, skipInvalid: o.skipInvalid });
      engine = createEngine(loaded.dataset, { trusted: true });
      studio = { outcomes: loaded.dataset.outcomes ?? [], source: paths.data ?? loaded.files.platforms ?? '' };
    }
    const { buildServer } = await import('../../http/server.js');
    const quotas = { ...(o.rateLimit ? { max: o.rateLimit } : {}), ...(o.rateLimitExpensive ? { expensiveMax: o.rateLimitExpensive } : {}), ...(o.rateWindow ? { windowMs: o.rateWindow } : {}) };
    const app = await buildServer({
      db: o.db,
      ...(o.snapshotPoll !== undefined ? { snapshotPollMs: o.snapshotPoll } : {}),
      ...(engine ? { engine } : {}),
      ...(studio ? { studio } : {}),
      logger: { level: process.env.TALENTMATCH_LOG_LEVEL ?? 'info' },
      ...(keys ? { keys: keys.ring } : {}),
      quotas,
      ...(o.audit !== undefined ? { audit: o.audit } : {}),
      auditSync: o.auditSync,
      transport: {
        ...(tls ? { tls } : {}),
        ...(o.corsOrigin ? { corsOrigins: o.corsOrigin } : {}),
        ...(o.trustProxy !== undefined ? { trustProxy: o.trustProxy } : {}),
      },
    });
    // a changed keys file (create, revoke) is picked up within a second; a broken one keeps the old keys
    const keysFile = keys?.file;
    const reload = () => {
      if (!keys || !keysFile) return;
      try {
        keys.ring.replace(readKeysFile(keysFile));
        app.log.info(`reloaded ${keys.ring.size} API keys from ${keysFile}`);
      } catch (e) {
        app.log.error(`keys file ${keysFile} not reloaded, the previous keys stay in force: ${errorMessage(e)}`);
      }
    };
    if (keysFile) watchFile(keysFile, { interval: KEYS_RELOAD_MS, persistent: false }, reload);
    process.on('SIGHUP', reload);
    app.addHook('onClose', async () => {
      if (keysFile) unwatchFile(keysFile, reload);
      process.off('SIGHUP', reload);
    });
    await serveUntilSignal(app, o, (address) => {
      io.err(`talentmatch API listening on ${address} (docs: ${address}/docs; studio: ${address}/studio/; ${keys ? `${keys.ring.size} API keys` : 'NO authentication'})\n`);
    });
    done(EXIT_OK);
  });
}
