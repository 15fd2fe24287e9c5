/**
 * Progress for long commands: a cli-progress bar (rate and ETA) on a terminal, plain
 * periodic lines otherwise (CI logs, pipes), on stderr so stdout stays clean.
 */
import cliProgress from 'cli-progress';
import type { Io } from './common.js';

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
