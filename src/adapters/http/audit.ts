/**
 * The audit trail: one structured line per request with the key's id (never the key), the
 * route (its pattern, not the raw URL), the entity ids it touched, the status and the time
 * taken. Never profile text, names or descriptions: ids only. Written to the server's log
 * (pino, at info) and, with `--audit FILE`, appended to FILE as JSON Lines.
 */
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';

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
  const add = (v: unknown) => {
    if (typeof v === 'string' && out.length < MAX_IDS) out.push(v);
  };
  const params = req.params as { id?: unknown } | undefined;
  add(params?.id);
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object') {
    const pairs = body.pairs;
    if (Array.isArray(pairs)) {
      for (const p of pairs as { talent?: { id?: unknown }; platform?: { id?: unknown } }[]) {
        add(p?.talent?.id);
        add(p?.platform?.id);
      }
    }
    const talent = body.talent as { id?: unknown } | undefined;
    add(talent?.id);
  }
  return out;
}

export function addAudit(app: FastifyInstance, o: { file?: string }): void {
  let out: WriteStream | undefined;
  if (o.file !== undefined) {
    out = createWriteStream(o.file, { flags: 'a', mode: 0o600 });
    out.on('error', (e) => app.log.error({ err: { message: e.message } }, `audit file ${o.file}: write failed`));
  }
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
  if (out) {
    const stream = out;
    app.addHook('onClose', (_app, done) => {
      stream.end(() => done());
    });
  }
}
