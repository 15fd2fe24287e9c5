/**
 * Access control of the HTTP API: which scope each route needs, which routes a
 * platform-bound key may use, the quota class of each route, and the OpenAPI facts of each
 * route (operation id, summary, declared errors) — one table, applied by an onRoute hook so
 * a route added under /v1 without a policy fails at start (closed, never open by mistake).
 *
 * Credentials: `Authorization: Bearer tm_<id>_<secret>` (keys.ts). 401 without a valid
 * key (missing, malformed, unknown, expired, revoked), 403 for a key outside the route's
 * scope or its platform binding; both in the API's error format, before any data is read.
 * /healthz, /readyz, /docs and /openapi.json need no key.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Scope } from '../../config/api.js';
import type { KeyRing, Principal } from './keys.js';
import { ErrorBody } from '../../api/schemas.js';
import { TalentmatchError } from '../../errors.js';
import { QuotaWindow } from './quotas.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** the checked key of this request; undefined on open routes and without auth (--insecure-no-auth) */
    principal: Principal | undefined;
    /**
     * the route's pattern (null: no route matched), as the request gate read it: the audit line
     * takes it from here, not from `routeOptions`, a getter that builds a 13-field object per
     * read; undefined when the gate did not run (an error before routing)
     */
    routePattern: string | null | undefined;
  }
  interface FastifyContextConfig {
    scope?: Scope;
    expensive?: boolean;
    platformBound?: PlatformRule;
  }
}

/** What a key bound to one platform may do on a route: everything the handler filters ('filter'), or nothing ('deny'). */
export type PlatformRule = 'filter' | 'deny';

export interface RoutePolicy {
  operationId: string;
  summary: string;
  tag: 'health' | 'snapshot' | 'live' | 'studio' | 'admin';
  /** the scope a key needs; absent = open route */
  scope?: Scope;
  /** live scoring, match, simulate: the lower quota */
  expensive?: boolean;
  platformBound?: PlatformRule;
  /** error statuses the route can answer besides 401/403/429 (added for every scoped route) */
  errors: readonly number[];
}

/** Every API route, keyed by "METHOD url". */
export const ROUTES: Readonly<Record<string, RoutePolicy>> = {
  'GET /healthz': { operationId: 'health', summary: 'Liveness: the process answers', tag: 'health', errors: [] },
  'GET /readyz': { operationId: 'ready', summary: 'Readiness: a complete snapshot and the live model are loaded', tag: 'health', errors: [] },
  'GET /v1/talents/:id/recommendations': {
    operationId: 'getTalentRecommendations',
    summary: "A talent's recommended platforms from the latest snapshot",
    tag: 'snapshot',
    scope: 'read:recommendations',
    platformBound: 'filter',
    errors: [400, 404, 503],
  },
  'GET /v1/platforms/:id/recommendations': {
    operationId: 'getPlatformRecommendations',
    summary: "A platform's recommended talents from the latest snapshot",
    tag: 'snapshot',
    scope: 'read:recommendations',
    platformBound: 'filter',
    errors: [400, 404, 503],
  },
  'GET /v1/assignment': { operationId: 'getAssignment', summary: 'The assignment of the latest snapshot', tag: 'snapshot', scope: 'read:recommendations', platformBound: 'deny', errors: [503] },
  'GET /v1/platforms/:id/referrals': { operationId: 'getPlatformReferrals', summary: "One platform's two referral lines of the latest snapshot", tag: 'snapshot', scope: 'read:recommendations', platformBound: 'filter', errors: [400, 404, 503] },
  'GET /v1/referrals/budget': { operationId: 'getSupportBudget', summary: "The support budget's allocation in the latest snapshot", tag: 'snapshot', scope: 'read:recommendations', platformBound: 'deny', errors: [404, 503] },
  'GET /v1/referrals': { operationId: 'getReferrals', summary: 'Two-way referral lists of the latest snapshot', tag: 'snapshot', scope: 'read:recommendations', platformBound: 'filter', errors: [400, 503] },
  'POST /v1/score': { operationId: 'score', summary: 'Score talent-platform pairs live, with the breakdown', tag: 'live', scope: 'score', expensive: true, platformBound: 'filter', errors: [400, 404, 413, 415, 503] },
  'POST /v1/talents/recommendations': {
    operationId: 'recommendForProfile',
    summary: 'Recommend platforms for a new talent profile, scored live',
    tag: 'live',
    scope: 'score',
    expensive: true,
    platformBound: 'deny',
    errors: [400, 413, 415, 503],
  },
  'POST /v1/match': { operationId: 'match', summary: 'Assign talents to platforms under capacity (stable or optimal)', tag: 'live', scope: 'match', expensive: true, platformBound: 'deny', errors: [400, 413, 415] },
  'POST /v1/simulate': { operationId: 'simulate', summary: 'Simulate a policy or weight change', tag: 'live', scope: 'simulate', expensive: true, platformBound: 'deny', errors: [400, 413, 415, 503] },
  // the analyst studio's calls (the page /studio itself is open: it holds no data); see adapters/http/studio.ts
  'GET /v1/studio/dataset': { operationId: 'getStudioDataset', summary: "The studio's dataset: counts, its weights, the limits", tag: 'studio', scope: 'simulate', platformBound: 'deny', errors: [503] },
  'GET /v1/studio/entities': { operationId: 'searchStudioEntities', summary: 'Talents and platforms whose id or name contains the query', tag: 'studio', scope: 'simulate', platformBound: 'deny', errors: [400, 503] },
  'POST /v1/studio/evaluate': {
    operationId: 'evaluateStudioWeights',
    summary: "Both sides' metrics and one entity's two-way lists under weight set A, and B beside it",
    tag: 'studio',
    scope: 'simulate',
    expensive: true,
    platformBound: 'deny',
    errors: [400, 404, 413, 415, 503],
  },
  'GET /v1/admin/status': { operationId: 'getStatus', summary: 'Server status: snapshot, model, keys and quotas in force', tag: 'admin', scope: 'admin', platformBound: 'deny', errors: [] },
};

export const SECURITY_SCHEME = 'apiKey';

/** An error answered in the API's error format (the server's error handler sends `body` with the request id). */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: { error: string; message: string },
  ) {
    super(body.message);
  }
}
export const forbidden = (message: string) => new ApiError(403, { error: 'forbidden', message });

const NEEDS_KEY = 'send an API key as "Authorization: Bearer <key>" (README "API keys")';
const REASONS = { missing: `no API key: ${NEEDS_KEY}`, malformed: `malformed API key: ${NEEDS_KEY}`, unknown: 'unknown API key', expired: 'the API key has expired', revoked: 'the API key was revoked' } as const;

/** Each ROUTES path pattern as a matcher (`:name` matches one non-empty segment) with the methods it answers. */
const PATHS: ReadonlyArray<{ match: RegExp; methods: readonly string[] }> = (() => {
  const byPath = new Map<string, string[]>();
  for (const key of Object.keys(ROUTES)) {
    const [method, url] = key.split(' ') as [string, string];
    const methods = byPath.get(url) ?? [];
    methods.push(method, ...(method === 'GET' ? ['HEAD'] : []));
    byPath.set(url, methods);
  }
  return [...byPath].map(([url, methods]) => ({ match: new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+')}$`), methods }));
})();

/**
 * The methods ROUTES answers on `path` (a request's path, the query string cut), for a 405's
 * `Allow` header; empty when no route has this path.
 */
export function allowedMethods(path: string): string[] {
  const p = path.split('?', 1)[0];
  return [...new Set(PATHS.filter((r) => r.match.test(p)).flatMap((r) => r.methods))];
}

/**
 * The onRoute hook: applies ROUTES to each route as it is added (config for the request gate:
 * scope and platform rule; the quota hook; schema facts for the OpenAPI document). Call before
 * any route is added. Every scoped route counts against one budget per key (`max` per window),
 * each expensive route against its own (`expensiveMax`); open routes are not counted.
 */
export function applyRoutePolicies(app: FastifyInstance, o: { max: number; expensiveMax: number; windowMs: number }): void {
  const shared = new QuotaWindow(o.max, o.windowMs, false);
  app.addHook('onRoute', (route: RouteOptions) => {
    const method = Array.isArray(route.method) ? route.method[0] : route.method;
    const key = `${method === 'HEAD' ? 'GET' : method} ${route.url}`;
    const policy = ROUTES[key];
    if (!policy) {
      if (route.url.startsWith('/v1')) throw new TalentmatchError('E_INTERNAL', `route ${key} has no access policy in src/adapters/http/access.ts`);
      return; // docs, openapi.json: open, undocumented and not counted
    }
    if (policy.scope) {
      // the quota: a route-level hook, so it runs after every global onRequest hook (the gate, and
      // CORS's, whose headers a 429 then carries as the other answers do); open routes have none
      const quota = quotaHook(policy.expensive ? new QuotaWindow(o.expensiveMax, o.windowMs, true) : shared);
      route.onRequest = route.onRequest === undefined ? [quota] : [...(Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]), quota];
    }
    route.config = {
      ...(route.config ?? {}),
      ...(policy.scope ? { scope: policy.scope } : {}),
      ...(policy.expensive ? { expensive: true } : {}),
      ...(policy.platformBound ? { platformBound: policy.platformBound } : {}),
    } as typeof route.config;
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    const response = { ...((schema.response as Record<string, unknown> | undefined) ?? {}) };
    const errors = [...policy.errors, ...(policy.scope ? [401, 403, 429] : [])].sort((a, b) => a - b);
    for (const status of errors) if (response[status] === undefined) response[status] = ErrorBody.describe(ERROR_DESCRIPTIONS[status] ?? 'error');
    route.schema = {
      ...schema,
      hide: false,
      operationId: policy.operationId,
      summary: policy.summary,
      tags: [policy.tag],
      ...(policy.scope ? { description: `Needs an API key with scope \`${policy.scope}\`${platformNote(policy.platformBound)}.`, security: [{ [SECURITY_SCHEME]: [] }] } : { security: [] }),
      response,
    };
  });
}

const platformNote = (r?: PlatformRule) => (r === 'deny' ? '; not open to platform-bound keys' : r === 'filter' ? "; a platform-bound key sees only its platform's data" : '');

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Invalid request: every field path with what was expected and what was found',
  401: 'No valid API key (missing, malformed, unknown, expired or revoked)',
  403: "The key lacks the route's scope, or its platform binding forbids the request",
  404: 'Unknown id',
  413: 'Body larger than the limit',
  415: 'Body is not application/json',
  429: 'Quota exceeded; retry after the Retry-After header (seconds)',
  503: 'Not ready: no complete snapshot yet, or no live model (--data)',
};

/**
 * The quota of a route (quotas.ts) as a synchronous route-level onRequest hook (no promise per
 * request, where @fastify/rate-limit's hook is async): counted per key (the gate has checked it:
 * a request refused 401/403 never gets here), per client address without keys (the key's id
 * has 12 hex digits, an address a '.' or a ':': never the same string). Over budget: 429
 * through the error handler, with Retry-After and the X-RateLimit-* headers.
 */
function quotaHook(quota: QuotaWindow) {
  return (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void => {
    const waitS = quota.take(req.principal?.keyId ?? req.ip, reply);
    if (waitS > 0) return done(new ApiError(429, { error: 'rate_limited', message: quota.exceeded(waitS) }));
    done();
  };
}

/**
 * The one global onRequest hook of ours every request passes (synchronous: no promise per
 * request): the security headers first (so refusals carry them too), then the key check of
 * every scoped route. With `keys` undefined (serve --insecure-no-auth, or tests) every
 * request passes as anonymous. The quota (quotaHook, route-level) runs after it.
 */
export function addRequestGate(app: FastifyInstance, o: { keys: KeyRing | undefined; now?: () => number; headers: readonly (readonly [string, string])[] }): void {
  const { keys, headers } = o;
  const now = o.now ?? Date.now;
  app.decorateRequest('principal', undefined);
  app.decorateRequest('routePattern', undefined);
  app.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    // on the reply, first (a route's own header, the /docs CSP, replaces its value in place): Node
    // then writes the reply's headers in one pass at writeHead, where headers set on the raw
    // response first made Node's progressive path copy every header into arrays of its own
    // (~3 KB of garbage and ~4% of a cached read's CPU); the same names, values and order on the wire
    for (let i = 0; i < headers.length; i++) reply.header(headers[i]![0], headers[i]![1]);
    const cfg = req.routeOptions.config; // read once per request: the audit takes the pattern from here
    req.routePattern = (cfg as { url?: string }).url ?? null;
    const scope = cfg.scope;
    if (scope === undefined || keys === undefined) return done();
    const h = req.headers.authorization;
    if (h === undefined || !h.startsWith('Bearer ')) return deny(reply, 401, 'unauthorized', REASONS.missing);
    const v = keys.verify(h.slice(7).trim(), now());
    if (!v.ok) return deny(reply, 401, 'unauthorized', REASONS[v.reason]);
    const p = v.principal;
    if (!p.scopes.has(scope)) return deny(reply, 403, 'forbidden', `key ${p.keyId} lacks the scope "${scope}"`);
    if (p.platform !== undefined && cfg.platformBound !== 'filter') return deny(reply, 403, 'forbidden', `key ${p.keyId} is bound to platform ${JSON.stringify(p.platform)}; this route is not open to platform-bound keys`);
    req.principal = p;
    done();
  });
}

/** A refusal sent from the hook (the chain stops: no later hook, no handler). */
function deny(reply: FastifyReply, status: 401 | 403, error: string, message: string): void {
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="talentmatch"');
  void reply.code(status).send({ error, message, requestId: String(reply.request.id) });
}

/** The platform a request's key is bound to, if any. */
export const boundPlatform = (req: FastifyRequest): string | undefined => req.principal?.platform;
