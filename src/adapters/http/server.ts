/**
 * The scoring API (Fastify 5). Reads snapshots from the batch store (SQLite or PostgreSQL;
 * snapshots.ts: a new complete snapshot is picked up without restart) and scores live with
 * an in-process engine built from --data (liveRoutes.ts). This module builds the instance:
 * body parsing, validation, the error handler, access control, quotas, audit, headers, the
 * OpenAPI document, health, readiness and admin status, the bounded close (shutdown.ts);
 * the route groups live beside it.
 *
 * The database must exist and be a talentmatch snapshot store: buildServer rejects with
 * E_IO naming the file (or E_UNAVAILABLE naming the PostgreSQL host) otherwise, so `serve`
 * fails at start instead of answering 503.
 *
 * Errors never carry stacks: 400 with every field path and expectation (the contract's
 * issue style), 404 naming the unknown id, 413 for oversize bodies, 503 until ready,
 * 500 with a request id only. Logs are pino lines with request ids and no profile text.
 */
import Fastify, { LogController } from 'fastify';
import type { FastifyInstance, FastifyError } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler } from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { InputIssue } from '../../errors.js';
import { isTalentmatchError } from '../../errors.js';
import { issuesFromZod } from '../../domain/validate.js';
import { BodyError, parseBody } from './body.js';
import type { Engine } from '../../engine/engine.js';
import { LiveScorer } from '../../engine/live.js';
import { AdminStatus, Health, Readiness, LIMITS, QUICK_CHECKS } from '../../api/schemas.js';
import { defaultQuotas } from '../../config/api.js';
import type { QuotaOptions } from '../../config/api.js';
import type { KeyRing } from './keys.js';
import { ApiError, addRequestGate, allowedMethods, applyRoutePolicies } from './access.js';
import { addAudit, openAuditFile, requestIds } from './audit.js';
import { LineSink } from './lineSink.js';
import { useLazyRequestLoggers } from './lazyLogger.js';
import type { SinkMode } from './lineSink.js';
import { registerCors, transportHeaders } from './transport.js';
import type { TransportOptions } from './transport.js';
import { swaggerOptions, swaggerUiOptions } from './openapi.js';
import { registerStudio } from './studio.js';
import type { StudioOptions } from './studio.js';
import { HttpError, answerClientError, issueBody } from './httpErrors.js';
import { Snapshots, registerSnapshotRoutes } from './snapshots.js';
import { registerLiveRoutes } from './liveRoutes.js';
import { boundClose } from './shutdown.js';

export interface ServerOptions {
  /** the snapshot database `talentmatch batch` writes (a SQLite file or a postgres:// URL); opened read-only, must exist; none (talentmatch studio): the snapshot routes answer 503 */
  db?: string;
  /** how often the latest complete run is looked up, in ms (default: 0 = every request for SQLite, 1000 for PostgreSQL) */
  snapshotPollMs?: number;
  /** engine for live scoring (built from --data); without it the live routes answer 503 */
  engine?: Engine;
  logger?: boolean | Record<string, unknown>;
  /** API keys; undefined = no authentication (serve --insecure-no-auth, or loopback without keys) */
  keys?: KeyRing;
  /** per-key quotas (defaults: src/config/api.ts) */
  quotas?: Partial<QuotaOptions>;
  /** append the audit trail to this file as JSON Lines */
  audit?: string;
  /**
   * write each request's log and audit line as the request completes (serve --audit-sync);
   * default: in batches (adapters/http/lineSink.ts: by size, every AUDIT_BUFFER.flushMs, at close and exit)
   */
  auditSync?: boolean;
  /** TLS, CORS, security headers, proxy trust */
  transport?: TransportOptions;
  /** the clock of key expiry (tests) */
  now?: () => number;
  /** the analyst studio's outcomes and data source (adapters/http/studio.ts) */
  studio?: Omit<StudioOptions, 'engine'>;
  /** how long a close waits for in-flight requests before destroying the connections left, ms (default LIMITS.closeGraceMs; shutdown.ts) */
  closeGraceMs?: number;
}

export async function buildServer(o: ServerOptions): Promise<FastifyInstance> {
  const quotas = { ...defaultQuotas, ...o.quotas };
  const sinkMode: SinkMode = o.auditSync ? 'sync' : 'buffered';
  // the log to stdout through a LineSink (batched unless auditSync); a logger given its own stream or file keeps it
  let logSink: LineSink | undefined;
  let logger = o.logger ?? false;
  if (logger !== false && (logger === true || (logger.stream === undefined && logger.file === undefined))) {
    logSink = new LineSink(1, sinkMode, { onError: (reason, lost) => void process.stderr.write(`talentmatch: the log could not be written (${reason}); ${lost} lines lost\n`) });
    logger = { ...(logger === true ? {} : logger), stream: logSink };
  }
  // pino's default format on our own sink (no option but the level): the audit writes its request line there itself
  const plainLog = logSink !== undefined && (o.logger === true || Object.keys(o.logger as object).every((k) => k === 'level'));
  const app = Fastify({
    logger,
    logController: new LogController({ disableRequestLogging: true }), // audit.ts logs one line per request
    ...((o.transport?.tls ? { https: o.transport.tls } : {}) as object), // the instance stays typed as HTTP/1 (same API)
    ...(o.transport?.trustProxy !== undefined ? { trustProxy: o.transport.trustProxy } : {}),
    bodyLimit: LIMITS.bodyBytes,
    requestTimeout: LIMITS.requestTimeoutMs,
    connectionTimeout: LIMITS.connectionTimeoutMs,
    keepAliveTimeout: LIMITS.keepAliveTimeoutMs,
    genReqId: requestIds(),
    // a request refused by Node's parser (malformed, headers too large, too slow) answered in the API's error format
    clientErrorHandler: answerClientError,
    // errors raised before routing (a malformed URL, an id longer than a route parameter may
    // be) would echo the whole URL back: answer them briefly
    frameworkErrors: (error, req, reply) => {
      const status = (error as { statusCode?: number }).statusCode ?? 400;
      const msg = error.message.length > 2 * LIMITS.echoedId ? `${error.message.slice(0, 2 * LIMITS.echoedId)}...` : error.message;
      void (reply as unknown as { code(n: number): { send(b: unknown): unknown } }).code(status >= 400 && status < 500 ? status : 400).send({ error: status === 414 ? 'uri_too_long' : 'bad_request', message: msg, requestId: String(req.id) });
    },
  }).withTypeProvider<ZodTypeProvider>();

  // request loggers made on first use (most requests log nothing of their own); before any route
  if (logger !== false) useLazyRequestLoggers(app);

  // unknown routes (and ids longer than a route parameter may be) echo the path truncated; a
  // known path asked with a method it does not answer is a 405 naming the ones it does
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.length > 2 * LIMITS.echoedId ? `${req.url.slice(0, 2 * LIMITS.echoedId)}...` : req.url;
    const allow = allowedMethods(req.url);
    if (allow.length > 0) return reply.code(405).header('allow', allow.join(', ')).send({ error: 'method_not_allowed', message: `${req.method} is not allowed on ${url}: ${allow.join(', ')}`, requestId: String(req.id) });
    return reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${url}`, requestId: String(req.id) });
  });

  // JSON bodies only (Fastify's own text/plain parser handed a string body to the schema: a
  // 400 "expected object, received string" where the contract says 415): nesting bounded
  // before parsing, prototype keys refused with their path
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseBody(body as string, LIMITS.bodyDepth));
    } catch (e) {
      done(e as Error, undefined);
    }
  });

  // validation: zod, reported in the contract's style (path, expectation, value found)
  app.setValidatorCompiler(({ schema, httpPart }) => {
    // the cached read's id and k: a quick check first (QUICK_CHECKS), the schema when it says no
    const quick = QUICK_CHECKS.get(schema as z.ZodType);
    return (data: unknown) => {
      const v = quick?.(data);
      if (v !== undefined) return { value: v };
      const r = (schema as z.ZodType).safeParse(data);
      if (r.success) return { value: r.data };
      const err = Object.assign(new Error('invalid request'), { statusCode: 400, requestIssues: issuesFromZod(r.error, data, { file: `request ${httpPart ?? 'body'}` }) });
      // issueBody lists at most LIMITS.issues of them and counts the rest
      return { error: err };
    };
  });
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((error: FastifyError & { requestIssues?: InputIssue[] }, req, reply) => {
    const requestId = String(req.id);
    if (error instanceof ApiError) return reply.code(error.statusCode).send({ ...error.body, requestId });
    if (error instanceof HttpError) return reply.code(error.statusCode).send({ ...error.body, requestId });
    if (error instanceof BodyError) {
      if (error.issue) return reply.code(400).send({ ...issueBody([error.issue], error.message), requestId });
      return reply.code(400).send({ error: 'bad_json', message: error.message, requestId });
    }
    if (error.requestIssues) return reply.code(400).send({ ...issueBody(error.requestIssues, `invalid ${error.validationContext ?? 'request'}`), requestId });
    if (isTalentmatchError(error)) {
      if (error.code === 'E_INPUT') return reply.code(400).send({ ...issueBody(error.issues, error.message, error.omitted), requestId });
      if (error.code === 'E_UNKNOWN_ID') return reply.code(404).send({ error: 'not_found', message: error.message.length > 200 ? `${error.message.slice(0, 200)}...` : error.message, requestId });
      if (error.code === 'E_OPTION' || error.code === 'E_UNSUPPORTED') return reply.code(400).send({ error: 'bad_request', message: error.message, requestId });
      if (error.code === 'E_INFEASIBLE') return reply.code(422).send({ error: 'infeasible', message: error.message, requestId });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ error: 'payload_too_large', message: `body larger than ${LIMITS.bodyBytes} bytes`, requestId });
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send({ error: 'unsupported_media_type', message: 'send application/json', requestId });
    if (error.statusCode === 400 || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError) {
      return reply.code(400).send({ error: 'bad_json', message: `malformed JSON body: ${error.message}`, requestId });
    }
    req.log.error({ err: { code: error.code, message: error.message } }, 'unhandled error');
    return reply.code(500).send({ error: 'internal', message: 'internal error', requestId });
  });

  // access control and quotas (access.ts, quotas.ts: synchronous hooks: the gate, then each scoped
  // route's quota after every global hook), audit, headers (each in its module; route policies
  // before any route)
  applyRoutePolicies(app, quotas);
  addRequestGate(app, { keys: o.keys, ...(o.now ? { now: o.now } : {}), headers: transportHeaders(o.transport ?? {}) });
  const auditSink = o.audit !== undefined ? openAuditFile(o.audit, sinkMode, app.log) : undefined;
  addAudit(app, auditSink, plainLog ? logSink : undefined);
  // the close, bounded: connections with no request begun closed at once, requests in flight
  // answered (their connections then ended), whatever is still open after the grace destroyed
  // (shutdown.ts; its onResponse hook after the audit's, before any route)
  boundClose(app, o.closeGraceMs ?? LIMITS.closeGraceMs);
  await registerCors(app, o.transport ?? {});

  await app.register(swagger, swaggerOptions(jsonSchemaTransform));
  await app.register(swaggerUi, swaggerUiOptions);

  // opened at start: a missing, corrupt or foreign file fails `serve` at once (E_IO naming it)
  let snaps: Snapshots;
  try {
    snaps = await Snapshots.open(o.db, o.snapshotPollMs, app.log);
  } catch (e) {
    auditSink?.close();
    logSink?.close();
    throw e;
  }
  const live = o.engine ? new LiveScorer(o.engine) : undefined;

  app.get('/healthz', { schema: { response: { 200: Health } } }, async () => ({ status: 'ok' as const }));
  app.get('/readyz', { schema: { response: { 200: Readiness, 503: Readiness } } }, async (_req, reply) => {
    if (!snaps.configured) return reply.code(503).send({ status: 'not_ready', snapshot: null, model: live !== undefined, reason: 'no snapshot database (started without --db)' });
    let run;
    try {
      run = await snaps.latest();
    } catch {
      return reply.code(503).send({ status: 'not_ready', snapshot: null, model: live !== undefined, reason: 'snapshot database unreadable (see the server log)' });
    }
    const ready = run !== undefined && live !== undefined;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', snapshot: run?.id ?? null, model: live !== undefined, ...(snaps.fault && !run ? { reason: 'snapshot database unreadable (see the server log)' } : {}) });
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerSnapshotRoutes(app, snaps);
  registerLiveRoutes(app, { engine: o.engine, live });
  await registerStudio(app, { ...o.studio, engine: o.engine });

  const started = Date.now();
  app.get('/v1/admin/status', { schema: { response: { 200: AdminStatus } } }, async () => {
    let run;
    try {
      run = snaps.configured ? await snaps.latest() : undefined;
    } catch {
      run = undefined; // unreadable: reported as no snapshot (the log names the reason)
    }
    return {
      snapshot: run ? { runId: run.id } : null,
      model: live !== undefined,
      auth: o.keys !== undefined,
      keys: o.keys?.size ?? 0,
      quotas,
      uptimeSec: Math.round((Date.now() - started) / 1000),
    };
  });

  app.addHook('onClose', async () => {
    await snaps.close();
    logSink?.close(); // what the log holds is written; later lines go one at a time
  });
  return app;
}
