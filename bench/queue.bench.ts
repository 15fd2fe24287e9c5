/**
 * Scenario: the distributed batch (Redis + BullMQ) with 1, 2 and 3 worker processes
 * (1 thread each) against the local batch (2 threads), on this machine: wall time, pairs
 * per second and overhead vs local. Starts its own redis-server on 127.0.0.1.
 * Size: TM_BENCH_QUEUE_TALENTS x 1k platforms (default 20k).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBigData } from './bigdata.js';
import type { CaseResult } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(calibMs: number): Promise<CaseResult[]> {
  const N = Number(process.env.TM_BENCH_QUEUE_TALENTS ?? 20_000);
  const M = 1000;
  const dir = mkdtempSync(join(tmpdir(), 'tm-bench-queue-'));
  await writeBigData(dir, N, M);
  const port = 30000 + Math.floor(Math.random() * 20000);
  const url = `redis://127.0.0.1:${port}`;
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await sleep(500);
  const batch = (db: string, extra: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['bin/talentmatch.js', 'batch', '--data', dir, '--db', db, '--chunk-size', '1000', ...extra], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr.slice(-1500));
    return performance.now() - t0;
  };
  const out: CaseResult[] = [];
  const size = `${N / 1000}k x ${M / 1000}k`;
  const localMs = batch(join(dir, 'local.db'), ['--threads', '2']);
  out.push({ scenario: 'batch, local (2 threads)', size, medianMs: localMs, minMs: localMs, maxMs: localMs, runs: 1, ratio: localMs / calibMs, extra: { pairsPerSec: Math.round((N * M) / (localMs / 1000)) } });
  for (const workers of [1, 2, 3]) {
    const procs: ChildProcess[] = [];
    for (let i = 0; i < workers; i++) procs.push(spawn(process.execPath, ['bin/talentmatch.js', 'worker', '--queue', url, '--data', dir, '--threads', '1'], { stdio: 'ignore' }));
    await sleep(1500); // workers up (their start is not part of the run)
    const ms = batch(join(dir, `q${workers}.db`), ['--queue', url, '--in-flight', '8']);
    for (const p of procs) p.kill('SIGTERM');
    await sleep(500);
    out.push({
      scenario: `batch, queue (${workers} worker process${workers > 1 ? 'es' : ''}, 1 thread each)`,
      size,
      medianMs: ms,
      minMs: ms,
      maxMs: ms,
      runs: 1,
      ratio: ms / calibMs,
      extra: { pairsPerSec: Math.round((N * M) / (ms / 1000)), vsLocal: +(ms / localMs).toFixed(2) },
    });
  }
  redis.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  return out;
}
