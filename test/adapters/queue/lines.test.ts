/**
 * A distributed chunk sent as its raw lines (issue 13): the lines frame under the job's
 * talents key (TML1) and the lines result frame (TMR4) read back exactly; anything that is
 * not the chunk's frame is refused (the lines as unusable: sent again; a result as not a
 * frame); the dispatcher sends lines jobs, checks unscored chunks itself, and names workers of
 * an older build. Driven by hand-made BullMQ workers, so each path is exercised on purpose.
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { needServices, REDIS } from '../../support/services.js';
import { startRedis } from '../../support/redis.js';
import type { TestRedis } from '../../support/redis.js';
import type { ChunkJob } from '../../../src/adapters/queue/queue.js';
import { OLDER_QUEUES, QUEUE_NAME, queueDispatcher } from '../../../src/adapters/queue/queue.js';
import { decodeResultFrame, encodeResultFrame, encodeTalentsFrame, resultKey, talentsKey, RESULT_MARK } from '../../../src/adapters/queue/frames.js';
import type { ChunkLines } from '../../../src/adapters/queue/lineFrames.js';
import { decodeLinesFrame, encodeLinesFrame, encodeLinesResult, fetchLines, linesResultOf } from '../../../src/adapters/queue/lineFrames.js';
import type { ChunkLinesResult, ChunkLinesTask } from '../../../src/workers/chunkLines.js';
import { checkChunkLines } from '../../../src/workers/chunkLines.js';
import type { LineRangeTask } from '../../../src/workers/lines.js';
import type { DispatchContext } from '../../../src/workers/dispatch.js';
import { runKeyOf } from '../../../src/workers/dispatch.js';
import { isTalentmatchError } from '../../../src/errors.js';

const FIX_LINES = readFileSync('fixtures/jiangdong/talents.jsonl', 'utf8').split('\n');
const KEY = 'c0ffee'.repeat(10) + 'abcd';

/**
 * A range of real talent lines with problems: a line that is not JSON, one against the schema,
 * one over the limit (there as an empty line, as readLineRanges gives it), multibyte text.
 */
function range(firstLine = 41, file = 'talents-中文.jsonl'): LineRangeTask {
  const lines = FIX_LINES.slice(0, 12);
  lines[3] = '{not json';
  lines[5] = lines[5].replace(/"teamSize":\d+/, '"teamSize":-3');
  lines[8] = ''; // over the limit
  lines[9] = lines[9].replace(/"name":"/, '"name":"人才 ');
  const bytes = new TextEncoder().encode(lines.join('\n') + '\n');
  return { bytes, firstLine, lines: lines.length, tooLong: [firstLine + 8, 2_000_000], file, maxLineBytes: 1_000_000, cap: 1000 };
}

/** Floors as the merger gives them: -Infinity where a list is not full yet, -0, a subnormal. */
const floors = (M: number): Float64Array => Float64Array.from({ length: M }, (_, p) => (p % 5 === 0 ? -Infinity : p % 7 === 0 ? -0 : p === 3 ? 5e-324 : Math.sin(p) / 3));
const bits = (f: Float64Array | undefined) => (f ? Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('hex') : f);
const owns = (u: Uint8Array) => u.byteOffset === 0 && u.byteLength === u.buffer.byteLength;

/** A scored chunk's sections as a worker returns them. */
const scored = (chunkId: number, key?: string) => ({
  chunkId,
  pairs: 123_456_789_012,
  rows: Uint8Array.from({ length: 900 + chunkId }, (_, i) => (i * 7 + chunkId) & 255),
  candidates: Uint8Array.from({ length: 333 }, (_, i) => (i * 13) & 255),
  ...(key ? { key } : {}),
});

const sameLines = (got: ChunkLinesResult, want: ChunkLinesResult) => {
  expect(got.issues).toEqual(want.issues);
  expect(got.omitted).toBe(want.omitted);
  expect(got.links).toEqual(want.links);
  expect(got.result === undefined).toBe(want.result === undefined);
  if (want.result) {
    const r = got.result!;
    expect([r.chunkId, r.pairs, r.key]).toEqual([want.result.chunkId, want.result.pairs, want.result.key]);
    expect(Buffer.from(r.rows).equals(Buffer.from(want.result.rows))).toBe(true);
    expect(Buffer.from(r.candidates).equals(Buffer.from(want.result.candidates))).toBe(true);
  }
};

function unusable(f: () => unknown, chunkId: number, why: RegExp): void {
  let e: Error | undefined;
  try {
    f();
  } catch (x) {
    e = x as Error;
  }
  expect(e, 'no error').toBeDefined();
  expect(e!.message).toMatch(new RegExp(`^talents unusable: chunk ${chunkId}: its lines in Redis are unusable`));
  expect(e!.message).toMatch(why);
  expect(e!.name).toBe('UnrecoverableError'); // no BullMQ retries of the same bytes: the coordinator sends them again
}

describe('lines frames (coordinator -> worker)', () => {
  it('round-trip the range\'s bytes and fields and the floors bit for bit; the bytes own their memory (moved to a scoring thread)', () => {
    const t = range();
    const f = floors(1000);
    for (const c of [{ lines: t, floor: f }, { lines: t }, { lines: { ...t, tooLong: [] }, floor: new Float64Array(0) }] as ChunkLines[]) {
      const frame = encodeLinesFrame(6, c);
      const inRedis = Buffer.concat([Buffer.alloc(7), frame]).subarray(7); // a view into a reply buffer
      const back = decodeLinesFrame(inRedis, 6);
      expect(Buffer.from(back.lines.bytes).equals(Buffer.from(c.lines.bytes))).toBe(true);
      expect(owns(back.lines.bytes)).toBe(true);
      const { bytes: _a, ...fields } = back.lines;
      const { bytes: _b, ...want } = c.lines;
      expect(fields).toEqual(want);
      expect(bits(back.floor)).toBe(bits(c.floor));
      // what the worker parses is what the coordinator would have: the same links and problems
      sameLines(checkChunkLines(back.lines), checkChunkLines(c.lines));
    }
    // 56 bytes of header, 8 bytes a platform, the fields' JSON, the bytes: no v8 body, no text for the doubles
    const frame = encodeLinesFrame(6, { lines: t, floor: f });
    expect(frame.length).toBeGreaterThan(56 + 8000 + t.bytes.length);
    expect(frame.length).toBeLessThan(56 + 8000 + t.bytes.length + 200);
    expect(frame.toString('latin1', 0, 4)).toBe('1LMT'); // "TML1", little-endian
  });

  it('a corrupted, truncated, extended, other chunk\'s or other kind of frame is refused as unusable, naming the chunk', () => {
    const t = range();
    const f = encodeLinesFrame(4, { lines: t, floor: floors(50) });
    for (const at of [56, 56 + 8 * 50 + 3, f.length - 1]) {
      const g = Buffer.from(f);
      g[at] ^= 0x20; // one bit in the floors, the fields, the bytes
      unusable(() => decodeLinesFrame(g, 4), 4, /SHA-256 does not match: corrupted/);
    }
    const h = Buffer.from(f);
    h[30] ^= 1; // the stored digest itself
    unusable(() => decodeLinesFrame(h, 4), 4, /SHA-256 does not match/);
    unusable(() => decodeLinesFrame(f.subarray(0, f.length - 1), 4), 4, /the header says/);
    unusable(() => decodeLinesFrame(Buffer.concat([f, Buffer.from([0])]), 4), 4, /the header says/);
    unusable(() => decodeLinesFrame(f.subarray(0, 55), 4), 4, /no lines frame header/);
    unusable(() => decodeLinesFrame(encodeTalentsFrame(4, { talents: [] }), 4), 4, /no lines frame header/); // a records chunk's talents
    unusable(() => decodeLinesFrame(f, 5), 5, /they are chunk 4's/);
    // intact, but fields that are not a range's: refused, not parsed
    unusable(() => decodeLinesFrame(encodeLinesFrame(4, { lines: { ...t, tooLong: [1.5] } }), 4), 4, /not the fields of a range of lines/);
  });
});

describe('lines result frames (worker -> coordinator)', () => {
  it('carry the scored chunk\'s sections raw and the links and problems; read back exactly, keyed or not, scored or not', () => {
    const parsed = checkChunkLines(range());
    expect(parsed.issues.length).toBeGreaterThanOrEqual(3); // the range has its problems
    expect(parsed.links.ids.length).toBe(9);
    for (const r of [{ ...parsed, result: scored(3, KEY) }, { ...parsed, result: scored(3) }, parsed, { ...parsed, result: { ...scored(3), rows: new Uint8Array(0), candidates: new Uint8Array(0), pairs: 0 } }]) {
      const frame = encodeLinesResult(3, r);
      const f = decodeResultFrame(frame, 3);
      expect(f.lines).toBeDefined();
      for (const u of [f.rows, f.candidates, f.lines!.part]) expect(owns(u)).toBe(true);
      sameLines(linesResultOf(f), r);
    }
    // the sections lie where a records result's do, after a longer header: 32 bytes, the key, rows, candidates, then the part
    const withKey = encodeLinesResult(3, { ...parsed, result: scored(3, KEY) });
    expect(withKey.toString('latin1', 0, 4)).toBe('4RMT');
    expect(withKey.toString('hex', 32, 64)).toBe(KEY);
    expect(withKey.subarray(64, 64 + 903).equals(Buffer.from(scored(3).rows))).toBe(true);
  });

  it('a records result where lines were sent, a lines result where records were, or a part that does not read, is not the chunk\'s frame (E_INTERNAL)', () => {
    const notFrame = (f: () => unknown, why: RegExp, chunkId = 3) => {
      let e: unknown;
      try {
        f();
      } catch (x) {
        e = x;
      }
      expect(isTalentmatchError(e) && e.code).toBe('E_INTERNAL');
      expect((e as Error).message).toMatch(new RegExp(`^chunk ${chunkId}: its result in Redis is not a talentmatch result frame`));
      expect((e as Error).message).toMatch(why);
    };
    notFrame(() => linesResultOf(decodeResultFrame(encodeResultFrame(scored(3, KEY)), 3)), /a records chunk's result/);
    const good = encodeLinesResult(3, { ...checkChunkLines(range()), result: scored(3) });
    notFrame(() => decodeResultFrame(good.subarray(0, good.length - 1), 3), /the header says/);
    notFrame(() => decodeResultFrame(good.subarray(0, 30), 3), /the header says|no frame header/);
    notFrame(() => decodeResultFrame(good, 4), /it is chunk 3's/, 4);
    const bad = encodeResultFrame(scored(3), { part: Buffer.from('not v8 at all'), scored: true });
    notFrame(() => linesResultOf(decodeResultFrame(bad, 3)), /its lines part is not readable/);
  });
});

const services = needServices('test/queue lines (chunks as raw lines on Redis)', [REDIS]);
const PORT = 20000 + Math.floor(Math.random() * 20000);
const URL_ = `redis://127.0.0.1:${PORT}`;

describe.skipIf(services.skip)('lines chunks through Redis', () => {
  let redis: TestRedis;
  let admin: Redis;
  const workers: Worker[] = [];
  const conns: Redis[] = [];
  const ctx: DispatchContext = { pack: undefined as never, runId: 7, platformFingerprint: 'f'.repeat(64), runKey: runKeyOf('e'.repeat(64), '2026-11-28T23:00:00.000Z', 7) };
  const task = (chunkId: number, score = true, floor?: Float64Array): ChunkLinesTask => {
    const lines = range(chunkId * 12 + 1, 'talents.jsonl');
    return { lines, chunk: { runId: 7, chunkId, startLine: lines.firstLine, endLine: lines.firstLine + 11, startByte: 0, endByte: lines.bytes.length, skipLines: [], k: 10, kPlatform: 30, maxPrefs: 50, ...(floor ? { platformFloor: floor } : {}) }, score };
  };
  /** A stand-in worker on `queue`: `reply` decides what a job returns (and what it leaves in Redis). */
  const worker = (reply: (job: Job<ChunkJob>, conn: Redis) => Promise<string>, queue: string = QUEUE_NAME, name?: string) => {
    const conn = new Redis(URL_, { maxRetriesPerRequest: null });
    conns.push(conn);
    const w = new Worker<ChunkJob, string>(queue, (job) => reply(job, conn), { connection: conn, concurrency: 1, ...(name ? { name } : {}) });
    workers.push(w);
    return w;
  };
  /** What `talentmatch worker` does with a lines job, the scoring aside: reads the lines, checks them, returns a lines result. */
  const linesReply = (seen?: (job: Job<ChunkJob>, c: ChunkLines) => void) => async (job: Job<ChunkJob>, conn: Redis) => {
    const c = await fetchLines(conn, String(job.id), job.data.chunkId);
    seen?.(job, c);
    const f = encodeLinesResult(job.data.chunkId, { ...checkChunkLines(c.lines), result: scored(job.data.chunkId, KEY) });
    await conn.set(resultKey(String(job.id)), f, 'EX', 60);
    return `${RESULT_MARK}${f.length}`;
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

  it('a scored chunk goes as a lines job: bytes and floors in the frame, plain fields in the job; the links, problems and scored chunk come back; nothing is left behind', async () => {
    const jobs: { data: ChunkJob; floor: string | undefined; bytes: Uint8Array }[] = [];
    worker(linesReply((job, c) => jobs.push({ data: job.data, floor: bits(c.floor), bytes: c.lines.bytes })));
    const d = await queueDispatcher(URL_, ctx, { inFlight: 2 });
    try {
      const f = floors(72);
      const tasks = [task(0, true, f), task(1)];
      const got = await Promise.all(tasks.map((t) => d.runLines!(t)));
      tasks.forEach((t, i) => sameLines(got[i], { ...checkChunkLines(t.lines), result: scored(i, KEY) }));
      expect(jobs.map((j) => [j.data.chunkId, j.data.talents, j.floor])).toEqual([
        [0, 'lines', bits(f)],
        [1, 'lines', undefined],
      ]);
      expect(Buffer.from(jobs[0].bytes).equals(Buffer.from(tasks[0].lines.bytes))).toBe(true);
      // no bytes, no doubles, no file name in the job's JSON: the frame has them
      for (const j of jobs) expect(JSON.stringify(j.data)).not.toMatch(/loor|bytes|tooLong|maxLineBytes/);
      expect(await admin.keys('tm:*')).toEqual([]);
    } finally {
      await d.destroy();
    }
  });

  it('a chunk not to be scored (done before a restart, or after a problem) is checked by the coordinator: no job', async () => {
    let taken = 0;
    worker(async (job, conn) => {
      taken++;
      return linesReply()(job, conn);
    });
    const d = await queueDispatcher(URL_, ctx, { inFlight: 1 });
    try {
      const t = task(2, false);
      const r = await d.runLines!(t);
      sameLines(r, checkChunkLines(t.lines));
      expect(r.result).toBeUndefined();
      expect(taken).toBe(0);
      expect(await admin.keys('*')).not.toContainEqual(expect.stringMatching(/-c2$/));
    } finally {
      await d.destroy();
    }
  });

  it('lines corrupted or gone in Redis are refused by the worker and sent again, with a line saying so; a chunk\'s frame under another\'s key too', async () => {
    let attempts = 0;
    worker(async (job, conn) => {
      attempts++;
      const key = talentsKey(String(job.id));
      if (attempts === 1) await conn.setrange(key, 200, 'X'); // a flipped byte inside the lines
      if (attempts === 2) await conn.del(key); // evicted
      if (attempts === 3) await conn.set(key, encodeLinesFrame(9, { lines: range() })); // another chunk's
      return linesReply()(job, conn);
    });
    const log: string[] = [];
    const d = await queueDispatcher(URL_, ctx, { inFlight: 1, log: (x) => log.push(x) });
    try {
      const t = task(8);
      sameLines(await d.runLines!(t), { ...checkChunkLines(t.lines), result: scored(8, KEY) });
      expect(attempts).toBe(4);
      expect(log).toEqual([
        'chunk 8: its lines in Redis are unusable (their SHA-256 does not match: corrupted); sent again\n',
        'chunk 8: its lines are gone from Redis (expired, evicted, or Redis restarted empty); sent again\n',
        'chunk 8: its lines in Redis are unusable (they are chunk 9\'s); sent again\n',
      ]);
    } finally {
      await d.destroy();
    }
  });

  it('a records result for a lines chunk, or a lines result for a records chunk, fails it with E_INTERNAL naming it', async () => {
    worker(async (job, conn) => {
      const f = job.data.talents === 'lines' ? encodeResultFrame(scored(job.data.chunkId, KEY)) : encodeLinesResult(job.data.chunkId, checkChunkLines(range()));
      await conn.set(resultKey(String(job.id)), f, 'EX', 60);
      return `${RESULT_MARK}${f.length}`;
    });
    const d = await queueDispatcher(URL_, ctx, { inFlight: 1 });
    try {
      await expect(d.runLines!(task(3))).rejects.toThrow(/^chunk 3: its result in Redis is not a talentmatch result frame \(a records chunk's result, where the chunk was sent as lines\)/);
      const { chunk } = task(4);
      await expect(d.run({ ...chunk, talents: [] })).rejects.toThrow(/^chunk 4: its result in Redis is not a talentmatch result frame \(a lines chunk's result, where the chunk was sent as records\)/);
    } finally {
      await d.destroy();
    }
  });

  it('workers of an older build (on an earlier queue) take none of the chunks; the coordinator names them once', async () => {
    expect(OLDER_QUEUES).not.toContain(QUEUE_NAME);
    let oldTook = 0;
    const old = worker(async () => {
      oldTook++;
      return 'x';
    }, OLDER_QUEUES[0], 'old-build');
    await old.waitUntilReady();
    const log: string[] = [];
    const d = await queueDispatcher(URL_, ctx, { inFlight: 1, log: (x) => log.push(x) });
    try {
      const pending = d.runLines!(task(5));
      for (let i = 0; i < 3; i++) expect((await d.activity!()).workers).toBe(0);
      expect(log).toEqual([`batch: 1 worker(s) of an older build are connected to the queue "${OLDER_QUEUES[0]}": they take none of this run's chunks (queue "${QUEUE_NAME}"); workers must run the coordinator's build\n`]);
      // a worker of this build takes the chunk; the older one never did
      await worker(linesReply()).waitUntilReady();
      expect((await d.activity!()).workers).toBe(1);
      sameLines(await pending, { ...checkChunkLines(task(5).lines), result: scored(5, KEY) });
      expect(oldTook).toBe(0);
      expect(log).toHaveLength(1);
    } finally {
      await d.destroy();
    }
  });

  it('with no older worker connected, nothing is said', async () => {
    const log: string[] = [];
    const d = await queueDispatcher(URL_, ctx, { inFlight: 1, log: (x) => log.push(x) });
    try {
      expect((await d.activity!()).workers).toBe(0);
      expect(log).toEqual([]);
    } finally {
      await d.destroy();
    }
  });
});
