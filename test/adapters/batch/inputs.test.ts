/**
 * Issue 15, batch inputs: read once (pipes and FIFOs), huge lines, directories, the publish
 * guard against empty or truncated files, one batch per database. Through the built CLI.
 */
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync, createWriteStream, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../../src/store/store.js';
import { publishRefusal } from '../../../src/engine/publish.js';

const FIX = 'fixtures/jiangdong';
const BIN = 'bin/talentmatch.js';
const tmp = () => mkdtempSync(join(tmpdir(), 'tm-inputs-'));
/** the first 300 fixture talents keep these runs short */
const talents300 = readFileSync(join(FIX, 'talents.jsonl'), 'utf8').trim().split('\n').slice(0, 300);

function data(lines: string[] = talents300): string {
  const d = tmp();
  for (const f of ['industries.json', 'policy.json', 'weights.json', 'platforms.jsonl']) writeFileSync(join(d, f), readFileSync(join(FIX, f)));
  writeFileSync(join(d, 'talents.jsonl'), lines.length ? lines.join('\n') + '\n' : '');
  return d;
}

function cli(args: string[], input?: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input, env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const batchArgs = (d: string, db: string, extra: string[] = []) => ['batch', '--data', d, '--db', db, '--threads', '1', '--chunk-size', '100', ...extra];

function exported(db: string): Record<string, string> {
  const d = tmp();
  const r = cli(['export', '--db', db, '--out', d]);
  expect(r.code, r.err).toBe(0);
  return Object.fromEntries(['recommendations.jsonl', 'assignment.json', 'referrals.jsonl'].map((f) => [f, readFileSync(join(d, f), 'utf8')]));
}

const statuses = (db: string) => {
  const s = new Store(db);
  try {
    return s.runs().map((r) => r.status);
  } finally {
    s.close();
  }
};

describe('batch reads its talents once', () => {
  it('`--talents <(cat f)` (a pipe) yields the same snapshot as the file', () => {
    const d = data();
    const fileDb = join(tmp(), 'f.db');
    expect(cli(batchArgs(d, fileDb)).code).toBe(0);
    const pipeDb = join(tmp(), 'p.db');
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const cmd = `${q(process.execPath)} ${BIN} ${batchArgs(d, pipeDb).map(q).join(' ')} --talents <(cat ${q(join(d, 'talents.jsonl'))})`;
    const b = spawnSync('bash', ['-c', cmd], { encoding: 'utf8' });
    const r = { code: b.status, err: b.stderr };
    expect(r.code, r.err).toBe(0);
    expect(statuses(pipeDb)).toEqual(['complete']);
    expect(exported(pipeDb)).toEqual(exported(fileDb));
    // before: the hash drained the pipe and the run published 0 talents
    expect(exported(pipeDb)['recommendations.jsonl'].split('\n').filter((l) => l.startsWith('{"side":"talent"')).length).toBe(300);
  }, 180_000);

  it('a named FIFO works (before: the batch hung with its run left `running`)', async () => {
    const d = data();
    const fifo = join(tmp(), 'talents.jsonl');
    execFileSync('mkfifo', [fifo]);
    const db = join(tmp(), 'fifo.db');
    const child = spawn(process.execPath, [BIN, ...batchArgs(d, db), '--talents', fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    const w = createWriteStream(fifo);
    w.end(talents300.join('\n') + '\n');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, err).toBe(0);
    expect(statuses(db)).toEqual(['complete']);
  }, 180_000);
});

describe('huge lines and unreadable paths', () => {
  it('a line over the limit is reported with file:line and the run is failed, not left running; other lines are still checked', () => {
    const lines = [...talents300];
    lines[4] = JSON.stringify({ id: 't-huge', name: 'x', description: 'y'.repeat(5000) });
    const bad = JSON.parse(lines[9]);
    bad.needs = { seats: -1 };
    lines[9] = JSON.stringify(bad);
    const d = data(lines);
    const db = join(tmp(), 'h.db');
    const r = cli(batchArgs(d, db), undefined, { TALENTMATCH_MAX_LINE_BYTES: '4096' });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${join(d, 'talents.jsonl')}:5 (record): expected a line of at most 4,096 bytes (TALENTMATCH_MAX_LINE_BYTES), got 5,`);
    expect(r.err).toContain(`${join(d, 'talents.jsonl')}:10 needs.seats: expected integer >= 0, got -1`);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(statuses(db)).toEqual(['failed']);
    // validate reads with the same limit
    const v = cli(['validate', '--data', d], undefined, { TALENTMATCH_MAX_LINE_BYTES: '4096' });
    expect(v.code).toBe(1);
    expect(v.err).toContain(':5 (record): expected a line of at most 4,096 bytes');
  }, 180_000);

  it('a 64 MB line without a newline costs no more than the limit: validate reports it and exits 1', () => {
    const d = data();
    const f = join(d, 'talents.jsonl');
    const fd = openSync(f, 'w');
    const block = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 64; i++) writeSync(fd, block);
    closeSync(fd);
    const r = cli(['validate', '--data', d]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${f}:1 (record): expected a line of at most 1,048,576 bytes (TALENTMATCH_MAX_LINE_BYTES), got 67,108,864 bytes`);
    expect(r.err).not.toMatch(/RangeError|\n\s+at /);
  }, 180_000);

  it('a directory given as talents.jsonl: one clear line, exit 1', () => {
    const d = data();
    const dir = join(tmp(), 'talents.jsonl');
    mkdirSync(dir);
    for (const args of [['validate', '--data', d, '--talents', dir], batchArgs(d, join(tmp(), 'x.db'), ['--talents', dir])]) {
      const r = cli(args);
      expect(r.code, r.err).toBe(1);
      expect(r.err.trim()).toBe(`error [E_IO]: ${dir}: cannot read (is a directory)`);
    }
  }, 180_000);

  it.runIf(existsSync('/proc/self/task'))('runBatch with --threads 2 and an unreadable talents file rejects and leaves no thread running (the pool starts before the file is read)', () => {
    const d = data();
    const missing = join(tmp(), 'none.jsonl');
    const src = (f: string) => JSON.stringify(join(process.cwd(), 'src', f));
    // a library caller, not the CLI (which exits on an error): a scoring thread left running
    // would keep the process alive until spawnSync's timeout
    const code = `Promise.all([import(${src('adapters/files/dataset.ts')}), import(${src('adapters/batch/run.ts')})]).then(async ([{ loadDataset }, { runBatch }]) => {
      const { dataset: x } = await loadDataset({ data: ${JSON.stringify(d)} }, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['talents', 'outcomes'] });
      const threads = () => require('node:fs').readdirSync('/proc/self/task').length;
      const before = threads();
      await runBatch({ industries: x.industries, platforms: x.platforms, policy: x.policy, talentsPath: ${JSON.stringify(missing)} }, { db: ${JSON.stringify(join(tmp(), 'x.db'))}, threads: 2 }).then(() => console.log('published'), (e) => console.log(e.code, e.message));
      await new Promise((r) => setTimeout(r, 300));
      console.log('threads', before, threads());
    })`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8', timeout: 60_000 });
    expect(r.error, 'the process did not exit by itself').toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    const [error, counts] = r.stdout.trim().split('\n');
    expect(error).toBe(`E_IO ${missing}: cannot read (no such file)`);
    // the process's threads (/proc/self/task) before the call and after it failed: 12 and 15 with the pool left running
    const [before, after] = counts.split(' ').slice(1).map(Number);
    expect(before).toBeGreaterThan(0);
    expect(after).toBe(before);
  }, 180_000);
});

describe('the publish guard', () => {
  it('an empty talents file never replaces a snapshot: exit 1, run failed, previous snapshot still served', () => {
    const db = join(tmp(), 'g.db');
    expect(cli(batchArgs(data(), db)).code).toBe(0);
    const before = exported(db);
    const d0 = data([]);
    const r = cli(batchArgs(d0, db));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${join(d0, 'talents.jsonl')} (record): expected at least one valid talent (pass --allow-shrink to publish an empty snapshot), got 0 talents`);
    expect(statuses(db)).toEqual(['complete', 'failed']);
    expect(exported(db)).toEqual(before);
  }, 180_000);

  it('a sharply smaller set (below half of the served snapshot) is refused; exactly half is published', () => {
    const db = join(tmp(), 's.db');
    expect(cli(batchArgs(data(), db)).code).toBe(0);
    const r = cli(batchArgs(data(talents300.slice(0, 149)), db));
    expect(r.code).toBe(1);
    expect(r.err).toContain('talents.jsonl (record): expected at least 50% of the 300 talents of the snapshot served now (run 1) (pass --allow-shrink if the shrink is intended), got 149 talents');
    const ok = cli(batchArgs(data(talents300.slice(0, 150)), db));
    expect(ok.code, ok.err).toBe(0);
    expect(statuses(db)).toEqual(['complete', 'failed', 'complete']);
  }, 180_000);

  it('the rule: boundaries and the explicit override', () => {
    expect(publishRefusal({ previousTalents: undefined, talents: 0, allowShrink: false })?.got).toBe('0 talents');
    expect(publishRefusal({ previousTalents: undefined, talents: 0, allowShrink: true })).toBeUndefined();
    expect(publishRefusal({ previousTalents: undefined, talents: 1, allowShrink: false })).toBeUndefined();
    expect(publishRefusal({ previousTalents: 100, talents: 50, allowShrink: false })).toBeUndefined();
    expect(publishRefusal({ previousTalents: 100, talents: 49, allowShrink: false })?.got).toBe('49 talents');
    expect(publishRefusal({ previousTalents: 100, talents: 49, allowShrink: true })).toBeUndefined();
    expect(publishRefusal({ previousTalents: 0, talents: 1, allowShrink: false })).toBeUndefined();
  }, 180_000);
});

describe('one batch per database', () => {
  it('a second batch while another holds the database exits 1 naming the holder; a stale lock is taken over', () => {
    const d = data();
    const db = join(tmp(), 'l.db');
    // a live holder: this test process
    writeFileSync(`${db}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-01-01T00:00:00Z' }));
    const r = cli(batchArgs(d, db));
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(`error [E_IO]: ${db}: another batch run holds this database (pid ${process.pid} on ${hostname()}, since 2026-01-01T00:00:00Z); wait for it to finish, or remove ${db}.lock if that process is gone`);
    // a dead holder's lock is stale
    writeFileSync(`${db}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: '2026-01-01T00:00:00Z' }));
    const ok = cli(batchArgs(d, db));
    expect(ok.code, ok.err).toBe(0);
  }, 180_000);
});
