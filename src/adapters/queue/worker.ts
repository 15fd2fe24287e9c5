/**
 * `talentmatch worker --queue URL`: scores queued chunks with the same kernel as the local
 * batch. It builds the platform side from its own inputs and refuses jobs of a run with
 * another platform fingerprint. A chunk comes from Redis, checked by its SHA-256, as its raw
 * lines (lineFrames.ts: parsed, checked and scored here, as a local thread does with
 * `chunkLines`; the links and problems go back with the result) or as the talents the
 * coordinator validated (frames.ts encodeTalentsFrame: not parsed again). The worker needs no
 * talents file; it hashes the talents while scoring and returns the chunk key with the result,
 * as a local scoring thread does.
 *
 * `--threads 1` scores on the worker's main thread, as `batch --threads 1` does: no worker
 * isolate and no structured clone of each chunk's talents and rows (about 2 s of CPU per
 * worker per 10k talents at 1k platforms). More threads score on a pool, and the worker takes
 * `prefetch` chunks beyond its threads (default 1): the next chunk's talents are fetched and
 * the last one's result sent while the threads score. With equally fast workers this costs
 * no balance at the end of a run (the chunks are spread as without it, one chunk earlier);
 * `--prefetch 0` turns it off for workers of very different speeds.
 */
import type { Job } from 'bullmq';
import { Worker } from 'bullmq';
import { hostname } from 'node:os';
import { loadDataset } from '../files/dataset.js';
import type { DataPaths } from '../files/dataset.js';
import { batchPlatformSide } from '../../engine/platformSide.js';
import { packPlatformSide } from '../../workers/pack.js';
import { createChunkPool } from '../../workers/pool.js';
import type { ChunkPool } from '../../workers/pool.js';
import { inProcessDispatcher } from '../../workers/dispatch.js';
import type { ChunkDispatcher } from '../../workers/dispatch.js';
import type { ChunkJob } from './queue.js';
import { QUEUE_NAME, inputsDiffer } from './queue.js';
import { connect, linkFor } from './link.js';
import type { ChunkTalents } from './frames.js';
import { RESULT_MARK, fetchTalents, resultFrameParts, resultKey } from './frames.js';
import { fetchLines, linesResultParts } from './lineFrames.js';
import { frameSetter, sizeOf } from './rawSet.js';
import { decodeFloorFrame, floorKey, higherFloor } from './floors.js';
import { QUEUE_RETRIES, QUEUE_TRAFFIC, defaultBatchOptions } from '../../config/batch.js';
import { threadsStarted } from '../../config/workers.js';

export interface QueueWorkerOptions {
  url: string;
  paths: DataPaths;
  threads: number;
  /** job lock; a killed worker's job is handed on after about this long. Default 30 s. */
  lockMs?: number;
  log?: (s: string) => void;
  /** how long to retry an unreachable Redis (default TALENTMATCH_REDIS_RETRY_MS, else 60 s) */
  retryMs?: number;
  /** chunks taken beyond `threads`, prepared while the threads score (default QUEUE_TRAFFIC.prefetch) */
  prefetch?: number;
}

export interface QueueWorker {
  close(): Promise<void>;
  /** rejects with E_UNAVAILABLE once Redis has been unreachable for the whole retry budget */
  dead: Promise<never>;
}

/** An in-process dispatcher as the worker's scorer (its lines task is always there). */
const here = (d: ChunkDispatcher): Pick<ChunkPool, 'run' | 'chunkLines' | 'destroy'> => ({ run: (t) => d.run(t), chunkLines: (t) => d.runLines!(t), destroy: () => d.destroy() });

export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const o = { ...options, threads: threadsStarted(options.threads) }; // at most 4 x the cores (config/workers.ts)
  const loaded = await loadDataset(o.paths, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['talents', 'outcomes'] });
  const d = loaded.dataset;
  const { side, fingerprint } = batchPlatformSide({ industries: d.industries, platforms: d.platforms, policy: d.policy, ...(d.weights ? { weights: d.weights } : {}) });
  // --threads 1 scores on this thread, as `batch --threads 1` does (no worker isolate, no clone of each chunk's talents)
  const inProcess = o.threads === 1;
  const scorer: Pick<ChunkPool, 'run' | 'chunkLines' | 'destroy'> = inProcess ? here(inProcessDispatcher(side)) : createChunkPool(packPlatformSide(side), o.threads);
  const platforms = side.platforms.count;
  const log = o.log ?? (() => {});
  const link = linkFor(o.url, o.retryMs);
  const connection = connect(o.url, {}, link);
  // results (megabytes) go on their own connection, not behind BullMQ's commands
  const results = connect(o.url, {}, link);
  // result frames written with no copy where the URL allows it (rawSet.ts), else on `results`
  const frames = frameSetter(o.url, results, (p) => link.race(p));
  const prefetch = o.prefetch ?? QUEUE_TRAFFIC.prefetch;
  const lockMs = o.lockMs ?? defaultBatchOptions.lockMs;

  /** the jobs this worker holds now, with their lock tokens */
  const held = new Map<Job<ChunkJob>, string>();
  const processJob = async (job: Job<ChunkJob>, token?: string): Promise<string> => {
    if (token) held.set(job, token);
    try {
      return await scoreJob(job);
    } finally {
      held.delete(job);
    }
  };

  const scoreJob = async (job: Job<ChunkJob>): Promise<string> => {
    const t0 = performance.now();
    const j = job.data;
    if (j.platformFingerprint !== fingerprint) {
      throw inputsDiffer(`platform side differs from the run's (platforms, taxonomy, policy or weights): this worker has ${fingerprint.slice(0, 12)}, the run ${j.platformFingerprint.slice(0, 12)}`);
    }
    const { platformFingerprint: _fp, runKey: _key, talents: from, ...plain } = j;
    // the chunk as its raw lines (parsed, checked and scored here) or as talents
    const got = from === 'lines' ? await link.race(fetchLines(results, String(job.id), j.chunkId)) : await talentsOf(job);
    const sent = got.floor;
    if (sent && sent.length !== platforms) throw inputsDiffer(`chunk ${j.chunkId}: floors for ${sent.length} platforms, this worker has ${platforms}`);
    // the floors: those the chunk was sent with, raised by the run's latest (chunks merged since);
    // read before the locks are extended below: nothing may be awaited between the extension and
    // the scoring (a renewal in between would set the lock back to --lock-ms)
    const latest = decodeFloorFrame(await link.race(results.getBuffer(floorKey(j.runKey))), platforms);
    const floor = higherFloor(sent, latest);
    // scoring on this thread blocks the locks' renewals until the chunk is done: the locks of
    // every chunk this worker holds (this one and a prefetched one) are first extended to a
    // bound on this chunk's scoring time, when it is longer than --lock-ms (a killed worker's
    // chunks are then handed on after that long, for chunks that score longer than the lock).
    // A chunk of lines has at most as many talents as lines
    const most = 'lines' in got ? got.lines.lines : got.talents.length;
    const bound = Math.ceil((most * platforms * QUEUE_TRAFFIC.inProcessUsPerPair) / 1000);
    if (inProcess && bound > lockMs / 2) await link.race(Promise.all([...held].map(([j, t]) => j.extendLock(t, lockMs + bound))));
    const t1 = performance.now();
    const floorField = floor ? { platformFloor: floor } : {};
    let talents: number;
    let frame: Uint8Array[];
    if ('lines' in got) {
      // a lines result goes under its key whatever the job says: a coordinator that sends lines reads it there
      const r = await scorer.chunkLines({ lines: got.lines, chunk: { ...plain, ...floorField }, score: true });
      talents = r.links.ids.length;
      frame = linesResultParts(j.chunkId, r);
    } else {
      const result = await scorer.run({ ...plain, talents: got.talents, ...(got.hashes ? { hashes: got.hashes } : {}), ...floorField });
      talents = got.talents.length;
      frame = resultFrameParts(result);
    }
    const t2 = performance.now();
    const reply = await sendFrame(job, frame);
    const bytes = sizeOf(frame);
    const s = (ms: number) => (ms / 1000).toFixed(2);
    log(`chunk ${j.chunkId} of run ${j.runId}: ${talents} talents, floors for ${finite(sent)} platforms as sent, ${finite(latest)} as read, ${finite(floor)} used; read ${s(t1 - t0)} s, scored ${s(t2 - t1)} s (waiting for a thread included), ${(bytes / 1e6).toFixed(1)} MB result sent in ${s(performance.now() - t2)} s; sent as ${'lines' in got ? 'lines' : 'records'}\n`);
    return reply;
  };

  /** A result frame under the job's result key; the job's return value marks it. */
  const sendFrame = async (job: Job<ChunkJob>, frame: Uint8Array[]): Promise<string> => {
    await frames.set(resultKey(String(job.id)), frame, QUEUE_TRAFFIC.resultTtlSeconds);
    return `${RESULT_MARK}${sizeOf(frame)}`;
  };

  /** Platforms with a finite floor. */
  const finite = (f: Float64Array | undefined): number => (f ? f.reduce((n, x) => (x > -Infinity ? n + 1 : n), 0) : 0);

  /** The chunk's talents as the coordinator sent them (frames.ts encodeTalentsFrame). */
  const talentsOf = (job: Job<ChunkJob>): Promise<ChunkTalents> => link.race(fetchTalents(results, String(job.id), job.data.chunkId));

  const worker = new Worker<ChunkJob, string>(QUEUE_NAME, processJob, {
    connection,
    // the name `queue status` lists (Redis' client list): host, process and threads
    name: `${hostname()}-pid${process.pid}-t${o.threads}`,
    concurrency: o.threads + prefetch,
    lockDuration: lockMs,
    stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
    maxStalledCount: QUEUE_RETRIES.maxStalledCount,
  });
  worker.on('failed', (job, err) => log(`chunk ${job?.data.chunkId} failed (attempt ${job?.attemptsMade}): ${err.message}\n`));
  worker.on('error', (e) => link.error(e)); // BullMQ re-emits connection errors: no stack trace per retry
  const close = async () => {
    if (!link.isDead) await worker.close();
    else void worker.close(true).catch(() => undefined);
    await scorer.destroy();
    connection.disconnect();
    results.disconnect();
    frames.close();
  };
  try {
    await link.race(worker.waitUntilReady());
  } catch (e) {
    await close();
    throw e;
  }
  return { close, dead: link.dead };
}
