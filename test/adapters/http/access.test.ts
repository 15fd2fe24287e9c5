/**
 * Access control, quotas, audit, headers and TLS of the API, against the fixtures snapshot:
 * every refused request is 401/403 in the error format and carries no data; quotas answer
 * 429 with Retry-After and recover; the audit trail names key ids, never keys or profile text.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildServer } from '../../../src/adapters/http/server.js';
import type { ServerOptions } from '../../../src/adapters/http/server.js';
import { KeyRing, newKey } from '../../../src/adapters/http/keys.js';
import type { KeyRecord } from '../../../src/adapters/http/keys.js';
import type { Scope } from '../../../src/config/api.js';
import { loadDataset } from '../../../src/adapters/files/dataset.js';
import { runBatch } from '../../../src/adapters/batch/run.js';
import { createEngine } from '../../../src/engine/engine.js';
import type { Engine } from '../../../src/engine/engine.js';
import { TalentmatchClient } from '../../../src/client/index.js';
import type { Talent } from '../../../src/domain/schemas.js';

const FIX = 'fixtures/jiangdong';
const NOW = Date.parse('2026-11-27T08:00:00Z');
const PLATFORM = 'p-shengshifangzhou';
let db: string;
let engine: Engine;
let talents: Talent[];
const records: KeyRecord[] = [];
const mk = (scopes: Scope[], o: { platform?: string; expiresAt?: string; revoked?: boolean } = {}) => {
  const { key, record } = newKey({ scopes, now: new Date(NOW - 86_400_000), ...(o.platform ? { platform: o.platform } : {}), ...(o.expiresAt ? { expiresAt: o.expiresAt } : {}) });
  records.push(o.revoked ? { ...record, revokedAt: new Date(NOW - 1000).toISOString() } : record);
  return key;
};
const ALL: Scope[] = ['read:recommendations', 'score', 'match', 'simulate', 'admin'];
const keys = {
  all: mk(ALL),
  read: mk(['read:recommendations']),
  expired: mk(ALL, { expiresAt: new Date(NOW).toISOString() }), // expires exactly now: refused
  notYet: mk(['read:recommendations'], { expiresAt: new Date(NOW + 1).toISOString() }), // one ms left: accepted
  revoked: mk(ALL, { revoked: true }),
  bound: mk(['read:recommendations', 'score'], { platform: PLATFORM }),
};
const ring = new KeyRing({ version: 1, keys: records });

let app: FastifyInstance;
let base: string;
const get = (path: string, key?: string) => fetch(base + path, { headers: key ? { authorization: `Bearer ${key}` } : {} });
const post = (path: string, body: unknown, key?: string) =>
  fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) }, body: JSON.stringify(body) });

async function start(extra: Partial<ServerOptions>): Promise<{ app: FastifyInstance; base: string }> {
  const a = await buildServer({ db, engine, keys: ring, now: () => NOW, ...extra });
  return { app: a, base: await a.listen({ port: 0, host: '127.0.0.1' }) };
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tm-access-'));
  db = join(dir, 'db.sqlite');
  const { dataset } = await loadDataset({ data: FIX }, { needTalents: true, needOutcomes: false, skipInvalid: false });
  talents = dataset.talents;
  await runBatch({ industries: dataset.industries, platforms: dataset.platforms, policy: dataset.policy, ...(dataset.weights ? { weights: dataset.weights } : {}), talentsPath: join(FIX, 'talents.jsonl') }, { db, threads: 1, chunkSize: 1200 });
  engine = createEngine(dataset, { trusted: true });
  ({ app, base } = await start({}));
}, 120_000);

afterAll(async () => {
  await app?.close();
});

async function refused(res: Response, status: number, error: string, message?: RegExp) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error', 'message', 'requestId']); // no data, only the error
  expect(body.error).toBe(error);
  if (message) expect(body.message).toMatch(message);
}

describe('credentials', () => {
  const T = '/v1/talents/t-shiruidi-visual-rd/recommendations';
  it('401 without a key, with a malformed, unknown, expired or revoked key; never data', async () => {
    const none = await get(T);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="talentmatch"');
    await refused(none, 401, 'unauthorized', /no API key/);
    await refused(await fetch(base + T, { headers: { authorization: keys.all } }), 401, 'unauthorized', /no API key/); // no "Bearer "
    await refused(await get(T, 'tm_nothex_abc'), 401, 'unauthorized', /malformed/);
    // the right id with a wrong secret, and a well-formed key nobody issued
    const [, id] = /^tm_([0-9a-f]{12})_/.exec(keys.all)!;
    await refused(await get(T, `tm_${id}_${'A'.repeat(43)}`), 401, 'unauthorized', /unknown API key/);
    await refused(await get(T, `tm_000000000000_${'A'.repeat(43)}`), 401, 'unauthorized', /unknown API key/);
    await refused(await get(T, keys.expired), 401, 'unauthorized', /expired/);
    await refused(await get(T, keys.revoked), 401, 'unauthorized', /revoked/);
    await refused(await post('/v1/score', { pairs: [{ talent: { id: 't-shiruidi-visual-rd' }, platform: { id: PLATFORM } }] }), 401, 'unauthorized');
  });

  it('a key one millisecond before its expiry, and a valid key, read data', async () => {
    expect((await get(T, keys.notYet)).status).toBe(200);
    const ok = await get(T, keys.all);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
  });

  it('403 outside the scope, in the error format', async () => {
    const body = { pairs: [{ talent: { id: 't-shiruidi-visual-rd' }, platform: { id: PLATFORM } }] };
    await refused(await post('/v1/score', body, keys.read), 403, 'forbidden', /lacks the scope "score"/);
    await refused(await post('/v1/talents/recommendations', { talent: talents[0], k: 3 }, keys.read), 403, 'forbidden', /"score"/);
    await refused(await get('/v1/admin/status', keys.read), 403, 'forbidden', /"admin"/);
    expect((await post('/v1/score', body, keys.all)).status).toBe(200);
    const status = await new TalentmatchClient(base, { apiKey: keys.all }).status();
    expect(status).toMatchObject({ snapshot: { runId: 1 }, model: true, auth: true, keys: records.length });
  });

  it('health, readiness, the OpenAPI document and /docs need no key', async () => {
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
    expect((await get('/openapi.json')).status).toBe(200);
    expect((await get('/docs/')).status).toBe(200);
  });

  it('a platform-bound key reads its own list and the talents on it (only its own item), nothing else', async () => {
    const own = await get(`/v1/platforms/${PLATFORM}/recommendations?k=100`, keys.bound);
    expect(own.status).toBe(200);
    const ownLine = (await own.json()) as { items: { id: string }[] };
    const onList = ownLine.items[0]!.id;
    const offList = talents.map((t) => t.id).find((id) => !ownLine.items.some((i) => i.id === id))!;
    expect(offList).toBeDefined();
    await refused(await get('/v1/platforms/p-visual-tech-incubator/recommendations', keys.bound), 403, 'forbidden', /bound to platform/);
    const talent = await get(`/v1/talents/${onList}/recommendations?k=100`, keys.bound);
    expect(talent.status).toBe(200);
    const tLine = (await talent.json()) as { items: { id: string }[] };
    expect(tLine.items.map((i) => i.id)).toEqual([PLATFORM].filter(() => tLine.items.length > 0));
    expect(tLine.items.every((i) => i.id === PLATFORM)).toBe(true);
    await refused(await get(`/v1/talents/${offList}/recommendations`, keys.bound), 403, 'forbidden');
    await refused(await get('/v1/talents/t-nobody/recommendations', keys.bound), 403, 'forbidden'); // existence is not revealed
    await refused(await get('/v1/assignment', keys.bound), 403, 'forbidden', /not open to platform-bound keys/);
    await refused(await post('/v1/talents/recommendations', { talent: talents[0], k: 3 }, keys.bound), 403, 'forbidden');
    await refused(await post('/v1/score', { pairs: [{ talent: { id: onList }, platform: { id: 'p-visual-tech-incubator' } }] }, keys.bound), 403, 'forbidden');
    expect((await post('/v1/score', { pairs: [{ talent: { id: onList }, platform: { id: PLATFORM } }] }, keys.bound)).status).toBe(200);
    const refs = (await (await get('/v1/referrals', keys.bound)).json()) as { referrals: { platformId: string }[] };
    const all = (await (await get('/v1/referrals', keys.all)).json()) as { referrals: { platformId: string }[] };
    expect(all.referrals.some((r) => r.platformId !== PLATFORM)).toBe(true);
    expect(refs.referrals.length).toBe(all.referrals.filter((r) => r.platformId === PLATFORM).length);
    expect(refs.referrals.every((r) => r.platformId === PLATFORM)).toBe(true);
  });
});

describe('quotas', () => {
  it('429 with Retry-After past the budget, a lower separate budget on live scoring, and recovery after the window', async () => {
    // the quota store reads Date.now(): the clock is held still and moved by hand, so the
    // window neither ends between two requests on a busy machine nor needs waiting out
    const t0 = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: t0 });
    const s = await start({ quotas: { max: 3, expensiveMax: 1, windowMs: 60_000 } });
    try {
      const g = () => fetch(`${s.base}/v1/talents/t-shiruidi-visual-rd/recommendations`, { headers: { authorization: `Bearer ${keys.all}` } });
      const p = () => fetch(`${s.base}/v1/talents/recommendations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.all}` }, body: JSON.stringify({ talent: talents[0], k: 2 }) });
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await g()).status);
      expect(codes).toEqual([200, 200, 200]);
      const over = await g();
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      await refused(over, 429, 'rate_limited', /quota exceeded: 3 requests/);
      // another key has its own budget
      expect((await fetch(`${s.base}/v1/talents/t-shiruidi-visual-rd/recommendations`, { headers: { authorization: `Bearer ${keys.read}` } })).status).toBe(200);
      expect((await p()).status).toBe(200);
      await refused(await p(), 429, 'rate_limited', /quota exceeded: 1 requests/);
      // open routes are never counted
      for (let i = 0; i < 5; i++) expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
      for (let i = 0; i < 5; i++) expect((await fetch(`${s.base}/openapi.json`)).status).toBe(200);
      expect(Number(over.headers.get('retry-after'))).toBe(60);
      // one ms before the window ends: still refused (and counted); at its end: a new window
      vi.setSystemTime(t0 + 59_999);
      await refused(await g(), 429, 'rate_limited', /retry after 1 s/);
      vi.setSystemTime(t0 + 60_000);
      expect((await g()).status).toBe(200);
      expect((await p()).status).toBe(200);
    } finally {
      await s.app.close();
      vi.useRealTimers();
    }
  });

  it('refusals of the gate (401, 403) are not counted; the shared budget spans the read routes; X-RateLimit-* on counted answers only', async () => {
    const s = await start({ quotas: { max: 2, expensiveMax: 1, windowMs: 60_000 } });
    try {
      const g = (path: string, key?: string) => fetch(`${s.base}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
      const talent = '/v1/talents/t-shiruidi-visual-rd/recommendations';
      for (let i = 0; i < 3; i++) expect((await g(talent, 'tm_000000000000_' + 'A'.repeat(43))).status).toBe(401);
      for (let i = 0; i < 3; i++) expect((await g('/v1/admin/status', keys.read)).status).toBe(403); // out of scope: refused, not counted
      const first = await g(talent, keys.read);
      expect(first.status).toBe(200);
      expect([first.headers.get('x-ratelimit-limit'), first.headers.get('x-ratelimit-remaining'), first.headers.get('x-ratelimit-reset'), first.headers.get('retry-after')]).toEqual(['2', '1', '60', null]);
      expect((await g(`/v1/platforms/${PLATFORM}/recommendations`, keys.read)).status).toBe(200); // another read route, the same budget
      const over = await g(talent, keys.read);
      expect([over.status, over.headers.get('x-ratelimit-remaining'), over.headers.get('retry-after')]).toEqual([429, '0', '60']);
      const open = await g('/healthz');
      expect([open.status, open.headers.get('x-ratelimit-limit')]).toEqual([200, null]);
    } finally {
      await s.app.close();
    }
  });

  it('a 429 carries the CORS headers as every answer does; a HEAD counts once', async () => {
    const s = await start({ quotas: { max: 2, expensiveMax: 1, windowMs: 60_000 }, transport: { corsOrigins: ['https://a.example'] } });
    try {
      const g = (method: 'GET' | 'HEAD') => fetch(`${s.base}/v1/talents/t-shiruidi-visual-rd/recommendations`, { method, headers: { authorization: `Bearer ${keys.read}`, origin: 'https://a.example' } });
      const head = await g('HEAD');
      expect([head.status, head.headers.get('x-ratelimit-remaining')]).toEqual([200, '1']);
      expect((await g('GET')).headers.get('x-ratelimit-remaining')).toBe('0');
      const over = await g('GET');
      expect(over.status).toBe(429);
      expect(over.headers.get('access-control-allow-origin')).toBe('https://a.example');
      expect(over.headers.get('access-control-expose-headers')).toContain('retry-after');
    } finally {
      await s.app.close();
    }
  });

  it('without keys the budget is per client address', async () => {
    // behind a trusted proxy the caller's address is X-Forwarded-For's
    const s = await start({ keys: undefined, quotas: { max: 2, expensiveMax: 1, windowMs: 60_000 }, transport: { trustProxy: true } });
    try {
      const g = (ip: string) => fetch(`${s.base}/v1/talents/t-shiruidi-visual-rd/recommendations`, { headers: { 'x-forwarded-for': ip } });
      const codes = [];
      for (const ip of ['10.0.0.1', '10.0.0.1', '10.0.0.2', '10.0.0.1', '10.0.0.2', '10.0.0.2']) codes.push((await g(ip)).status);
      expect(codes).toEqual([200, 200, 200, 429, 200, 429]);
    } finally {
      await s.app.close();
    }
  });
});

describe('audit and logs', () => {
  it('one line per request with key id, route, ids, status; no key, no profile text, in the log and the JSON Lines file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tm-audit-'));
    const auditFile = join(dir, 'audit.jsonl');
    let logText = '';
    const stream = new Writable({ write: (chunk, _enc, cb) => ((logText += String(chunk)), cb()) });
    const s = await start({ audit: auditFile, logger: { level: 'info', stream } });
    const secretText = 'Quantum-lattice anomaly detector for tidal turbines';
    const profile = { ...talents[0]!, id: 't-audit-probe', description: secretText };
    try {
      const h = { 'content-type': 'application/json', authorization: `Bearer ${keys.all}` };
      expect((await fetch(`${s.base}/v1/talents/recommendations`, { method: 'POST', headers: h, body: JSON.stringify({ talent: profile, k: 2 }) })).status).toBe(200);
      expect((await fetch(`${s.base}/v1/score`, { method: 'POST', headers: h, body: JSON.stringify({ pairs: [{ talent: { profile }, platform: { id: PLATFORM } }] }) })).status).toBe(200);
      expect((await fetch(`${s.base}/v1/platforms/${PLATFORM}/recommendations`, { headers: { authorization: `Bearer ${keys.revoked}` } })).status).toBe(401);
    } finally {
      await s.app.close();
    }
    const lines = readFileSync(auditFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.method, l.route, l.status, l.ids])).toEqual([
      ['POST', '/v1/talents/recommendations', 200, ['t-audit-probe']],
      ['POST', '/v1/score', 200, [PLATFORM]],
      ['GET', '/v1/platforms/:id/recommendations', 401, [PLATFORM]],
    ]);
    const [, allId] = /^tm_([0-9a-f]{12})_/.exec(keys.all)!;
    expect(lines.map((l) => l.keyId)).toEqual([allId, allId, null]);
    for (const l of lines) expect(typeof l.ms === 'number' && typeof l.time === 'string' && typeof l.requestId === 'string').toBe(true);
    const audit = readFileSync(auditFile, 'utf8');
    expect(logText.split('\n').filter((l) => l.includes('"audit"'))).toHaveLength(3);
    for (const text of [audit, logText]) {
      expect(text).not.toContain(secretText);
      expect(text).not.toContain(profile.name);
      for (const k of Object.values(keys)) expect(text).not.toContain(k.slice(16)); // no secret part of any key
      expect(text.toLowerCase()).not.toContain('bearer');
    }
  });
});

describe('headers and transport', () => {
  it('security headers on every answer; CORS off by default and on for named origins', async () => {
    const r = await fetch(`${base}/healthz`, { headers: { origin: 'https://studio.example' } });
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    // refusals too: the headers are set before the key is checked
    const refusedAnswer = await get(`/v1/platforms/${PLATFORM}/recommendations`);
    expect(refusedAnswer.status).toBe(401);
    expect(refusedAnswer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(refusedAnswer.headers.get('content-security-policy')).toContain("default-src 'self'");
    const s = await start({ transport: { corsOrigins: ['https://studio.example'] } });
    try {
      const ok = await fetch(`${s.base}/healthz`, { headers: { origin: 'https://studio.example' } });
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://studio.example');
      const other = await fetch(`${s.base}/healthz`, { headers: { origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await s.app.close();
    }
  });

  it('serves HTTPS with a self-signed certificate made here, keys still required', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tm-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    const s = await start({ transport: { tls: { cert: readFileSync(cert), key: readFileSync(key) } } });
    try {
      expect(s.base.startsWith('https://')).toBe(true);
      const ca = readFileSync(cert);
      const call = (path: string, auth?: string) =>
        new Promise<{ status: number; body: string; hsts: string | undefined }>((resolve, reject) => {
          const req = httpsRequest(`${s.base}${path}`, { ca, headers: auth ? { authorization: `Bearer ${auth}` } : {} }, (res) => {
            let body = '';
            res.on('data', (c) => (body += String(c)));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, hsts: res.headers['strict-transport-security'] as string | undefined }));
          });
          req.on('error', reject);
          req.end();
        });
      const h = await call('/healthz');
      expect(h).toMatchObject({ status: 200, body: '{"status":"ok"}' });
      expect(h.hsts).toContain('max-age=31536000');
      expect((await call(`/v1/platforms/${PLATFORM}/recommendations`)).status).toBe(401);
      const ok = await call(`/v1/platforms/${PLATFORM}/recommendations?k=2`, keys.all);
      expect(ok.status).toBe(200);
      expect((JSON.parse(ok.body) as { items: unknown[] }).items).toHaveLength(2);
      // a client that does not trust the certificate is refused by TLS itself
      await expect(fetch(`${s.base}/healthz`)).rejects.toThrow();
    } finally {
      await s.app.close();
    }
  });
});
