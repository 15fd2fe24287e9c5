/**
 * How a chunk's result travels through Redis: a binary frame under its own key (not a
 * base64 return value), read back byte for byte; a frame that is not one fails with a
 * clear E_INTERNAL naming the chunk; a result gone from Redis (expired, evicted) has its
 * chunk enqueued again; a worker or coordinator before binary results still interoperates.
 * The dispatcher is driven here by hand-made BullMQ workers, so each path is exercised on
 * purpose rather than by timing.
 */
import { Redis } from 'ioredis';
import { Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { needServices, REDIS } from '../../support/services.js';
import { startRedis } from '../../support/redis.js';
import type { TestRedis } from '../../support/redis.js';
import type { ChunkJob } from '../../../src/adapters/queue/queue.js';
import { QUEUE_NAME, jobId, queueDispatcher } from '../../../src/adapters/queue/queue.js';
import { RESULT_MARK, decodeResultFrame, decodeTalentsFrame, encodeResultFrame, encodeTalentsFrame, fetchTalents, resultKey, talentsKey } from '../../../src/adapters/queue/frames.js';
import { decodeFloorFrame, encodeFloorFrame, floorKey, higherFloor, latestOnly } from '../../../src/adapters/queue/floors.js';
import { deserialize } from 'node:v8';
import type { ChunkResult, ChunkTask } from '../../../src/engine/chunk.js';
import { chunkKeyOf, talentHash } from '../../../src/engine/chunk.js';
import type { Talent } from '../../../src/domain/schemas.js';
import type { DispatchContext } from '../../../src/workers/dispatch.js';
import { runKeyOf } from '../../../src/workers/dispatch.js';
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

/** Validated-looking talents: the frames carry whatever records the coordinator holds, in order. */
const talents = (n: number, tag = ''): Talent[] =>
  Array.from({ length: n }, (_, i) => ({ id: `t${String(i).padStart(3, '0')}${tag}`, name: `人才 ${i}`, description: `robotics and 新能源 project ${i}`, skills: ['rust', `s${i % 7}`], needs: { seats: i % 4, housing: i % 2 === 0 } }) as Talent);

const wantError = (f: () => unknown, code: string | undefined, why: RegExp) => {
  try {
    f();
  } catch (e) {
    if (code) expect(isTalentmatchError(e) && e.code).toBe(code);
    expect((e as Error).message).toMatch(why);
    return e as Error;
  }
  throw new Error('no error');
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
    fails(Buffer.from('eyJjaHVua0lkIjozfQ=='.repeat(3)), 3, /no frame header/); // text (a base64 value) is not a frame
    fails(f, 4, /chunk 3's/);
  });

  it('a result with the chunk key the worker computed carries it after the header (32 bytes), and reads back exactly', () => {
    const key = chunkKeyOf(talents(5).map(talentHash));
    const r = { ...result(9), key };
    const f = encodeResultFrame(r);
    expect(f.length).toBe(24 + 32 + r.rows.length + r.candidates.length);
    const back = decodeResultFrame(f, 9);
    same(r, back);
    expect(back.key).toBe(key);
    // one flipped byte of the key is another key: what the coordinator stores is what the worker sent
    const g = Buffer.from(f);
    g[24] ^= 1;
    expect(decodeResultFrame(g, 9).key).not.toBe(key);
    // a frame without a key (a worker that checked the job's key) has none
    expect(decodeResultFrame(encodeResultFrame(result(9)), 9).key).toBeUndefined();
    wantError(() => encodeResultFrame({ ...result(1), key: 'not-hex' }), 'E_INTERNAL', /not a SHA-256 in hex/);
  });

  it('the rows and candidates read back own their memory (moved to the writer thread, not cloned with the client\'s read buffer)', () => {
    const f = encodeResultFrame(result(2));
    const pool = Buffer.concat([Buffer.alloc(100), f, Buffer.alloc(100)]).subarray(100, 100 + f.length); // like a reply inside ioredis' buffer
    const r = decodeResultFrame(pool, 2);
    for (const u of [r.rows, r.candidates]) {
      expect(u.byteOffset).toBe(0);
      expect(u.buffer.byteLength).toBe(u.byteLength);
    }
    same(result(2), r);
  });
});

describe('talents frames (coordinator -> worker)', () => {
  it('round-trip the validated records exactly, in order, with or without their hashes; the content hashes are unchanged', () => {
    const ts = talents(50);
    const back = decodeTalentsFrame(encodeTalentsFrame(3, { talents: ts }), 3);
    expect(back.talents).toEqual(ts);
    expect(back.hashes).toBeUndefined();
    // the scorer hashes what it received: the same hashes, so the same chunk key as the coordinator's records
    expect(back.talents.map(talentHash)).toEqual(ts.map(talentHash));
    const hashes = ts.map(talentHash);
    expect(decodeTalentsFrame(encodeTalentsFrame(3, { talents: ts, hashes }), 3).hashes).toEqual(hashes);
    expect(decodeTalentsFrame(encodeTalentsFrame(0, { talents: [] }), 0).talents).toEqual([]);
  });

  it('a corrupted, truncated, extended or other chunk\'s frame is refused as unusable, naming the chunk', () => {
    const f = encodeTalentsFrame(4, { talents: talents(20) });
    const unusable = (b: Buffer, id: number, why: RegExp) => {
      const e = wantError(() => decodeTalentsFrame(b, id), undefined, why);
      expect(e.message).toMatch(new RegExp(`^talents unusable: chunk ${id}: its talents in Redis are unusable`));
      expect(e.name).toBe('UnrecoverableError'); // no BullMQ retries of the same bytes
    };
    for (const at of [48, 60, f.length - 1]) {
      const g = Buffer.from(f);
      g[at] ^= 0x20; // one bit anywhere in the body
      unusable(g, 4, /SHA-256 does not match: corrupted/);
    }
    const h = Buffer.from(f);
    h[20] ^= 1; // the stored digest itself
    unusable(h, 4, /SHA-256 does not match/);
    unusable(f.subarray(0, f.length - 1), 4, /the header says/);
    unusable(Buffer.concat([f, Buffer.from([0])]), 4, /the header says/);
    unusable(f.subarray(0, 47), 4, /no talents frame header/);
    unusable(encodeResultFrame(result(4)), 4, /no talents frame header/);
    unusable(f, 5, /they are chunk 4's/);
  });
});

/** Floors as the merger gives them: -Infinity where a list is not full yet, negative and subnormal scores, -0. */
const floors = (M: number, shift = 0): Float64Array => Float64Array.from({ length: M }, (_, p) => (p % 5 === 0 ? -Infinity : p % 7 === 0 ? -0 : p === 3 ? 5e-324 : Math.sin(p + shift) / 3));
/** Bit for bit (-0 is not 0, NaN would be NaN). */
const bits = (f: Float64Array | undefined) => (f ? Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('hex') : f);

describe('floors with a chunk (coordinator -> worker)', () => {
  it('travel in the talents frame bit for bit, as a field of its body: the header and magic are those of a frame before floors', () => {
    const ts = talents(9);
    const f = floors(1000);
    const with_ = encodeTalentsFrame(2, { talents: ts, floor: f });
    const back = decodeTalentsFrame(with_, 2);
    expect(back.floor).toBeInstanceOf(Float64Array);
    expect(bits(back.floor)).toBe(bits(f));
    expect(back.talents).toEqual(ts);
    expect(decodeTalentsFrame(encodeTalentsFrame(2, { talents: ts }), 2).floor).toBeUndefined();
    // what a worker before floors reads: the same magic and counts, a body whose talents it takes and whose floor it ignores
    const old = encodeTalentsFrame(2, { talents: ts });
    expect(with_.subarray(0, 12).equals(old.subarray(0, 12))).toBe(true);
    expect(with_.toString('latin1', 0, 4)).toBe('1TMT'); // "TMT1", little-endian
    expect((deserialize(with_.subarray(48)) as { talents: Talent[] }).talents).toEqual(ts);
    // 8 bytes a platform, not JSON: 1000 floors add about 8 kB
    expect(with_.length - old.length).toBeGreaterThanOrEqual(8000);
    expect(with_.length - old.length).toBeLessThan(8100);
  });

  it('floors that are not a Float64Array make the frame unusable', () => {
    const e = wantError(() => decodeTalentsFrame(encodeTalentsFrame(1, { talents: talents(2), floor: [0.5, 0.25] as unknown as Float64Array }), 1), undefined, /their floors are not a Float64Array/);
    expect(e.name).toBe('UnrecoverableError');
  });

  it('the run\'s latest floors: a frame read back bit for bit; anything but an intact frame of as many platforms reads as none', () => {
    const f = floors(72, 1);
    const b = encodeFloorFrame(f);
    expect(b.length).toBe(40 + 72 * 8);
    expect(bits(decodeFloorFrame(b, 72))).toBe(bits(f));
    expect(decodeFloorFrame(null, 72)).toBeUndefined();
    expect(decodeFloorFrame(b, 71)).toBeUndefined();
    expect(decodeFloorFrame(encodeFloorFrame(floors(71)), 72)).toBeUndefined();
    expect(decodeFloorFrame(b.subarray(0, b.length - 8), 71)).toBeUndefined(); // a count that fits a truncated value
    for (const at of [0, 4, 8, 40, b.length - 1]) {
      const c = Buffer.from(b);
      c[at] ^= 0x10;
      expect(decodeFloorFrame(c, 72), `byte ${at}`).toBeUndefined();
    }
    expect(floorKey('abababababababab-r12')).toBe('tm:floor:abababababababab-r12');
  });

  it('the higher of two floors, platform by platform; either absent gives the other', () => {
    const a = Float64Array.from([-Infinity, 0.5, 0.2, -Infinity, -0.1]);
    const b = Float64Array.from([0.3, 0.4, 0.2, -Infinity, -0.05]);
    expect([...higherFloor(a, b)!]).toEqual([0.3, 0.5, 0.2, -Infinity, -0.05]);
    expect([...higherFloor(b, a)!]).toEqual([0.3, 0.5, 0.2, -Infinity, -0.05]);
    expect(higherFloor(a, undefined)).toBe(a);
    expect(higherFloor(undefined, b)).toBe(b);
    expect(higherFloor(undefined, undefined)).toBeUndefined();
    expect(() => higherFloor(a, b.subarray(1))).toThrow(/floors for 5 and 4 platforms/);
  });

  it('latestOnly sends one value at a time, only the latest of those given meanwhile, and reports a failed send', async () => {
    const sent: number[] = [];
    const errors: unknown[] = [];
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    const s = latestOnly(async (v: number) => {
      sent.push(v);
      await gate;
      if (v === 4) throw new Error('down');
    }, (e) => errors.push(e));
    await s.idle(); // nothing on its way
    s.send(1);
    s.send(2);
    s.send(3);
    expect(sent).toEqual([1]); // 2 and 3 wait; 3 replaced 2
    const r1 = release;
    gate = new Promise<void>((r) => (release = r));
    r1();
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual([1, 3]);
    s.send(4);
    release();
    gate = Promise.resolve();
    await s.idle();
    expect(sent).toEqual([1, 3, 4]);
    expect(errors.map((e) => (e as Error).message)).toEqual(['down']);
    s.send(5);
    await s.idle();
    expect(sent).toEqual([1, 3, 4, 5]);
  });
});

const services = needServices('test/queue results (binary results on Redis)', [REDIS]);
const PORT = 20000 + Math.floor(Math.random() * 20000);
const URL_ = `redis://127.0.0.1:${PORT}`;

describe.skipIf(services.skip)('results through Redis', () => {
  let redis: TestRedis;
  let admin: Redis;
  const workers: Worker[] = [];
  const conns: Redis[] = [];
  const ctx: DispatchContext = { pack: undefined as never, runId: 7, platformFingerprint: 'f'.repeat(64), runKey: runKeyOf('e'.repeat(64), '2026-11-28T22:00:00.000Z', 7) };
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
    redis = await startRedis(PORT);
    admin = redis.admin;
  }, 30_000);

  beforeEach(async () => {
    await admin.flushall();
  });

  afterEach(async () => {
    for (const w of workers.splice(0)) await w.close();
    for (const c of conns.splice(0)) c.disconnect();
  });

  afterAll(() => {
    redis?.stop();
  });

  it('the coordinator reads the frame under the job\'s result key byte for byte, then deletes the job and the key', async () => {
    const asked: (string | undefined)[] = [];
    worker(async (job, conn) => {
      asked.push(job.data.talents);
      const f = encodeResultFrame(result(job.data.chunkId));
      await conn.set(resultKey(String(job.id)), f, 'EX', 60);
      return `${RESULT_MARK}${f.length}`;
    });
    const d = await queueDispatcher(URL_, ctx, { inFlight: 2 });
    try {
      const got = await Promise.all([d.run(task(0)), d.run(task(1))]);
      same(result(0), got[0]);
      same(result(1), got[1]);
      expect(asked).toEqual(['key', 'key']); // records (this test's tasks), their result under the key
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

  /** A stand-in worker that reads the talents as `talentmatch worker` does and returns a keyed result of them. */
  const keyedReply = (seen?: (job: Job<ChunkJob>, hashes: string[] | undefined, got: Talent[]) => void) => async (job: Job<ChunkJob>, conn: Redis) => {
    const c = await fetchTalents(conn, String(job.id), job.data.chunkId);
    seen?.(job, c.hashes, c.talents);
    const f = encodeResultFrame({ ...result(job.data.chunkId), ...(job.data.key === undefined ? { key: chunkKeyOf(c.talents.map(talentHash)) } : {}) });
    await conn.set(resultKey(String(job.id)), f, 'EX', 60);
    return `${RESULT_MARK}${f.length}`;
  };
  const fresh = (chunkId: number, ts: Talent[]): ChunkTask => {
    const { key: _k, ...t } = task(chunkId);
    return { ...t, talents: ts };
  };

  it('two databases\' runs of the same number on the same platform side, sharing one Redis, each get their own jobs and results (named by the run key)', async () => {
    const ids: string[] = [];
    worker(keyedReply((job) => ids.push(String(job.id))));
    // the same platform fingerprint and run id; another run fingerprint or start time
    const other: DispatchContext = { ...ctx, runKey: runKeyOf('e'.repeat(64), '2026-11-28T22:00:00.001Z', 7) };
    expect(other.runKey).not.toBe(ctx.runKey);
    const [a, b] = [await queueDispatcher(URL_, ctx, { inFlight: 1 }), await queueDispatcher(URL_, other, { inFlight: 1 })];
    try {
      const [ta, tb] = [talents(3, 'a'), talents(3, 'b')];
      const [ra, rb] = await Promise.all([a.run(fresh(1, ta)), b.run(fresh(1, tb))]);
      // each coordinator got the result of its own talents
      expect(ra.key).toBe(chunkKeyOf(ta.map(talentHash)));
      expect(rb.key).toBe(chunkKeyOf(tb.map(talentHash)));
      expect(ids.sort()).toEqual([`tm-${ctx.runKey}-c1`, `tm-${other.runKey}-c1`].sort());
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
    }
  });

  it('on a fresh run the coordinator hashes nothing: the talents travel beside the job without key or hashes, and the key comes back from the worker', async () => {
    const ts = talents(30, 'a');
    const jobs: { key: unknown; hashes: unknown; got: Talent[]; via: unknown }[] = [];
    worker(keyedReply((job, hashes, got) => jobs.push({ key: job.data.key, hashes, got, via: job.data.talents })));
    const d = await queueDispatcher(URL_, ctx, { inFlight: 1 });
    try {
      expect(d.hashesTalents).toBe(true); // the batch sends no hashes and no key to this dispatcher
      const r = await d.run(fresh(3, ts));
      expect(jobs).toEqual([{ key: undefined, hashes: undefined, got: ts, via: 'key' }]);
      // the key the worker computed from what it received is the coordinator's chunk key of its records
      expect(r.key).toBe(chunkKeyOf(ts.map(talentHash)));
      same(result(3), r);
      expect(await admin.keys('tm:*')).toEqual([]); // talents and result deleted with the job
    } finally {
      await d.destroy();
    }
  });

  it('a task that carries its hashes and key (a run with a reuse base) hands them on: the worker does not hash again', async () => {
    const ts = talents(12, 'b');
    const hashes = ts.map(talentHash);
    const key = chunkKeyOf(hashes);
    const seen: unknown[] = [];
    worker(keyedReply((job, h) => seen.push(job.data.key, h)));
    const d = await queueDispatcher(URL_, ctx, { inFlight: 1 });
    try {
      const r = await d.run({ ...task(5), talents: ts, hashes, key });
      expect(seen).toEqual([key, hashes]);
      expect(r.key).toBeUndefined(); // the coordinator's own key is stored
    } finally {
      await d.destroy();
    }
  });

  it('talents corrupted or gone in Redis are refused by the worker and sent again by the coordinator, with a line saying so', async () => {
    const ts = talents(40, 'c');
    let attempts = 0;
    worker(async (job, conn) => {
      attempts++;
      if (attempts === 1) await conn.setrange(talentsKey(String(job.id)), 100, 'X'); // a flipped byte inside the records
      if (attempts === 2) await conn.del(talentsKey(String(job.id))); // evicted
      return keyedReply()(job, conn);
    });
    const log: string[] = [];
    const d = await queueDispatcher(URL_, ctx, { inFlight: 1, log: (x) => log.push(x) });
    try {
      const r = await d.run(fresh(8, ts));
      expect(attempts).toBe(3); // no BullMQ retry of unusable talents: each attempt followed a resend
      expect(r.key).toBe(chunkKeyOf(ts.map(talentHash)));
      expect(log).toEqual([
        'chunk 8: its talents in Redis are unusable (their SHA-256 does not match: corrupted); sent again\n',
        'chunk 8: its talents are gone from Redis (expired, evicted, or Redis restarted empty); sent again\n',
      ]);
    } finally {
      await d.destroy();
    }
  });

  it('talents that stay unusable fail the chunk with E_INTERNAL after a bounded number of resends', async () => {
    let attempts = 0;
    worker(async (job, conn) => {
      attempts++;
      await conn.del(talentsKey(String(job.id)));
      return keyedReply()(job, conn);
    });
    const d = await queueDispatcher(URL_, ctx, { inFlight: 1, log: () => undefined });
    try {
      const e = await d.run(fresh(9, talents(3))).then(() => undefined, (x: unknown) => x);
      expect(isTalentmatchError(e) && e.code).toBe('E_INTERNAL');
      expect((e as Error).message).toMatch(/^chunk 9 \(lines 91-100\) failed on the workers after its talents were sent 4 times: talents unusable: chunk 9: its talents are gone from Redis/);
      expect(attempts).toBe(4);
    } finally {
      await d.destroy();
    }
  });

  it('a task\'s floors travel in its talents frame, not in the job\'s JSON; merged floors are kept under the run\'s key, the latest, and deleted with the dispatcher', async () => {
    const got: { data: string; floor: string | undefined }[] = [];
    worker(async (job, conn) => {
      const c = await fetchTalents(conn, String(job.id), job.data.chunkId);
      got.push({ data: JSON.stringify(job.data), floor: bits(c.floor) });
      return keyedReply()(job, conn);
    });
    const key = floorKey(ctx.runKey);
    await admin.set(key, encodeFloorFrame(floors(72, 9))); // left by an earlier coordinator of the run
    const d = await queueDispatcher(URL_, ctx, { inFlight: 1 });
    try {
      expect(await admin.exists(key)).toBe(0); // not read by this run's workers
      const f = floors(72);
      await d.run({ ...fresh(1, talents(3)), platformFloor: f });
      await d.run(fresh(2, talents(3)));
      expect(got.map((g) => g.floor)).toEqual([bits(f), undefined]);
      expect(got[0].data).not.toMatch(/loor/);
      expect(d.mergedFloor).toBeTypeOf('function');
      for (let i = 0; i < 5; i++) d.mergedFloor!(floors(72, i));
      for (let i = 0; i < 100 && bits(decodeFloorFrame(await admin.getBuffer(key), 72)) !== bits(floors(72, 4)); i++) await new Promise((r) => setTimeout(r, 10));
      expect(bits(decodeFloorFrame(await admin.getBuffer(key), 72))).toBe(bits(floors(72, 4)));
      expect(await admin.ttl(key)).toBeGreaterThan(0);
    } finally {
      await d.destroy();
    }
    expect(await admin.exists(key)).toBe(0);
  });

  it('a job that returns anything but the result mark (not a worker of this build) fails the chunk with E_INTERNAL naming it', async () => {
    worker(async () => 'eyJjaHVua0lkIjoyfQ==');
    const d = await queueDispatcher(URL_, ctx, { inFlight: 1 });
    try {
      const e = await d.run(task(2)).then(() => undefined, (x: unknown) => x);
      expect(isTalentmatchError(e) && e.code).toBe('E_INTERNAL');
      expect((e as Error).message).toBe('chunk 2 (lines 21-30): its job returned "eyJjaHVua0lkIjoyfQ==", not a result under its key; every worker must run the coordinator\'s build');
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

describe('the run key (DispatchContext.runKey: job ids and the floor key)', () => {
  it('is the same for the same run fingerprint, start time and id (a resumed run re-attaches), and differs when any of them does', () => {
    const k = runKeyOf('e'.repeat(64), '2026-11-28T22:00:00.000Z', 7);
    expect(k).toMatch(/^[0-9a-f]{16}-r7$/);
    expect(runKeyOf('e'.repeat(64), '2026-11-28T22:00:00.000Z', 7)).toBe(k);
    expect(runKeyOf('e'.repeat(63) + 'f', '2026-11-28T22:00:00.000Z', 7)).not.toBe(k);
    expect(runKeyOf('e'.repeat(64), '2026-11-28T22:00:00.001Z', 7)).not.toBe(k);
    expect(runKeyOf('e'.repeat(64), '2026-11-28T22:00:00.000Z', 8)).toBe(k.replace(/-r7$/, '-r8'));
  });

  it('names a chunk\'s job by it', () => {
    expect(jobId('0123456789abcdef-r12', 3)).toBe('tm-0123456789abcdef-r12-c3');
  });
});
