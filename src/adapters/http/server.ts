/**
 * The scoring API (Fastify 5). Reads snapshots from the batch store (SQLite or PostgreSQL)
 * and scores live with an in-process engine built from --data. A new complete snapshot is
 * picked up without restart: the latest complete run id is looked up at most every
 * `snapshotPollMs` (SQLite: every request; PostgreSQL: every second by default, so replicas
 * on several hosts switch within a second of each other); cached reads are keyed by run id,
 * so a new run never serves stale entries, and a run is only ever read once it is complete.
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
import type { FastifyInstance, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler } from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { LRUCache } from 'lru-cache';
import { randomUUID } from 'node:crypto';
import type { InputIssue } from '../../errors.js';
import { inputError, isTalentmatchError } from '../../errors.js';
import { resolveDecisions } from '../../domain/decisions.js';
import { issuesFromZod } from '../../domain/validate.js';
import { BodyError, parseBody } from './body.js';
import type { Engine } from '../../engine/engine.js';
import { createEngine } from '../../engine/engine.js';
import { LiveScorer } from '../../engine/live.js';
import { assignmentRecord, recordContext } from '../../engine/formatAssignment.js';
import type { ReferralLine } from '../../engine/formatAssignment.js';
import { describeDb, isPostgresUrl, openStore } from '../../store/open.js';
import type { Awaitable, SnapshotStore } from '../../store/types.js';
import {
  AdminStatus,
  DirectionQuery,
  Health,
  Readiness,
  ErrorBody,
  IdParams,
  InlineRecommendRequest,
  KQuery,
  LIMITS,
  MatchRequest,
  RecommendationLine,
  ScoreRequest,
  ScoreResponse,
  SimulateRequest,
} from '../../api/schemas.js';
import type { SimSide } from '../../simulation/simulate.js';
import { simulateBaseline, simulateScenario } from '../../simulation/simulate.js';
import type { MilpSolver } from '../../matching/optimal.js';
import { loadHighsSolver } from '../../solvers/highs.js';
import { DEFAULT_PG_SNAPSHOT_POLL_MS, defaultQuotas } from '../../config/api.js';
import type { QuotaOptions } from '../../config/api.js';
import type { KeyRing } from './keys.js';
import { ApiError, addAuthHook, applyRoutePolicies, boundPlatform, forbidden } from './access.js';
import { registerQuotas } from './quotas.js';
import { addAudit } from './audit.js';
import { registerTransport } from './transport.js';
import type { TransportOptions } from './transport.js';
import { swaggerOptions, swaggerUiOptions } from './openapi.js';
import { registerStudio } from './studio.js';
import type { StudioOptions } from './studio.js';

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
  /** TLS, CORS, security headers, proxy trust */
  transport?: TransportOptions;
  /** the clock of key expiry (tests) */
  now?: () => number;
  /** the analyst studio's outcomes and data source (adapters/http/studio.ts) */
  studio?: Omit<StudioOptions, 'engine'>;
}

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: z.infer<typeof ErrorBody>,
  ) {
    super(body.message);
  }
}

/** An id as echoed back: at most LIMITS.echoedId characters (a 1 MB id was echoed whole). */
const echo = (id: string) => (id.length > LIMITS.echoedId ? `${id.slice(0, LIMITS.echoedId)}...` : id);
const notFound = (what: string, id: string) => new HttpError(404, { error: 'not_found', message: `unknown ${what} id ${JSON.stringify(echo(id))}`, id: echo(id) });
/** A 400 body: at most LIMITS.issues issues listed, the rest counted in `omitted`. */
const issueBody = (issues: readonly InputIssue[], message: string, omitted = 0) => {
  const shown = issues.slice(0, LIMITS.issues);
  const more = omitted + issues.length - shown.length;
  return {
    error: 'bad_request',
    message,
    issues: shown.map((i) => ({ where: i.file + (i.index !== undefined ? `[${i.index}]` : i.line !== undefined ? `:${i.line}` : ''), path: i.path, expected: i.expected, got: i.got })),
    ...(more > 0 ? { omitted: more } : {}),
  };
};
/** The store could not be read (corrupt, truncated, removed): 503, never 500. */
const storeUnavailable = () => new HttpError(503, { error: 'not_ready', message: 'the snapshot database cannot be read; see the server log' });

export async function buildServer(o: ServerOptions): Promise<FastifyInstance> {
  // opened at start: a missing, corrupt or foreign file fails `serve` at once (E_IO naming it);
  // a file that goes bad later answers 503 and is reopened on the next request
  const initial = o.db === undefined ? undefined : await openStore(o.db, { readonly: true });
  const pollMs = o.snapshotPollMs ?? (o.db !== undefined && isPostgresUrl(o.db) ? DEFAULT_PG_SNAPSHOT_POLL_MS : 0);
  const quotas = { ...defaultQuotas, ...o.quotas };
  const app = Fastify({
    logger: o.logger ?? false,
    logController: new LogController({ disableRequestLogging: true }), // audit.ts logs one line per request
    ...((o.transport?.tls ? { https: o.transport.tls } : {}) as object), // the instance stays typed as HTTP/1 (same API)
    ...(o.transport?.trustProxy !== undefined ? { trustProxy: o.transport.trustProxy } : {}),
    bodyLimit: LIMITS.bodyBytes,
    requestTimeout: LIMITS.requestTimeoutMs,
    genReqId: () => randomUUID(),
    // errors raised before routing (a malformed URL, an id longer than a route parameter may
    // be) would echo the whole URL back: answer them briefly
    frameworkErrors: (error, req, reply) => {
      const status = (error as { statusCode?: number }).statusCode ?? 400;
      const msg = error.message.length > 2 * LIMITS.echoedId ? `${error.message.slice(0, 2 * LIMITS.echoedId)}...` : error.message;
      void (reply as unknown as { code(n: number): { send(b: unknown): unknown } }).code(status >= 400 && status < 500 ? status : 400).send({ error: status === 414 ? 'uri_too_long' : 'bad_request', message: msg, requestId: String(req.id) });
    },
  }).withTypeProvider<ZodTypeProvider>();

  // unknown routes (and ids longer than a route parameter may be) echo the path truncated
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.length > 2 * LIMITS.echoedId ? `${req.url.slice(0, 2 * LIMITS.echoedId)}...` : req.url;
    return reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${url}`, requestId: String(req.id) });
  });

  // JSON bodies: nesting bounded before parsing, prototype keys refused with their path
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseBody(body as string, LIMITS.bodyDepth));
    } catch (e) {
      done(e as Error, undefined);
    }
  });

  // validation: zod, reported in the contract's style (path, expectation, value found)
  app.setValidatorCompiler(({ schema, httpPart }) => (data: unknown) => {
    const r = (schema as z.ZodType).safeParse(data);
    if (r.success) return { value: r.data };
    const err = Object.assign(new Error('invalid request'), { statusCode: 400, requestIssues: issuesFromZod(r.error, data, { file: `request ${httpPart ?? 'body'}` }) });
    // issueBody lists at most LIMITS.issues of them and counts the rest
    return { error: err };
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

  // access control, quotas, audit, headers (each in its module; the order of the hooks matters:
  // route policies before any route, the key check before the quota that counts per key)
  applyRoutePolicies(app, quotas);
  addAuthHook(app, o.keys, o.now);
  await registerQuotas(app, quotas);
  addAudit(app, o.audit !== undefined ? { file: o.audit } : {});
  await registerTransport(app, o.transport ?? {});

  await app.register(swagger, swaggerOptions(jsonSchemaTransform));
  await app.register(swaggerUi, swaggerUiOptions);

  // ---- snapshot access ----
  let store: SnapshotStore | undefined = initial;
  let opening: Promise<SnapshotStore | undefined> | undefined;
  let storeFault: string | undefined;
  /** A database that fails to open or read: logged once per distinct reason, closed, retried on the next request. */
  const storeFailed = (e: unknown): HttpError => {
    const why = `${describeDb(o.db ?? '(none)')}: ${(e as { code?: string }).code ?? 'error'}: ${(e as Error).message}`;
    if (why !== storeFault) app.log.error({ db: describeDb(o.db ?? '(none)'), reason: why }, 'snapshot database unreadable');
    storeFault = why;
    const s = store;
    store = undefined;
    polled = undefined;
    void Promise.resolve()
      .then(() => s?.close())
      .catch(() => undefined); // already unusable
    return storeUnavailable();
  };
  const openStoreOnce = async (): Promise<SnapshotStore | undefined> => {
    if (store) return store;
    const db = o.db;
    if (db === undefined) return undefined;
    opening ??= openStore(db, { readonly: true }).then(
      (s) => {
        store = s;
        return s;
      },
      (e: unknown) => {
        storeFailed(e);
        return undefined;
      },
    );
    try {
      return await opening;
    } finally {
      opening = undefined;
    }
  };
  /** Runs a read of the store; any database failure becomes a 503 (and a log line), never a 500. */
  const guarded = async <T>(fn: () => Awaitable<T>): Promise<T> => {
    try {
      const v = await fn();
      storeFault = undefined;
      return v;
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw storeFailed(e);
    }
  };
  const cache = new LRUCache<string, { v: unknown }>({ max: 10_000 });
  let servedRun = -1;
  /** the latest complete run as last looked up, and when (shared by concurrent requests) */
  let polled: { at: number; run: Promise<number | undefined> } | undefined;
  const latestRun = async (): Promise<number> => {
    if (o.db === undefined) throw new HttpError(503, { error: 'not_ready', message: 'no snapshot database: the server was started without --db' });
    const now = Date.now();
    if (!polled || now - polled.at >= pollMs) {
      const lookup = (async () => {
        const s = await openStoreOnce();
        if (!s) throw storeUnavailable(); // it could be opened at start: it went bad since
        return (await guarded(() => s.latestComplete()))?.id;
      })();
      polled = { at: now, run: lookup };
      lookup.catch(() => {
        if (polled?.run === lookup) polled = undefined; // a failed lookup is not remembered
      });
    }
    const id = await polled.run;
    if (id === undefined) throw new HttpError(503, { error: 'not_ready', message: 'no complete snapshot yet' });
    if (id !== servedRun) {
      servedRun = id;
      cache.clear(); // a new snapshot: drop entries of the old one
    }
    return id;
  };
  /**
   * Reads through the cache. A complete run's rows never change, so a value found is the
   * run's; a value not found is an unknown id, unless a prune removed the run meanwhile:
   * then the latest run is looked up again and the read retried once.
   */
  const snapshotRead = async <T>(key: string, read: (s: SnapshotStore, runId: number) => Awaitable<T | undefined>): Promise<{ runId: number; value: T | undefined }> => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const runId = await latestRun();
      const k = `${runId}\u0000${key}`;
      const hit = cache.get(k);
      if (hit) return { runId, value: hit.v as T | undefined };
      const s = await openStoreOnce();
      if (!s) throw storeUnavailable();
      const v = await guarded(() => read(s, runId));
      if (v !== undefined) {
        cache.set(k, { v });
        return { runId, value: v };
      }
      if ((await guarded(() => s.run(runId)))?.status === 'complete') return { runId, value: undefined };
      polled = undefined; // the run is gone: look up the latest again
    }
    throw new HttpError(503, { error: 'not_ready', message: 'the snapshot changed during the request; retry' });
  };

  const live = o.engine ? new LiveScorer(o.engine) : undefined;
  const needLive = () => {
    if (!live) throw new HttpError(503, { error: 'not_ready', message: 'live scoring needs the server started with --data' });
    return live;
  };

  app.get('/healthz', { schema: { response: { 200: Health } } }, async () => ({ status: 'ok' as const }));
  app.get('/readyz', { schema: { response: { 200: Readiness, 503: Readiness } } }, async (_req, reply) => {
    if (o.db === undefined) return reply.code(503).send({ status: 'not_ready', snapshot: null, model: live !== undefined, reason: 'no snapshot database (started without --db)' });
    let run;
    try {
      const s = await openStoreOnce();
      if (!s) throw storeUnavailable();
      run = await guarded(() => s.latestComplete());
    } catch {
      return reply.code(503).send({ status: 'not_ready', snapshot: null, model: live !== undefined, reason: 'snapshot database unreadable (see the server log)' });
    }
    const ready = run !== undefined && live !== undefined;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', snapshot: run?.id ?? null, model: live !== undefined, ...(storeFault && !run ? { reason: 'snapshot database unreadable (see the server log)' } : {}) });
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.post('/v1/score', { schema: { body: ScoreRequest, response: { 200: ScoreResponse } } }, async (req) => {
    const bound = boundPlatform(req);
    if (bound !== undefined && req.body.pairs.some((p) => p.platform.id !== bound)) throw forbidden(`key ${req.principal!.keyId} is bound to platform ${JSON.stringify(bound)}: every pair's platform must be {"id": ${JSON.stringify(bound)}}`);
    const scorer = needLive();
    const results = req.body.pairs.map((pair, i) => {
      const t = pair.talent.id !== undefined ? { id: pair.talent.id } : { profile: pair.talent.profile };
      const p = pair.platform.id !== undefined ? { id: pair.platform.id } : { profile: pair.platform.profile };
      const e = scorer.score(t, p, `request body pairs[${i}]`);
      return { acceptable: e.acceptable, ...(e.reason ? { reason: e.reason } : {}), talentScore: e.talentScore, platformScore: e.platformScore, score: e.score, why: e.why };
    });
    return { results };
  });

  app.post('/v1/talents/recommendations', { schema: { body: InlineRecommendRequest, response: { 200: RecommendationLine } } }, async (req) =>
    needLive().recommend(req.body.talent, req.body.k, 'request body talent'),
  );

  const lineAt = async (s: SnapshotStore, run: number, side: 'talent' | 'platform', id: string) => {
    const line = await s.recommendationLine(run, side, id);
    return line === undefined ? undefined : (JSON.parse(line) as z.infer<typeof RecommendationLine>);
  };
  const readLine = (side: 'talent' | 'platform', id: string) => snapshotRead(`${side}:${id}`, (s, run) => lineAt(s, run, side, id));
  const sideLine = (side: 'talent' | 'platform') => async (req: { params: { id: string }; query: { k: number }; principal: FastifyRequest['principal'] }, reply: FastifyReply) => {
    const bound = req.principal?.platform;
    if (bound !== undefined) {
      // a platform-bound key: its own list, and the talents on it (seeing only its own item)
      const allowed = side === 'platform' ? req.params.id === bound : ((await readLine('platform', bound)).value?.items.some((it) => it.id === req.params.id) ?? false);
      if (!allowed) throw forbidden(`key ${req.principal!.keyId} is bound to platform ${JSON.stringify(bound)} and may not read ${side} ${JSON.stringify(req.params.id)}`);
    }
    // the answer's bytes, cached per (run, side, id, k, binding): a hit is one Map lookup, no parse and no serializer
    // read from the run the answer is labelled with (x-snapshot-run), even when a new one is published meanwhile
    const { runId, value } = await snapshotRead(`${side}:${req.params.id}:${req.query.k}:${bound ?? ''}`, async (s, run) => {
      const line = await lineAt(s, run, side, req.params.id);
      if (!line) return undefined;
      const items = bound !== undefined && side === 'talent' ? line.items.filter((it) => it.id === bound) : line.items;
      return Buffer.from(JSON.stringify({ side: line.side, id: line.id, items: items.slice(0, req.query.k) }));
    });
    if (!value) throw notFound(side, req.params.id);
    reply.header('x-snapshot-run', String(runId));
    // ready bytes: Fastify sends a Buffer as is (the response schema documents it, the zod serializer is skipped)
    return reply.type('application/json; charset=utf-8').send(value);
  };
  app.get('/v1/talents/:id/recommendations', { schema: { params: IdParams, querystring: KQuery, response: { 200: RecommendationLine } } }, sideLine('talent'));
  app.get('/v1/platforms/:id/recommendations', { schema: { params: IdParams, querystring: KQuery, response: { 200: RecommendationLine } } }, sideLine('platform'));

  app.get('/v1/assignment', async (_req, reply) => {
    const { runId, value } = await snapshotRead('assignment', (s, run) => s.artifact(run, 'assignment.json'));
    reply.header('x-snapshot-run', String(runId)).type('application/json');
    return value ?? '{}';
  });

  const referralLines = () => snapshotRead('referrals', async (s, run) => ((await s.artifact(run, 'referrals.jsonl')) ?? '').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ReferralLine));
  app.get('/v1/referrals', { schema: { querystring: DirectionQuery } }, async (req, reply) => {
    const { runId, value } = await referralLines();
    reply.header('x-snapshot-run', String(runId));
    const dir = req.query.direction;
    const bound = boundPlatform(req);
    return { runId, referrals: (value ?? []).filter((r) => (!dir || r.direction === dir) && (bound === undefined || (r as { platformId?: string }).platformId === bound)) };
  });
  // one platform's two lines: what it puts forward (hosted + introduced) and what it is introduced (with its reserve)
  app.get('/v1/platforms/:id/referrals', { schema: { params: IdParams } }, async (req, reply) => {
    const bound = boundPlatform(req);
    if (bound !== undefined && bound !== req.params.id) throw forbidden(`key ${req.principal!.keyId} is bound to platform ${JSON.stringify(bound)} and may not read platform ${JSON.stringify(req.params.id)}`);
    const { runId, value } = await referralLines();
    const mine = (value ?? []).filter((r) => r.direction !== 'support-budget' && r.platformId === req.params.id);
    if (mine.length === 0) throw notFound('platform', req.params.id);
    reply.header('x-snapshot-run', String(runId));
    return { runId, platformId: req.params.id, toGovernment: mine.find((r) => r.direction === 'platform-to-government'), toPlatform: mine.find((r) => r.direction === 'government-to-platform') };
  });
  // the support budget's allocation; 404 when the snapshot's policy set no budget
  app.get('/v1/referrals/budget', async (_req, reply) => {
    const { runId, value } = await referralLines();
    const b = (value ?? []).find((r) => r.direction === 'support-budget');
    if (!b) throw new HttpError(404, { error: 'not_found', message: 'the snapshot has no support budget (policy.supportBudgetYuan not set)' });
    reply.header('x-snapshot-run', String(runId));
    return { runId, ...b };
  });

  app.post('/v1/match', { schema: { body: MatchRequest } }, async (req) => {
    const b = req.body;
    // the taxonomy and policy: the body's, else those of the dataset the server was started with
    const industries = b.industries ?? o.engine?.data.industries;
    const policy = b.policy ?? o.engine?.data.policy;
    const missing = [industries === undefined ? 'industries' : '', policy === undefined ? 'policy' : ''].filter(Boolean);
    if (missing.length > 0) {
      const expected = (what: string) => `${what} in the body (the server was started without --data, so it has none of its own; see docs/data-contract.md)`;
      throw inputError(missing.map((path) => ({ file: 'request body', path, expected: expected(path === 'industries' ? 'an array of industries' : 'a policy object'), got: 'missing' })));
    }
    const engine = createEngine(
      {
        industries: industries as never,
        platforms: b.platforms as never,
        talents: b.talents as never,
        policy: policy as never,
        ...(b.weights !== undefined ? { weights: b.weights as never } : o.engine ? { weights: o.engine.weights } : {}),
      },
      {},
    );
    const m = engine.model;
    const index = (ids: ArrayLike<string>) => new Map(Array.from({ length: ids.length }, (_, i) => [ids[i], i] as const));
    const decisions = b.decisions ? resolveDecisions(b.decisions, index(m.talents.ids), index(m.platforms.ids), 'request body decisions') : undefined;
    const a = engine.match({ mode: b.mode, proposer: b.proposer, milpMaxPairs: LIMITS.matchMilpMaxPairs, timeLimitSec: LIMITS.matchTimeLimitSec, now: () => performance.now(), ...(decisions ? { decisions } : {}) });
    return assignmentRecord(recordContext(engine), a);
  });

  // what-if on the server's dataset: the baseline per assignment option set is computed once
  const baselines = new LRUCache<string, SimSide>({ max: 4 });
  let solver: MilpSolver | undefined;
  app.post('/v1/simulate', { schema: { body: SimulateRequest } }, async (req) => {
    if (!o.engine) throw new HttpError(503, { error: 'not_ready', message: 'simulate needs the server started with --data' });
    const b = req.body;
    if (b.mode === 'optimal') solver ??= await loadHighsSolver();
    const opts = { assign: { mode: b.mode, proposer: b.proposer, maxPrefs: b.maxPrefs, timeLimitSec: LIMITS.matchTimeLimitSec, ...(b.mode === 'optimal' ? { solver } : {}) }, topK: b.top };
    const key = `${b.mode}/${b.proposer}/${b.maxPrefs}`;
    let baseline = baselines.get(key);
    if (!baseline) baselines.set(key, (baseline = simulateBaseline(o.engine, opts)));
    const diffs = (b.scenarios ?? [b.scenario!]).map((s) => simulateScenario(o.engine!, baseline, s, opts).diff);
    return b.scenario ? diffs[0] : { diffs };
  });

  await registerStudio(app, { ...o.studio, engine: o.engine });

  const started = Date.now();
  app.get('/v1/admin/status', { schema: { response: { 200: AdminStatus } } }, async () => {
    let run;
    try {
      const s = await openStoreOnce();
      run = s ? await guarded(() => s.latestComplete()) : undefined;
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
    await store?.close();
  });
  return app;
}
