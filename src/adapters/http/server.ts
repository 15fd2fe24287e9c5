/**
 * The scoring API (Fastify 5). Reads snapshots from the batch store and scores live with an
 * in-process engine built from --data. A new complete snapshot is picked up on the next
 * request (the latest complete run id is looked up per request; cached reads are keyed by
 * run id, so a new run never serves stale entries).
 *
 * The database must exist and be a talentmatch snapshot store: buildServer rejects with
 * E_IO naming the file otherwise, so `serve` fails at start instead of answering 503.
 *
 * Errors never carry stacks: 400 with every field path and expectation (the contract's
 * issue style), 404 naming the unknown id, 413 for oversize bodies, 503 until ready,
 * 500 with a request id only. Logs are pino lines with request ids and no profile text.
 */
import Fastify from 'fastify';
import type { FastifyInstance, FastifyError } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler } from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { LRUCache } from 'lru-cache';
import { randomUUID } from 'node:crypto';
import type { InputIssue } from '../../errors.js';
import { inputError, isTalentmatchError } from '../../errors.js';
import { issuesFromZod } from '../../domain/validate.js';
import type { Engine } from '../../engine/engine.js';
import { createEngine } from '../../engine/engine.js';
import { LiveScorer } from '../../engine/live.js';
import { assignmentRecord, recordContext } from '../../engine/formatAssignment.js';
import { Store } from '../../store/store.js';
import {
  DirectionQuery,
  ErrorBody,
  IdParams,
  InlineRecommendRequest,
  KQuery,
  LIMITS,
  MatchRequest,
  RecommendationLine,
  ScoreRequest,
  ScoreResponse,
} from '../../api/schemas.js';

export interface ServerOptions {
  /** the snapshot database `talentmatch batch` writes; opened read-only, must exist */
  db: string;
  /** engine for live scoring (built from --data); without it the live routes answer 503 */
  engine?: Engine;
  logger?: boolean | Record<string, unknown>;
}

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: z.infer<typeof ErrorBody>,
  ) {
    super(body.message);
  }
}

const notFound = (what: string, id: string) => new HttpError(404, { error: 'not_found', message: `unknown ${what} id ${JSON.stringify(id)}`, id });
const issueBody = (issues: readonly InputIssue[], message: string) => ({
  error: 'bad_request',
  message,
  issues: issues.map((i) => ({ where: i.file + (i.index !== undefined ? `[${i.index}]` : i.line !== undefined ? `:${i.line}` : ''), path: i.path, expected: i.expected, got: i.got })),
});

export async function buildServer(o: ServerOptions): Promise<FastifyInstance> {
  const store = new Store(o.db, { readonly: true });
  const app = Fastify({
    logger: o.logger ?? false,
    bodyLimit: LIMITS.bodyBytes,
    requestTimeout: LIMITS.requestTimeoutMs,
    genReqId: () => randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();

  // validation: zod, reported in the contract's style (path, expectation, value found)
  app.setValidatorCompiler(({ schema, httpPart }) => (data: unknown) => {
    const r = (schema as z.ZodType).safeParse(data);
    if (r.success) return { value: r.data };
    const err = Object.assign(new Error('invalid request'), { statusCode: 400, requestIssues: issuesFromZod(r.error, data, { file: `request ${httpPart ?? 'body'}` }) });
    return { error: err };
  });
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((error: FastifyError & { requestIssues?: InputIssue[] }, req, reply) => {
    const requestId = String(req.id);
    if (error instanceof HttpError) return reply.code(error.statusCode).send({ ...error.body, requestId });
    if (error.requestIssues) return reply.code(400).send({ ...issueBody(error.requestIssues, `invalid ${error.validationContext ?? 'request'}`), requestId });
    if (isTalentmatchError(error)) {
      if (error.code === 'E_INPUT') return reply.code(400).send({ ...issueBody(error.issues, error.message), requestId });
      if (error.code === 'E_UNKNOWN_ID') return reply.code(404).send({ error: 'not_found', message: error.message, requestId });
      if (error.code === 'E_OPTION') return reply.code(400).send({ error: 'bad_request', message: error.message, requestId });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ error: 'payload_too_large', message: `body larger than ${LIMITS.bodyBytes} bytes`, requestId });
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send({ error: 'unsupported_media_type', message: 'send application/json', requestId });
    if (error.statusCode === 400 || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError) {
      return reply.code(400).send({ error: 'bad_json', message: `malformed JSON body: ${error.message}`, requestId });
    }
    req.log.error({ err: { code: error.code, message: error.message } }, 'unhandled error');
    return reply.code(500).send({ error: 'internal', message: 'internal error', requestId });
  });

  await app.register(swagger, {
    openapi: { info: { title: 'talentmatch API', version: '1' }, servers: [] },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // ---- snapshot access ----
  const cache = new LRUCache<string, { v: unknown }>({ max: 10_000 });
  let servedRun = -1;
  const latestRun = (): number => {
    const run = store.latestComplete();
    if (!run) throw new HttpError(503, { error: 'not_ready', message: 'no complete snapshot yet' });
    if (run.id !== servedRun) {
      servedRun = run.id;
      cache.clear(); // a new snapshot: drop entries of the old one
    }
    return run.id;
  };
  /** Reads through the cache in one read transaction; retries once if a prune removed the run meanwhile. */
  const snapshotRead = <T>(key: string, read: (s: Store, runId: number) => T | undefined): { runId: number; value: T | undefined } => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const runId = latestRun();
      const k = `${runId}\u0000${key}`;
      const hit = cache.get(k);
      if (hit) return { runId, value: hit.v as T | undefined };
      const value = store.read(() => (store.run(runId)?.status === 'complete' ? { v: read(store, runId) } : undefined));
      if (value) {
        if (value.v !== undefined) cache.set(k, value);
        return { runId, value: value.v };
      }
    }
    throw new HttpError(503, { error: 'not_ready', message: 'the snapshot changed during the request; retry' });
  };

  const live = o.engine ? new LiveScorer(o.engine) : undefined;
  const needLive = () => {
    if (!live) throw new HttpError(503, { error: 'not_ready', message: 'live scoring needs the server started with --data' });
    return live;
  };

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const run = store.latestComplete();
    const ready = run !== undefined && live !== undefined;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', snapshot: run?.id ?? null, model: live !== undefined });
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.post('/v1/score', { schema: { body: ScoreRequest, response: { 200: ScoreResponse } } }, async (req) => {
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

  const sideLine = (side: 'talent' | 'platform') => async (req: { params: { id: string }; query: { k: number } }, reply: { header(k: string, v: string): unknown }) => {
    const { runId, value } = snapshotRead(`${side}:${req.params.id}`, (s, run) => {
      const line = s.recommendationLine(run, side, req.params.id);
      return line === undefined ? undefined : (JSON.parse(line) as z.infer<typeof RecommendationLine>);
    });
    if (!value) throw notFound(side, req.params.id);
    reply.header('x-snapshot-run', String(runId));
    return { ...value, items: value.items.slice(0, req.query.k) };
  };
  app.get('/v1/talents/:id/recommendations', { schema: { params: IdParams, querystring: KQuery, response: { 200: RecommendationLine } } }, sideLine('talent'));
  app.get('/v1/platforms/:id/recommendations', { schema: { params: IdParams, querystring: KQuery, response: { 200: RecommendationLine } } }, sideLine('platform'));

  app.get('/v1/assignment', async (_req, reply) => {
    const { runId, value } = snapshotRead('assignment', (s, run) => s.artifact(run, 'assignment.json'));
    reply.header('x-snapshot-run', String(runId)).type('application/json');
    return value ?? '{}';
  });

  app.get('/v1/referrals', { schema: { querystring: DirectionQuery } }, async (req, reply) => {
    const { runId, value } = snapshotRead('referrals', (s, run) => (s.artifact(run, 'referrals.jsonl') ?? '').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { direction: string }));
    reply.header('x-snapshot-run', String(runId));
    const dir = req.query.direction;
    return { runId, referrals: (value ?? []).filter((r) => !dir || r.direction === dir) };
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
    const a = engine.match({ mode: b.mode, proposer: b.proposer, milpMaxPairs: 2000, timeLimitSec: 5 });
    return assignmentRecord(recordContext(engine), a);
  });

  app.addHook('onClose', async () => {
    store.close();
  });
  return app;
}
