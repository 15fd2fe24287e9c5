/**
 * Scenario: a nightly delta against a full run, end to end (CLI, compiled build, 2 threads).
 * Sizes: TM_BENCH_INC_TALENTS x TM_BENCH_INC_PLATFORMS (default 20k x 300). In one process,
 * on the same data: a full run; then (a) 1% of talents edited at random positions, run
 * incrementally on the same database and in full on a fresh one; (b) the same edits plus
 * 5% of platforms' occupancy changed, both ways. Each incremental snapshot is checked
 * byte-identical to the full one. Also reported: the database's size per snapshot and the
 * reserve's share of it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CaseResult } from './harness.js';
import { writeBigData } from './bigdata.js';

function cli(args: string[]): { ms: number; out: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/talentmatch.js', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args[0]} failed: ${r.stderr.slice(-2000)}`);
  return { ms, out: r.stdout };
}

const batch = (data: string, db: string) => cli(['batch', '--data', data, '--db', db, '--threads', '2', '--chunk-size', '2000']);

function exported(db: string): string {
  const d = mkdtempSync(join(tmpdir(), 'tm-inc-export-'));
  cli(['export', '--db', db, '--out', d]);
  const s = ['recommendations.jsonl', 'assignment.json', 'referrals.jsonl'].map((f) => readFileSync(join(d, f), 'utf8')).join('\u0000');
  rmSync(d, { recursive: true, force: true });
  return s;
}

/** A copy of `from` with edited talents and, optionally, moved occupancy. */
function delta(from: string, to: string, seed: number, occupancy: boolean): void {
  mkdirSync(to, { recursive: true });
  for (const f of ['industries.json', 'policy.json']) copyFileSync(join(from, f), join(to, f));
  let a = seed;
  const r = () => ((a = (a * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const talents = readFileSync(join(from, 'talents.jsonl'), 'utf8').trim().split('\n');
  const edits = Math.ceil(talents.length / 100);
  for (let e = 0; e < edits; e++) {
    const i = Math.floor(r() * talents.length);
    const t = JSON.parse(talents[i]) as { description: string };
    t.description += ` Revised ${seed}-${e}: now also piloting industrial IoT maintenance.`;
    talents[i] = JSON.stringify(t);
  }
  writeFileSync(join(to, 'talents.jsonl'), talents.join('\n') + '\n');
  const platforms = readFileSync(join(from, 'platforms.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { capacity: { slots: number; slotsUsed: number } });
  if (occupancy) {
    const moves = Math.ceil(platforms.length / 20);
    for (let m = 0; m < moves; m++) {
      const p = platforms[Math.floor(r() * platforms.length)];
      if (p.capacity.slotsUsed < p.capacity.slots) p.capacity.slotsUsed++;
    }
  }
  writeFileSync(join(to, 'platforms.jsonl'), platforms.map((p) => JSON.stringify(p)).join('\n') + '\n');
}

export async function run(calibMs: number): Promise<CaseResult[]> {
  if (!existsSync('dist/adapters/cli/main.js')) throw new Error('build first: npm run build');
  const N = Number(process.env.TM_BENCH_INC_TALENTS ?? 20_000);
  const M = Number(process.env.TM_BENCH_INC_PLATFORMS ?? 300);
  const dir = mkdtempSync(join(tmpdir(), 'tm-bench-inc-'));
  const base = join(dir, 'base');
  await writeBigData(base, N, M);
  const size = `${N / 1000}k x ${M}`;
  const db = join(dir, 'nightly.db');
  const first = batch(base, db);
  const sizeAfterOne = statSync(db).size;
  const out: CaseResult[] = [];
  const row = (scenario: string, ms: number, extra: Record<string, number | string>): CaseResult => ({ scenario, size, medianMs: ms, minMs: ms, maxMs: ms, runs: 1, ratio: ms / calibMs, extra });
  out.push(row('batch full run (2 threads)', first.ms, { dbMB: +(sizeAfterOne / 2 ** 20).toFixed(1) }));
  let prev = base;
  for (const [name, occupancy] of [['1% talents edited', false], ['1% talents edited + 5% occupancy', true]] as const) {
    const next = join(dir, occupancy ? 'occ' : 'edit');
    delta(prev, next, occupancy ? 2 : 1, occupancy);
    const inc = batch(next, db);
    const freshDb = join(dir, `${occupancy ? 'occ' : 'edit'}-full.db`);
    const full = batch(next, freshDb);
    const same = exported(db) === exported(freshDb);
    if (!same) throw new Error(`${name}: the incremental snapshot differs from the full run`);
    const reused = /reuse {6}(\d+) of (\d+)/.exec(inc.out);
    out.push(row(`batch incremental: ${name}`, inc.ms, { fullMs: Math.round(full.ms), shareOfFull: +(inc.ms / full.ms).toFixed(3), talentsReused: reused ? Number(reused[1]) : -1, identical: 'yes' }));
    rmSync(freshDb, { force: true });
    prev = next;
  }
  const ro = new Database(db, { readonly: true });
  const reserveBytes = (ro.prepare(`SELECT COALESCE(SUM(LENGTH(body)), 0) AS n FROM artifacts WHERE name = 'platform-reserve'`).get() as { n: number }).n;
  const runs = (ro.prepare(`SELECT COUNT(*) AS n FROM runs WHERE status = 'complete'`).get() as { n: number }).n;
  ro.close();
  out.push(row('batch snapshot storage', 0, { dbMBPerSnapshot: +(statSync(db).size / runs / 2 ** 20).toFixed(1), reserveKBPerSnapshot: Math.round(reserveBytes / runs / 1024) }));
  rmSync(dir, { recursive: true, force: true });
  return out;
}
