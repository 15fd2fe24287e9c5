/**
 * `talentmatch worker --queue URL`: scores queued chunks with the same kernel as the local
 * batch, on its own thread pool. It builds the platform side from its own inputs and
 * refuses jobs of a run with another platform fingerprint; it reads each chunk's byte range
 * from its talents file (its own --talents / --data, else the coordinator's path) and
 * refuses a range whose content key differs from the coordinator's.
 */
import type { Job } from 'bullmq';
import { Worker } from 'bullmq';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { existsSync } from 'node:fs';
import { loadDataset } from '../files/dataset.js';
import type { DataPaths } from '../files/dataset.js';
import { readTalentRange } from '../files/talents.js';
import { batchPlatformSide } from '../../engine/platformSide.js';
import { readerLimits } from '../../config/limits.js';
import { packPlatformSide } from '../../workers/pack.js';
import { createChunkPool } from '../../workers/pool.js';
import { chunkKeyOf, talentHash } from '../../engine/chunk.js';
import type { ChunkJob } from './queue.js';
import { QUEUE_NAME, connect, encodeResult, inputsDiffer, linkFor } from './queue.js';
import { QUEUE_RETRIES, defaultBatchOptions } from '../../config/batch.js';

export interface QueueWorkerOptions {
  url: string;
  paths: DataPaths;
  threads: number;
  /** job lock; a killed worker's job is handed on after about this long. Default 30 s. */
  lockMs?: number;
  log?: (s: string) => void;
  /** how long to retry an unreachable Redis (default TALENTMATCH_REDIS_RETRY_MS, else 60 s) */
  retryMs?: number;
}

export interface QueueWorker {
  close(): Promise<void>;
  /** rejects with E_UNAVAILABLE once Redis has been unreachable for the whole retry budget */
  dead: Promise<never>;
}

export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorker> {
  const loaded = await loadDataset(o.paths, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['talents', 'outcomes'] });
  const d = loaded.dataset;
  const { side, fingerprint } = batchPlatformSide({ industries: d.industries, platforms: d.platforms, policy: d.policy, ...(d.weights ? { weights: d.weights } : {}) });
  const ownTalents = o.paths.talents ?? (o.paths.data && existsSync(join(o.paths.data, 'talents.jsonl')) ? join(o.paths.data, 'talents.jsonl') : undefined);
  const pool = createChunkPool(packPlatformSide(side), o.threads);
  const log = o.log ?? (() => {});
  const link = linkFor(o.url, o.retryMs);
  const connection = connect(o.url, {}, link);
  const lockMs = o.lockMs ?? defaultBatchOptions.lockMs;
  const maxLineBytes = readerLimits(process.env).maxLineBytes;

  const processJob = async (job: Job<ChunkJob>): Promise<string> => {
    const j = job.data;
    if (j.platformFingerprint !== fingerprint) {
      throw inputsDiffer(`platform side differs from the run's (platforms, taxonomy, policy or weights): this worker has ${fingerprint.slice(0, 12)}, the run ${j.platformFingerprint.slice(0, 12)}`);
    }
    const path = ownTalents ?? j.talentsPath;
    const read = await readTalentRange(path, { start: j.startByte, end: j.endByte, firstLine: j.startLine }, new Set(j.skipLines), maxLineBytes);
    if ('bad' in read) throw inputsDiffer(read.bad);
    const talents = read.talents;
    const hashes = talents.map(talentHash);
    if (chunkKeyOf(hashes) !== j.key) throw inputsDiffer(`chunk ${j.chunkId}: lines ${j.startLine}-${j.endLine} of ${path} differ from the coordinator's (content hash mismatch)`);
    const result = await pool.run({ ...j, talents, hashes });
    log(`chunk ${j.chunkId} of run ${j.runId}: ${talents.length} talents\n`);
    return encodeResult(result);
  };

  const worker = new Worker<ChunkJob, string>(QUEUE_NAME, processJob, {
    connection,
    // the name `queue status` lists (Redis' client list): host, process and threads
    name: `${hostname()}-pid${process.pid}-t${o.threads}`,
    concurrency: o.threads,
    lockDuration: lockMs,
    stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
    maxStalledCount: QUEUE_RETRIES.maxStalledCount,
  });
  worker.on('failed', (job, err) => log(`chunk ${job?.data.chunkId} failed (attempt ${job?.attemptsMade}): ${err.message}\n`));
  worker.on('error', (e) => link.error(e)); // BullMQ re-emits connection errors: no stack trace per retry
  const close = async () => {
    if (!link.isDead) await worker.close();
    else void worker.close(true).catch(() => undefined);
    await pool.destroy();
    connection.disconnect();
  };
  try {
    await link.race(worker.waitUntilReady());
  } catch (e) {
    await close();
    throw e;
  }
  return { close, dead: link.dead };
}
