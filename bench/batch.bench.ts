/**
 * Scenario: the batch end to end (CLI, compiled build, SQLite store) with 1 and 2 threads:
 * pairs scored per second and the speed-up; peak RSS of the process (workers included).
 * Sizes: TM_BENCH_BATCH_TALENTS x TM_BENCH_BATCH_PLATFORMS (default 100k x 1k). The
 * 1M x 2k stream (memory) runs with TM_BENCH=stream (TM_BENCH_STREAM_TALENTS, default 1M).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaseResult } from './harness.js';
import { writeBigData } from './bigdata.js';

function runBatch(data: string, db: string, threads: number, extra: string[] = []): { ms: number; rssMB: number; out: string } {
  rmSync(db, { force: true });
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, '--max-old-space-size=1024', 'bin/talentmatch.js', 'batch', '--data', data, '--db', db, '--threads', String(threads), ...extra], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`batch failed: ${r.stderr.slice(-2000)}`);
  const rssKB = Number(r.stderr.trim().split('\n').pop());
  return { ms, rssMB: rssKB / 1024, out: r.stdout };
}

export async function run(calibMs: number, which: 'batch' | 'stream' = 'batch'): Promise<CaseResult[]> {
  if (!existsSync('dist/adapters/cli/main.js')) throw new Error('build first: npm run build');
  const stream = which === 'stream';
  const N = Number(stream ? process.env.TM_BENCH_STREAM_TALENTS ?? 1_000_000 : process.env.TM_BENCH_BATCH_TALENTS ?? 100_000);
  const M = Number(stream ? 2000 : process.env.TM_BENCH_BATCH_PLATFORMS ?? 1000);
  const dir = mkdtempSync(join(tmpdir(), 'tm-bench-batch-'));
  const words: [number, number] = stream ? [20, 60] : [50, 200];
  await writeBigData(dir, N, M, words);
  const size = `${N / 1000}k x ${M / 1000}k`;
  const out: CaseResult[] = [];
  const threadsList = stream ? [2] : [1, 2];
  // the stream run keeps preference lists short so the assignment's memory stays bounded
  const extra = stream ? ['--chunk-size', '5000', '--max-prefs', '5'] : ['--chunk-size', '5000'];
  const by: Record<number, number> = {};
  for (const threads of threadsList) {
    const r = runBatch(dir, join(dir, `b${threads}.db`), threads, extra);
    by[threads] = r.ms;
    const pairsPerSec = Math.round((N * M) / (r.ms / 1000));
    out.push({
      scenario: `batch end to end (${stream ? 'stream, ' : ''}${threads} thread${threads > 1 ? 's' : ''})`,
      size,
      medianMs: r.ms,
      minMs: r.ms,
      maxMs: r.ms,
      runs: 1,
      ratio: r.ms / calibMs,
      extra: { pairsPerSec, peakRssMB: Math.round(r.rssMB), ...(threads === 2 && by[1] ? { speedup: +(by[1] / r.ms).toFixed(2) } : {}) },
    });
  }
  rmSync(dir, { recursive: true, force: true });
  return out;
}
