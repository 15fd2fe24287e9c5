/**
 * The batch's progress, as data: completed chunks (scored, reused, done before a restart),
 * chunks in flight, talents read, pairs scored per second, how much of the talents file is
 * read, the workers consuming chunks, and — when chunks are in flight but no worker has
 * taken or finished one for `idleWarnMs` — how long the run has been waiting for workers.
 * The CLI renders it (adapters/cli/progress.ts); a library caller gets the same events.
 */
import type { ChunkDispatcher } from '../../workers/dispatch.js';
import type { ChunkCounts } from './chunks.js';

export interface BatchProgress {
  /** 'stream': reading and scoring; 'done': every chunk is checkpointed (the final assembly follows) */
  phase: 'stream' | 'done';
  /** chunks checkpointed: scored + reused + done before a restart */
  chunksDone: number;
  chunksScored: number;
  chunksReused: number;
  chunksResumed: number;
  inFlight: number;
  talentsRead: number;
  talentsReused: number;
  /** talent x platform pairs scored so far in this run, and per second of the run */
  pairsScored: number;
  pairsPerSecond: number;
  /** bytes of the talents file read (the chunks of what is read may still be scoring) */
  bytesRead: number;
  totalBytes: number;
  elapsedMs: number;
  /** workers consuming chunks, when the dispatcher knows */
  workers?: number;
  /** set when chunks wait and no worker has taken or finished one for at least idleWarnMs: how long */
  waitingMs?: number;
}

export interface TickerOptions {
  everyMs: number;
  idleWarnMs: number;
  platforms: number;
  counts: () => ChunkCounts;
  bytes: () => { read: number; total: number };
  dispatcher: () => ChunkDispatcher | undefined;
  onProgress: (p: BatchProgress) => void;
  clock?: () => number;
}

/** Emits progress every `everyMs` (and the waiting notice every `idleWarnMs`) until stopped. */
export function startTicker(o: TickerOptions): { snapshot(phase: BatchProgress['phase']): BatchProgress; stop(): void } {
  const clock = o.clock ?? (() => performance.now());
  const t0 = clock();
  let lastWarn = -Infinity;
  let lastLine = t0;
  let busy = false;
  const snapshot = (phase: BatchProgress['phase']): BatchProgress => {
    const c = o.counts();
    const b = o.bytes();
    const elapsedMs = clock() - t0;
    const pairsScored = c.talentsScored * o.platforms;
    return {
      phase,
      chunksDone: c.scored + c.reused + c.resumed,
      chunksScored: c.scored,
      chunksReused: c.reused,
      chunksResumed: c.resumed,
      inFlight: c.inFlight,
      talentsRead: c.talentsRead,
      talentsReused: c.talentsReused,
      pairsScored,
      pairsPerSecond: pairsScored / Math.max(elapsedMs / 1000, 1e-9),
      bytesRead: b.read,
      totalBytes: b.total,
      elapsedMs,
    };
  };
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const p = snapshot('stream');
      const a = await o.dispatcher()?.activity?.().catch(() => undefined);
      if (a) p.workers = a.workers;
      const now = clock();
      if (a && p.inFlight > 0 && a.idleMs >= o.idleWarnMs) {
        if (now - lastWarn >= o.idleWarnMs) {
          lastWarn = now;
          lastLine = now;
          o.onProgress({ ...p, waitingMs: a.idleMs });
        }
        return;
      }
      if (now - lastLine >= o.everyMs) {
        lastLine = now;
        o.onProgress(p);
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), Math.max(10, Math.min(o.everyMs, o.idleWarnMs)));
  timer.unref();
  return {
    snapshot,
    stop: () => clearInterval(timer),
  };
}
