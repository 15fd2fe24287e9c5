/**
 * Issue 15: the API never answers 500 to a client mistake, and a database that goes bad
 * after start answers 503 with the reason logged.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { connect } from 'node:net';
import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/adapters/http/server.js';
import { loadDataset } from '../../../src/adapters/files/dataset.js';
import { runBatch } from '../../../src/adapters/batch/run.js';
import { createEngine } from '../../../src/engine/engine.js';
import type { Engine } from '../../../src/engine/engine.js';
import { LIMITS } from '../../../src/api/schemas.js';
import { MAX_TEXT_CHARS } from '../../../src/config/limits.js';
import { clientErrorAnswer } from '../../../src/adapters/http/httpErrors.js';

const FIX = 'fixtures/jiangdong';
let app: FastifyInstance;
let base: string;
let db: string;
let engine: Engine;
const logs: string[] = [];

const post = (path: string, body: string) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
const talent = (over: Record<string, unknown> = {}) => ({ id: 't-x', name: 'X', description: 'fintech payments team 金融科技', ...over });
const platform = (over: Record<string, unknown> = {}) => ({ id: 'p-x', name: 'P', description: 'fintech incubator', modes: ['capital'], industries: {}, capacity: { slots: 3, slotsUsed: 0, seats: 30, seatsUsed: 0 }, ...over });

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tm-hostile-'));
  db = join(dir, 'db.sqlite');
  const talents = join(dir, 'talents.jsonl');
  writeFileSync(talents, readFileSync(join(FIX, 'talents.jsonl'), 'utf8').split('\n').slice(0, 200).join('\n') + '\n');
  const { dataset } = await loadDataset({ data: FIX, talents }, { needTalents: true, needOutcomes: false, skipInvalid: false, omit: ['outcomes'] });
  await runBatch({ industries: dataset.industries, platforms: dataset.platforms, policy: dataset.policy, ...(dataset.weights ? { weights: dataset.weights } : {}), talentsPath: talents }, { db, threads: 1, chunkSize: 200 });
  engine = createEngine(dataset, { trusted: true });
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  app = await buildServer({ db, engine, logger: { level: 'error', stream } });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe('hostile bodies', () => {
  it('5,000 nested arrays in any POST body: 400 naming the depth limit (was a 500 from a stack overflow)', async () => {
    for (const route of ['/v1/score', '/v1/talents/recommendations', '/v1/match']) {
      for (const body of [nested(5000), `{"talent":${nested(5000)}}`, `{"pairs":[{"talent":{"profile":{"skills":${nested(5000)}}}}]}`]) {
        const r = await post(route, body);
        expect(r.status, route).toBe(400);
        const j = (await r.json()) as { issues: { expected: string }[] };
        expect(j.issues[0].expected).toBe(`arrays and objects nested at most ${LIMITS.bodyDepth} deep`);
      }
    }
    // at the limit exactly, the body is parsed (and then validated)
    const atLimit = await post('/v1/score', nested(LIMITS.bodyDepth));
    expect(atLimit.status).toBe(400);
    expect(((await atLimit.json()) as { issues: { expected: string }[] }).issues[0].expected).not.toContain('nested');
  });

  it('__proto__ and constructor.prototype keys: 400 with their path (was "Body is not valid JSON")', async () => {
    const r = await post('/v1/talents/recommendations', '{"talent":{"id":"t","name":"n","description":"d","__proto__":{"polluted":1}}}');
    expect(r.status).toBe(400);
    const j = (await r.json()) as { issues: { path: string; expected: string }[] };
    expect(j.issues[0]).toMatchObject({ path: 'talent.__proto__', expected: 'a field name other than __proto__ or constructor.prototype' });
    const c = await post('/v1/score', '{"pairs":[{"talent":{"profile":{"constructor":{"prototype":{"x":1}}}},"platform":{"id":"p"}}]}');
    expect(c.status).toBe(400);
    expect(((await c.json()) as { issues: { path: string }[] }).issues[0].path).toBe('pairs[0].talent.profile.constructor.prototype');
    // spelled with \u escapes (the parser's fast path looks for the names in the text): still found, inside an array too
    const escaped = await post('/v1/score', String.raw`{"pairs":[{"talent":{"profile":{"\u005f_proto__":{"polluted":1}}},"platform":{"id":"p"}}]}`);
    expect(escaped.status).toBe(400);
    expect(((await escaped.json()) as { issues: { path: string }[] }).issues[0].path).toBe('pairs[0].talent.profile.__proto__');
    const ctor = await post('/v1/score', String.raw`{"pairs":[{"talent":{"profile":{"constructo\u0072":{"prototype":{}}}},"platform":{"id":"p"}}]}`);
    expect(((await ctor.json()) as { issues: { path: string }[] }).issues[0].path).toBe('pairs[0].talent.profile.constructor.prototype');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('the issue list is capped: 1,000 bad pairs give at most LIMITS.issues issues and a count of the rest', async () => {
    const pairs = Array.from({ length: 1000 }, () => ({ talent: { id: 5 }, platform: { id: 6 } }));
    const body = JSON.stringify({ pairs });
    const r = await post('/v1/score', body);
    expect(r.status).toBe(400);
    const text = await r.text();
    const j = JSON.parse(text) as { issues: unknown[]; omitted: number };
    expect(j.issues.length).toBeLessThanOrEqual(LIMITS.issues);
    expect(j.issues.length + j.omitted).toBeGreaterThanOrEqual(1000);
    expect(text.length).toBeLessThan(64 * 1024);
    // the same through the engine's validation (inline /v1/match)
    const m = await post('/v1/match', JSON.stringify({ platforms: Array.from({ length: 200 }, () => ({ id: 1 })), talents: Array.from({ length: 2000 }, () => ({ id: 2 })) }));
    expect(m.status).toBe(400);
    const mj = (await m.json()) as { issues: unknown[]; omitted: number };
    expect(mj.issues.length).toBeLessThanOrEqual(LIMITS.issues);
    expect(mj.omitted).toBeGreaterThan(0);
  });

  it('an unknown id is echoed truncated; ?k= takes decimal digits only', async () => {
    const long = 't'.repeat(5000);
    const r = await fetch(`${base}/v1/talents/${long}/recommendations`);
    expect([404, 414]).toContain(r.status); // longer than a route parameter may be: 414 URI Too Long
    expect((await r.text()).length).toBeLessThan(1000);
    const short = await fetch(`${base}/v1/talents/${'u'.repeat(90)}/recommendations`);
    expect(short.status).toBe(404);
    expect(((await short.json()) as { id: string }).id).toBe('u'.repeat(LIMITS.echoedId) + '...');
    for (const k of ['0x10', '1e1', ' 5', '-1', '0', String(LIMITS.maxK + 1), 'abc']) {
      const q = await fetch(`${base}/v1/talents/t-any/recommendations?k=${encodeURIComponent(k)}`);
      expect(q.status, k).toBe(400);
    }
    const ok = await fetch(`${base}/v1/platforms/${engine.data.platforms[0].id}/recommendations?k=2`);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { items: unknown[] }).items.length).toBeLessThanOrEqual(2);
  });

  it("requests Node's parser refuses are answered in the API's error format (were Fastify's own: error \"Bad Request\", \"Request Header Fields Too Large\")", async () => {
    const { port } = new URL(base);
    const raw = async (text: string) => {
      const s = connect(Number(port), '127.0.0.1');
      let got = '';
      s.on('data', (b: Buffer) => (got += b.toString()));
      s.on('error', () => undefined);
      s.write(text);
      await once(s, 'close');
      const [head, body] = got.split('\r\n\r\n');
      return { status: head.split('\r\n')[0], type: /content-type: (.*)/i.exec(head)?.[1], body: JSON.parse(body) as unknown };
    };
    expect(await raw('GARBAGE / HTTP/1.1\r\nHost: x\r\n\r\n')).toEqual({ status: 'HTTP/1.1 400 Bad Request', type: 'application/json; charset=utf-8', body: { error: 'bad_request', message: 'malformed HTTP request' } });
    expect((await raw('GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n')).body).toEqual({ error: 'bad_request', message: 'malformed HTTP request' });
    expect(await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`)).toEqual({
      status: 'HTTP/1.1 431 Request Header Fields Too Large',
      type: 'application/json; charset=utf-8',
      body: { error: 'headers_too_large', message: 'request line and headers larger than 16,384 bytes' },
    });
    // a URL too long for Node's header limit (a route parameter's own limit answers 414 below it)
    const long = await fetch(`${base}/v1/talents/t/recommendations?k=${'1'.repeat(20_000)}`);
    expect([long.status, await long.json()]).toEqual([431, { error: 'headers_too_large', message: 'request line and headers larger than 16,384 bytes' }]);
    // the request timeout (10 s) takes the same way
    expect(clientErrorAnswer('ERR_HTTP_REQUEST_TIMEOUT')).toEqual({ status: 408, body: { error: 'request_timeout', message: 'the request was not received in time' } });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('a known path asked with a method it does not answer: 405 with Allow naming the ones it does; an unknown path stays 404', async () => {
    const cases: [string, string, string][] = [
      ['DELETE', '/v1/talents/t-x/recommendations', 'GET, HEAD'],
      ['POST', '/v1/assignment', 'GET, HEAD'],
      ['GET', '/v1/score', 'POST'],
      ['PUT', '/v1/talents/recommendations', 'POST'],
      ['POST', '/healthz?x=1', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const r = await fetch(base + path, { method });
      expect(r.status, `${method} ${path}`).toBe(405);
      expect(r.headers.get('allow')).toBe(allow);
      const j = (await r.json()) as { error: string; message: string };
      expect(j).toMatchObject({ error: 'method_not_allowed', message: `${method} is not allowed on ${path}: ${allow}` });
    }
    // a parameter matches one non-empty segment only: these paths are no route's
    for (const path of ['/v1/talents//recommendations', '/v1/talents/a/b/recommendations', '/v1/scores', '/v1/assignment/x']) {
      const r = await fetch(base + path, { method: 'DELETE' });
      expect(r.status, path).toBe(404);
      expect(r.headers.get('allow')).toBeNull();
    }
  });

  it('huge numbers and Infinity: 400 naming the bound, never NaN or null', async () => {
    const inf = await post('/v1/talents/recommendations', '{"talent":{"id":"t","name":"n","description":"d","needs":{"seats":1e999}}}');
    expect(inf.status).toBe(400);
    expect(((await inf.json()) as { issues: { got: string }[] }).issues[0].got).toBe('Infinity');
    const big = await post('/v1/match', JSON.stringify({ platforms: [platform({ capacity: { slots: 1e15, slotsUsed: 0, seats: 10, seatsUsed: 0 } })], talents: [talent()] }));
    expect(big.status).toBe(400);
    expect(((await big.json()) as { issues: { path: string; expected: string }[] }).issues[0]).toMatchObject({ path: 'capacity.slots', expected: 'integer <= 1,000,000,000' });
  });

  it('an inline platform with no slots scores 0 on capacity and answers 200 (was NaN and a 500)', async () => {
    const r = await post('/v1/score', JSON.stringify({ pairs: [{ talent: { profile: talent() }, platform: { profile: platform({ capacity: { slots: 0, slotsUsed: 0, seats: 0, seatsUsed: 0 } }) } }] }));
    expect(r.status).toBe(200);
    const j = (await r.json()) as { results: { acceptable: boolean; reason: string; score: number; why: Record<string, number> }[] };
    expect(j.results[0]).toMatchObject({ acceptable: false, reason: 'no-free-slot' });
    expect(Number.isFinite(j.results[0].score)).toBe(true);
    for (const v of Object.values(j.results[0].why)) expect(Number.isFinite(v)).toBe(true);
  });

  it('a long Han run: over the field limit is a 400; at the limit it is scored', async () => {
    const han = '视觉研发团队专注于跨境电商平台的数据分析';
    const over = han.repeat(Math.ceil((MAX_TEXT_CHARS + 1) / han.length));
    const r = await post('/v1/talents/recommendations', JSON.stringify({ talent: talent({ description: over }) }));
    expect(r.status).toBe(400);
    expect(((await r.json()) as { issues: { path: string; expected: string }[] }).issues[0]).toMatchObject({ path: 'talent.description', expected: 'at most 20,000 characters' });
    const at = over.slice(0, MAX_TEXT_CHARS);
    const ok = await post('/v1/talents/recommendations', JSON.stringify({ talent: talent({ description: at }), k: 3 }));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { items: unknown[] }).items.length).toBeLessThanOrEqual(3);
  });
});

describe('a database that goes bad after start', () => {
  it('503 on /readyz and every snapshot route, the reason logged with the file; recovers when the file is good again', async () => {
    // checkpoint the WAL into the main file so a copy is complete
    const raw = new Database(db);
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    const dir = mkdtempSync(join(tmpdir(), 'tm-corrupt-'));
    const path = join(dir, 'db.sqlite');
    copyFileSync(db, path);
    await app.close();
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs.push(chunk.toString());
        cb();
      },
    });
    app = await buildServer({ db: path, engine, logger: { level: 'error', stream } });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    // the file is damaged in place while the server runs (a bad disk, a botched restore)
    writeFileSync(path, Buffer.alloc(64 * 1024, 0x5a));
    // a snapshot route first (its lookup read the change counter outside the guard: a raw SQLITE_CORRUPT, a 500), then /readyz
    for (const route of ['/v1/assignment', '/v1/referrals', `/v1/talents/t-any/recommendations`, '/v1/platforms/p-any/recommendations']) {
      const r = await fetch(base + route);
      expect(r.status, route).toBe(503);
      expect(((await r.json()) as { error: string }).error).toBe('not_ready');
    }
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { reason: string }).reason).toBe('snapshot database unreadable (see the server log)');
    const logged = logs.join('');
    expect(logged).toContain(path);
    expect(logged).toMatch(/SQLITE_CORRUPT|SQLITE_NOTADB|not a database|malformed/);
    // logged once per distinct reason, not once per request
    expect(logged.split('snapshot database unreadable').length - 1).toBeLessThanOrEqual(2);
    // the operator puts a good file back: ready again without a restart
    copyFileSync(db, path);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});
