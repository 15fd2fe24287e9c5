/**
 * The coordinator's one-copy read of a result frame (src/adapters/queue/reader.ts): the RESP
 * reply parsed from pieces of any size gives exactly what `decodeResultFrame` gives for the
 * same value (the oracle), including its E_INTERNAL for a value that is not the chunk's frame;
 * a nil reply is "missing"; a reply that is not a bulk string is E_UNAVAILABLE (the caller
 * then reads through ioredis). Against a real Redis: the same bytes as ioredis' GET.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needServices, REDIS } from '../../support/services.js';
import { startRedis } from '../../support/redis.js';
import type { TestRedis } from '../../support/redis.js';
import { decodeResultFrame, encodeResultFrame, resultKey } from '../../../src/adapters/queue/frames.js';
import type { ResultFrame } from '../../../src/adapters/queue/frames.js';
import { FrameReplyParser, rawReaderFor, resultReader } from '../../../src/adapters/queue/reader.js';
import type { RawReply } from '../../../src/adapters/queue/reader.js';
import type { ChunkResult } from '../../../src/engine/chunk.js';
import { isTalentmatchError } from '../../../src/errors.js';

const result = (chunkId: number, rows: number, candidates: number, key?: string): ChunkResult => ({
  chunkId,
  pairs: 123_456_789_012,
  rows: Uint8Array.from({ length: rows }, (_, i) => (i * 7 + chunkId) & 255),
  candidates: Uint8Array.from({ length: candidates }, (_, i) => (i * 13 + 1) & 255),
  ...(key ? { key } : {}),
});
const KEY = 'c0ffee'.repeat(10) + 'abcd';
const bulk = (v: Buffer) => Buffer.concat([Buffer.from(`$${v.length}\r\n`), v, Buffer.from('\r\n')]);

/** Feeds `bytes` in pieces of `step` (or at the given cut points); the reply, or the error it throws. */
function parse(bytes: Buffer, chunkId: number, cuts: number[]): { reply?: RawReply; error?: unknown; used: number } {
  const p = new FrameReplyParser(chunkId);
  let used = 0;
  let from = 0;
  for (const to of [...cuts.filter((c) => c > 0 && c < bytes.length), bytes.length]) {
    used += p.feed(bytes.subarray(from, to));
    from = to;
    if (p.done) break;
  }
  expect(p.done).toBe(true);
  try {
    return { reply: p.reply(), used };
  } catch (error) {
    return { error, used };
  }
}
const everyStep = (n: number, step: number) => Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step);

const sameResult = (got: ChunkResult, want: ChunkResult) => {
  expect(got.chunkId).toBe(want.chunkId);
  expect(got.pairs).toBe(want.pairs);
  expect(got.key).toBe(want.key);
  expect(Buffer.from(got.rows).equals(Buffer.from(want.rows))).toBe(true);
  expect(Buffer.from(got.candidates).equals(Buffer.from(want.candidates))).toBe(true);
  // own their whole memory: moved to the writer thread, not cloned
  for (const u of [got.rows, got.candidates]) expect(u.byteOffset === 0 && u.byteLength === u.buffer.byteLength).toBe(true);
};

describe('the raw result reply parser', () => {
  it('gives what decodeResultFrame gives, cut at every byte of the header and reply line, and in pieces of several sizes', () => {
    for (const r of [result(3, 1000, 333), result(4, 777, 0, KEY), result(5, 0, 50, KEY), result(6, 0, 0), result(7, 0, 0, KEY)]) {
      const frame = encodeResultFrame(r);
      const reply = bulk(frame);
      const want = decodeResultFrame(frame, r.chunkId);
      const cutsList = [[], ...Array.from({ length: 80 }, (_, i) => [i + 1]), everyStep(reply.length, 1), everyStep(reply.length, 7), everyStep(reply.length, 61)];
      for (const cuts of cutsList) {
        const got = parse(reply, r.chunkId, cuts);
        expect(got.error).toBeUndefined();
        expect(got.used).toBe(reply.length);
        sameResult((got.reply as { result: ChunkResult }).result, want);
      }
    }
  });

  it('a lines chunk\'s result (TMR4: a longer header, the key when flagged, then its lines part) too, with every section in a buffer of its own', () => {
    const part = Buffer.from(Array.from({ length: 97 }, (_, i) => (i * 5 + 3) & 255));
    const cases: [ChunkResult, boolean][] = [[result(3, 1000, 333, KEY), true], [result(4, 777, 20), true], [result(5, 0, 0), false], [result(6, 0, 0, KEY), true]];
    for (const [r, scored] of cases) {
      const frame = encodeResultFrame(r, { part, scored });
      const reply = bulk(frame);
      const want = decodeResultFrame(frame, r.chunkId);
      expect(want.lines?.scored).toBe(scored);
      expect(Buffer.from(want.lines!.part).equals(part)).toBe(true);
      // cut at every byte of the reply line, both headers and the key, and in pieces
      const cutsList = [[], ...Array.from({ length: 90 }, (_, i) => [i + 1]), everyStep(reply.length, 1), everyStep(reply.length, 13)];
      for (const cuts of cutsList) {
        const got = parse(reply, r.chunkId, cuts);
        expect(got.error).toBeUndefined();
        expect(got.used).toBe(reply.length);
        const f = (got.reply as { result: ResultFrame }).result;
        sameResult(f, want);
        expect(f.lines?.scored).toBe(scored);
        expect(Buffer.from(f.lines!.part).equals(part)).toBe(true);
        expect(f.lines!.part.byteOffset === 0 && f.lines!.part.byteLength === f.lines!.part.buffer.byteLength).toBe(true);
      }
    }
    // a lines frame cut short or of another chunk fails as decodeResultFrame does
    const f = encodeResultFrame(result(3, 10, 10, KEY), { part, scored: true });
    for (const [bytes, id] of [[f.subarray(0, 30), 3], [f.subarray(0, 50), 3], [f, 4]] as [Buffer, number][]) {
      const got = parse(bulk(bytes), id, everyStep(bytes.length + 10, 5));
      expect(isTalentmatchError(got.error) && got.error.code).toBe('E_INTERNAL');
      expect(() => decodeResultFrame(bytes, id)).toThrow((got.error as Error).message);
    }
  });

  it('a value that is not the chunk\'s frame fails with decodeResultFrame\'s own E_INTERNAL, and the reply is still consumed whole', () => {
    const good = encodeResultFrame(result(3, 100, 10, KEY));
    const values = [Buffer.alloc(0), Buffer.from('hello'), good.subarray(0, 30), good.subarray(0, good.length - 1), Buffer.concat([good, Buffer.from('x')]), good];
    for (const [v, chunkId] of values.map((v) => [v, v === good ? 4 : 3] as const)) {
      let oracle: Error | undefined;
      try {
        decodeResultFrame(v, chunkId);
      } catch (e) {
        oracle = e as Error;
      }
      expect(oracle).toBeDefined();
      for (const cuts of [[], everyStep(v.length + 10, 1), [5, 29]]) {
        const got = parse(bulk(v), chunkId, cuts);
        expect(isTalentmatchError(got.error) && got.error.code).toBe('E_INTERNAL');
        expect((got.error as Error).message).toBe(oracle!.message);
        expect(got.used).toBe(bulk(v).length);
      }
    }
  });

  it('nil is "missing"; an error or any other reply is E_UNAVAILABLE (the caller then reads through ioredis); bytes after the reply are left unconsumed', () => {
    expect(parse(Buffer.from('$-1\r\n'), 1, []).reply).toEqual({ missing: true });
    for (const r of ['-ERR wrong\r\n', '+OK\r\n', ':5\r\n', '$12x\r\n', `$${'9'.repeat(80)}`]) {
      const got = parse(Buffer.from(r), 1, []);
      expect(isTalentmatchError(got.error) && got.error.code).toBe('E_UNAVAILABLE');
      expect((got.error as Error).message).toMatch(/raw result read/);
    }
    const frame = encodeResultFrame(result(2, 10, 3));
    const bad = Buffer.concat([Buffer.from(`$${frame.length}\r\n`), frame, Buffer.from('XY')]);
    expect((parse(bad, 2, []).error as Error).message).toMatch(/CRLF/);
    const twice = Buffer.concat([bulk(frame), Buffer.from('$-1\r\n')]);
    expect(parse(twice, 2, []).used).toBe(bulk(frame).length);
  });

  it('applies only to plain redis:// URLs with no user, no password, database 0 and no query (ioredis reads db, password, tls from it)', () => {
    const ok = ['redis://127.0.0.1:6379', 'redis://localhost', 'redis://h:1/0', 'redis://h:1/'];
    const no = ['rediss://h:1', 'redis://:pw@h:1', 'redis://u:pw@h:1', 'redis://h:1/2', 'redis://h:1?db=3', 'redis://h:1/0?password=x', 'redis://h:1?tls=true', 'redis://h:1#x', 'not a url'];
    for (const u of ok) {
      const r = rawReaderFor(u);
      expect(r, u).toBeDefined();
      r!.close();
    }
    for (const u of no) expect(rawReaderFor(u), u).toBeUndefined();
  });
});

const services = needServices('test/queue reader (results read with one copy)', [REDIS]);
const PORT = 20000 + Math.floor(Math.random() * 20000);
const URL_ = `redis://127.0.0.1:${PORT}`;

describe.skipIf(services.skip)('the raw result reader against Redis', () => {
  let redis: TestRedis;
  let admin: Redis;
  beforeAll(async () => {
    if (services.failure) throw new Error(services.failure);
    redis = await startRedis(PORT);
    admin = redis.admin;
  }, 30_000);
  afterAll(() => {
    redis?.stop();
  });

  it('reads megabyte frames, one after another, as ioredis reads them; a missing key is undefined', async () => {
    const frames = [result(0, 3_000_000, 400_000, KEY), result(1, 5, 7), result(2, 1_234_567, 0)].map((r) => encodeResultFrame(r));
    for (const [i, f] of frames.entries()) await admin.set(resultKey(`j${i}`), f);
    const raw = rawReaderFor(URL_)!;
    try {
      const got = await Promise.all(frames.map((_, i) => raw.get(resultKey(`j${i}`), i)));
      for (const [i, g] of got.entries()) sameResult((g as { result: ChunkResult }).result, decodeResultFrame((await admin.getBuffer(resultKey(`j${i}`)))!, i));
      expect(await raw.get(resultKey('gone'), 9)).toEqual({ missing: true });
    } finally {
      raw.close();
    }
  });

  it('the raw reader reads again after Redis dropped its connection; a frame of another chunk is E_INTERNAL', async () => {
    const f = encodeResultFrame(result(5, 100_000, 10, KEY));
    await admin.set(resultKey('k5'), f);
    const conn = new Redis(URL_, { maxRetriesPerRequest: null });
    const reader = resultReader(URL_, conn, (p) => p);
    try {
      sameResult((await reader.read('k5', 5))!, decodeResultFrame(f, 5));
      // the raw connection is killed by Redis itself: the next read goes through ioredis
      const clients = (await admin.client('LIST')) as string;
      const raws = clients.split('\n').filter((l) => / cmd=get /.test(l));
      expect(raws.length).toBe(1); // the raw reader's own connection, whose last command was GET
      await admin.client('KILL', 'ID', /id=(\d+)/.exec(raws[0]!)![1]!);
      sameResult((await reader.read('k5', 5))!, decodeResultFrame(f, 5)); // a connection of its own again
      expect(await reader.read('gone', 1)).toBeUndefined();
      await expect(reader.read('k5', 6)).rejects.toThrow(/not a talentmatch result frame \(it is chunk 5's\)/);
    } finally {
      reader.close();
      conn.disconnect();
    }
  });

  // the coordinator reads several results at once (--in-flight): when the raw read in front
  // fails, the reads queued behind it must still settle (through ioredis), in either order of
  // the failure's two handlers (the coordinator's race adds a tick), and no socket may outlive
  // the reader (review of the ninth pass: the second read hung; a socket stayed open)
  const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<'HUNG'>((r) => setTimeout(() => r('HUNG'), ms))]);
  const linkRace = <T>(p: Promise<T>) => Promise.race([p, new Promise<never>(() => undefined)]);
  for (const [name, race] of [
    ['the coordinator\'s race', linkRace],
    ['no race', <T>(p: Promise<T>) => p],
  ] as const) {
    it(`a read queued behind a raw read that failed still settles, through ioredis (${name}); the reader leaves no socket`, async () => {
      await admin.del(resultKey('q0'));
      await admin.rpush(resultKey('q0'), 'x'); // GET answers -WRONGTYPE: the raw reader fails
      const f = encodeResultFrame(result(1, 200_000, 10));
      await admin.set(resultKey('q1'), f);
      const conn = new Redis(URL_, { maxRetriesPerRequest: null, connectionName: 'bulk' });
      const reader = resultReader(URL_, conn, race);
      try {
        const first = reader.read('q0', 0).then(
          () => 'resolved',
          (e: Error) => e.message,
        );
        const second = reader.read('q1', 1);
        expect(await within(first, 5000)).toMatch(/WRONGTYPE/);
        const got = await within(second, 5000);
        expect(got).not.toBe('HUNG');
        sameResult(got as ChunkResult, decodeResultFrame(f, 1));
        sameResult((await reader.read('q1', 1))!, decodeResultFrame(f, 1)); // and after: through ioredis
      } finally {
        reader.close();
        conn.disconnect();
      }
      await new Promise((r) => setTimeout(r, 300));
      const raws = ((await admin.client('LIST')) as string).split('\n').filter((l) => / cmd=get /.test(l) && !/ name=bulk /.test(l));
      expect(raws).toEqual([]);
    });
  }

  it('a closed raw reader rejects at once and opens no connection', async () => {
    const raw = rawReaderFor(URL_)!;
    raw.close();
    await expect(within(raw.get(resultKey('anything'), 0), 3000)).rejects.toThrow(/the reader is closed/);
  });

  it('the coordinator\'s read goes through ioredis when the raw connection fails (here: nothing listens where it connects)', async () => {
    const f = encodeResultFrame(result(8, 50_000, 3));
    await admin.set(resultKey('k8'), f);
    const conn = new Redis(URL_, { maxRetriesPerRequest: null });
    const reader = resultReader(`redis://127.0.0.1:${PORT === 65535 ? 1 : PORT + 1}`, conn, (p) => p);
    try {
      sameResult((await reader.read('k8', 8))!, decodeResultFrame(f, 8));
      sameResult((await reader.read('k8', 8))!, decodeResultFrame(f, 8));
      expect(await reader.read('gone', 1)).toBeUndefined();
    } finally {
      reader.close();
      conn.disconnect();
    }
  });
});
