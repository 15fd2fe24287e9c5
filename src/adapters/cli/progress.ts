/**
 * Progress for long commands: a cli-progress bar (rate and ETA) on a terminal, plain
 * periodic lines otherwise (CI logs, pipes), on stderr so stdout stays clean.
 */
import cliProgress from 'cli-progress';
import type { Io } from './common.js';
import type { BatchProgress } from '../batch/progress.js';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export function createProgress(label: string, io: Io, isTTY = process.stderr.isTTY === true): Progress {
  if (isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.update(done);
      },
      stop: () => bar.stop(),
    };
  }
  let lastPct = -1;
  const t0 = Date.now();
  return {
    update(done, total) {
      const pct = Math.floor((100 * done) / Math.max(1, total));
      if (pct >= lastPct + 10 || done === total) {
        lastPct = pct;
        const secs = (Date.now() - t0) / 1000;
        const eta = done > 0 ? (secs * (total - done)) / done : 0;
        io.err(`${label}: ${done}/${total} (${pct}%), ${(done / Math.max(secs, 1e-9)).toFixed(1)}/s, ETA ${eta.toFixed(0)} s\n`);
      }
    },
    stop() {},
  };
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

/**
 * One progress line of the batch (stderr): completed chunks and what they were, chunks in
 * flight, talents read and how much of the file, pairs scored per second, workers; or the
 * "waiting for workers" notice when chunks wait and no worker takes them.
 */
export function batchProgressLine(p: BatchProgress, hint = ''): string {
  const secs = (p.elapsedMs / 1000).toFixed(0);
  if (p.waitingMs !== undefined) {
    return `batch: waiting for workers: no worker has taken or finished a chunk for ${(p.waitingMs / 1000).toFixed(0)} s; ${p.inFlight} chunks queued, ${p.chunksDone} done${p.workers !== undefined ? `, ${p.workers} workers connected` : ''}${hint ? `; ${hint}` : ''}\n`;
  }
  const parts = [
    `${p.chunksDone} chunks done (${p.chunksScored} scored, ${p.chunksReused} reused, ${p.chunksResumed} before a restart)`,
    `${p.inFlight} in flight`,
    `${n(p.talentsRead)} talents read (${n(p.talentsReused)} reused)${p.phase === 'stream' ? `, ${Math.floor((100 * p.bytesRead) / Math.max(1, p.totalBytes))}% of the file` : ''}`,
    `${n(p.pairsPerSecond)} pairs/s`,
  ];
  if (p.workers !== undefined) parts.push(`${p.workers} workers`);
  return `batch${p.phase === 'done' ? ' (every chunk done)' : ''}: ${parts.join(', ')}, ${secs} s\n`;
}
