/**
 * Transport: TLS (serve --tls-cert/--tls-key, passed to Fastify at construction), security
 * headers on every answer (helmet: HSTS, nosniff, frame denial, a same-origin CSP — /docs
 * serves its own static CSP), CORS off unless origins are named (@fastify/cors), and proxy
 * trust (client address and scheme from X-Forwarded-* only from trusted hops).
 *
 * The security headers are helmet's (the maintained library @fastify/helmet wraps), computed
 * once at start: the policy is static, so every answer gets the same name/value pairs (set by
 * the request gate in access.ts, the one onRequest hook, refusals included). @fastify/helmet rebuilt the helmet middleware (and re-parsed the CSP directives) on every
 * request: 6% of the server's CPU on a cached read (docs/PERFORMANCE.md, "API").
 */
import helmet from 'helmet';
import type { HelmetOptions } from 'helmet';
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface TransportOptions {
  /** PEM certificate chain and private key: serve HTTPS */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** origins allowed to call the API from a browser (exact origins, or '*'); absent or empty = CORS off */
  corsOrigins?: readonly string[];
  /** Fastify's trustProxy: true (every hop), or addresses / CIDRs of the proxies */
  trustProxy?: boolean | string | string[];
}

/** The security headers of every answer for these options (helmet's, computed once; access.ts sets them in the request gate). */
export function transportHeaders(o: TransportOptions): [string, string][] {
  return securityHeaders({
    // HSTS only means something over TLS; sent then for a year
    hsts: o.tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginResourcePolicy: { policy: o.corsOrigins?.length ? 'cross-origin' : 'same-origin' },
  });
}

/** CORS, when origins are named (off otherwise). */
export async function registerCors(app: FastifyInstance, o: TransportOptions): Promise<void> {
  if (o.corsOrigins && o.corsOrigins.length > 0) {
    const any = o.corsOrigins.includes('*');
    await app.register(cors, {
      origin: any ? '*' : [...o.corsOrigins],
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type'],
      exposedHeaders: ['x-snapshot-run', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
      maxAge: 600,
    });
  }
}

/** The headers helmet's middleware sets for these options, as name/value pairs (run once against a recording response). */
export function securityHeaders(options: HelmetOptions): [string, string][] {
  const set = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: string | number | readonly string[]) => void set.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => void set.delete(name.toLowerCase()),
    getHeader: (name: string) => set.get(name.toLowerCase()),
  };
  let failed: unknown;
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (e?: unknown) => {
    failed = e;
  });
  if (failed) throw failed instanceof Error ? failed : new Error(String(failed));
  return [...set];
}
