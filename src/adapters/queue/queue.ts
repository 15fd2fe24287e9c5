/**
 * Distributed chunks on Redis + BullMQ. The coordinator (`batch --queue URL`) enqueues one
 * job per chunk; `talentmatch worker --queue URL` processes score them with the same kernel
 * as the local batch, each with its own thread pool.
 *
 * Job payloads are plain data and carry no profile text: run id, chunk id, line and byte
 * range, the chunk's content key, options and the platform-side fingerprint. A worker reads
 * the range from its own copy of the inputs (or a shared path), checks that the content
 * key and the platform fingerprint match, and returns the chunk result. Job ids are
 * deterministic, so a restarted coordinator re-attaches to jobs still queued or finished,
 * and the store's idempotent chunk writes absorb duplicate deliveries.
 *
 * Faults: a worker killed mid-job loses its lock; BullMQ's stalled-job check hands the job
 * to another worker. A job that throws is retried (3 attempts) and then lands in the failed
 * set with its error, which fails the run with that message.
 */
import { Queue, QueueEvents, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { deserialize, serialize } from 'node:v8';
import { TalentmatchError } from '../../errors.js';
import type { ChunkResult, ChunkTask } from '../../workers/chunk.js';
import type { ChunkDispatcher, DispatchContext } from '../batch/run.js';

export const QUEUE_NAME = 'talentmatch-chunks';

/** Job data: everything but the profiles. */
export interface ChunkJob extends Omit<ChunkTask, 'talents'> {
  platformFingerprint: string;
  talentsPath: string;
}

/** ioredis connection from a redis:// or rediss:// URL (password, db and TLS pass through). */
export function connect(url: string, extra: RedisOptions = {}): Redis {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TalentmatchError('E_OPTION', `--queue must be a redis:// or rediss:// URL, got ${JSON.stringify(url)}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new TalentmatchError('E_OPTION', `--queue must be a redis:// or rediss:// URL, got ${JSON.stringify(url)}`);
  // BullMQ workers need maxRetriesPerRequest: null (blocking commands)
  return new Redis(url, { maxRetriesPerRequest: null, ...extra });
}

export const encodeResult = (r: ChunkResult): string => serialize(r).toString('base64');
export const decodeResult = (s: string): ChunkResult => deserialize(Buffer.from(s, 'base64')) as ChunkResult;

/**
 * A chunk a worker refused because its inputs are not the coordinator's (platform side,
 * taxonomy, policy, weights or talents file). The job is still retried, so a correctly
 * started worker may take it; if every attempt ends this way the coordinator reports a
 * configuration error (E_OPTION, exit 2), not a crash. BullMQ keeps only the message, so
 * the prefix is the mark.
 */
const INPUTS_DIFFER = 'inputs differ from the coordinator\'s: ';
export const inputsDiffer = (detail: string): Error => new Error(INPUTS_DIFFER + detail);

export function jobId(ctx: { platformFingerprint: string; runId: number }, chunkId: number): string {
  return `tm-${ctx.platformFingerprint.slice(0, 16)}-r${ctx.runId}-c${chunkId}`;
}

/** The coordinator's dispatcher: one job per chunk, results awaited through QueueEvents. */
export async function queueDispatcher(url: string, ctx: DispatchContext, o: { inFlight: number }): Promise<ChunkDispatcher> {
  const connection = connect(url);
  const events = connect(url);
  const queue = new Queue(QUEUE_NAME, { connection });
  const queueEvents = new QueueEvents(QUEUE_NAME, { connection: events });
  // every awaited job adds listeners; many chunks are awaited at once
  queue.setMaxListeners(0);
  queueEvents.setMaxListeners(0);
  await queueEvents.waitUntilReady();
  return {
    concurrency: o.inFlight,
    async run(task: ChunkTask): Promise<ChunkResult> {
      const { talents: _profiles, ...plain } = task;
      const data: ChunkJob = { ...plain, platformFingerprint: ctx.platformFingerprint, talentsPath: ctx.talentsPath };
      const id = jobId(ctx, task.chunkId);
      let job = await queue.add('chunk', data, { jobId: id, attempts: 3, backoff: { type: 'fixed', delay: 500 }, removeOnComplete: false, removeOnFail: false });
      if ((await job.getState()) === 'failed') {
        await job.retry(); // a resumed run gives a failed chunk another chance
        job = (await queue.getJob(id)) ?? job;
      }
      let value: string;
      try {
        value = (await job.waitUntilFinished(queueEvents)) as string;
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        const where = `chunk ${task.chunkId} (lines ${task.startLine}-${task.endLine}) failed on the workers after ${job.opts.attempts ?? 1} attempts: ${message}`;
        if (message.startsWith(INPUTS_DIFFER)) {
          throw new TalentmatchError('E_OPTION', `${where}. Start every worker with the coordinator's inputs (the same --data, or --industries/--policy/--weights/--platforms, and a talents file with the same content), then continue with --resume`);
        }
        throw new TalentmatchError('E_INTERNAL', where);
      }
      const result = decodeResult(value);
      await job.remove().catch(() => undefined);
      return result;
    },
    async destroy() {
      await queueEvents.close();
      await queue.close();
      connection.disconnect();
      events.disconnect();
    },
  };
}

export interface QueueStatus {
  runs: { key: string; waiting: number; active: number; completed: number; failed: number; delayed: number; errors: string[] }[];
}

/** Jobs per run and state (runs are named by the job id prefix: platform fingerprint + run id). */
export async function queueStatus(url: string): Promise<QueueStatus> {
  const connection = connect(url, { maxRetriesPerRequest: 1 });
  const queue = new Queue(QUEUE_NAME, { connection });
  try {
    const byRun = new Map<string, QueueStatus['runs'][number]>();
    for (const state of ['waiting', 'active', 'completed', 'failed', 'delayed'] as const) {
      const jobs = (await queue.getJobs([state], 0, 10_000)) as Job<ChunkJob>[];
      for (const j of jobs) {
        if (!j) continue;
        const key = String(j.id).replace(/-c\d+$/, '');
        const r = byRun.get(key) ?? { key, waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0, errors: [] };
        r[state]++;
        if (state === 'failed' && j.failedReason && r.errors.length < 5) r.errors.push(`chunk ${j.data.chunkId}: ${j.failedReason}`);
        byRun.set(key, r);
      }
    }
    return { runs: [...byRun.values()].sort((a, b) => (a.key < b.key ? -1 : 1)) };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

export { Worker };
