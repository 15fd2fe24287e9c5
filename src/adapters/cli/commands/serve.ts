/** serve: the scoring API over HTTP until SIGTERM / SIGINT. */
import type { Command } from 'commander';
import { z } from 'zod';
import { createEngine } from '../../../engine/engine.js';
import type { Engine } from '../../../engine/engine.js';
import type { Outcome } from '../../../domain/schemas.js';
import { loadDataset } from '../../files/dataset.js';
import { TalentmatchError, errorMessage, optionError } from '../../../errors.js';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import { AUDIT_BUFFER, DEFAULT_PG_SNAPSHOT_POLL_MS, KEYS_ENV, KEYS_RELOAD_MS, SERVE_LISTEN, defaultQuotas } from '../../../config/api.js';
import { KeyRing, parseKeysFile, readKeysFile } from '../../http/keys.js';
import { EXIT_OK, parsePositiveInt } from '../common.js';
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

/** Counts and milliseconds of serve: decimal digits, as every integer option (Number() took "0x10" and "1e3"). */
const count = (name: string) => parsePositiveInt(name, 1_000_000_000);
const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

/** proxy-addr's named ranges, which --trust-proxy passes on to Fastify. */
const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);
/**
 * --trust-proxy's addresses: IPs, CIDRs (a prefix length or an IPv4 netmask) or proxy-addr's
 * named ranges, checked here: Fastify's own check failed at start as an internal error (exit 3).
 */
function proxyList(v: string): string[] {
  const out = list(v);
  for (const a of out) {
    const [ip = '', mask, ...rest] = a.split('/');
    const family = isIP(ip);
    const maskOk = mask === undefined || (/^\d{1,3}$/.test(mask) ? Number(mask) <= (family === 4 ? 32 : 128) : family === 4 && isIP(mask) === 4);
    if (!PROXY_RANGES.has(a) && (family === 0 || rest.length > 0 || !maskOk)) {
      throw optionError(`--trust-proxy takes IP addresses, CIDRs (10.0.0.0/8) or loopback, linklocal, uniquelocal, comma-separated; got ${JSON.stringify(a)}`);
    }
  }
  return out;
}

/**
 * The certificate and key of --tls-cert / --tls-key as a TLS context accepts them, checked
 * before the server is built: a file that is not PEM, or a key not of the certificate, failed
 * inside Fastify as an internal error (exit 3) naming neither file.
 */
function checkTls(tls: { cert: Buffer; key: Buffer }, certPath: string, keyPath: string): void {
  try {
    createSecureContext(tls);
  } catch (e) {
    throw new TalentmatchError('E_IO', `--tls-cert ${certPath} and --tls-key ${keyPath} are not a usable PEM certificate and key (${errorMessage(e)})`);
  }
}

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
      .option('--trust-proxy [addrs]', 'behind a reverse proxy: take the client address from X-Forwarded-For of these proxies (comma-separated addresses/CIDRs; no value = every hop)', proxyList)
      .option('--rate-limit <n>', `requests per key per window (default ${defaultQuotas.max})`, count('--rate-limit'))
      .option('--rate-limit-expensive <n>', `requests per key per window on live scoring, match, simulate (default ${defaultQuotas.expensiveMax})`, count('--rate-limit-expensive'))
      .option('--rate-window <ms>', `quota window in milliseconds (default ${defaultQuotas.windowMs})`, count('--rate-window'))
      .option('--snapshot-poll <ms>', `how often to look up the newest complete snapshot (default: every request on SQLite, ${DEFAULT_PG_SNAPSHOT_POLL_MS} ms on PostgreSQL)`, parsePositiveInt('--snapshot-poll', 1_000_000_000, 0)),
  ).action(async (raw: unknown) => {
    const o = parseOptions(schema, raw);
    const keys = loadKeys(o.keys);
    if (!keys && !o.insecureNoAuth && !isLoopback(o.host)) {
      throw optionError(`refusing to serve on ${o.host} without API keys: give --keys FILE (talentmatch keys create), or --insecure-no-auth to expose every route to anyone who can reach the port`);
    }
    if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw optionError('--tls-cert and --tls-key go together');
    const tls = o.tlsCert !== undefined && o.tlsKey !== undefined ? { cert: readPem(o.tlsCert, 'TLS certificate'), key: readPem(o.tlsKey, 'TLS key') } : undefined;
    if (tls) checkTls(tls, o.tlsCert!, o.tlsKey!);
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
