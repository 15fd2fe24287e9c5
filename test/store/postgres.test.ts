/**
 * The PostgreSQL store against a private server (test/support/postgres.ts): the same bytes as
 * SQLite, schema versions, faults (down at start, kill -9 and --resume), the two-coordinator
 * guard, and API replicas that never answer from a partial snapshot.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/adapters/http/server.js';
import { acquireBatchLock } from '../../src/adapters/batch/lock.js';
import { runBatch } from '../../src/adapters/batch/run.js';
import type { ChunkDispatcher } from '../../src/adapters/batch/run.js';
import { exportRun } from '../../src/adapters/batch/readers.js';
import { loadDataset } from '../../src/adapters/files/dataset.js';
import { createChunkPool } from '../../src/workers/pool.js';
import type { ChunkTask } from '../../src/engine/chunk.js';
import { openStore } from '../../src/store/open.js';
import { PostgresStore } from '../../src/store/postgres.js';
import { SCHEMA_VERSION } from '../../src/store/types.js';
import type { SnapshotStore } from '../../src/store/types.js';
import { run } from '../adapters/cli/run.js';
import type { PrivatePg } from '../support/postgres.js';
import { PG_PASSWORD, pgAvailability, startPg } from '../support/postgres.js';
import { REDIS, needServices } from '../support/services.js';

const FIX = 'fixtures/jiangdong';
const FILES = ['recommendations.jsonl', 'assignment.json', 'referrals.jsonl'];
const tmp = () => mkdtempSync(join(tmpdir(), 'tm-pg-'));

const avail = await pgAvailability('PostgreSQL store tests');
const redis = needServices('PostgreSQL store with the Redis queue', [REDIS]);

/** A copy of the fixtures whose talents file is replaced by `lines`. */
function dataWith(lines: string[]): string {
  const d = tmp();
  for (const f of ['industries.json', 'policy.json', 'weights.json', 'platforms.jsonl']) writeFileSync(join(d, f), readFileSync(join(FIX, f)));
  writeFileSync(join(d, 'talents.jsonl'), lines.join('\n') + '\n');
  return d;
}

/** A small district: the fixtures' first 600 talents (6 chunks of 100), for the tests that run many batches. */
const SMALL_LINES = readFileSync(join(FIX, 'talents.jsonl'), 'utf8').trim().split('\n').slice(0, 600);

async function exported(db: string, runId?: number): Promise<Record<string, string>> {
  const d = tmp();
  const r = await run(['export', '--db', db, '--out', d, ...(runId ? ['--run', String(runId)] : [])]);
  expect(r.code, r.err).toBe(0);
  return Object.fromEntries(FILES.map((f) => [f, readFileSync(join(d, f), 'utf8')]));
}

async function sql<R extends pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(text, params)).rows;
  } finally {
    await c.end();
  }
}

describe.skipIf(avail.skip)('PostgreSQL store', () => {
  let server: PrivatePg;
  let dbs = 0;
  const freshDb = () => server.createDatabase(`tm_${++dbs}`);
  /** the fixtures' batch into SQLite: the bytes every PostgreSQL export must equal */
  let sqliteDb: string;
  let sqliteExport: Record<string, string>;

  beforeAll(async () => {
    if (avail.failure) throw new Error(avail.failure);
    server = await startPg(avail.bins!);
    sqliteDb = join(tmp(), 'ref.db');
    const r = await run(['batch', '--data', FIX, '--db', sqliteDb, '--threads', '2', '--chunk-size', '200']);
    expect(r.code, r.err).toBe(0);
    sqliteExport = await exported(sqliteDb);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('a batch of the fixtures into PostgreSQL exports byte for byte what SQLite exports', async () => {
    const url = await freshDb();
    const first = await run(['batch', '--data', FIX, '--db', url, '--threads', '2', '--chunk-size', '200']);
    expect(first.code, first.err).toBe(0);
    expect(first.out).not.toContain(PG_PASSWORD); // the report names the database without its password
    expect(first.out).toContain('***@127.0.0.1');
    const pgExport = await exported(url);
    for (const f of FILES) expect(pgExport[f], f).toBe(sqliteExport[f]);
    expect(pgExport['recommendations.jsonl'].split('\n').length).toBe(2400 + 72 + 1);
  }, 120_000);

  it('an incremental run reuses the same chunks in both stores; exports, diff and --keep agree byte for byte', async () => {
    const url = await freshDb();
    const sqlite = join(tmp(), 'inc.db');
    const lines = [...SMALL_LINES];
    const t = JSON.parse(lines[250]) as { description: string };
    t.description += ' Now also exploring cross-border e-commerce logistics.';
    lines[250] = JSON.stringify(t);
    lines.push(JSON.stringify({ id: 't-new-arrival', name: 'New arrival', description: 'Fintech payment startup seeking venture capital.', industries: ['financial-services'] }));
    const [before, after] = [dataWith(SMALL_LINES), dataWith(lines)];
    const outs: Record<string, { second: string; diff: string; third: string }> = {};
    for (const db of [sqlite, url]) {
      const args = ['--db', db, '--threads', '2', '--chunk-size', '100'];
      const r1 = await run(['batch', '--data', before, ...args]);
      expect(r1.code, r1.err).toBe(0);
      const r2 = await run(['batch', '--data', after, ...args]);
      expect(r2.code, r2.err).toBe(0);
      const diff = await run(['diff', '--db', db, '--json']);
      expect(diff.code, diff.err).toBe(0);
      const r3 = await run(['batch', '--data', after, ...args, '--keep', '1']);
      expect(r3.code, r3.err).toBe(0);
      outs[db] = { second: /\d+ scored, \d+ reused/.exec(r2.out)![0], diff: diff.out, third: /\d+ scored, \d+ reused/.exec(r3.out)![0] };
    }
    expect(outs[url].second).toBe('2 scored, 5 reused'); // of 7 chunks: the edited one and the new last one
    expect(outs[url].third).toBe('0 scored, 7 reused');
    expect(outs[url]).toEqual(outs[sqlite]);
    const moved = (JSON.parse(outs[url].diff) as { moves: { id: string }[] }).moves.map((m) => m.id);
    expect(moved).toContain('t-new-arrival');
    const [ea, eb] = [await exported(sqlite), await exported(url)];
    for (const f of FILES) expect(eb[f], f).toBe(ea[f]);
    // --keep 1 pruned runs 1 and 2: only run 3 is left
    const store = await openStore(url, { readonly: true });
    try {
      expect((await store.runs()).map((r) => [r.id, r.status])).toEqual([[3, 'complete']]);
    } finally {
      await store.close();
    }
    const missing = await run(['export', '--db', url, '--run', '2', '--out', tmp()]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('--run 2: no complete run with that id');
  }, 120_000);

  it('per-talent reuse, discard and retention: both stores give the same answers through the interface', async () => {
    const stores: SnapshotStore[] = [await openStore(join(tmp(), 'parity.db')), await openStore(await freshDb())];
    const answers: unknown[] = [];
    for (const s of stores) {
      try {
        const mk = async () => s.createRun({ startedAt: 't', fingerprint: 'f', platformFingerprint: 'p', options: '{}', weights: '{}' });
        const chunk = (runId: number, chunkId: number, ids: string[], reusedFrom?: { runId: number; talentIds: string[] }) =>
          s.writeChunk({ runId, chunkId, key: `k${chunkId}`, startLine: 1, endLine: 2, talents: ids.length + (reusedFrom?.talentIds.length ?? 0), pairs: 1, reused: false, candidates: Buffer.from([1, 2, 3]),
            rows: ids.map((id) => ({ talentId: id, hash: `h-${id}`, line: `{"id":"${id}"}`, prefs: Buffer.from(id), meta: '{}' })), ...(reusedFrom ? { reusedFrom } : {}) });
        const r1 = await mk();
        expect(await chunk(r1, 0, ['a', 'b', 'c'])).toBe(true);
        await s.complete(r1, [], {}, 't', '{}');
        const r2 = await mk();
        // b and c copied from run 1 in the chunk's transaction, d scored; a second write is a no-op
        expect(await chunk(r2, 0, ['d'], { runId: r1, talentIds: ['b', 'c'] })).toBe(true);
        expect(await chunk(r2, 0, ['x'], { runId: r1, talentIds: ['a'] })).toBe(false);
        const lines: string[] = [];
        for await (const l of s.talentLines(r2)) lines.push(l);
        const [h2, h1] = [await s.talentHashes(r2, ['b', 'a', 'd']), await s.talentHashes(r1, ['a', 'd'])];
        const hashes = [h2.get('b'), h2.get('a'), h1.get('a'), [...h2.entries()].sort(), h1.size];
        await s.dropChunkCandidates(r1);
        const blobs: number[] = [];
        for await (const b of s.candidateBlobs(r1)) blobs.push(b.length);
        // a complete run is never discarded; a running one goes, rows and all
        await expect(Promise.resolve().then(() => s.discard(r1))).rejects.toMatchObject({ code: 'E_INTERNAL' });
        await s.discard(r2);
        const afterDiscard = (await s.runs()).map((r) => r.id);
        // retention: runs 3..8 alternate complete / failed, one left running
        const ids: number[] = [];
        for (let i = 0; i < 6; i++) {
          const id = await mk();
          ids.push(id);
          if (i % 2 === 0) await s.complete(id, [], {}, 't', '{}');
          else await s.fail(id, 't', 'why');
        }
        const running = await mk();
        const pruned = await s.prune(1, [ids[2]]);
        // run ids are the store's own (SQLite hands a discarded newest id out again, a PostgreSQL identity does not): compared by role
        expect(pruned).toEqual([r1, ids[0], ids[1]]); // kept: the newest complete run and the protected one; failed runs older than that go
        expect((await s.runs()).map((r) => [r.id, r.status])).toEqual([
          [ids[2], 'complete'],
          [ids[3], 'failed'],
          [ids[4], 'complete'],
          [ids[5], 'failed'],
          [running, 'running'],
        ]);
        expect(afterDiscard).toEqual([r1]);
        answers.push({ lines, hashes, blobs });
      } finally {
        await s.close();
      }
    }
    expect(answers[0]).toEqual({ lines: ['{"id":"b"}', '{"id":"c"}', '{"id":"d"}'], hashes: ['h-b', undefined, 'h-a', [['b', 'h-b'], ['d', 'h-d']], 1], blobs: [0] });
    expect(answers[1]).toEqual(answers[0]);
  }, 60_000);

  it('refuses a schema newer than it knows (E_SCHEMA, exit 1), and a database with no snapshots (E_IO)', async () => {
    const url = await freshDb();
    const empty = await run(['export', '--db', url, '--out', tmp()]);
    expect(empty.code).toBe(1);
    expect(empty.err).toMatch(/^error \[E_IO\]: PostgreSQL at 127\.0\.0\.1:\d+\/tm_\d+: no talentmatch snapshots here/);
    // a writer creates the schema at the version it knows
    await (await PostgresStore.open(url)).close();
    expect(await sql<{ version: number }>(url, 'SELECT version FROM tm_schema')).toEqual([{ version: SCHEMA_VERSION }]);
    await sql(url, 'UPDATE tm_schema SET version = $1', [SCHEMA_VERSION + 1]);
    for (const args of [
      ['export', '--db', url, '--out', tmp()],
      ['batch', '--data', FIX, '--db', url],
    ]) {
      const r = await run(args);
      expect(r.code, args[0]).toBe(1);
      expect(r.err).toBe(
        `error [E_SCHEMA]: PostgreSQL at 127.0.0.1:${server.port}/tm_${dbs}: the database has schema version ${SCHEMA_VERSION + 1}, newer than this talentmatch understands (${SCHEMA_VERSION}); upgrade talentmatch, or point --db at another database\n`,
      );
    }
  }, 60_000);

  it('an id PostgreSQL text cannot hold (U+0000) fails the run naming the id, exit 1; the run is marked failed', async () => {
    const url = await freshDb();
    const bad = JSON.parse(SMALL_LINES[3]) as { id: string };
    bad.id = 'bad\u0000id';
    const r = await run(['batch', '--data', dataWith([...SMALL_LINES.slice(0, 30), JSON.stringify(bad)]), '--db', url, '--threads', '1', '--allow-shrink']);
    expect(r.code).toBe(1);
    expect(r.err.trimEnd().split('\n').at(-1)).toBe('error [E_INPUT]: talent id "bad\\u0000id" contains U+0000, which PostgreSQL text cannot store; remove it from the id (the SQLite store accepts it)');
    expect(await sql(url, 'SELECT id, status FROM tm_runs')).toEqual([{ id: 1, status: 'failed' }]);
  }, 60_000);

  it('PostgreSQL down at start: one line naming host and port, exit 1, no stack, no password', async () => {
    const port = server.port + 1 === 65536 ? server.port - 1 : server.port + 1; // nothing listens there (the cluster took one port)
    const url = `postgres://talentmatch:${PG_PASSWORD}@127.0.0.1:${port}/snapshots`;
    for (const args of [
      ['batch', '--data', FIX, '--db', url],
      ['export', '--db', url, '--out', tmp()],
      ['diff', '--db', url],
    ]) {
      const r = await run(args);
      expect(r.code, args[0]).toBe(1);
      expect(r.err, args[0]).toBe(`error [E_UNAVAILABLE]: PostgreSQL at 127.0.0.1:${port}/snapshots: cannot connect (connect ECONNREFUSED 127.0.0.1:${port})\n`);
      expect(r.err).not.toContain(PG_PASSWORD);
    }
    await expect(buildServer({ db: url })).rejects.toMatchObject({ code: 'E_UNAVAILABLE', message: expect.stringContaining(`127.0.0.1:${port}`) });
  }, 60_000);

  it('two coordinators: the second fails at once naming the holder, or waits (--wait-lock) and runs when the first is done', async () => {
    const url = await freshDb();
    const held = await acquireBatchLock(url);
    try {
      const t0 = Date.now();
      const second = await run(['batch', '--data', FIX, '--db', url, '--threads', '1']); // refused before reading anything
      expect(second.code).toBe(1);
      expect(second.err).toMatch(new RegExp(`^error \\[E_IO\\]: PostgreSQL at 127\\.0\\.0\\.1:\\d+/tm_\\d+: another batch run holds this database \\(talentmatch batch \\(pid ${process.pid} on [^)]+\\) from 127\\.0\\.0\\.1, backend pid \\d+, since [0-9T:.-]+Z\\); wait for it`));
      expect(Date.now() - t0).toBeLessThan(10_000);
      // no run was created by the refused coordinator
      expect(await sql(url, `SELECT to_regclass('tm_runs') IS NULL AS none`)).toEqual([{ none: true }]);
      // a waiting coordinator takes over once the holder releases
      const waiting = run(['batch', '--data', dataWith(SMALL_LINES), '--db', url, '--threads', '2', '--chunk-size', '100', '--wait-lock', '60']);
      await new Promise((r) => setTimeout(r, 700));
      const locks = await sql<{ n: string }>(url, `SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name LIKE 'talentmatch batch%' AND datname = current_database()`);
      expect(Number(locks[0].n)).toBe(2); // the holder and the waiter, both connected
      await held.release();
      const done = await waiting;
      expect(done.code, done.err).toBe(0);
    } finally {
      await held.release();
    }
    // the lock is per database: another database on the same server is not blocked
    const other = await freshDb();
    const a = await acquireBatchLock(url);
    const b = await acquireBatchLock(other);
    await a.release();
    await b.release();
  }, 120_000);

  it('kill -9 mid-run: the run stays invisible, the lock is freed, and --resume publishes exactly the uninterrupted snapshot', async () => {
    const url = await freshDb();
    const args = ['bin/talentmatch.js', 'batch', '--data', FIX, '--db', url, '--threads', '1', '--chunk-size', '50'];
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    const killAt = 3 + Math.floor(Math.random() * 30); // of 48 chunks
    let chunks = 0;
    for (let i = 0; i < 1500 && chunks < killAt; i++) {
      await new Promise((r) => setTimeout(r, 20));
      try {
        chunks = Number((await sql<{ n: string }>(url, 'SELECT COUNT(*) AS n FROM tm_chunks'))[0].n);
      } catch {
        /* schema not created yet */
      }
    }
    child.kill('SIGKILL');
    await exited;
    expect(chunks).toBeGreaterThanOrEqual(killAt);
    const runs = await sql<{ id: number; status: string }>(url, 'SELECT id, status FROM tm_runs');
    expect(runs).toEqual([{ id: 1, status: 'running' }]);
    // invisible: readers find no complete snapshot
    const early = await run(['export', '--db', url, '--out', tmp()]);
    expect(early.code).toBe(1);
    expect(early.err).toContain('no complete snapshot in the database');
    const resumed = await run(['batch', '--data', FIX, '--db', url, '--threads', '1', '--chunk-size', '50', '--resume']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toContain('(resumed)');
    expect(resumed.out).toMatch(/[1-9]\d* already done before a restart/);
    const after = await exported(url);
    for (const f of FILES) expect(after[f], f).toBe(sqliteExport[f]);
  }, 180_000);

  it('PostgreSQL lost mid-run: the batch exits 1 with one line, the run stays invisible, --resume finishes it exactly', async () => {
    const url = await freshDb();
    const small = dataWith(SMALL_LINES);
    const reference = join(tmp(), 'small.db');
    expect((await run(['batch', '--data', small, '--db', reference, '--threads', '1', '--chunk-size', '50'])).code).toBe(0);
    const args = ['batch', '--data', small, '--db', url, '--threads', '1', '--chunk-size', '50'];
    const running = run(args);
    let chunks = 0;
    for (let i = 0; i < 1500 && chunks < 2; i++) {
      await new Promise((r) => setTimeout(r, 10));
      try {
        chunks = Number((await sql<{ n: string }>(url, 'SELECT COUNT(*) AS n FROM tm_chunks'))[0].n);
      } catch {
        /* schema not created yet */
      }
    }
    // what a failover or a network cut does to the coordinator: every session of it is gone
    const cut = await sql<{ n: string }>(url, `SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name LIKE 'talentmatch %' AND datname = current_database()`);
    expect(Number(cut[0].n)).toBeGreaterThanOrEqual(2); // the lock's session and the pool's
    const r = await running;
    expect(r.code).toBe(1);
    const last = r.err.trimEnd().split('\n').at(-1)!; // after the progress line
    expect(last).toMatch(new RegExp(`^error \\[E_UNAVAILABLE\\]: PostgreSQL at 127\\.0\\.0\\.1:${server.port}/tm_\\d+: .+ \\(57P01: terminating connection due to administrator command\\)$`));
    expect(r.err).not.toContain('    at '); // no stack
    expect(await sql(url, 'SELECT id, status FROM tm_runs')).toEqual([{ id: 1, status: 'running' }]);
    const resumed = await run([...args, '--resume']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toContain('(resumed)');
    const [a, b] = [await exported(reference), await exported(url)];
    for (const f of FILES) expect(b[f], f).toBe(a[f]);
  }, 120_000);

  it.skipIf(redis.skip)('batch --queue (a coordinator, a Redis queue, a worker process) into PostgreSQL publishes the local batch\'s bytes', async () => {
    if (redis.failure) throw new Error(redis.failure);
    const url = await freshDb();
    const small = dataWith(SMALL_LINES);
    const reference = join(tmp(), 'queue-ref.db');
    expect((await run(['batch', '--data', small, '--db', reference, '--threads', '1', '--chunk-size', '100'])).code).toBe(0);
    const port = 20000 + Math.floor(Math.random() * 20000);
    const queue = `redis://127.0.0.1:${port}`;
    const children: ChildProcess[] = [spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })];
    try {
      const worker = spawn(process.execPath, ['bin/talentmatch.js', 'worker', '--queue', queue, '--data', small, '--threads', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
      children.push(worker);
      let log = '';
      await new Promise<void>((resolve, reject) => {
        worker.stderr!.on('data', (d: Buffer) => {
          log += d.toString();
          if (log.includes('waiting for chunks')) resolve();
        });
        worker.on('exit', () => reject(new Error(`worker exited: ${log}`)));
      });
      const r = await run(['batch', '--data', small, '--db', url, '--queue', queue, '--chunk-size', '100']);
      expect(r.code, r.err).toBe(0);
      const [a, b] = [await exported(reference), await exported(url)];
      for (const f of FILES) expect(b[f], f).toBe(a[f]);
    } finally {
      for (const c of children) c.kill('SIGKILL');
    }
  }, 120_000);

  it('two API replicas on one PostgreSQL never answer from a partial snapshot, and both switch to the new one without restart', async () => {
    const url = await freshDb();
    const small = dataWith(SMALL_LINES);
    expect((await run(['batch', '--data', small, '--db', url, '--threads', '2', '--chunk-size', '100'])).code).toBe(0);
    // quotas out of the way: the replicas are asked in a loop for as long as the batch runs, which on a
    // fast machine passes the default 6,000 requests a minute (the quotas have their own tests)
    const replicas = [await buildServer({ db: url, snapshotPollMs: 50, quotas: { max: 1e9 } }), await buildServer({ db: url, snapshotPollMs: 50, quotas: { max: 1e9 } })];
    let release = () => {};
    let batch: Promise<unknown> = Promise.resolve();
    try {
      const talents = SMALL_LINES.map((l) => (JSON.parse(l) as { id: string }).id);
      const platforms = readFileSync(join(FIX, 'platforms.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
      const probes = [...talents.filter((_, i) => i % 23 === 0).map((id) => ['talents', id]), ...platforms.filter((_, i) => i % 9 === 0).map((id) => ['platforms', id])];
      const seen: { run: string; path: string; body: string }[] = [];
      const ask = async () => {
        for (const [i, [side, id]] of probes.entries()) {
          const app = replicas[i % 2];
          const url = `/v1/${side}/${encodeURIComponent(id)}/recommendations?k=5`;
          const res = await app.inject({ method: 'GET', url });
          expect(res.statusCode, res.body).toBe(200);
          seen.push({ run: String(res.headers['x-snapshot-run']), path: `${side}/${id}`, body: res.body });
        }
      };
      await ask();
      expect(new Set(seen.map((s) => s.run))).toEqual(new Set(['1']));

      // run 2 (the tuned weights: other lists) pauses after two chunks until released
      const gate = new Promise<void>((r) => (release = r));
      let paused!: () => void;
      const atGate = new Promise<void>((r) => (paused = r));
      let dispatched = 0;
      const ds = await loadDataset({ data: FIX, weights: join(FIX, 'weights.tuned.json') }, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['talents', 'outcomes'] });
      batch = runBatch(
        { industries: ds.dataset.industries, platforms: ds.dataset.platforms, policy: ds.dataset.policy, weights: ds.dataset.weights!, talentsPath: join(small, 'talents.jsonl') },
        {
          db: url,
          chunkSize: 100,
          dispatcher: ({ pack }): ChunkDispatcher => {
            const local = createChunkPool(pack, 1);
            return {
              concurrency: 1,
              run: async (t: ChunkTask) => {
                if (dispatched++ >= 2) {
                  paused();
                  await gate;
                }
                return local.run(t);
              },
              destroy: () => local.destroy(),
            };
          },
        },
      );
      await atGate;
      let partial = 0;
      for (let i = 0; i < 500 && partial < 200; i++) {
        await new Promise((r) => setTimeout(r, 20));
        partial = Number((await sql<{ n: string }>(url, 'SELECT COUNT(*) AS n FROM tm_talent_recs WHERE run_id = 2'))[0].n);
      }
      expect(partial).toBe(200); // run 2's first two chunks are in the database...
      await new Promise((r) => setTimeout(r, 120)); // ...longer than the poll interval
      const before = seen.length;
      await ask();
      expect(new Set(seen.slice(before).map((s) => s.run))).toEqual(new Set(['1'])); // ...and nobody serves them
      // publish while both replicas keep answering
      release();
      let finished = false;
      const summary = batch.finally(() => (finished = true));
      while (!finished) await ask();
      expect(((await summary) as { runId: number }).runId).toBe(2);
      await new Promise((r) => setTimeout(r, 120));
      const tail = seen.length;
      await ask();
      expect(new Set(seen.slice(tail).map((s) => s.run))).toEqual(new Set(['2'])); // both replicas switched, no restart

      // every answer is exactly the line of the run it is labelled with
      const store = await openStore(url, { readonly: true });
      const lines: Record<string, Map<string, string>> = {};
      try {
        for (const r of [1, 2]) {
          const dir = tmp();
          await exportRun(store, (await store.run(r))!, dir);
          lines[r] = new Map(
            readFileSync(join(dir, 'recommendations.jsonl'), 'utf8')
              .trim()
              .split('\n')
              .map((l) => {
                const x = JSON.parse(l) as { side: string; id: string; items: unknown[] };
                return [`${x.side === 'talent' ? 'talents' : 'platforms'}/${x.id}`, JSON.stringify({ side: x.side, id: x.id, items: x.items.slice(0, 5) })];
              }),
          );
        }
      } finally {
        await store.close();
      }
      let differs = 0;
      for (const s of seen) {
        expect(s.body, `${s.path} in run ${s.run}`).toBe(lines[s.run].get(s.path));
        if (lines['1'].get(s.path) !== lines['2'].get(s.path)) differs++;
      }
      expect(differs).toBeGreaterThan(0); // the two runs differ where probed: a mix-up would show
    } finally {
      release();
      await batch.catch(() => undefined);
      for (const app of replicas) await app.close();
    }
  }, 180_000);
});
