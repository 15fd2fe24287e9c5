/**
 * Quotas: per-key request budgets with @fastify/rate-limit (in-memory, per process). Every
 * scoped route has `max` requests per key per window; the expensive routes (live scoring,
 * match, simulate: config.expensive, set by access.ts) have their own lower budget each.
 * Over budget: 429 in the API's error format with Retry-After (seconds). Open routes
 * (health, readiness, docs) are not counted: they have no quota hook. Without keys (--insecure-no-auth) the budget
 * is per client address (behind a proxy: serve --trust-proxy, so that is the caller's).
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { QuotaOptions } from '../../config/api.js';
import { ApiError } from './access.js';

export async function registerQuotas(app: FastifyInstance, q: QuotaOptions): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: q.max,
    timeWindow: q.windowMs,
    hook: 'onRequest',
    // the checked key's id (12 hex digits), else the client address (it has a '.' or a ':'): never
    // the same string for a key and an address, and no string built per request. Open routes
    // have no quota hook (access.ts sets their rateLimit to false), so no allow list runs per request.
    keyGenerator: (req) => req.principal?.keyId ?? req.ip,
    addHeadersOnExceeding: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': true },
    addHeaders: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': true, 'retry-after': true },
    errorResponseBuilder: (_req, ctx) =>
      new ApiError(429, { error: 'rate_limited', message: `quota exceeded: ${ctx.max} requests per ${ctx.after} for this key on this route; retry after ${Math.ceil(ctx.ttl / 1000)} s` }),
  });
}
