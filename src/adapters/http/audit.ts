/**
 * The audit trail: one structured line per request with the key's id (never the key), the
 * route (its pattern, not the raw URL), the entity ids it touched, the status and the time
 * taken. Never profile text, names or descriptions: ids only. Written to the server's log
 * (pino, at info) and, with `--audit FILE`, appended to FILE as JSON Lines.
 *
 * Both are written through a LineSink (lineSink.ts): in batches by default (flushed by
 * size, by time, at close and at exit; what a killed process can lose is bounded there), or
 * one line per request with `--audit-sync`. The file is opened when the server is built: an
 * audit file that cannot be opened stops `serve` at start (E_IO naming it).
 */
import { openSync } from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TalentmatchError } from '../../errors.js';
import { LineSink } from './lineSink.js';
import type { SinkMode } from './lineSink.js';

export interface AuditLine {
  time: string;
  requestId: string;
  keyId: string | null;
  method: string;
  route: string | null;
  status: number;
  ms: number;
  ids: string[];
  ip: string;
}

const MAX_IDS = 50;

/** The entity ids a request names: path id, and ids (not profiles) of talents/platforms in the body. */
function touchedIds(req: FastifyRequest): string[] {
  const out: string[] = [];
  const params = req.params as { id?: unknown } | undefined;
  addId(out, params?.id);
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object') {
    const pairs = body.pairs;
    if (Array.isArray(pairs)) {
      for (const p of pairs as { talent?: { id?: unknown }; platform?: { id?: unknown } }[]) {
        addId(out, p?.talent?.id);
        addId(out, p?.platform?.id);
      }
    }
    const talent = body.talent as { id?: unknown } | undefined;
    addId(out, talent?.id);
  }
  return out;
}

/** (a module function: no closure made per request) */
function addId(out: string[], v: unknown): void {
  if (typeof v === 'string' && out.length < MAX_IDS) out.push(v);
}

/** Opens the audit file for appending (created readable by its owner only); E_IO naming it when it cannot be. */
export function openAuditFile(file: string, mode: SinkMode, log: FastifyInstance['log']): LineSink {
  let fd: number;
  try {
    fd = openSync(file, 'a', 0o600);
  } catch (e) {
    throw new TalentmatchError('E_IO', `cannot open the audit file ${file}: ${(e as Error).message}`);
  }
  return new LineSink(fd, mode, { ownsFd: true, onError: (reason, lost) => log.error({ lost }, `audit file ${file}: write failed (${reason}); ${lost} lines not written`) });
}

export function addAudit(app: FastifyInstance, out: LineSink | undefined): void {
  // at debug level (TALENTMATCH_LOG_LEVEL=debug), a line when a request arrives too: what is in
  // flight (the hook exists only then: a hook that does nothing still costs every request)
  if (app.log.level === 'debug' || app.log.level === 'trace') {
    app.addHook('onRequest', (req, _reply, done) => {
      req.log.debug({ method: req.method, url: req.url }, 'request received');
      done();
    });
  }
  app.addHook('onResponse', (req, reply, done) => {
    const line: AuditLine = {
      time: new Date().toISOString(),
      requestId: String(req.id),
      keyId: req.principal?.keyId ?? null,
      method: req.method,
      route: req.routeOptions.url ?? null,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 1000) / 1000,
      ids: touchedIds(req),
      ip: req.ip,
    };
    req.log.info({ audit: line }, 'request');
    if (out) out.write(`${JSON.stringify(line)}\n`);
    done();
  });
  if (out) app.addHook('onClose', (_app, done) => (out.close(), done()));
}
