/**
 * The server's close is bounded and still graceful (src/adapters/http/shutdown.ts): a connection
 * on which no request has begun is closed at once; a request in flight when the close begins
 * gets its whole answer and its keep-alive connection is then ended; a client that never reads a streamed answer, a body that stops arriving and a handler
 * that never settles are destroyed after the grace, so app.close() (what `serve` runs on
 * SIGTERM) always resolves. No timing is asserted: a close that did not end would time the test
 * out (each test's timeout is far above what it needs, and far below the 72 s keep-alive and
 * 60 s connection timeouts that were the only bounds before).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import type { Socket } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../../src/adapters/http/server.js';
import { LIMITS } from '../../../src/api/schemas.js';

const CHUNK = Buffer.alloc(64 * 1024, 'x');
/** far more than the kernel buffers of a connection hold: a client that does not read stalls it */
const STREAM_CHUNKS = 4096;
const TEST_TIMEOUT = 30_000;

interface Fixture {
  app: FastifyInstance;
  port: number;
  base: string;
  /** resolves when a request for the path has reached the server (its headers read) */
  arrived: (path: string) => Promise<void>;
  /** lets GET /test/gated answer */
  open: () => void;
  /** set once the stream of GET /test/stream has ended (all of it handed to the system) */
  streamed: { done: boolean };
}

async function start(closeGraceMs: number, logs?: string[]): Promise<Fixture> {
  const stream = new Writable({ write: (chunk, _enc, cb) => (logs?.push(String(chunk)), cb()) });
  const app = await buildServer({ closeGraceMs, logger: { level: 'warn', stream } });
  const waiting = new Map<string, () => void>();
  const seen = new Map<string, Promise<void>>();
  const arrived = (path: string) => {
    let p = seen.get(path);
    if (!p) {
      p = new Promise<void>((resolve) => waiting.set(path, resolve));
      seen.set(path, p);
    }
    return p;
  };
  app.addHook('onRequest', (req, _reply, done) => {
    void arrived(req.url);
    waiting.get(req.url)?.();
    done();
  });
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const streamed = { done: false };
  app.get('/test/gated', async () => {
    await gate;
    return { answered: true };
  });
  app.get('/test/never', () => new Promise(() => undefined));
  app.get('/test/stream', (_req, reply) => {
    let n = 0;
    const body = new Readable({
      read() {
        if (n++ < STREAM_CHUNKS) this.push(CHUNK);
        else {
          streamed.done = true;
          this.push(null);
        }
      },
    });
    return reply.type('application/octet-stream').send(body);
  });
  app.post('/test/echo', async (req) => ({ got: req.body }));
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: Number(new URL(base).port), base, arrived, open, streamed };
}

/** A raw client: sends `text`, then reads nothing until told; resolves `ended` when the server has closed the connection. */
function rawClient(port: number, text: string): { socket: Socket; ended: Promise<number> } {
  const socket = connect(port, '127.0.0.1');
  socket.pause();
  socket.on('error', () => undefined); // a reset is one way the server may end it
  socket.write(text);
  const ended = new Promise<number>((resolve) => socket.on('close', () => resolve(socket.bytesRead)));
  return { socket, ended };
}

describe('closing the API server', () => {
  it('runs with the connection limits of LIMITS (a silent client cannot hold a connection forever while serving either)', async () => {
    const app = await buildServer({});
    try {
      expect([app.server.timeout, app.server.keepAliveTimeout, app.server.requestTimeout]).toEqual([LIMITS.connectionTimeoutMs, LIMITS.keepAliveTimeoutMs, LIMITS.requestTimeoutMs]);
      expect(LIMITS.connectionTimeoutMs).toBeGreaterThan(LIMITS.requestTimeoutMs); // above what one request may take
    } finally {
      await app.close();
    }
  });

  it('answers a request in flight when the close begins, then ends its keep-alive connection: the close resolves without the grace', async () => {
    // a grace far longer than the test: only ending the answered connection lets the close end
    const s = await start(10 * 60_000);
    const answer = fetch(`${s.base}/test/gated`).then(async (r) => ({ status: r.status, body: await r.json() }));
    await s.arrived('/test/gated');
    const closed = s.app.close();
    // answered only once the server has stopped listening: Node's close has then closed the idle
    // connections, and this one, busy then, turns idle after it (answered any sooner, it would
    // be idle at the close and closed by Node itself)
    while (s.app.server.listening) await new Promise((resolve) => setImmediate(resolve));
    s.open();
    expect(await answer).toEqual({ status: 200, body: { answered: true } });
    await closed;
    await expect(fetch(`${s.base}/healthz`)).rejects.toThrow(); // no longer listening
  }, TEST_TIMEOUT);

  it('closes a connection on which no request has begun at once, as the idle ones (what fetch under load leaves open)', async () => {
    // the grace far longer than the test: only closing the connection at the close's start ends it
    const s = await start(10 * 60_000);
    const accepted = new Promise<void>((resolve) => s.app.server.once('connection', () => resolve()));
    const c = rawClient(s.port, '');
    await accepted;
    const kept = await fetch(`${s.base}/healthz`); // and one idle keep-alive connection beside it
    expect(kept.status).toBe(200);
    await s.app.close();
    c.socket.resume();
    expect(await c.ended).toBe(0);
  }, TEST_TIMEOUT);

  it('over TLS too: a connection through the handshake on which no request has begun is closed at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tm-shutdown-tls-'));
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const app = await buildServer({ closeGraceMs: 10 * 60_000, transport: { tls: { cert: readFileSync(cert), key: readFileSync(key) } } });
    const port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port);
    const accepted = new Promise<void>((resolve) => app.server.once('secureConnection', () => resolve()));
    const socket = tlsConnect({ port, host: '127.0.0.1', ca: readFileSync(cert) });
    socket.on('error', () => undefined);
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
    await accepted;
    await app.close();
    await ended;
  }, TEST_TIMEOUT);

  it('destroys a connection whose client never reads a streamed answer, after the grace', async () => {
    const logs: string[] = [];
    const s = await start(200, logs);
    const c = rawClient(s.port, 'GET /test/stream HTTP/1.1\r\nHost: t\r\n\r\n');
    await s.arrived('/test/stream');
    await s.app.close();
    c.socket.resume(); // read what the kernel holds: the connection then shows its end
    const bytes = await c.ended;
    expect(s.streamed.done).toBe(false); // the answer was cut, not completed
    expect(bytes).toBeLessThan(STREAM_CHUNKS * CHUNK.length);
    expect(logs.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['shutdown: 1 connection(s) still open 200 ms after the close began, destroyed']);
  }, TEST_TIMEOUT);

  it('destroys a connection whose request body stops arriving, after the grace', async () => {
    const s = await start(200);
    const c = rawClient(s.port, 'POST /test/echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"half":');
    await s.arrived('/test/echo');
    await s.app.close();
    c.socket.resume();
    await c.ended;
    expect(c.socket.destroyed).toBe(true);
  }, TEST_TIMEOUT);

  it('destroys a connection whose handler never settles, after the grace; the client sees the connection end', async () => {
    const s = await start(200);
    const answer = fetch(`${s.base}/test/never`).then(
      (r) => `answered ${r.status}`,
      (e: Error) => `failed: ${e.message}`,
    );
    await s.arrived('/test/never');
    await s.app.close();
    expect(await answer).toMatch(/^failed/);
  }, TEST_TIMEOUT);
});
