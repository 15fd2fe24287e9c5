/**
 * How a chunk's result travels through Redis: a binary frame under its own key (not a
 * base64 return value), read back byte for byte; a frame that is not one fails with a
 * clear E_INTERNAL naming the chunk; a result gone from Redis (expired, evicted) has its
 * chunk enqueued again; a worker or coordinator before binary results still interoperates.
 * The dispatcher is driven here by hand-made BullMQ workers, so each path is exercised on
 * purpose rather than by timing.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { needServices, REDIS } from '../../support/services.js';
import type { ChunkJob } from '../../../src/adapters/queue/queue.js';
import { QUEUE_NAME, RESULT_MARK, decodeResultFrame, encodeResult, encodeResultFrame, queueDispatcher, resultKey } from '../../../src/adapters/queue/queue.js';
import type { ChunkResult, ChunkTask } from '../../../src/engine/chunk.js';
import type { DispatchContext } from '../../../src/workers/dispatch.js';
import { isTalentmatchError } from '../../../src/errors.js';

const result = (chunkId: number): ChunkResult => ({
  chunkId,
  pairs: 123_456_789_012, // beyond 32 bits: the header keeps it as a double
  rows: Uint8Array.from({ length: 1000 + chunkId }, (_, i) => (i * 7 + chunkId) & 255),
  candidates: Uint8Array.from({ length: 333 }, (_, i) => (i * 13) & 255),
});

const same = (a: ChunkResult, b: ChunkResult) => {
  expect(b.chunkId).toBe(a.chunkId);
  expect(b.pairs).toBe(a.pairs);
  expect(Buffer.from(b.rows).equals(Buffer.from(a.rows))).toBe(true);
  expect(Buffer.from(b.candidates).equals(Buffer.from(a.candidates))).toBe(true);
};

describe('result frames', () => {
  it('round-trip rows, candidates, pairs and chunk id exactly; the frame is 24 bytes of header plus the payload', () => {
    const r = result(5);
    const f = encodeResultFrame(r);
    expect(f.length).toBe(24 + r.rows.length + r.candidates.length);
    same(r, decodeResultFrame(f, 5));
    // empty rows and candidates (a chunk whose talents have no pairs) still frame
    const empty: ChunkResult = { chunkId: 0, pairs: 0, rows: new Uint8Array(0), candidates: new Uint8Array(0) };
    same(empty, decodeResultFrame(encodeResultFrame(empty), 0));
  });

  it('a truncated, foreign or other chunk\'s frame fails with E_INTERNAL naming the chunk', () => {
    const f = encodeResultFrame(result(3));
    const fails = (b: Buffer, id: number, why: RegExp) => {
      try {
        decodeResultFrame(b, id);
      } catch (e) {
        expect(isTalentmatchError(e) && e.code).toBe('E_INTERNAL');
        expect((e as Error).message).toMatch(new RegExp(`^chunk ${id}: `));
        expect((e as Error).message).toMatch(why);
        return;
      }
      throw new Error('no error');
    };
    fails(f.subarray(0, f.length - 1), 3, /the header says/);
    fails(Buffer.concat([f, Buffer.from([0])]), 3, /the header says/);
    fails(f.subarray(0, 23), 3, /no frame header/);
    fails(Buffer.from(encodeResult(result(3))), 3, /no frame header/); // a base64 result is not a frame
    fails(f, 4, /chunk 3's/);
  });
});

const services = needServices('test/queue results (binary results on Redis)', [REDIS]);
const PORT = 20000 + Math.floor(Math.random() * 20000);
const URL_ = `redis://127.0.0.1:${PORT}`;

describe.skipIf(services.skip)('results through Redis', () => {
  let redis: ChildProcess;
  let admin: Redis;
  const workers: Worker[] = [];
  const conns: Redis[] = [];
  const ctx: DispatchContext = { pack: undefined as never, runId: 7, platformFingerprint: 'f'.repeat(64), talentsPath: '/nowhere/talents.jsonl' };
  const task = (chunkId: number): ChunkTask => ({ runId: 7, chunkId, startLine: chunkId * 10 + 1, endLine: chunkId * 10 + 10, startByte: 0, endByte: 1, key: 'k', skipLines: [], talents: [], k: 10, kPlatform: 30, maxPrefs: 50 });
  /** A stand-in worker: `reply` decides what a job returns (and what it leaves in Redis). */
  const worker = (reply: (job: Job<ChunkJob>, conn: Redis) => Promise<string>) => {
    const conn = new Redis(URL_, { maxRetriesPerRequest: null });
    conns.push(conn);
    const w = new Worker<ChunkJob, string>(QUEUE_NAME, (job) => reply(job, conn), { connection: conn, concurrency: 1 });
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    if (services.failure) throw new Error(services.failure);
    redis = spawn('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    admin = new Redis(URL_, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    admin.on('error', () => undefined); // refused until the server is up
    for (let i = 0; i < 100; i++) {
      if (await admin.ping().then((p) => p === 'PONG', () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 30_000);

  beforeEach(async () => {
    await admin.flushall();
  });

  afterEach(async () => {
    for (const w of workers.splice(0)) await w.close();
    for (const c of conns.splice(0)) c.disconnect();
  });

  afterAll(() => {
    admin?.disconnect();
    redis?.kill('SIGKILL');
  });

  it('the coordinator asks for binary results, reads the frame byte for byte, then deletes the job and the key', async () => {
    const asked: (string | undefined)[] = [];
    worker(async (job, conn) => {
      asked.push(job.data.results);
      const f = encodeResultFrame(result(job.data.chunkId));
      await conn.set(resultKey(String(job.id)), f, 'EX', 60);
      return `${RESULT_MARK}${f.length}`;
    });
    const d = await queueDispatcher(URL_, ctx, { inFlight: 2 });
    try {
      const got = await Promise.all([d.run(task(0)), d.run(task(1))]);
      same(result(0), got[0]);
      same(result(1), got[1]);
      expect(asked).toEqual(['key', 'key']);
      expect(await admin.keys('tm:result:*')).toEqual([]); // nothing left behind
    } finally {
      await d.destroy();
    }
  });

  it('a result gone from Redis (expired, evicted) has its chunk enqueued again, with a line saying so', async () => {
    let attempts = 0;
    worker(async (job, conn) => {
      attempts++;
      const f = encodeResultFrame(result(job.data.chunkId));
      // the first time, the result "expires" before the coordinator reads it
      if (attempts > 1) await conn.set(resultKey(String(job.id)), f, 'EX', 60);
      return `${RESULT_MARK}${f.length}`;
    });
    const log: string[] = [];
    const d = await queueDispatcher(URL_, ctx, { inFlight: 1, log: (s) => log.push(s) });
    try {
      same(result(4), await d.run(task(4)));
      expect(attempts).toBe(2);
      expect(log.join('')).toContain('chunk 4: its job is done but its result is gone from Redis (expired or evicted); enqueued again');
    } finally {
      await d.destroy();
    }
  });

  it('a worker before binary results (base64 return value) is still understood', async () => {
    worker(async (job) => encodeResult(result(job.data.chunkId)));
    const d = await queueDispatcher(URL_, ctx, { inFlight: 1 });
    try {
      same(result(2), await d.run(task(2)));
    } finally {
      await d.destroy();
    }
  });

  it('a frame that is not one fails the chunk with E_INTERNAL naming it', async () => {
    worker(async (job, conn) => {
      await conn.set(resultKey(String(job.id)), Buffer.from('not a frame at all, 32 bytes....'), 'EX', 60);
      return `${RESULT_MARK}32`;
    });
    const d = await queueDispatcher(URL_, ctx, { inFlight: 1 });
    try {
      await expect(d.run(task(6))).rejects.toThrow(/^chunk 6: its result in Redis is not a talentmatch result frame/);
    } finally {
      await d.destroy();
    }
  });
});
