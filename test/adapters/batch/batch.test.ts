import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Store } from '../../../src/store/store.js';

const FIX = 'fixtures/jiangdong';
const BIN = 'bin/talentmatch.js';
const tmp = () => mkdtempSync(join(tmpdir(), 'tm-batch-'));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function batch(db: string, extra: string[] = [], data = FIX) {
  return cli(['batch', '--data', data, '--db', db, ...extra]);
}

function exported(db: string, run?: number): Record<string, string> {
  const d = tmp();
  const r = cli(['export', '--db', db, '--out', d, ...(run ? ['--run', String(run)] : [])]);
  expect(r.code, r.err).toBe(0);
  return Object.fromEntries(['recommendations.jsonl', 'assignment.json', 'referrals.jsonl'].map((f) => [f, readFileSync(join(d, f), 'utf8')]));
}

/** A copy of the fixtures whose talents file is replaced by `lines`. */
function dataWith(lines: string[]): string {
  const d = tmp();
  for (const f of ['industries.json', 'policy.json', 'weights.json', 'platforms.jsonl']) writeFileSync(join(d, f), readFileSync(join(FIX, f)));
  writeFileSync(join(d, 'talents.jsonl'), lines.join('\n') + '\n');
  return d;
}

const fixtureTalents = () => readFileSync(join(FIX, 'talents.jsonl'), 'utf8').trim().split('\n');

describe('batch', () => {
  it('gives byte-identical snapshots for 1, 2 and 4 threads, equal to recommend / match / refer', () => {
    const d = tmp();
    const keys: string[][] = [];
    const stored: string[] = [];
    const outs = [1, 2, 4].map((t) => {
      const r = batch(join(d, `t${t}.db`), ['--threads', String(t), '--chunk-size', '250']);
      expect(r.code, r.err).toBe(0);
      // one thread scores on the main thread (no worker), and the summary says so
      if ((process as { threadCpuUsage?: unknown }).threadCpuUsage !== undefined) expect(r.out.includes('scoring included: one thread'), r.out).toBe(t === 1);
      // the chunks' keys, hashed by the scorers here (no reuse base), are stored with their rows
      const db = new Database(join(d, `t${t}.db`), { readonly: true });
      keys.push(db.prepare('SELECT chunk_key FROM chunks ORDER BY chunk_id').pluck().all() as string[]);
      // what the snapshot stores besides its exports, the platform reserve among them (its chunks were ranked with
      // floors that depend on which chunks were merged first: engine/candidates.ts encodeReserve's canonical bound),
      // and the chunks' counts: the same whatever the thread count
      stored.push(JSON.stringify([db.prepare('SELECT name, part, body FROM artifacts ORDER BY name, part').raw().all(), db.prepare('SELECT chunk_id, chunk_key, start_line, end_line, talents, pairs, reused, length(candidates) FROM chunks ORDER BY chunk_id').raw().all()]));
      db.close();
      return exported(join(d, `t${t}.db`));
    });
    expect(keys[0].length).toBeGreaterThan(1);
    for (const k of keys[0]) expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(keys[0]).size).toBe(keys[0].length);
    expect(keys[1]).toEqual(keys[0]);
    expect(keys[2]).toEqual(keys[0]);
    expect(stored[0]).toContain('platform-reserve');
    expect(stored[1]).toBe(stored[0]);
    expect(stored[2]).toBe(stored[0]);
    expect(outs[1]).toEqual(outs[0]);
    expect(outs[2]).toEqual(outs[0]);
    const ref = tmp();
    expect(cli(['recommend', '--data', FIX, '--out', join(ref, 'recommendations.jsonl')]).code).toBe(0);
    // the batch keeps each talent's best 50 platforms for the assignment by default
    expect(cli(['match', '--data', FIX, '--max-prefs', '50', '--out', join(ref, 'assignment.json')]).code).toBe(0);
    expect(cli(['refer', '--data', FIX, '--max-prefs', '50', '--out', join(ref, 'referrals.jsonl')]).code).toBe(0);
    for (const f of Object.keys(outs[0])) expect(outs[0][f], f).toBe(readFileSync(join(ref, f), 'utf8'));
  });

  it('survives SIGKILL at a random chunk: --resume gives exactly the uninterrupted snapshot', async () => {
    const d = tmp();
    const full = batch(join(d, 'full.db'), ['--threads', '1', '--chunk-size', '25']);
    expect(full.code, full.err).toBe(0);
    const db = join(d, 'killed.db');
    const killAt = 2 + Math.floor(Math.random() * 60); // of 96 chunks
    const child = spawn(process.execPath, [BIN, 'batch', '--data', FIX, '--db', db, '--threads', '1', '--chunk-size', '25'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    let chunks = 0;
    for (let i = 0; i < 3000 && chunks < killAt; i++) {
      await new Promise((r) => setTimeout(r, 5));
      if (!existsSync(db)) continue;
      try {
        const ro = new Database(db, { readonly: true, fileMustExist: true });
        chunks = (ro.prepare('SELECT COUNT(*) AS n FROM chunks').get() as { n: number }).n;
        ro.close();
      } catch {
        /* schema not created yet */
      }
    }
    child.kill('SIGKILL');
    await exited;
    const store = new Store(db);
    const runs = store.runs();
    store.close();
    expect(runs).toHaveLength(1);
    expect(runs[0].status).toBe('running'); // killed mid-run, not complete
    const resumed = batch(db, ['--threads', '1', '--chunk-size', '25', '--resume']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toContain('(resumed)');
    expect(resumed.out).toMatch(/[1-9]\d* already done before a restart/);
    expect(exported(db)).toEqual(exported(join(d, 'full.db')));
  });

  it('a chunk the database refuses (its writer thread) fails the run with E_STORE, exit 1 and no hang; --resume finishes it once the cause is gone', () => {
    const d = tmp();
    const db = join(d, 'refusing.db');
    expect(batch(db, ['--chunk-size', '100']).code).toBe(0);
    // the database refuses every new talent line from now on (as a full disk would refuse a page)
    const raw = new Database(db);
    raw.exec("CREATE TRIGGER refuse BEFORE INSERT ON talent_lines BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    raw.close();
    const lines = fixtureTalents();
    const edited = JSON.parse(lines[130]) as { description: string };
    edited.description += ' Now also leads a robotics lab.';
    lines[130] = JSON.stringify(edited);
    const data = dataWith(lines);
    const args = ['batch', '--data', data, '--db', db, '--chunk-size', '100', '--threads', '2'];
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
    expect(r.signal, 'the batch hung').toBeNull();
    expect(r.status, r.stderr).toBe(1);
    // chunk 1 (lines 101-200) holds the edited talent: the only row written, and refused
    expect(r.stderr).toMatch(/(^|\n)error \[E_STORE\]: .*refusing\.db: cannot write chunk 1 of run 2 \(disk says no\)\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at |every chunk done/); // no stack trace, no claim of success
    const store = new Store(db);
    expect(store.runs().map((x) => x.status)).toEqual(['complete', 'running']); // kept for --resume
    expect(store.doneChunks(2).has(1)).toBe(false); // the refused chunk's transaction left nothing
    store.close();
    const fix = new Database(db);
    fix.exec('DROP TRIGGER refuse');
    fix.close();
    const resumed = cli([...args, '--resume']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toContain('(resumed)');
    const fresh = join(d, 'fresh.db');
    expect(batch(fresh, ['--chunk-size', '100'], data).code).toBe(0);
    expect(exported(db)).toEqual(exported(fresh));
  });

  it('an incremental run reuses every unchanged talent and equals a full run on the new input', () => {
    const lines = fixtureTalents();
    const changed = [...lines];
    const t = JSON.parse(changed[1500]);
    t.description += ' Now also exploring cross-border e-commerce logistics.';
    changed[1500] = JSON.stringify(t);
    changed.push(JSON.stringify({ id: 't-new-arrival', name: 'New arrival', description: 'Fintech payment startup seeking venture capital.', industries: ['financial-services'] }));
    const d = tmp();
    const db = join(d, 'inc.db');
    expect(batch(db, ['--chunk-size', '300'], dataWith(lines)).code).toBe(0);
    const inc = batch(db, ['--chunk-size', '300'], dataWith(changed));
    expect(inc.code, inc.err).toBe(0);
    const m = /(\d+) scored, (\d+) reused/.exec(inc.out)!;
    expect(Number(m[2])).toBe(7); // 7 of 9 chunks had nothing to score...
    expect(Number(m[1])).toBe(2); // ...the one holding line 1501 scored that talent alone, the last chunk the new one
    // reuse is per talent: every talent but the edited one and the new one
    expect(inc.out).toMatch(/reuse {6}2399 of 2401 talents reused unchanged \(99\.9%\) from run 1/);
    expect(inc.out).toMatch(/scoring {4}144 pairs scored \(/); // 2 talents x 72 platforms
    const fresh = join(d, 'fresh.db');
    expect(batch(fresh, ['--chunk-size', '300'], dataWith(changed)).code).toBe(0);
    expect(exported(db)).toEqual(exported(fresh));
    // diff names the edited talent (its list or assignment moved) and the new one
    const diff = cli(['diff', '--db', db, '--json']);
    expect(diff.code, diff.err).toBe(0);
    const ids = (JSON.parse(diff.out).moves as { id: string }[]).map((x) => x.id);
    expect(ids).toContain('t-new-arrival');
  });

  it('a corrupt or truncated line fails the run with the contract error and leaves the previous snapshot intact', () => {
    const d = tmp();
    const db = join(d, 'c.db');
    expect(batch(db, ['--chunk-size', '300']).code).toBe(0);
    const before = exported(db);
    const lines = fixtureTalents();
    lines[16] = lines[16].slice(0, 40); // truncated JSON on line 17
    const bad = JSON.parse(lines[20]);
    bad.needs = { seats: -2 };
    lines[20] = JSON.stringify(bad);
    const r = batch(db, ['--chunk-size', '300'], dataWith(lines));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/talents\.jsonl:17 \(record\): expected one JSON object per line/);
    expect(r.err).toMatch(/talents\.jsonl:21 needs\.seats: expected integer >= 0, got -2/);
    expect(r.err).not.toMatch(/\n\s+at /);
    const store = new Store(db);
    expect(store.runs().map((x) => x.status)).toEqual(['complete', 'failed']);
    expect(store.latestComplete()!.id).toBe(1);
    store.close();
    expect(exported(db)).toEqual(before);
  });

  it('readers only ever see a complete snapshot while a new run is being written; --keep prunes old ones', async () => {
    const d = tmp();
    const db = join(d, 'r.db');
    expect(batch(db, ['--chunk-size', '300']).code).toBe(0);
    const child = spawn(process.execPath, [BIN, 'batch', '--data', FIX, '--db', db, '--threads', '1', '--chunk-size', '20', '--keep', '1'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    let finished = false;
    void exited.then(() => (finished = true));
    let reads = 0;
    while (!finished) {
      const store = new Store(db, { readonly: true });
      const { talents, platforms } = store.read(() => {
        const run = store.latestComplete()!;
        return { talents: [...store.talentLines(run.id)].length, platforms: [...store.platformLines(run.id)].length };
      });
      store.close();
      expect(talents).toBe(2400);
      expect(platforms).toBe(72);
      reads++;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await exited).toBe(0);
    expect(reads).toBeGreaterThan(2);
    const store = new Store(db);
    expect(store.runs().map((r) => [r.id, r.status])).toEqual([[2, 'complete']]); // run 1 pruned by --keep 1
    store.close();
  });
});
