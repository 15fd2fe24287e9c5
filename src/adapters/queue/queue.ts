/**
 * Distributed chunks on Redis + BullMQ. The coordinator (`batch --queue URL`) enqueues one
 * job per chunk; `talentmatch worker --queue URL` processes score them with the same kernel
 * as the local batch, each with its own thread pool.
 *
 * Job payloads are plain data: run id, chunk id, line and byte range, options and the
 * platform-side fingerprint. The chunk travels beside the job as one binary value
 * (`talentsKey`), as the local batch sends it to its threads: on a run with no reuse base
 * and no --skip-invalid, its raw lines (`runLines`; lineFrames.ts `encodeLinesFrame`, "TML1":
 * the worker parses and checks them by the contract's one rule and returns their links and
 * problems with the scored chunk, and the coordinator runs the rules that span records in
 * file order, lineChunks.ts); else its talents as the coordinator validated them (`run`;
 * frames.ts `encodeTalentsFrame`, "TMT1", v8). Both carry a SHA-256 of their body and the
 * floors as sent, so a worker scores exactly what the local batch's threads would, needs no
 * copy of the talents file, and hashes the talents while scoring (the chunk key comes back
 * with the result, as a local thread returns it: the coordinator hashes no talent on a run
 * with no reuse base). A worker checks the platform fingerprint against its own inputs
 * before scoring. The result (a few kB per talent:
 * packed rows and candidates) travels as one binary value under its own key (`resultKey`,
 * a frame of `encodeResultFrame`), not as the job's JSON return value: no base64, no JSON
 * of megabytes, no Lua script copying it. The job's return value only marks it. Job ids are
 * deterministic, so a restarted coordinator re-attaches to jobs still queued or finished,
 * and the store's idempotent chunk writes absorb duplicate deliveries.
 *
 * Faults: a worker killed mid-job loses its lock; BullMQ's stalled-job check hands the job
 * to another worker. A job that throws is retried (3 attempts) and then lands in the failed
 * set with its error, which fails the run with that message. An unreachable Redis is retried
 * with backoff for a bounded time (TALENTMATCH_REDIS_RETRY_MS, default 60 s), then every
 * queue command fails with one E_UNAVAILABLE line (exit 1) instead of retrying forever with
 * a stack trace per attempt. The coordinator polls the state of each job it waits for, so a
 * job that vanished (Redis restarted empty) is noticed and enqueued again.
 */
import { Queue, QueueEvents, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { TalentmatchError } from '../../errors.js';
import type { ChunkResult, ChunkTask } from '../../engine/chunk.js';
import type { ChunkDispatcher, DispatchContext, WorkerActivity } from '../../workers/dispatch.js';
import type { ChunkLinesResult, ChunkLinesTask } from '../../workers/chunkLines.js';
import { checkChunkLines } from '../../workers/chunkLines.js';
import { QUEUE_RETRIES, QUEUE_TRAFFIC } from '../../config/batch.js';
import type { ResultFrame } from './frames.js';
import { RESULT_MARK, TALENTS_RESENDS, TALENTS_UNUSABLE, encodeTalentsFrame, notAFrame, resultKey, talentsKey } from './frames.js';
import { linesFrameParts, linesResultOf } from './lineFrames.js';
import { encodeFloorFrame, floorKey, latestOnly } from './floors.js';
import { connect, linkFor } from './link.js';
import { resultReader } from './reader.js';
import { frameSetter } from './rawSet.js';

export { RedisLink, connect, linkFor } from './link.js';

/**
 * The queue's name, by the generation of its jobs' format: a worker takes jobs of its own
 * generation only. Since chunks travel as raw lines (lineFrames.ts), a worker of an earlier
 * build would take a lines job for a records one (it would read the range from its own file
 * and fail on its key, naming the wrong cause); on a queue of their own, such workers take
 * none of a newer coordinator's chunks, and the coordinator says so (OLDER_QUEUES).
 */
export const QUEUE_NAME = 'talentmatch-chunks-2';
/** The queues of earlier generations: workers still connected there run an older build. */
export const OLDER_QUEUES = ['talentmatch-chunks'] as const;

/** Job data: everything but the profiles and the floors (they travel with the talents, binary). */
export interface ChunkJob extends Omit<ChunkTask, 'talents' | 'hashes' | 'platformFloor'> {
  platformFingerprint: string;
  /** the run's key (DispatchContext.runKey): its job ids and floor key */
  runKey: string;
  /**
   * What is under `talentsKey(job id)`. 'key': the chunk's talents as the coordinator validated
   * them (a frame of encodeTalentsFrame). 'lines': the chunk's raw lines (a frame of
   * lineFrames.ts encodeLinesFrame): the worker parses, checks and scores them and returns a
   * lines result (encodeLinesResult). Either way the worker leaves its result frame under
   * `resultKey(job id)` and returns RESULT_MARK and its length. (Jobs of older builds, which
   * named a byte range of a talents file or took a base64 return value, were on the queue
   * before `talentmatch-chunks-2`: a worker of this build never sees them.)
   */
  talents: 'key' | 'lines';
}

/**
 * A chunk a worker refused because its inputs are not the coordinator's (platform side,
 * taxonomy, policy, weights or talents file). The job is still retried, so a correctly
 * started worker may take it; if every attempt ends this way the coordinator reports a
 * configuration error (E_OPTION, exit 2), not a crash. BullMQ keeps only the message, so
 * the prefix is the mark.
 */
const INPUTS_DIFFER = 'inputs differ from the coordinator\'s: ';
export const inputsDiffer = (detail: string): Error => new Error(INPUTS_DIFFER + detail);

/**
 * A chunk's job id: by the run's key (DispatchContext.runKey), not its platform fingerprint and
 * id alone. Those two are the same in two databases whose runs of the same number score the same
 * platform side, and coordinators sharing one Redis then took each other's jobs (their results,
 * their floors) as their own. Deterministic, so a restarted coordinator re-attaches to its jobs.
 */
export const jobId = (runKey: string, chunkId: number): string => `tm-${runKey}-c${chunkId}`;




/**
 * The coordinator's dispatcher: one job per chunk. A chunk's job is awaited on the queue's
 * event stream (BullMQ QueueEvents: its "completed" or "failed" wakes the chunk at once),
 * and its state is also asked every `fallbackPollMs`: a completed job gives its result, a
 * failed one fails the chunk, and a job Redis no longer knows (restarted empty, flushed) is
 * enqueued again. The events also tell when a worker last took or finished a chunk.
 */
export async function queueDispatcher(url: string, ctx: DispatchContext, o: { inFlight: number; log?: (s: string) => void; retryMs?: number }): Promise<ChunkDispatcher> {
  const link = linkFor(url, o.retryMs);
  const connection = connect(url, {}, link);
  const queue = new Queue(QUEUE_NAME, { connection });
  queue.on('error', (e) => link.error(e));
  queue.setMaxListeners(0);
  // a dedicated connection: QueueEvents blocks on the event stream
  const eventsConnection = connect(url, {}, link);
  // the chunks' talents and results (megabytes each) on their own connection, not queued behind BullMQ's commands
  const bulk = connect(url, {}, link);
  // results read with one copy where the URL allows it (reader.ts), else on `bulk`
  const results = resultReader(url, bulk, (p) => link.race(p));
  // the chunks' frames written with no copy where the URL allows it (rawSet.ts), else on `bulk`
  const frames = frameSetter(url, bulk, (p) => link.race(p));
  const events = new QueueEvents(QUEUE_NAME, { connection: eventsConnection });
  events.on('error', (e) => link.error(e));
  await link.race(Promise.all([queue.waitUntilReady(), events.waitUntilReady()]));
  // the run's latest floors (mergedFloor): none left from an earlier coordinator of this run
  const floors = floorKey(ctx.runKey);
  await link.race(bulk.del(floors));
  const floorSender = latestOnly((f: Float64Array) => bulk.set(floors, encodeFloorFrame(f), 'EX', QUEUE_TRAFFIC.resultTtlSeconds), (e) => link.error(e));
  // when a worker last took or finished one of this run's chunks, and how many are taken now
  let lastSeen = Date.now();
  const active = new Set<string>();
  const seen = (id: string, state: string) => {
    if (state === 'active') {
      if (!active.has(id)) lastSeen = Date.now();
      active.add(id);
    } else if (active.delete(id) || state === 'completed' || state === 'failed') lastSeen = Date.now();
  };
  // the chunks awaited now: an event about one of them wakes it
  const waiting = new Map<string, () => void>();
  const onEvent = (state: string) => ({ jobId }: { jobId: string }) => {
    const wake = waiting.get(jobId);
    if (!wake) return; // another run's job
    seen(jobId, state);
    if (state === 'completed' || state === 'failed') wake();
  };
  for (const state of ['active', 'waiting', 'completed', 'failed'] as const) events.on(state, onEvent(state));
  /** Armed before the state is asked, so an event in between is not missed. */
  const arm = (id: string) => {
    let fire!: () => void;
    const fired = new Promise<void>((resolve) => (fire = resolve));
    waiting.set(id, fire);
    return {
      wait: async () => {
        let timer: NodeJS.Timeout | undefined;
        await link.race(Promise.race([fired, new Promise<void>((resolve) => (timer = setTimeout(resolve, QUEUE_TRAFFIC.fallbackPollMs)))]));
        clearTimeout(timer);
      },
    };
  };
  // workers of an earlier build, listening on an older generation's queue: said once per run
  let olderSaid = false;
  const olderWorkers = async () => {
    if (olderSaid || !o.log) return;
    for (const name of OLDER_QUEUES) {
      const old = new Queue(name, { connection });
      try {
        const n = (await link.race(liveWorkers(old))).length;
        if (n === 0) continue;
        olderSaid = true;
        o.log(`batch: ${n} worker(s) of an older build are connected to the queue "${name}": they take none of this run's chunks (queue "${QUEUE_NAME}"); workers must run the coordinator's build\n`);
        return;
      } finally {
        await old.close().catch(() => undefined);
      }
    }
  };
  return {
    concurrency: o.inFlight,
    // the workers hash the talents (returning the chunk key with the result), as a local pool's threads do
    hashesTalents: true,
    async activity(): Promise<WorkerActivity> {
      const workers = (await link.race(liveWorkers(queue))).length;
      if (workers === 0) await olderWorkers();
      return { workers, idleMs: active.size > 0 ? 0 : Date.now() - lastSeen };
    },
    async run(task: ChunkTask): Promise<ChunkResult> {
      // the talents travel beside the job, as validated here; with no reuse base the task has
      // no hashes and no key: the worker hashes the talents while scoring and returns the key.
      // They are encoded once, here: what waits for the job holds the frame (outside V8's
      // heap), not a chunk of talent objects kept alive into the old generation. The floors
      // as sent go in the same frame (binary, not the job's JSON)
      const { talents, hashes, platformFloor: floor, ...plain } = task;
      const data: ChunkJob = { ...plain, platformFingerprint: ctx.platformFingerprint, runKey: ctx.runKey, talents: 'key' };
      const r = await awaitJob(data, [encodeTalentsFrame(task.chunkId, { talents, ...(hashes ? { hashes } : {}), ...(floor ? { floor } : {}) })]);
      if (r.lines) throw notAFrame(r.chunkId, 'a lines chunk\'s result, where the chunk was sent as records');
      return r;
    },
    // a chunk as its raw lines (lineFrames.ts), as the local pool takes it: the coordinator
    // neither parses nor validates its talents; a worker does, and returns their links and
    // problems with the scored chunk. A chunk not to be scored (done before a restart, or
    // after a problem: the run will fail) needs no platform side: it is checked here, at
    // ~6 us a line, rather than sent on a round trip through Redis and a worker's queue
    async runLines(task: ChunkLinesTask): Promise<ChunkLinesResult> {
      if (!task.score) return checkChunkLines(task.lines);
      const { platformFloor: floor, ...plain } = task.chunk;
      const data: ChunkJob = { ...plain, platformFingerprint: ctx.platformFingerprint, runKey: ctx.runKey, talents: 'lines' };
      return linesResultOf(await awaitJob(data, linesFrameParts(plain.chunkId, { lines: task.lines, ...(floor ? { floor } : {}) })));
    },
    // the floors as chunks merge, under the run's key: a worker reads them when it scores a chunk
    mergedFloor: (f) => floorSender.send(f),
    destroy: () => destroy(),
  };

  async function awaitJob(data: ChunkJob, talentsFrame: readonly Uint8Array[]): Promise<ResultFrame> {
    const id = jobId(ctx.runKey, data.chunkId);
    const opts = { jobId: id, attempts: QUEUE_RETRIES.attempts, backoff: { type: 'fixed', delay: QUEUE_RETRIES.backoffMs }, removeOnComplete: false, removeOnFail: false };
    // set before the job is added (a worker may take it at once), and again whenever the job is enqueued again
    const sendTalents = async () => {
      await frames.set(talentsKey(id), talentsFrame, QUEUE_TRAFFIC.resultTtlSeconds);
    };
    let resent = 0;
    try {
      let signal = arm(id);
      await sendTalents();
      const job = await link.race(queue.add('chunk', data, opts));
      if ((await link.race(job.getState())) === 'failed') await link.race(job.retry('failed', { resetAttemptsMade: true })); // a resumed run gives a failed chunk another chance
      for (;;) {
        const state = await link.race(queue.getJobState(id));
        seen(id, state);
        if (state === 'completed' || state === 'failed') {
          const j = await link.race(queue.getJob(id));
          if (j && state === 'failed') {
            const message = j.failedReason ?? 'unknown error';
            if (message.startsWith(TALENTS_UNUSABLE) && resent < TALENTS_RESENDS) {
              // gone (expired, evicted) or corrupted in Redis: send this coordinator's copy again
              resent++;
              o.log?.(`chunk ${data.chunkId}: ${message.slice(TALENTS_UNUSABLE.length).replace(/^chunk \d+: /, '')}; sent again\n`);
              signal = arm(id);
              await sendTalents();
              await link.race(j.retry('failed', { resetAttemptsMade: true }));
              continue;
            }
            const where = `chunk ${data.chunkId} (lines ${data.startLine}-${data.endLine}) failed on the workers after ${message.startsWith(TALENTS_UNUSABLE) ? `its talents were sent ${resent + 1} times` : `${j.opts.attempts ?? 1} attempts`}: ${message}`;
            if (message.startsWith(INPUTS_DIFFER)) {
              throw new TalentmatchError('E_OPTION', `${where}. Start every worker with the coordinator's inputs (the same --data, or --industries/--policy/--weights/--platforms), then continue with --resume`);
            }
            throw new TalentmatchError('E_INTERNAL', where);
          }
          if (j) {
            const rv = j.returnvalue as unknown;
            if (typeof rv !== 'string' || !rv.startsWith(RESULT_MARK)) {
              // not a worker of this build (the queue's name changes when the job format does)
              throw new TalentmatchError('E_INTERNAL', `chunk ${data.chunkId} (lines ${data.startLine}-${data.endLine}): its job returned ${JSON.stringify(String(rv).slice(0, 40))}, not a result under its key; every worker must run the coordinator's build`);
            }
            const result = await results.read(id, data.chunkId);
            if (result) {
              await link.race(Promise.all([j.remove(), bulk.del(resultKey(id), talentsKey(id))])).catch(() => undefined);
              return result;
            }
            // its result expired (a run resumed after the results' TTL) or was evicted
            o.log?.(`chunk ${data.chunkId}: its job is done but its result is gone from Redis (expired or evicted); enqueued again\n`);
            await link.race(j.remove()).catch(() => undefined);
            signal = arm(id);
            await sendTalents();
            await link.race(queue.add('chunk', data, opts));
            continue;
          }
          // removed meanwhile: the next look re-enqueues it
        } else if (state === 'unknown') {
          o.log?.(`chunk ${data.chunkId}: its job is gone from the queue (Redis restarted empty?); enqueued again\n`);
          signal = arm(id);
          await sendTalents();
          await link.race(queue.add('chunk', data, opts));
          continue;
        }
        await signal.wait();
        signal = arm(id);
      }
    } finally {
      waiting.delete(id);
    }
  }

  async function destroy(): Promise<void> {
    // the bound on a hung close must not itself hold the process: a ref'd 5 s timer kept
    // every coordinator alive 5 s after its run (most of the old 1.55x at 20k x 1k). The
    // run's floors go once the last one sent is written
    if (!link.isDead) await Promise.race([Promise.all([queue.close(), events.close(), floorSender.idle().then(() => bulk.del(floors))]), sleep(5000, undefined, { ref: false })]).catch(() => undefined);
    else void events.close().catch(() => undefined);
    connection.disconnect();
    eventsConnection.disconnect();
    bulk.disconnect();
    results.close();
    frames.close();
  }
}

/** A worker process connected to the queue (from Redis' client list). */
export interface LiveWorker {
  /** the name it gave (host-pid-threads) */
  name: string;
  addr: string;
  ageSeconds: number;
  idleSeconds: number;
}

/** The worker processes connected to the queue now (each `talentmatch worker` names its connection). */
async function liveWorkers(queue: Queue): Promise<LiveWorker[]> {
  const clients = (await queue.getWorkers()) as { rawname?: string; addr?: string; age?: string; idle?: string }[];
  return clients
    .map((c) => ({ name: (c.rawname ?? '').replace(/^.*?:w:/, '') || '(unnamed)', addr: c.addr ?? '', ageSeconds: Number(c.age ?? 0), idleSeconds: Number(c.idle ?? 0) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface QueueStatus {
  workers: LiveWorker[];
  runs: { key: string; waiting: number; active: number; completed: number; failed: number; delayed: number; errors: string[] }[];
}

/** Jobs per run and state (runs are named by the job id prefix: the run key, jobId). */
export async function queueStatus(url: string, o: { retryMs?: number } = {}): Promise<QueueStatus> {
  const link = linkFor(url, o.retryMs);
  const connection = connect(url, {}, link);
  const queue = new Queue(QUEUE_NAME, { connection });
  queue.on('error', (e) => link.error(e));
  try {
    return await link.race(statusOf(queue));
  } finally {
    if (!link.isDead) await queue.close().catch(() => undefined);
    connection.disconnect();
  }
}

async function statusOf(queue: Queue): Promise<QueueStatus> {
  {
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
    return { workers: await liveWorkers(queue), runs: [...byRun.values()].sort((a, b) => (a.key < b.key ? -1 : 1)) };
  }
}

export { Worker };
