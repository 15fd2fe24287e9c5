/**
 * Transport: TLS (serve --tls-cert/--tls-key, passed to Fastify at construction), security
 * headers on every answer (@fastify/helmet: HSTS, nosniff, frame denial, a same-origin CSP
 * — /docs serves its own static CSP), CORS off unless origins are named (@fastify/cors),
 * and proxy trust (client address and scheme from X-Forwarded-* only from trusted hops).
 */
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

export interface TransportOptions {
  /** PEM certificate chain and private key: serve HTTPS */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** origins allowed to call the API from a browser (exact origins, or '*'); absent or empty = CORS off */
  corsOrigins?: readonly string[];
  /** Fastify's trustProxy: true (every hop), or addresses / CIDRs of the proxies */
  trustProxy?: boolean | string | string[];
}

export async function registerTransport(app: FastifyInstance, o: TransportOptions): Promise<void> {
  await app.register(helmet, {
    global: true,
    // HSTS only means something over TLS; sent then for a year
    hsts: o.tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginResourcePolicy: { policy: o.corsOrigins?.length ? 'cross-origin' : 'same-origin' },
  });
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
