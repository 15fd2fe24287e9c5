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
import { randomFillSync } from 'node:crypto';
import { openSync } from 'node:fs';
import { hostname } from 'node:os';
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
/** pino's levels at which an info line is written */
const INFO_ON: ReadonlySet<string> = new Set(['trace', 'debug', 'info']);

/** The entity ids a request names: path id, and ids (not profiles) of talents/platforms in the body. */
export function touchedIds(req: FastifyRequest): string[] {
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

/** The route's pattern, null when none matched: as the request gate read it (access.ts), else from Fastify. */
const routeOf = (req: FastifyRequest): string | null => (req.routePattern !== undefined ? req.routePattern : (req.routeOptions.url ?? null));

/** (a module function: no closure made per request) */
function addId(out: string[], v: unknown): void {
  if (typeof v === 'string' && out.length < MAX_IDS) out.push(v);
}

/** Request ids drawn from the system's random source at a time (12 random bytes each). */
export const REQUEST_IDS_PER_DRAW = 4096;

/**
 * The request ids of one server: 24 hex digits, 96 random bits from the system's
 * cryptographic random source, e.g. `9e01b7c43f9c0a1b2c4d5e6f` — unique for every practical
 * purpose (two equal ids among a billion: about 1 in 10^11) and telling a client nothing of
 * the server's volume (a counter would, to anyone, a refused request included). The bytes are
 * drawn `REQUEST_IDS_PER_DRAW` ids at a time: a UUID per request (crypto.randomUUID) was
 * ~0.6 KB of heap per cached read (docs/PERFORMANCE.md "API", ninth pass). `random` fills a
 * buffer (tests).
 */
export function requestIds(random: (into: Buffer) => unknown = randomFillSync): () => string {
  const pool = Buffer.alloc(12 * REQUEST_IDS_PER_DRAW);
  let at = pool.length;
  return () => {
    if (at === pool.length) {
      random(pool);
      at = 0;
    }
    const id = pool.toString('hex', at, at + 12);
    at += 12;
    return id;
  };
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

/**
 * JSON.stringify of the AuditLine of these fields, byte for byte, written by a template: no
 * line object and no generic walk of it per request (test/adapters/http/audit.test.ts
 * compares the two over awkward values). Keys in AuditLine's order; strings through
 * JSON.stringify (quotes, escapes); a number that is not finite is null, as JSON writes it.
 */
export function auditLineJson(time: string, requestId: string, keyId: string | null, method: string, route: string | null, status: number, ms: number, ids: readonly string[], ip: string): string {
  let idsJson = '[';
  for (let i = 0; i < ids.length; i++) idsJson += (i > 0 ? ',' : '') + jsonString(ids[i]!);
  return `{"time":${jsonString(time)},"requestId":${jsonString(requestId)},"keyId":${keyId === null ? 'null' : jsonString(keyId)},"method":${jsonString(method)},"route":${route === null ? 'null' : jsonString(route)},"status":${num(status)},"ms":${num(ms)},"ids":${idsJson}],"ip":${jsonString(ip)}}`;
}

/**
 * JSON.stringify(s), byte for byte: quoted as it is when every character is printable ASCII
 * other than '"' and '\\' (an audit line's ids, times, routes, methods, addresses and request
 * ids nearly always are: no escape to look for twice), else JSON.stringify's own escaping.
 * Half the time of JSON.stringify per field in process (the generic serializer's entry is
 * skipped); test/adapters/http/audit.test.ts compares the two over every boundary character.
 */
export function jsonString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return JSON.stringify(s);
  }
  return `"${s}"`;
}

const num = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');

/**
 * The time as Date#toISOString writes it, made once per millisecond (the requests answered in
 * the same millisecond share it): one Date and one formatting less per request under load.
 */
export class IsoClock {
  private ms = Number.NaN;
  private iso = '';

  at(ms: number): string {
    if (ms !== this.ms) {
      this.ms = ms;
      this.iso = new Date(ms).toISOString();
    }
    return this.iso;
  }
}

/**
 * The log's request line as pino writes it with its default options (level, time, base
 * bindings pid and hostname, Fastify's reqId binding, the object's keys, msg), built as
 * text around the audit line's JSON: the per-request path then serializes the line once
 * (for the log and the file both) instead of through pino's generic object walk.
 * test/adapters/http/audit.test.ts checks it against Fastify's own pino output.
 */
export function pinoRequestLine(timeMs: number, bindings: string, requestId: string, auditJson: string): string {
  return `{"level":30,"time":${timeMs}${bindings},"reqId":${jsonString(requestId)},"audit":${auditJson},"msg":"request"}\n`;
}

/** pino's default base bindings of this process, as pinoRequestLine takes them. */
export const defaultPinoBindings = (): string => `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;

/**
 * @param out the audit file (--audit), if any
 * @param logSink the server's log stream when the logger writes there with pino's default
 *   format (buildServer's own stdout sink, level the only option): the request line is then
 *   written to it directly (pinoRequestLine); otherwise through req.log
 */
export function addAudit(app: FastifyInstance, out: LineSink | undefined, logSink?: LineSink): void {
  // at debug level (TALENTMATCH_LOG_LEVEL=debug), a line when a request arrives too: what is in
  // flight (the hook exists only then: a hook that does nothing still costs every request)
  if (app.log.level === 'debug' || app.log.level === 'trace') {
    app.addHook('onRequest', (req, _reply, done) => {
      req.log.debug({ method: req.method, url: req.url }, 'request received');
      done();
    });
  }
  const bindings = defaultPinoBindings();
  const clock = new IsoClock();
  app.addHook('onResponse', (req, reply, done) => {
    if (logSink !== undefined) {
      // the line's JSON written once, by a template, shared by the log and the file
      const now = Date.now();
      const requestId = String(req.id);
      const json = auditLineJson(clock.at(now), requestId, req.principal?.keyId ?? null, req.method, routeOf(req), reply.statusCode, Math.round(reply.elapsedTime * 1000) / 1000, touchedIds(req), req.ip);
      if (INFO_ON.has(app.log.level)) logSink.write(pinoRequestLine(now, bindings, requestId, json));
      if (out) out.write(`${json}\n`);
      return done();
    }
    const line: AuditLine = {
      time: new Date().toISOString(),
      requestId: String(req.id),
      keyId: req.principal?.keyId ?? null,
      method: req.method,
      route: routeOf(req),
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
