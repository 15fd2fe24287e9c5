/**
 * The nightly batch, wired: stream talents (files/talents.ts, the contract's rules from the
 * domain) -> chunks (chunks.ts: per-talent reuse, checkpoints; or, for scorers that parse
 * lines, lineChunks.ts: ranges of raw lines, the rules run on the links they return) -> a dispatcher (workers/:
 * local threads or the queue) -> the store -> the engine's snapshot assembly (platform
 * lines from the merged reserve, assignment, referrals) -> publish atomically -> retention.
 *
 *  - Streaming: results go to the store (SQLite or PostgreSQL, store/open.ts) as they come;
 *    memory is bounded by the platform side, the chunks in flight and, at the end, the
 *    assignment's preference lists (bounded by --max-prefs).
 *  - Resumable: a chunk's rows and checkpoint are one transaction; `--resume` continues the
 *    newest running run with the same inputs, options and reuse base.
 *  - Incremental per talent: a talent whose content hash equals its row's in the newest
 *    complete run with the same platform side and options is copied, not scored; platform
 *    lines merge the new candidates with that run's reserve (engine/candidates.ts). When the
 *    reserve cannot answer a platform, the run is redone scoring every talent.
 *  - Deterministic: chunk results do not depend on the thread or worker that ran them and
 *    the snapshot is assembled in id order: 1, 2 or 4 threads, or workers, give the same bytes.
 */
import { availableParallelism } from 'node:os';
import type { ReaderLimits } from '../../config/limits.js';
import { ISSUE_CAP, readerLimits } from '../../config/limits.js';
import { defaultBatchOptions, reserveDepth } from '../../config/batch.js';
import { threadsStarted } from '../../config/workers.js';
import type { WeightsInput } from '../../config/weights.js';
import type { Industry, Platform, Policy } from '../../domain/schemas.js';
import { TalentStreamRules } from '../../domain/validate.js';
import type { InputIssue } from '../../errors.js';
import { TalentmatchError, inputError } from '../../errors.js';
import type { AssignOptions } from '../../matching/assign.js';
import { batchPlatformSide } from '../../engine/platformSide.js';
import { assertBatchLists } from '../../engine/lists.js';
import { strongHash } from '../../util/hash.js';
import { packPlatformSide } from '../../workers/pack.js';
import type { ChunkDispatcher, DispatchContext } from '../../workers/dispatch.js';
import { runKeyOf } from '../../workers/dispatch.js';
import type { ExplainLinesTask } from '../../workers/explainLines.js';
import { inProcessDispatcher, localDispatcher, startLocalDispatcher } from '../../workers/dispatch.js';
import { describeDb, isPostgresUrl, openStore } from '../../store/open.js';
import type { ChunkSink } from '../../store/writer.js';
import { chunkSink } from '../../store/writer.js';
import type { SnapshotStore } from '../../store/types.js';
import { streamHash, talentsSource } from '../files/source.js';
import type { TalentsSource } from '../files/source.js';
import { streamTalents } from '../files/talents.js';
import type { BatchLock } from './lock.js';
import { acquireBatchLock } from './lock.js';
import { Chunker } from './chunks.js';
import { LineChunker } from './lineChunks.js';
import { readLineRanges } from '../files/lines.js';
import { EarlyAssembly } from '../../engine/assembly.js';
import { buildSnapshot, guardShrink, readArtifacts } from './publish.js';
import { TalentLines } from './placed.js';
import type { BatchProgress } from './progress.js';
import { startTicker } from './progress.js';
import type { BatchOptions, BatchSummary } from './summary.js';
import { mainThreadCpu, summarize } from './summary.js';
import { defaultAssignOptions } from '../../config/assignment.js';
import { memMark, memTrace } from '../../workers/memTrace.js';

export type { BatchOptions, BatchSummary, BatchProgress };
export type { ChunkDispatcher, DispatchContext };

export interface BatchInputs {
  industries: Industry[];
  platforms: Platform[];
  policy: Policy;
  weights?: WeightsInput;
  talentsPath: string;
  /** named in input errors about the platforms' counts (default "platforms") */
  platformsFile?: string;
}


export async function runBatch(inputs: BatchInputs, o: BatchOptions): Promise<BatchSummary> {
  const lock = await acquireBatchLock(o.db, { waitMs: o.lockWaitMs ?? 0 });
  try {
    const first = await runOnce(inputs, o, lock, true);
    if (typeof first !== 'number') return first;
    const again = await runOnce(inputs, { ...o, resume: false }, lock, false, first);
    if (typeof again === 'number') throw new TalentmatchError('E_INTERNAL', 'a batch run that reuses nothing asked to be redone');
    return again;
  } finally {
    await lock.release();
  }
}

/**
 * One attempt; returns the reuse base's id instead of a summary when its reserve could not
 * answer every platform line (the attempt is discarded; the caller runs again, reusing nothing).
 */
async function runOnce(inputs: BatchInputs, o: BatchOptions, lock: BatchLock, reuse: boolean, reserveExhausted?: number): Promise<BatchSummary | number> {
  const t0 = performance.now();
  const cpu0 = mainThreadCpu();
  const now = o.now ?? (() => new Date().toISOString());
  const threads = threadsStarted(o.threads ?? availableParallelism()); // at most 4 x the cores (config/workers.ts)
  const chunkSize = o.chunkSize ?? defaultBatchOptions.chunkSize;
  const k = o.k ?? 10;
  const kPlatform = o.kPlatform ?? k;
  const depth = reserveDepth(kPlatform);
  // each talent's best 50 platforms for the assignment by default: every acceptable pair of
  // a large reserve would not fit in memory (100k x 1k is ~100M pairs)
  const assignOpts: AssignOptions = { mode: defaultAssignOptions.mode, proposer: defaultAssignOptions.proposer, ...o.assign, maxPrefs: o.assign?.maxPrefs ?? defaultBatchOptions.maxPrefs };
  const cap = o.cap ?? ISSUE_CAP;
  const limits: ReaderLimits = o.limits ?? readerLimits(process.env);
  assertBatchLists(inputs.policy, assignOpts.mode ?? 'stable');
  let store: SnapshotStore | undefined;
  // a local pool starts first: its threads load their modules while this thread builds the
  // platform side, hashes the talents file and opens the store (the side follows them once built)
  const scorers = !o.dispatcher && threads > 1 ? startLocalDispatcher(threads) : undefined;
  let pool: ChunkDispatcher | undefined = scorers;
  let assembly: ChunkDispatcher | undefined; // the queue coordinator's own pool for the final assembly
  let sink: ChunkSink | undefined;
  let runId = -1;
  let ticker: ReturnType<typeof startTicker> | undefined;
  let opened: TalentsSource | undefined; // cleaned up however the run ends
  let stopTrace: (() => void) | undefined;
  let settle: (() => Promise<void>) | undefined; // the assembly's runs on the threads, settled
  try {
    const { side, platforms, weights, fingerprint: sideFp } = batchPlatformSide(inputs);
    const M = side.platforms.count;
    const pack = packPlatformSide(side);
    scorers?.setSide(pack);
    // what a talent's stored rows depend on besides its own content; the assignment's mode
    // and the chunking do not (they are recomputed or irrelevant per talent)
    const reuseOptions = JSON.stringify({ k, kPlatform, maxPrefs: assignOpts.maxPrefs, depth });
    const runOptions = JSON.stringify({ reuseOptions, chunkSize, mode: assignOpts.mode, proposer: assignOpts.proposer, skipInvalid: o.skipInvalid === true });
    const source = await talentsSource(inputs.talentsPath);
    opened = source;
    stopTrace = memTrace('main'); // TALENTMATCH_MEM_TRACE=<ms>: each thread's heap, for memory debugging
    store = await openStore(o.db);
    const base = reuse ? await store.reuseBase(sideFp, reuseOptions) : undefined;
    const baseId = base?.id;
    const fingerprint = strongHash(`${sideFp}\n${runOptions}\n${source.hash}\nbase ${baseId ?? 'none'}`);
    const resumed = o.resume === true;
    let startedAt: string;
    if (resumed) {
      const r = await store.resumable(fingerprint);
      if (!r) throw new TalentmatchError('E_OPTION', `--resume: no interrupted run with the same inputs and options in ${describeDb(o.db)}`);
      runId = r.id;
      startedAt = r.started_at;
    } else {
      startedAt = now();
      runId = await store.createRun({ startedAt, fingerprint, platformFingerprint: sideFp, options: reuseOptions, weights: JSON.stringify(weights) });
    }
    // chunk writes leave the main thread (SQLite: a writer thread with its own connection)
    sink = await chunkSink(store, o.db, !isPostgresUrl(o.db));
    // one thread scores on this thread, as `recommend --threads 1` does; more on a worker pool
    const scoring: ChunkDispatcher = o.dispatcher ? await o.dispatcher({ pack, runId, platformFingerprint: sideFp, runKey: runKeyOf(fingerprint, startedAt, runId) }) : (scorers ?? inProcessDispatcher(side));
    pool = scoring;

    memMark('main:started');
    const issues: InputIssue[] = [];
    let omitted = 0;
    const skipped: InputIssue[] = [];
    const rules = new TalentStreamRules({ industryIds: new Set(inputs.industries.map((i) => i.id)), platformIds: new Set(side.platformIndex.keys()) });
    // the final assembly's inputs, gathered from the results while the threads score
    const early = new EarlyAssembly(M, depth);
    // problems name the file the user gave, also when the run reads a copy of a pipe
    const file = inputs.talentsPath;
    const talentLines = new TalentLines(); // where each accepted talent's line is: the placed ones are read back by it
    const chunking = {
      early,
      runId,
      store,
      sink,
      dispatcher: scoring,
      chunkSize,
      platforms: M,
      done: await store.doneChunks(runId),
      task: { k, kPlatform: depth, maxPrefs: assignOpts.maxPrefs ?? 0, ...(inputs.policy.lists ? { lists: inputs.policy.lists } : {}) },
    };
    // the chunks go to the scorers as raw lines (lineChunks.ts) where they can parse them and
    // the run neither reuses a base (each talent's hash is compared before scoring) nor skips
    // invalid lines (a chunk is the chunkSize accepted talents); else as records
    const byLines = scoring.runLines !== undefined && baseId === undefined && o.skipInvalid !== true;
    const chunker: LineChunker | Chunker = byLines
      ? new LineChunker({ ...chunking, rules, file, maxLineBytes: limits.maxLineBytes, cap, talentLines, report: (i) => (issues.length < cap ? issues.push(i) : omitted++), omitted: (n) => (omitted += n) })
      : new Chunker({ ...chunking, baseId, halted: () => issues.length > 0 && !o.skipInvalid });
    let bytesRead = 0;
    const p = pool;
    ticker = o.onProgress
      ? startTicker({
          everyMs: o.progressEveryMs ?? defaultBatchOptions.progressEveryMs,
          idleWarnMs: o.idleWarnMs ?? defaultBatchOptions.idleWarnMs,
          platforms: M,
          counts: () => chunker.counts,
          bytes: () => ({ read: bytesRead, total: source.bytes }),
          dispatcher: () => p,
          onProgress: o.onProgress,
        })
      : undefined;
    const streamed = streamHash();
    if (chunker instanceof LineChunker) {
      for await (const r of readLineRanges(source.path, chunkSize, { maxLineBytes: limits.maxLineBytes, onChunk: (b) => streamed.update(b), records: true })) {
        if (chunker.failure) break;
        bytesRead = r.starts![r.lines];
        await chunker.add(r);
      }
    } else for await (const x of streamTalents(source.path, { file, rules, maxLineBytes: limits.maxLineBytes, onChunk: (b) => streamed.update(b) })) {
      if (chunker.failure) break;
      if (x.kind === 'invalid') {
        if (o.skipInvalid) {
          skipped.push(...x.issues);
          chunker.skip(x.line);
        } else for (const i of x.issues) issues.length < cap ? issues.push(i) : omitted++;
        continue;
      }
      bytesRead = x.end;
      talentLines.add(x.talent.id, x.start, x.end);
      await chunker.add(x.talent, x.line, x.start, x.end);
    }
    // hosted projects against their hosts' counts: known only once every line is read, and
    // never skippable (the projects are in chunks already). The line path runs the rules as it
    // takes each chunk's result, so its tally is complete only once every chunk is taken
    if (chunker instanceof LineChunker) await chunker.finish();
    for (const i of rules.hostedIssues(platforms.map((value) => ({ value, at: { file: inputs.platformsFile ?? 'platforms' } })))) issues.length < cap ? issues.push(i) : omitted++;
    await chunker.finish();
    // every chunk write is answered (the assembly reads them on the main connection); the
    // writer stays open: it checkpoints the chunks' pages while this thread assembles, and
    // publishes the snapshot at the end
    sink.checkpoint?.();
    rules.forget(); // free the ids before the final assembly
    ticker?.stop();
    bytesRead = source.bytes;
    if (ticker && !chunker.failure) o.onProgress?.(ticker.snapshot('done'));
    if (chunker.failure) throw chunker.failure;
    if (issues.length > 0) throw inputError(issues, omitted);
    if (streamed.digest('hex') !== source.hash) {
      throw new TalentmatchError('E_IO', `${file}: the file changed while the batch was reading it; run the batch again on a file that is not being written`);
    }

    memMark('main:streamed');
    const tStream = performance.now();
    const cpuStream = mainThreadCpu();
    // ---- finalize: guard, platform lines, assignment, referrals; publish atomically ----
    const stats = await store.chunkStats(runId);
    await guardShrink(store, stats.talents, o.allowShrink === true, file);
    // the listed and placed talents are vectorized and explained on worker threads (the
    // assembly's costliest step on one thread). A small run keeps its scoring pool up for it;
    // a large one releases it now, before the preference lists are merged and assigned (the
    // scorers' heaps would stack on them), and starts fresh threads for it: one fewer than
    // --threads, since this thread assigns, formats and explains meanwhile (one isolate's
    // start and heap less). The queue's workers are other processes: a coordinator
    // with --threads > 1 starts a pool of its own for this step, the same way
    const local = pool.explainLines !== undefined;
    if (local && chunker.counts.talentsScored >= (o.releaseScorersAt ?? defaultBatchOptions.releaseScorersAt)) {
      await pool.destroy();
      pool = undefined;
    }
    const kept = pool?.explainLines ? pool : undefined;
    const fresh = threads - 1; // the successor's threads, beside this one
    const vectorizeOn =
      kept || threads > 1
        ? {
            lines: (task: ExplainLinesTask) => {
              const on = kept ?? (assembly ??= localDispatcher(pack, fresh));
              return on.explainLines!(task);
            },
            parts: kept?.concurrency ?? fresh,
            // a released pool's successor starts before the assignment: its threads' start and
            // the platform side's unpacking overlap it
            warm: () => {
              if (!kept) assembly ??= localDispatcher(pack, fresh);
            },
          }
        : undefined;
    memMark('main:assembly');
    const built = await buildSnapshot({ store, runId, baseId, side, platforms, policy: inputs.policy, kPlatform, depth, assign: assignOpts, talentsPath: source.path, maxLineBytes: limits.maxLineBytes, talentLines, vectorizeOn, early: early.take() });
    memMark('main:built');
    if (!built) {
      await store.discard(runId); // redone at once, reusing nothing: the attempt leaves no trace but the summary's note
      return baseId!;
    }
    // the threads may still explain placed talents for the referral lines: released once the publication has read them (or failed)
    settle = built.settled;
    const { platformLines, snap, artifacts } = built;
    const summary = summarize({ runId, resumed, baseId, reserveExhausted, counts: chunker.counts, chunks: stats.chunks, snap, platforms: M, threads, skipped, t0, tStream, cpu0, cpuStream, scoredOnMain: !o.dispatcher && threads <= 1 });
    // a coordinator that lost its lock (PostgreSQL: its session dropped) must not publish
    await lock.assertHeld?.();
    // SQLite: on the writer thread, storing each part of the artifacts while this thread
    // formats the next (and the threads explain the placed talents the referral lines wait for)
    const finishedAt = now();
    const stored = JSON.stringify({ ...summary, skipped: summary.skipped.length });
    if (sink.complete) await sink.complete(runId, platformLines, artifacts, finishedAt, stored);
    else await store.complete(runId, platformLines, await readArtifacts(artifacts), finishedAt, stored);
    await settle();
    settle = undefined;
    await pool?.destroy();
    pool = undefined;
    await assembly?.destroy();
    assembly = undefined;
    await sink.close();
    memMark('main:completed');
    await store.dropChunkCandidates(runId);
    memMark('main:published');
    summary.pruned = await store.prune(o.keep ?? defaultBatchOptions.keep, [runId]);
    return summary;
  } catch (e) {
    // bad or unreadable input fails the run (never left `running`); anything else (a queue
    // chunk that failed on every worker, workers started with other inputs, an unreachable
    // Redis, a crash) keeps it for --resume once the cause is fixed
    const inputFault = e instanceof TalentmatchError && (e.code === 'E_INPUT' || e.code === 'E_IO');
    await sink?.close().catch(() => undefined); // no chunk write may land after the run is marked failed
    if (runId >= 0 && inputFault) await Promise.resolve(store?.fail(runId, now(), e instanceof Error ? e.message : String(e))).catch(() => undefined); // the input's error is the one to report
    throw e;
  } finally {
    stopTrace?.();
    ticker?.stop();
    await settle?.(); // no run left on a thread when they are released
    await pool?.destroy();
    await assembly?.destroy();
    await sink?.close().catch(() => undefined);
    await store?.close();
    opened?.cleanup();
  }
}
