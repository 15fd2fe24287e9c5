/** The batch's options and summary (the CLI and library callers of runBatch read them). */
import type { ReaderLimits } from '../../config/limits.js';
import type { InputIssue } from '../../errors.js';
import type { AssignOptions } from '../../matching/assign.js';
import type { ChunkDispatcher, DispatchContext } from '../../workers/dispatch.js';
import type { SnapshotAssignment } from '../../engine/snapshot.js';
import type { BatchProgress } from './progress.js';
import type { ChunkCounts } from './chunks.js';

export interface BatchOptions {
  db: string;
  /** builds the dispatcher once the run is known (default: a piscina pool of `threads`) */
  dispatcher?: (ctx: DispatchContext) => Promise<ChunkDispatcher> | ChunkDispatcher;
  threads?: number;
  /** a run scoring at least this many talents releases its scoring threads before the final assembly (default config/batch.ts releaseScorersAt) */
  releaseScorersAt?: number;
  chunkSize?: number;
  k?: number;
  kPlatform?: number;
  assign?: AssignOptions;
  resume?: boolean;
  /** complete snapshots kept after publishing (default config/batch.ts keep: 7) */
  keep?: number;
  skipInvalid?: boolean;
  /** issues listed per file before counting the rest */
  cap?: number;
  now?: () => string;
  /** progress events while streaming and scoring, and one when every chunk is done */
  onProgress?: (p: BatchProgress) => void;
  /** at most one progress event per this many ms (default config/batch.ts) */
  progressEveryMs?: number;
  /** "waiting for workers" after this long without a chunk taken or finished (default config/batch.ts) */
  idleWarnMs?: number;
  /** publish even when the talents shrank below the guard's share of the previous snapshot (or are empty) */
  allowShrink?: boolean;
  /** how long to wait for another batch holding the database (default 0: fail at once) */
  lockWaitMs?: number;
  /** line and file size limits (default: from the environment, else the documented defaults) */
  limits?: ReaderLimits;
}

export interface BatchSummary {
  runId: number;
  resumed: boolean;
  talents: number;
  platforms: number;
  chunks: number;
  chunksScored: number;
  /** chunks whose every talent was reused */
  chunksReused: number;
  chunksResumed: number;
  /** talents copied unchanged from the reuse base */
  talentsReused: number;
  /** the complete run talents were reused from */
  reuseBase?: number;
  /** set when the run was redone reusing nothing: the run whose reserve could not answer every platform line */
  reserveExhausted?: number;
  /** acceptable pairs in the snapshot */
  pairs: number;
  /** talent x platform pairs scored in this run (excludes reused talents and resumed chunks) */
  scoredPairs: number;
  seconds: number;
  /** wall time of the streaming + scoring phase and of the final merge / assignment / publish */
  phases: { stream: number; finalize: number };
  /**
   * CPU seconds of the main thread in the same two phases (absent where the runtime cannot
   * tell a thread's CPU time): the serial part, whatever the load on the machine
   */
  mainCpu?: {
    stream: number;
    finalize: number;
    /** true: the chunks were scored on the main thread too (one thread), so `stream` includes the scoring */
    scoring: boolean;
  };
  pairsPerSecond: number;
  assigned: number;
  totalScore: number;
  blockingPairs: number;
  threads: number;
  skipped: InputIssue[];
  /** runs deleted by retention */
  pruned: number[];
}

/** The summary of a run about to be published (times from `t0` and the end of streaming `tStream`, performance.now() ms). */
export function summarize(x: {
  runId: number;
  resumed: boolean;
  baseId: number | undefined;
  reserveExhausted: number | undefined;
  counts: ChunkCounts;
  chunks: number;
  snap: SnapshotAssignment;
  platforms: number;
  threads: number;
  skipped: InputIssue[];
  t0: number;
  tStream: number;
  /** mainThreadCpu() at t0 and tStream */
  cpu0: number | undefined;
  cpuStream: number | undefined;
  /** the chunks were scored on the main thread (one thread) */
  scoredOnMain: boolean;
}): BatchSummary {
  const c = x.counts;
  const end = performance.now();
  const cpuEnd = mainThreadCpu();
  const seconds = (end - x.t0) / 1000;
  return {
    runId: x.runId,
    resumed: x.resumed,
    talents: x.snap.talentIds.length,
    platforms: x.platforms,
    chunks: x.chunks,
    chunksScored: c.scored,
    chunksReused: c.reused,
    chunksResumed: c.resumed,
    talentsReused: c.talentsReused,
    ...(x.baseId !== undefined ? { reuseBase: x.baseId } : {}),
    ...(x.reserveExhausted !== undefined ? { reserveExhausted: x.reserveExhausted } : {}),
    pairs: x.snap.pairs,
    scoredPairs: c.talentsScored * x.platforms,
    seconds,
    phases: { stream: (x.tStream - x.t0) / 1000, finalize: (end - x.tStream) / 1000 },
    ...(x.cpu0 !== undefined && x.cpuStream !== undefined && cpuEnd !== undefined ? { mainCpu: { stream: x.cpuStream - x.cpu0, finalize: cpuEnd - x.cpuStream, scoring: x.scoredOnMain } } : {}),
    pairsPerSecond: (c.talentsScored * x.platforms) / Math.max(seconds, 1e-9),
    assigned: x.snap.assigned,
    totalScore: x.snap.assignment.totalScore,
    blockingPairs: x.snap.assignment.blockingPairs,
    threads: x.threads,
    skipped: x.skipped,
    pruned: [],
  };
}

/** CPU seconds of the calling thread so far (process.threadCpuUsage, Node >= 23.9), or undefined. */
export function mainThreadCpu(): number | undefined {
  const f = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
  if (typeof f !== 'function') return undefined;
  const u = f.call(process);
  return (u.user + u.system) / 1e6;
}
