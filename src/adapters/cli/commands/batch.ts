/** batch, worker, queue status: the nightly re-ranking into a snapshot store (SQLite or PostgreSQL), optionally spread over a Redis queue. */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { describeDb, openStore } from '../../../store/open.js';
import { exportRun, pickRun } from '../../batch/readers.js';
import { runBatch } from '../../batch/run.js';
import type { DispatchContext } from '../../batch/run.js';
import { loadDataset } from '../../files/dataset.js';
import { checkOutput, protectInput } from '../../files/write.js';
import { EXIT_OK, parsePositiveInt, reportSkipped } from '../common.js';
import type { Cli } from '../common.js';
import { engineFor, writeReport } from '../load.js';
import { addAssignOptions, addDataOptions, addTopOptions, assignOptions, assignSchema, dataOptionsSchema, dataPaths, dbOption, parseOptions, topSchema } from '../options.js';
import { batchProgressLine } from '../progress.js';
import { QUEUE_TRAFFIC, defaultBatchOptions } from '../../../config/batch.js';
import { optionError } from '../../../errors.js';
import { batchReportLines, queueStatusReport } from '../render.js';

const threadsOption = (cmd: Command): Command => cmd.option('--threads <n>', 'worker threads (default: available parallelism)', parsePositiveInt('--threads', 256), availableParallelism());

const batchSchema = dataOptionsSchema
  .extend(assignSchema.shape)
  .extend(topSchema.shape)
  .extend({
    db: z.string(),
    threads: z.number().int().min(1),
    chunkSize: z.number().int().min(1),
    resume: z.boolean(),
    keep: z.number().int().min(1),
    idleWarnMs: z.number().int().min(1),
    out: z.string().optional(),
    report: z.string().optional(),
    queue: z.string().optional(),
    inFlight: z.number().int().min(1),
    allowShrink: z.boolean(),
    waitLock: z.number().int().min(0),
  });

export function batchCommand(program: Command, { io, done }: Cli): void {
  addDataOptions(
    addAssignOptions(
      addTopOptions(
        threadsOption(
          dbOption(program.command('batch').description('the nightly re-ranking: worker threads, streamed talents, resumable and incremental, into a SQLite or PostgreSQL snapshot')),
        ).option('--chunk-size <n>', 'talents per chunk (the unit of work and of checkpointing)', parsePositiveInt('--chunk-size', 1_000_000), 2000),
      )
        .option('--resume', 'continue the interrupted run with the same inputs', false)
        .option('--keep <n>', 'complete snapshots kept after publishing (older ones and failed runs are deleted; running runs never)', parsePositiveInt('--keep', 1_000_000), defaultBatchOptions.keep)
        .option('--out <dir>', 'also export the snapshot into this folder')
        .option('--report <file>', 'also write the HTML report (in-process; for fixture-sized data)')
        .option('--queue <url>', 'distribute chunks over Redis + BullMQ (redis://[:password@]host:port[/db] or rediss://); run `talentmatch worker` processes')
        .option('--in-flight <n>', 'with --queue: chunks queued at once', parsePositiveInt('--in-flight', 10_000), 8)
        .option('--idle-warn-ms <ms>', 'say "waiting for workers" after this long without a chunk taken or finished', parsePositiveInt('--idle-warn-ms', 86_400_000), defaultBatchOptions.idleWarnMs)
        .option('--allow-shrink', 'publish even when the talents are empty or fewer than half of the snapshot served now', false)
        .option('--wait-lock <sec>', 'wait up to this long for another batch holding the database (default 0: exit 1 at once)', parsePositiveInt('--wait-lock', 86_400, 0), 0),
    ),
  ).action(async (raw: unknown) => {
    const o = parseOptions(batchSchema, raw);
    const paths = dataPaths(o);
    const loaded = await loadDataset(paths, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['talents', 'outcomes'] });
    const talentsPath = paths.talents ?? join(paths.data ?? '.', 'talents.jsonl');
    // the outputs checked now, not after the whole batch
    protectInput(talentsPath, 'talents');
    if (o.out !== undefined) await checkOutput(o.out, { folder: true });
    if (o.report !== undefined) await checkOutput(o.report);
    const queue = o.queue;
    const summary = await runBatch(
      { industries: loaded.dataset.industries, platforms: loaded.dataset.platforms, policy: loaded.dataset.policy, ...(loaded.dataset.weights ? { weights: loaded.dataset.weights } : {}), talentsPath, ...(loaded.files.platforms ? { platformsFile: loaded.files.platforms } : {}) },
      {
        db: o.db,
        threads: o.threads,
        chunkSize: o.chunkSize,
        k: o.top,
        ...(o.topPlatform !== undefined ? { kPlatform: o.topPlatform } : {}),
        assign: await assignOptions(o),
        resume: o.resume,
        keep: o.keep,
        idleWarnMs: o.idleWarnMs,
        skipInvalid: o.skipInvalid,
        allowShrink: o.allowShrink,
        lockWaitMs: o.waitLock * 1000,
        onProgress: (p) => io.err(batchProgressLine(p, queue !== undefined ? 'start `talentmatch worker --queue URL` with the same inputs' : '')),
        ...(queue !== undefined
          ? {
              dispatcher: async (ctx: DispatchContext) => {
                const { queueDispatcher } = await import('../../queue/queue.js');
                return queueDispatcher(queue, ctx, { inFlight: o.inFlight, log: io.err });
              },
            }
          : {}),
      },
    );
    reportSkipped(summary.skipped, io);
    const lines = batchReportLines(summary, describeDb(o.db));
    if (o.out !== undefined) {
      const store = await openStore(o.db, { readonly: true });
      try {
        const files = await exportRun(store, await pickRun(store, summary.runId), o.out);
        lines.push(`  exported   ${files.join(', ')}`);
      } finally {
        await store.close();
      }
    }
    if (o.report !== undefined) {
      const full = await loadDataset(paths, { needTalents: true, needOutcomes: false, skipInvalid: o.skipInvalid });
      const engine = engineFor(full, o);
      const rec = engine.recommend({ k: o.top, kPlatform: o.top });
      await writeReport(o.report, engine, rec, engine.match(await assignOptions(o)), full.dataset.outcomes ?? [], o.top, full.files.weights ?? 'default weights');
      lines.push(`  report     ${o.report}`);
    }
    io.out(lines.join('\n') + '\n');
    done(EXIT_OK);
  });
}

const workerSchema = dataOptionsSchema.extend({ queue: z.string(), threads: z.number().int().min(1), lockMs: z.number().int().min(1), prefetch: z.number().int().min(0) });

const MAX_PREFETCH = 64;
/** --prefetch: 0 allowed (take a chunk only when a thread is free). */
const parsePrefetch = parsePositiveInt('--prefetch', MAX_PREFETCH, 0);

export function workerCommand(program: Command, { io, done }: Cli): void {
  addDataOptions(
    threadsOption(
      program
        .command('worker')
        .description('score queued chunks of distributed batch runs (same kernel; --threads 1 on the main thread, more on a pool); needs the coordinator\'s platforms, taxonomy, policy and weights (the talents come with the jobs)')
        .requiredOption('--queue <url>', 'redis://[:password@]host:port[/db] or rediss:// (TLS)'),
    )
      .option('--lock-ms <n>', "job lock in ms: a killed worker's chunk is handed on after about this long", parsePositiveInt('--lock-ms', 3_600_000), 30_000)
      .option('--prefetch <n>', 'chunks taken beyond --threads, their talents fetched and checked around the scoring (0: only when a thread is free)', parsePrefetch, QUEUE_TRAFFIC.prefetch),
  ).action(async (raw: unknown) => {
    const o = parseOptions(workerSchema, raw);
    const { startQueueWorker } = await import('../../queue/worker.js');
    const w = await startQueueWorker({ url: o.queue, paths: dataPaths(o), threads: o.threads, lockMs: o.lockMs, prefetch: o.prefetch, log: io.err });
    io.err(`talentmatch worker: waiting for chunks on ${new URL(o.queue).host}\n`);
    const stopped = new Promise<void>((resolve) => {
      const stop = () => void w.close().then(resolve, resolve);
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    try {
      await Promise.race([stopped, w.dead]);
    } catch (e) {
      await w.close().catch(() => undefined);
      throw e; // Redis unreachable for the whole retry budget: one line, exit 1
    }
    done(EXIT_OK);
  });
}

const queueStatusSchema = z.object({ queue: z.string(), json: z.boolean() });

export function queueCommand(program: Command, { io, done }: Cli): void {
  program
    .command('queue')
    .description('inspect the distributed queue')
    .command('status')
    .description('waiting / active / completed / failed chunks per run')
    .requiredOption('--queue <url>', 'redis:// or rediss:// URL')
    .option('--json', 'print JSON', false)
    .action(async (raw: unknown) => {
      const o = parseOptions(queueStatusSchema, raw);
      const { queueStatus } = await import('../../queue/queue.js');
      const st = await queueStatus(o.queue);
      io.out(o.json ? JSON.stringify(st, null, 2) + '\n' : queueStatusReport(new URL(o.queue).host, st));
      done(EXIT_OK);
    });
}
