/**
 * Where the batch's chunks are scored, behind one interface: the local worker-thread pool
 * (piscina, `localDispatcher`) or a distributed queue (BullMQ, adapters/queue). The batch
 * sees only `run(task)`, how many chunks to keep in flight, and what the dispatcher knows
 * of its workers (for progress lines).
 */
import type { ChunkResult, ChunkTask } from '../engine/chunk.js';
import type { PlatformPack } from './pack.js';
import type { ExplainLinesResult, ExplainLinesTask } from './explainLines.js';
import type { ChunkLinesResult, ChunkLinesTask } from './chunkLines.js';
import { chunkLinesTask } from './chunkLines.js';
import type { ChunkPool } from './pool.js';
import { createChunkPool, startChunkPool } from './pool.js';
import type { PlatformSide } from '../engine/platformSide.js';
import { scoreChunk } from '../engine/chunk.js';
import { TokenCache } from '../text/cache.js';
import { Tokenizer } from '../text/tokenize.js';
import { defaultWorkerOptions } from '../config/workers.js';
import { defaultBatchOptions } from '../config/batch.js';
import { strongHash } from '../util/hash.js';

/** What the dispatcher can tell about its workers right now. */
export interface WorkerActivity {
  /** workers consuming chunks (threads of the local pool; live queue workers) */
  workers: number;
  /** ms since a worker last took or finished a chunk (0 when one is busy now) */
  idleMs: number;
}

export interface ChunkDispatcher {
  /** chunks scored at once (the batch keeps twice this many in flight) */
  concurrency: number;
  run(task: ChunkTask): Promise<ChunkResult>;
  /**
   * A chunk given as its raw lines, parsed, checked and scored where it is scored
   * (workers/chunkLines.ts: a local thread, this thread, or a queue worker). Absent: the
   * batch sends records (`run`).
   */
  runLines?(task: ChunkLinesTask): Promise<ChunkLinesResult>;
  /**
   * true: a task may come without its talents' hashes and key; the scorer hashes them and
   * returns the key (engine/chunk.ts). Absent: every task carries them (a queue worker reads
   * the range itself and checks the key).
   */
  hashesTalents?: boolean;
  /**
   * Validates and vectorizes talents' raw lines on the dispatcher's threads, and makes the
   * listed pairs' platform-line items (workers/explainLines.ts): the final assembly's listed
   * and placed talents. Absent (the queue): the main thread does it.
   */
  explainLines?(task: ExplainLinesTask): Promise<ExplainLinesResult>;
  /**
   * The merged lists' floors after a chunk's candidates were merged (EarlyAssembly.floor),
   * for a dispatcher whose scorers take chunks well after they are sent (the queue: its
   * workers read them when they take a job). Absent: a task carries the floors as they were
   * when it was sent.
   */
  mergedFloor?(floor: Float64Array): void;
  /** polled by the progress line; absent: nothing to say */
  activity?(): Promise<WorkerActivity>;
  destroy(): Promise<void>;
}

/** What a dispatcher is built from once the run is known. */
export interface DispatchContext {
  pack: PlatformPack;
  runId: number;
  platformFingerprint: string;
  /**
   * Names the run wherever names are shared beyond this database (a queue's job ids and keys in
   * a Redis other coordinators use too): the run's fingerprint and start time hashed, and its id.
   * The same after a restart (--resume re-attaches to its jobs); another database's run of the
   * same id and inputs gets another name.
   */
  runKey: string;
}

/** DispatchContext.runKey of a run: its fingerprint and start time (as stored) hashed, and its id. */
export const runKeyOf = (fingerprint: string, startedAt: string, runId: number): string => `${strongHash(`${fingerprint}\n${startedAt}`).slice(0, 16)}-r${runId}`;

/**
 * The local dispatcher: a piscina pool of `threads` worker threads scoring against the shared
 * pack, their young generation capped (config/batch.ts scorerYoungGenMb: a chunk's garbage is
 * short-lived, a large nursery only holds resident memory).
 */
export function localDispatcher(pack: PlatformPack, threads: number): ChunkDispatcher {
  return poolDispatcher(createChunkPool(pack, threads, undefined, { heap: scorerHeap() }), threads);
}

/**
 * The local dispatcher started before its platform side exists (pool.ts startChunkPool): its
 * threads load their modules while the batch builds the side, hashes the talents file and
 * opens the store; `setSide` hands them the pack once it is built (tasks wait for it).
 */
export function startLocalDispatcher(threads: number): ChunkDispatcher & { setSide(pack: PlatformPack): void } {
  const pool = startChunkPool(threads, scorerHeap());
  return { ...poolDispatcher(pool, threads), setSide: (pack) => pool.setSide(pack) };
}

const scorerHeap = () => ({ youngGenMb: defaultBatchOptions.scorerYoungGenMb });

function poolDispatcher(pool: ChunkPool, threads: number): ChunkDispatcher {
  return {
    concurrency: threads,
    hashesTalents: true,
    run: (t) => pool.run(t),
    runLines: (t) => pool.chunkLines(t),
    explainLines: (t) => pool.explainLines(t),
    activity: () => Promise.resolve({ workers: threads, idleMs: 0 }),
    destroy: () => pool.destroy(),
  };
}

/**
 * One thread: the chunks are scored on the calling thread, between reading the next ones,
 * as `recommend --threads 1` does (no worker to start, nothing cloned). The same function
 * and platform side as a pool's worker, so the same results. No `explainLines`: the caller
 * vectorizes on its own thread.
 */
export function inProcessDispatcher(side: PlatformSide): ChunkDispatcher {
  const tokens = new TokenCache(new Tokenizer(), defaultWorkerOptions.tokenCacheSize).source();
  return {
    concurrency: 1,
    hashesTalents: true,
    // async: a scoring error rejects like a worker's
    run: async (t) => scoreChunk(side, t, tokens),
    runLines: async (t) => chunkLinesTask(side, t, tokens),
    activity: () => Promise.resolve({ workers: 1, idleMs: 0 }),
    destroy: () => Promise.resolve(),
  };
}
