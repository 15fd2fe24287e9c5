import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { needServices, REDIS } from '../../support/services.js';

const FIX = 'fixtures/jiangdong';
const BIN = 'bin/talentmatch.js';
const PORT = 20000 + Math.floor(Math.random() * 20000);
const URL_ = `redis://127.0.0.1:${PORT}`;
const tmp = () => mkdtempSync(join(tmpdir(), 'tm-queue-'));
let redis: ChildProcess;
const children: ChildProcess[] = [];

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function exported(db: string): Record<string, string> {
  const d = tmp();
  const r = cli(['export', '--db', db, '--out', d]);
  expect(r.code, r.err).toBe(0);
  return Object.fromEntries(['recommendations.jsonl', 'assignment.json', 'referrals.jsonl'].map((f) => [f, readFileSync(join(d, f), 'utf8')]));
}

async function startWorker(data = FIX, lockMs = 3000, threads = 1): Promise<ChildProcess> {
  const w = spawn(process.execPath, [BIN, 'worker', '--queue', URL_, '--data', data, '--threads', String(threads), '--lock-ms', String(lockMs)], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(w);
  let err = '';
  await new Promise<void>((resolve, reject) => {
    w.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('waiting for chunks')) resolve();
    });
    w.on('exit', () => reject(new Error(`worker exited: ${err}`)));
  });
  return w;
}

function coordinator(db: string, extra: string[] = []): ChildProcess {
  const c = spawn(process.execPath, [BIN, 'batch', '--data', FIX, '--db', db, '--queue', URL_, '--chunk-size', '100', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(c);
  return c;
}

const finish = (c: ChildProcess) =>
  new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    let out = '';
    let err = '';
    c.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    c.on('exit', (code) => resolve({ code, out, err }));
  });

/** The stored chunk keys, by chunk. */
function chunkKeys(db: string): string[] {
  const ro = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return (ro.prepare('SELECT chunk_key AS k FROM chunks ORDER BY chunk_id').all() as { k: string }[]).map((x) => x.k);
  } finally {
    ro.close();
  }
}

async function chunksDone(db: string): Promise<number> {
  if (!existsSync(db)) return 0;
  try {
    const ro = new Database(db, { readonly: true, fileMustExist: true });
    const n = (ro.prepare('SELECT COUNT(*) AS n FROM chunks').get() as { n: number }).n;
    ro.close();
    return n;
  } catch {
    return 0;
  }
}

// needs Debian's redis-server (no npm package ships one): skipped with one line when it is
// missing, a failure under TM_REQUIRE_SERVICES=1 (.ci/run)
const services = needServices('test/queue (distributed batch on Redis)', [REDIS]);

describe.skipIf(services.skip)('distributed batch on Redis + BullMQ', () => {
  let local: Record<string, string>;
  let localKeys: string[];

  beforeAll(async () => {
    if (services.failure) throw new Error(services.failure);
    redis = spawn('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const probe = new Redis(URL_, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    probe.on('error', () => undefined); // refused until the server is up
    for (let i = 0; i < 100; i++) {
      try {
        await probe.connect().catch(() => undefined);
        if ((await probe.ping()) === 'PONG') break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    probe.disconnect();
    const d = tmp();
    const r = cli(['batch', '--data', FIX, '--db', join(d, 'local.db'), '--chunk-size', '100', '--threads', '1']);
    expect(r.code, r.err).toBe(0);
    local = exported(join(d, 'local.db'));
    localKeys = chunkKeys(join(d, 'local.db'));
    expect(localKeys).toHaveLength(24);
  }, 120_000);

  beforeEach(async () => {
    const c = new Redis(URL_);
    await c.flushall();
    c.disconnect();
  });

  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  });

  afterAll(() => {
    redis?.kill('SIGKILL');
  });

  it('1 coordinator + 3 workers give the local batch snapshot byte for byte; queue status shows it drained', async () => {
    await Promise.all([startWorker(), startWorker(), startWorker()]);
    const db = join(tmp(), 'q.db');
    const r = await finish(coordinator(db));
    expect(r.code, r.err).toBe(0);
    expect(exported(db)).toEqual(local);
    const st = cli(['queue', 'status', '--queue', URL_, '--json']);
    expect(st.code, st.err).toBe(0);
    const status = JSON.parse(st.out) as { runs: { waiting: number; active: number; failed: number }[]; workers: { name: string }[] };
    for (const run of status.runs) expect(run.waiting + run.active + run.failed).toBe(0);
    // the three live workers, each by the name it gave (host-pid-threads)
    expect(status.workers).toHaveLength(3);
    for (const w of status.workers) expect(w.name).toMatch(/-pid\d+-t1$/);
    const text = cli(['queue', 'status', '--queue', URL_]);
    expect(text.out).toMatch(/3 live worker\(s\)/);
    expect(text.out.match(/^ {2}worker .*-pid\d+-t1 \(/gm)).toHaveLength(3);
    // the coordinator's progress counts chunks and names the workers consuming them
    expect(r.err).toMatch(/batch \(every chunk done\): 24 chunks done \(24 scored, 0 reused, 0 before a restart\)/);
  }, 120_000);

  it('with no worker the coordinator says "waiting for workers"; a worker started later drains the run', async () => {
    const db = join(tmp(), 'q.db');
    const c = coordinator(db, ['--idle-warn-ms', '300']);
    let err = '';
    c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const done = finish(c);
    for (let i = 0; i < 3000 && !err.includes('waiting for workers'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(err).toMatch(/batch: waiting for workers: no worker has taken or finished a chunk for \d+ s; \d+ chunks queued, 0 done, 0 workers connected; start `talentmatch worker --queue URL`/);
    await startWorker();
    const r = await done;
    expect(r.code, r.err).toBe(0);
    expect(exported(db)).toEqual(local);
  }, 120_000);

  it('a worker SIGKILLed mid-run has its chunk retried by another: same snapshot', async () => {
    const victim = await startWorker();
    await Promise.all([startWorker(), startWorker()]);
    const db = join(tmp(), 'q.db');
    const c = coordinator(db);
    const done = finish(c);
    let log = '';
    victim.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    for (let i = 0; i < 600 && !log.includes('chunk '); i++) await new Promise((r) => setTimeout(r, 10));
    victim.kill('SIGKILL'); // it has just taken its next chunk
    const r = await done;
    expect(r.code, r.err).toBe(0);
    expect(exported(db)).toEqual(local);
  }, 120_000);

  it('1 and 2 workers give the local bytes too, and store the chunk keys the local scorers computed (the workers hash; the coordinator does not)', async () => {
    for (const n of [1, 2]) {
      const admin = new Redis(URL_);
      await admin.flushall();
      admin.disconnect();
      const ws = await Promise.all(Array.from({ length: n }, () => startWorker()));
      const db = join(tmp(), 'q.db');
      const r = await finish(coordinator(db));
      expect(r.code, r.err).toBe(0);
      expect(exported(db)).toEqual(local);
      expect(chunkKeys(db)).toEqual(localKeys);
      for (const w of ws) w.kill('SIGKILL');
    }
  }, 180_000);

  it('chunks are scored with the merged lists\' floors, as sent with the talents and as read from the run\'s latest: the snapshot is still the local one', async () => {
    const ws = await Promise.all([startWorker(), startWorker()]);
    const logs = ws.map(() => '');
    ws.forEach((w, i) => w.stderr!.on('data', (d: Buffer) => (logs[i] += d.toString())));
    const db = join(tmp(), 'q.db');
    const r = await finish(coordinator(db));
    expect(r.code, r.err).toBe(0);
    expect(exported(db)).toEqual(local);
    expect(chunkKeys(db)).toEqual(localKeys);
    const lines = [...logs.join('').matchAll(/^chunk (\d+) of run \d+: 100 talents, floors for (\d+) platforms as sent, (\d+) as read, (\d+) used;/gm)].map((m) => m.slice(1).map(Number));
    expect(lines).toHaveLength(24);
    // every chunk went as its raw lines (the coordinator parsed none of them), as the local pool takes them
    expect(logs.join('').match(/^chunk \d+ of run \d+: .*; sent as lines$/gm), logs.join('')).toHaveLength(24);
    // the first chunks go out before any merged: no floors; later ones carry them in their frame and read fresher ones
    expect(lines.find(([c]) => c === 0)).toEqual([0, 0, 0, 0]);
    expect(lines.some(([, sent]) => sent > 0), JSON.stringify(lines)).toBe(true);
    expect(lines.some(([, , read]) => read > 0), JSON.stringify(lines)).toBe(true);
    for (const [, sent, read, used] of lines) expect(used).toBe(Math.max(sent, read)); // floors only rise
    for (const w of ws) w.kill('SIGKILL');
  }, 120_000);

  it('a worker with a pool of threads scores lines chunks on them (the bytes moved to a thread): the local bytes and chunk keys', async () => {
    const w = await startWorker(FIX, 3000, 2);
    let log = '';
    w.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const db = join(tmp(), 'q.db');
    const r = await finish(coordinator(db));
    expect(r.code, r.err).toBe(0);
    expect(exported(db)).toEqual(local);
    expect(chunkKeys(db)).toEqual(localKeys);
    expect(log.match(/^chunk \d+ of run \d+: 100 talents, .*; sent as lines$/gm)).toHaveLength(24);
  }, 120_000);

  it('a worker with another talents file (or none) scores the coordinator\'s talents: they travel with the job', async () => {
    const other = tmp();
    cpSync(FIX, other, { recursive: true });
    const lines = readFileSync(join(other, 'talents.jsonl'), 'utf8').split('\n');
    lines[149] = lines[149].replace(/"description":"(.)/, (_m, c: string) => `"description":"${c === 'X' ? 'Y' : 'X'}`);
    writeFileSync(join(other, 'talents.jsonl'), lines.slice(0, 300).join('\n')); // edited and cut short
    await startWorker(other);
    const db = join(tmp(), 'q.db');
    const r = await finish(coordinator(db));
    expect(r.code, r.err).toBe(0);
    expect(exported(db)).toEqual(local);
  }, 120_000);

  it('a worker with other platforms fails the run as a configuration error (exit 2) with a clear message; the chunks land in the failed set; with a right worker, --resume gives the local bytes', async () => {
    const poisoned = tmp();
    cpSync(FIX, poisoned, { recursive: true });
    const lines = readFileSync(join(poisoned, 'platforms.jsonl'), 'utf8').split('\n');
    lines[0] = lines[0].replace(/"description":"(.)/, (_m, c: string) => `"description":"${c === 'X' ? 'Y' : 'X'}`);
    writeFileSync(join(poisoned, 'platforms.jsonl'), lines.join('\n'));
    await startWorker(poisoned);
    const db = join(tmp(), 'q.db');
    const r = await finish(coordinator(db));
    // the worker's inputs are not the coordinator's: a deployment mistake the user fixes, not a crash (exit 3)
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(/^error \[E_OPTION\]: chunk \d+ \(lines \d+-\d+\) failed on the workers after 3 attempts: inputs differ from the coordinator's: platform side differs from the run's .*--resume/m);
    expect(r.err).not.toMatch(/\n\s+at /);
    const st = JSON.parse(cli(['queue', 'status', '--queue', URL_, '--json']).out) as { runs: { failed: number; errors: string[] }[] };
    expect(st.runs.reduce((n, x) => n + x.failed, 0)).toBeGreaterThan(0);
    expect(st.runs.flatMap((x) => x.errors).join('\n')).toContain('platform side differs');
    // a worker with the coordinator's inputs, and --resume: the failed chunks are given another chance; the local bytes
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
    await startWorker();
    const again = await finish(coordinator(db, ['--resume']));
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain('(resumed)');
    expect(exported(db)).toEqual(local);
    expect(chunkKeys(db)).toEqual(localKeys);
  }, 180_000);

  it('a --threads 1 worker scoring a chunk longer than its lock keeps the chunk: the lock is extended before it scores on its main thread', async () => {
    const w = await startWorker(FIX, 200); // renewals every 100 ms cannot run while one 2,400-talent chunk scores
    let log = '';
    w.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const db = join(tmp(), 'q.db');
    const c = spawn(process.execPath, [BIN, 'batch', '--data', FIX, '--db', db, '--queue', URL_, '--chunk-size', '2400'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(c);
    const r = await finish(c);
    expect(r.code, r.err).toBe(0);
    // scored once, never failed for a lost lock nor handed on as stalled
    expect(log.match(/^chunk 0 of run \d+: 2400 talents/gm), log).toHaveLength(1);
    expect(log).not.toMatch(/failed \(attempt/);
  }, 120_000);

  it('a file with problems (not JSON, a duplicate id across chunks, an over-long line, a schema error) is reported as the local batch reports it: the same problems in the same order, message and exit code', async () => {
    const bad = tmp();
    cpSync(FIX, bad, { recursive: true });
    const lines = readFileSync(join(bad, 'talents.jsonl'), 'utf8').split('\n');
    lines[149] = '{not json';
    lines[419] = lines[419].replace(/"id":"[^"]*"/, lines[29].match(/"id":"[^"]*"/)![0]); // line 30's id again, in another chunk
    lines[776] = lines[776].replace(/"description":"/, `"description":"${'x'.repeat(5000)}`);
    lines[1500] = lines[1500].replace(/"teamSize":\d+/, '"teamSize":-2');
    writeFileSync(join(bad, 'talents.jsonl'), lines.join('\n'));
    const env = { ...process.env, TALENTMATCH_MAX_LINE_BYTES: '4096' };
    const problems = (err: string) => err.slice(err.indexOf('error:'));
    const want = spawnSync(process.execPath, [BIN, 'batch', '--data', bad, '--db', join(tmp(), 'l.db'), '--chunk-size', '100', '--threads', '2'], { encoding: 'utf8', env });
    expect(want.status).toBe(1);
    expect(problems(want.stderr)).toMatch(/^error: input rejected, 4 problems:\n.*:150 \(record\): expected one JSON object.*\n.*:420 id: expected an id unique within the file \(first used at line 30\).*\n.*:777 \(record\): expected a line of at most 4,096 bytes.*\n.*:1501 teamSize: /);
    await Promise.all([startWorker(), startWorker()]);
    for (const extra of [[], ['--in-flight', '1']]) {
      const c = spawn(process.execPath, [BIN, 'batch', '--data', bad, '--db', join(tmp(), 'q.db'), '--queue', URL_, '--chunk-size', '100', ...extra], { stdio: ['ignore', 'pipe', 'pipe'], env });
      children.push(c);
      const r = await finish(c);
      expect(r.code, r.err).toBe(1);
      expect(problems(r.err)).toBe(problems(want.stderr));
    }
  }, 120_000);

  it('a SIGKILLed coordinator continues with --resume from the chunks already merged', async () => {
    await Promise.all([startWorker(), startWorker()]);
    const db = join(tmp(), 'q.db');
    const c = coordinator(db);
    const exited = new Promise((r) => c.on('exit', r));
    const target = 3 + Math.floor(Math.random() * 12); // of 24 chunks
    for (let i = 0; i < 3000 && (await chunksDone(db)) < target; i++) await new Promise((r) => setTimeout(r, 10));
    c.kill('SIGKILL');
    await exited;
    const before = await chunksDone(db);
    expect(before).toBeLessThan(24);
    const r = await finish(coordinator(db, ['--resume']));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('(resumed)');
    expect(exported(db)).toEqual(local);
  }, 120_000);
});
