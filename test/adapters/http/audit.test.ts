/**
 * How log and audit lines are written (adapters/http/lineSink.ts): in batches by default —
 * held until the batch fills, its time is up, the sink is flushed or closed, or the process
 * exits — or one write per line (--audit-sync). No line is lost on a graceful stop: the
 * server's close writes what is held, and `serve` closes on SIGTERM. The lines name the
 * key's id, never the key. No timing is asserted: a test waits for a line at most as long
 * as it takes, and checks counts and contents.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { LineSink } from '../../../src/adapters/http/lineSink.js';
import { IsoClock, auditLineJson, defaultPinoBindings, jsonString, pinoRequestLine } from '../../../src/adapters/http/audit.js';
import type { AuditLine } from '../../../src/adapters/http/audit.js';
import { LazyChildLogger } from '../../../src/adapters/http/lazyLogger.js';
import { buildServer } from '../../../src/adapters/http/server.js';
import { KeyRing, newKey, writeKeysFile } from '../../../src/adapters/http/keys.js';
import { loadDataset } from '../../../src/adapters/files/dataset.js';
import { runBatch } from '../../../src/adapters/batch/run.js';

const FIX = 'fixtures/jiangdong';
const tmp = () => mkdtempSync(join(tmpdir(), 'tm-sink-'));
const text = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
const lines = (f: string) => text(f).split('\n').filter(Boolean);
/** Waits until `ok()` holds (checked every 10 ms); fails after `tries` checks rather than hanging. */
async function until(ok: () => boolean, tries = 1000): Promise<void> {
  for (let i = 0; i < tries && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok()).toBe(true);
}

describe('LineSink', () => {
  it('buffered: holds lines until flushed; a full batch is written at once; close writes the rest and refuses later lines', () => {
    const file = join(tmp(), 'a.jsonl');
    const sink = new LineSink(openSync(file, 'a'), 'buffered', { ownsFd: true, chars: 100, flushMs: 3_600_000 });
    sink.write('{"n":1}\n');
    sink.write('{"n":2}\n');
    expect(text(file)).toBe(''); // held (the batch is 16 of 100 characters; its timer is an hour away)
    sink.flush();
    expect(lines(file)).toEqual(['{"n":1}', '{"n":2}']);
    // exactly at the batch size: written by the write itself
    const line = `{"pad":"${'x'.repeat(100 - 11)}"}\n`;
    expect(line.length).toBe(100);
    sink.write(line);
    expect(lines(file)).toHaveLength(3);
    // one character short of it: held, until close
    sink.write(`${line.slice(0, 98)}\n`);
    expect(lines(file)).toHaveLength(3);
    sink.close();
    expect(lines(file)).toHaveLength(4);
    expect(lines(file)[3]).toBe(line.slice(0, 98));
    expect(sink.write('{"n":6}\n')).toBe(false);
    expect(lines(file)).toHaveLength(4);
  });

  it('buffered: written by the timer without a flush', async () => {
    const file = join(tmp(), 'b.jsonl');
    const sink = new LineSink(openSync(file, 'a'), 'buffered', { ownsFd: true, chars: 1 << 20, flushMs: 5 });
    sink.write('{"n":1}\n');
    await until(() => lines(file).length === 1);
    sink.close();
  });

  it('sync: every line is written as it comes; a sink on a descriptor it does not own stays usable after close, unbuffered', () => {
    const file = join(tmp(), 'c.jsonl');
    const fd = openSync(file, 'a');
    const sync = new LineSink(fd, 'sync');
    sync.write('{"n":1}\n');
    expect(lines(file)).toEqual(['{"n":1}']);
    const shared = new LineSink(fd, 'buffered', { flushMs: 3_600_000 });
    shared.write('{"n":2}\n');
    expect(lines(file)).toHaveLength(1);
    shared.close();
    expect(lines(file)).toHaveLength(2);
    expect(shared.writes).toBe('sync');
    expect(shared.write('{"n":3}\n')).toBe(true);
    expect(lines(file)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    closeSync(fd);
  });

  it('a failed write is reported once with the lines it lost, and the sink keeps going', () => {
    const file = join(tmp(), 'd.jsonl');
    writeFileSync(file, '');
    const fd = openSync(file, 'r'); // read-only: every write fails (EBADF)
    const errors: [string, number][] = [];
    const sink = new LineSink(fd, 'buffered', { flushMs: 3_600_000, onError: (reason, lost) => errors.push([reason, lost]) });
    sink.write('{"n":1}\n');
    sink.write('{"n":2}\n');
    sink.flush();
    sink.write('{"n":3}\n');
    sink.flush(); // the same reason again: not reported twice
    expect(errors).toHaveLength(1);
    expect(errors[0]![0]).toMatch(/^EBADF/);
    expect(errors[0]![1]).toBe(2);
    sink.close();
    closeSync(fd);
  });

  it('the process writes what it holds when it exits: process.exit and an uncaught exception', () => {
    for (const end of ['process.exit(3)', 'setTimeout(() => { throw new Error("boom") }, 0)']) {
      const file = join(tmp(), 'e.jsonl');
      const code = `import('${join(process.cwd(), 'src/adapters/http/lineSink.ts')}').then(({ LineSink }) => {
        const { openSync } = require('node:fs');
        const s = new LineSink(openSync(${JSON.stringify(file)}, 'a'), 'buffered', { ownsFd: true, flushMs: 3600000 });
        for (let i = 0; i < 10; i++) s.write(JSON.stringify({ n: i }) + '\\n');
        ${end};
      })`;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8' });
      expect(r.status).toBe(end.startsWith('process') ? 3 : 1);
      expect(lines(file).map((l) => (JSON.parse(l) as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
  }, 60_000);
});

describe('the request line of the log', () => {
  it('written directly (serve\'s own stdout sink) it is byte for byte the line pino writes through Fastify\'s request logger', async () => {
    const chunks: string[] = [];
    const app = Fastify({ logger: { level: 'info', stream: { write: (s: string) => void chunks.push(s) }, timestamp: () => ',"time":1764201600123' } });
    await app.ready();
    // quotes, a backslash, non-ASCII and a null route: every escape JSON.stringify makes
    const line = { time: '2026-11-27T00:00:00.000Z', requestId: 'r-1"\\x', keyId: null, method: 'POST', route: null, status: 404, ms: 0.125, ids: ['a"b', '人才-7', 'x\ny'], ip: '::1' };
    app.log.child({ reqId: line.requestId }).info({ audit: line }, 'request');
    await app.close();
    expect(chunks).toHaveLength(1);
    expect(pinoRequestLine(1764201600123, defaultPinoBindings(), line.requestId, JSON.stringify(line))).toBe(chunks[0]);
  });
});

describe('request loggers made on first use (lazyLogger.ts)', () => {
  it('the audit line by template is JSON.stringify of the line, byte for byte, over awkward values', () => {
    const lines: AuditLine[] = [
      { time: '2026-11-28T00:00:00.000Z', requestId: '0b6f7c1e-5a4d-4c1e-9f2a-3d1b2c4e5f60', keyId: '0123456789ab', method: 'GET', route: '/v1/talents/:id/recommendations', status: 200, ms: 0.123, ids: ['t-1'], ip: '127.0.0.1' },
      { time: '2026-11-28T00:00:00.001Z', requestId: 'req-1', keyId: null, method: 'POST', route: null, status: 404, ms: 12, ids: [], ip: '::ffff:10.0.0.1' },
      // ids as a client may send them: quotes, backslashes, control characters, non-ASCII, a lone surrogate
      { time: 'x', requestId: 'r"\\', keyId: 'k\u0000', method: 'DELETE', route: '/a"b', status: 503, ms: 1e21, ids: ['a"b', 'c\\d', 'e\nf\u0007', '江东区', '\ud800x', ''], ip: '' },
      // a time that is not a finite number is null in JSON
      { time: 't', requestId: 'r', keyId: null, method: 'GET', route: '/', status: 200, ms: Number.NaN, ids: ['x'], ip: 'i' },
    ];
    for (const l of lines) expect(auditLineJson(l.time, l.requestId, l.keyId, l.method, l.route, l.status, l.ms, l.ids, l.ip)).toBe(JSON.stringify(l));
  });

  it("jsonString is JSON.stringify byte for byte: every character on either side of the quick path's bounds, and the escapes", () => {
    // the quick path takes 0x20..0x7e but '"' and '\\'; each bound and its neighbours, alone and inside text
    const codes = [0x00, 0x07, 0x08, 0x0a, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x2f, 0x5b, 0x5c, 0x5d, 0x7e, 0x7f, 0x80, 0xff, 0x100, 0x2028, 0x6c5f, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfffe];
    const strings = ['', 'plain', '0b6f7c1e-5a4d-4c1e-9f2a-3d1b2c4e5f60', '/v1/talents/:id/recommendations', '\ud83d\ude00', '\ud800\udc00x'];
    for (const c of codes) {
      const ch = String.fromCharCode(c);
      strings.push(ch, `a${ch}`, `${ch}z`, `ab${ch}cd${ch}`);
    }
    for (const s of strings) expect(jsonString(s)).toBe(JSON.stringify(s));
    // the quick path and the escaping path, by what they return
    expect(jsonString('t-1 ~')).toBe('"t-1 ~"');
    expect(jsonString('a\u001fb')).toBe('"a\\u001fb"');
    expect(jsonString('q"')).toBe('"q\\""');
  });

  it("the clock's time is Date#toISOString of the millisecond asked, made again when the millisecond changes", () => {
    const c = new IsoClock();
    for (const ms of [0, 0, 1, 1764288000123, 1764288000123, 1764288000124, 5]) expect(c.at(ms)).toBe(new Date(ms).toISOString());
  });

  it('make no pino child for a request that logs nothing, and the same child (the same bytes) for one that does', () => {
    const chunks: string[] = [];
    const parent = Fastify({ logger: { level: 'info', stream: { write: (s: string) => void chunks.push(s) }, timestamp: () => ',"time":1' } }).log;
    let made = 0;
    const counting = Object.assign(Object.create(parent) as typeof parent, { child: (b: Record<string, unknown>, o?: Record<string, unknown>) => (made++, parent.child(b, o)) });
    const lazy = new LazyChildLogger(counting, { reqId: 'r-9' }, {});
    expect(lazy.level).toBe('info');
    expect(made).toBe(0);
    lazy.debug('below the level');
    lazy.info({ a: 1 }, 'one');
    lazy.error({ err: { code: 'E', message: 'm' } }, 'two');
    expect(made).toBe(1);
    parent.child({ reqId: 'r-9' }).info({ a: 1 }, 'one');
    parent.child({ reqId: 'r-9' }).error({ err: { code: 'E', message: 'm' } }, 'two');
    expect(chunks).toHaveLength(4);
    expect(chunks.slice(0, 2)).toEqual(chunks.slice(2));
    expect(chunks[0]).toContain('"reqId":"r-9"');
  });
});

describe('the server', () => {
  let db: string;
  beforeAll(async () => {
    db = join(tmp(), 'db.sqlite');
    const { dataset } = await loadDataset({ data: FIX }, { needTalents: true, needOutcomes: false, skipInvalid: false });
    await runBatch({ industries: dataset.industries, platforms: dataset.platforms, policy: dataset.policy, ...(dataset.weights ? { weights: dataset.weights } : {}), talentsPath: join(FIX, 'talents.jsonl') }, { db, threads: 1, chunkSize: 1200 });
  }, 120_000);

  it('buffered (the default): close writes every held line, one per request, in order', async () => {
    const audit = join(tmp(), 'audit.jsonl');
    const { key, record } = newKey({ scopes: ['read:recommendations'], now: new Date() });
    const app = await buildServer({ db, keys: new KeyRing({ version: 1, keys: [record] }), audit });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const ids = ['t-shiruidi-visual-rd', 't-tiedadawang', 't-nobody'];
    const statuses: number[] = [];
    for (const id of ids) statuses.push((await fetch(`${base}/v1/talents/${id}/recommendations?k=2`, { headers: { authorization: `Bearer ${key}` } })).status);
    await app.close();
    const got = lines(audit).map((l) => JSON.parse(l) as { ids: string[]; status: number; keyId: string });
    expect(got.map((l) => [l.ids, l.status, l.keyId])).toEqual(ids.map((id, i) => [[id], statuses[i], record.id]));
    expect(statuses).toEqual([200, 200, 404]);
    expect(text(audit)).not.toContain(key.slice(16));
  });

  it("each line's route is the matched route's pattern (answered, refused by the gate, an unknown id), null for no route", async () => {
    const audit = join(tmp(), 'audit.jsonl');
    const { key, record } = newKey({ scopes: ['read:recommendations'], now: new Date() });
    const app = await buildServer({ db, keys: new KeyRing({ version: 1, keys: [record] }), audit, auditSync: true });
    const h = { authorization: `Bearer ${key}` };
    const asked = [
      { url: '/v1/talents/t-tiedadawang/recommendations?k=2', headers: h },
      { url: '/v1/platforms/t-nobody/recommendations', headers: h },
      { url: '/v1/talents/t-tiedadawang/recommendations' }, // no key: 401 from the gate
      { url: '/v1/admin/status', headers: h }, // outside the key's scope: 403
      { url: '/v1/no/such/route', headers: h },
      { url: '/healthz' },
    ];
    const statuses: number[] = [];
    for (const a of asked) statuses.push((await app.inject(a)).statusCode);
    await app.close();
    expect(statuses).toEqual([200, 404, 401, 403, 404, 200]);
    const got = lines(audit).map((l) => JSON.parse(l) as { route: string | null; status: number });
    expect(got.map((l) => [l.route, l.status])).toEqual([
      ['/v1/talents/:id/recommendations', 200],
      ['/v1/platforms/:id/recommendations', 404],
      ['/v1/talents/:id/recommendations', 401],
      ['/v1/admin/status', 403],
      [null, 404],
      ['/healthz', 200],
    ]);
  });

  it('--audit-sync: each line is in the file without a flush or a close', async () => {
    const audit = join(tmp(), 'audit.jsonl');
    const app = await buildServer({ db, audit, auditSync: true });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      for (let i = 1; i <= 3; i++) {
        expect((await fetch(`${base}/v1/talents/t-tiedadawang/recommendations?k=${i}`)).status).toBe(200);
        await until(() => lines(audit).length === i); // onResponse runs once the answer is out: wait for it, then exactly i
      }
    } finally {
      await app.close();
    }
    expect(lines(audit)).toHaveLength(3);
  });

  it('a logger with options of its own: the request line goes through the request logger, with its reqId, as pino writes it', async () => {
    const chunks: string[] = [];
    const app = await buildServer({ db, logger: { level: 'info', stream: { write: (s: string) => void chunks.push(s) }, timestamp: () => ',"time":7' } });
    const res = await app.inject({ url: '/v1/talents/t-nobody/recommendations?k=2' });
    await app.close();
    expect(res.statusCode).toBe(404);
    const requestId = (res.json() as { requestId: string }).requestId;
    const logged = chunks.filter((c) => c.includes('"audit"'));
    expect(logged).toHaveLength(1);
    const audit = (JSON.parse(logged[0]!) as { audit: { requestId: string; status: number } }).audit;
    expect(audit).toMatchObject({ requestId, status: 404, ids: ['t-nobody'] });
    expect(logged[0]).toBe(pinoRequestLine(7, defaultPinoBindings(), requestId, JSON.stringify(audit)));
  });

  it('an audit file that cannot be opened stops the server at start, naming it', async () => {
    const bad = join(tmp(), 'no-such-dir', 'audit.jsonl');
    await expect(buildServer({ db, audit: bad })).rejects.toMatchObject({ code: 'E_IO', message: expect.stringContaining(bad) as string });
  });

  it('serve (compiled build): SIGTERM after a burst loses no line of the log or the audit file; neither holds the key', async () => {
    const dir = tmp();
    const audit = join(dir, 'audit.jsonl');
    const keysFile = join(dir, 'keys.json');
    const { key, record } = newKey({ scopes: ['read:recommendations', 'score'], now: new Date() });
    writeKeysFile(keysFile, { version: 1, keys: [record] });
    const child = spawn(process.execPath, ['bin/talentmatch.js', 'serve', '--db', db, '--port', '0', '--keys', keysFile, '--audit', audit], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    let err = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /listening on (http:\/\/[^\s]+)/.exec(err);
        if (m) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error(err)));
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    // a burst, then SIGTERM at once: the last batch of each sink (under AUDIT_BUFFER.chars) is still held then, unless its timer came first
    const n = 40;
    const h = { authorization: `Bearer ${key}` };
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => fetch(`${url}/v1/talents/t-tiedadawang/recommendations?k=${1 + (i % 10)}`, { headers: h }).then((r) => r.status)));
    expect(answers.every((s) => s === 200)).toBe(true);
    const unauthorized = await fetch(`${url}/v1/talents/t-tiedadawang/recommendations`, { headers: { authorization: `Bearer ${key.slice(0, -2)}xx` } });
    expect(unauthorized.status).toBe(401);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const trail = lines(audit).map((l) => JSON.parse(l) as { keyId: string | null; status: number; route: string });
    expect(trail).toHaveLength(n + 1);
    expect(trail.filter((l) => l.keyId === record.id && l.status === 200)).toHaveLength(n);
    expect(trail.filter((l) => l.keyId === null && l.status === 401)).toHaveLength(1);
    const logged = log.split('\n').filter((l) => l.includes('"audit"'));
    expect(logged).toHaveLength(n + 1);
    for (const t of [text(audit), log]) {
      expect(t).not.toContain(key.slice(16)); // the secret part of the key, and of the wrong key sent
      expect(t).not.toContain(key.slice(16, -2));
      expect(t.toLowerCase()).not.toContain('bearer');
    }
  }, 120_000);
});
