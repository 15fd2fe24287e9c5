/**
 * The nightly batch: stream talents, score chunks in worker threads, checkpoint each chunk
 * with its results, then merge, assign, refer and publish the snapshot atomically.
 *
 *  - Streaming: the talents file is read line by line; at most 2 x threads chunks are in
 *    flight; results go to the store (SQLite or PostgreSQL) as they come. Memory is bounded by the platform side,
 *    the chunks in flight, the set of ids seen (duplicate check) and, at the end, the
 *    assignment's preference lists (bounded by --max-prefs).
 *  - Resumable: a chunk's talent rows, its platform-side candidates and its checkpoint are
 *    one transaction; `--resume` continues the newest run still marked running whose
 *    input fingerprint matches, skipping checkpointed chunks.
 *  - Incremental: a chunk whose key (hash of its talents' content hashes) appears in the
 *    newest complete run with the same platform side, policy, weights, taxonomy and
 *    options is copied from it instead of scored.
 *  - Deterministic: chunk results do not depend on the thread that ran them, and the
 *    snapshot is assembled in id order, so 1, 2 or 4 threads give the same bytes.
 */
import { assertBatchLists } from '../../engine/lists.js';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ioError, readLines, tooLongExpectation } from '../files/lines.js';
import { jsonLineIssue } from '../files/read.js';
import { acquireBatchLock } from './lock.js';
import { publishRefusal } from '../../engine/publish.js';
import type { ReaderLimits } from '../../config/limits.js';
import { ISSUE_CAP, readerLimits } from '../../config/limits.js';
import { availableParallelism } from 'node:os';
import { serialize, deserialize } from 'node:v8';
import type { Industry, Platform, Policy, Talent } from '../../domain/schemas.js';
import { TalentSchema } from '../../domain/schemas.js';
import { HostedTally, issuesFromZod, renderValue } from '../../domain/validate.js';
import type { InputIssue } from '../../errors.js';
import { TalentmatchError, inputError } from '../../errors.js';
import type { WeightsInput } from '../../config/weights.js';
import { resolveWeights } from '../../config/weights.js';
import { buildPlatformSide } from '../../engine/platformSide.js';
import { Tokenizer } from '../../text/tokenize.js';
import { TokenCache } from '../../text/cache.js';
import { finishPairSet } from '../../matching/pairs.js';
import type { AssignOptions } from '../../matching/assign.js';
import { assignIncoming, countHosted, hostIndex, hostedPairs } from '../../engine/hosted.js';
import { buildReferrals } from '../../referrals/referrals.js';
import { explainPlaced } from './placed.js';
import { assignmentJsonParts, referralRecords } from '../../engine/formatAssignment.js';
import { packPlatformSide } from '../../workers/pack.js';
import { createChunkPool } from '../../workers/pool.js';
import type { ChunkResult, ChunkTask } from '../../workers/chunk.js';
import { chunkKey } from '../../workers/chunk.js';
import type { PlatformPack } from '../../workers/pack.js';
import { describeDb, openStore } from '../../store/open.js';
import type { SnapshotStore } from '../../store/types.js';
import { CandidateMerger, encodeCandidates } from './merge.js';

export interface BatchInputs {
  industries: Industry[];
  platforms: Platform[];
  policy: Policy;
  weights?: WeightsInput;
  talentsPath: string;
  /** named in input errors about the platforms' counts (default "platforms") */
  platformsFile?: string;
}

/** Where chunks are scored: the local worker-thread pool (default) or a distributed queue. */
export interface ChunkDispatcher {
  /** chunks scored at once (in flight) */
  concurrency: number;
  run(task: ChunkTask): Promise<ChunkResult>;
  destroy(): Promise<void>;
}

export interface DispatchContext {
  pack: PlatformPack;
  runId: number;
  platformFingerprint: string;
  talentsPath: string;
}

export interface BatchOptions {
  db: string;
  /** builds the dispatcher once the run is known (default: a piscina pool of `threads`) */
  dispatcher?: (ctx: DispatchContext) => Promise<ChunkDispatcher> | ChunkDispatcher;
  threads?: number;
  chunkSize?: number;
  k?: number;
  kPlatform?: number;
  assign?: AssignOptions;
  resume?: boolean;
  keep?: number;
  skipInvalid?: boolean;
  /** issues listed per file before counting the rest */
  cap?: number;
  now?: () => string;
  onProgress?: (bytes: number, totalBytes: number) => void;
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
  chunksReused: number;
  chunksResumed: number;
  talentsReused: number;
  /** acceptable pairs in the snapshot */
  pairs: number;
  /** talent x platform pairs scored in this run (excludes reused and resumed chunks) */
  scoredPairs: number;
  seconds: number;
  /** wall time of the streaming + scoring phase and of the final merge / assignment / publish */
  phases: { stream: number; finalize: number };
  pairsPerSecond: number;
  assigned: number;
  totalScore: number;
  blockingPairs: number;
  threads: number;
  skipped: InputIssue[];
  pruned: number[];
}

export const DEFAULT_BATCH_MAX_PREFS = 50;

/** Growable typed array (doubling), for gathering preference lists without JS arrays of numbers. */
class Grow<T extends Int32Array | Float64Array> {
  n = 0;
  constructor(public a: T) {}
  push(x: number): void {
    if (this.n === this.a.length) {
      const b = new (this.a.constructor as { new (n: number): T })(Math.max(16, this.a.length * 2));
      (b as unknown as { set(x: T): void }).set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }
  done(): T {
    return this.a.slice(0, this.n) as T;
  }
}

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

async function fileHash(path: string): Promise<string> {
  const h = createHash('sha256');
  const stream = createReadStream(path);
  try {
    for await (const chunk of stream) h.update(chunk as Buffer);
  } catch (e) {
    throw ioError(path, e);
  } finally {
    stream.destroy();
  }
  return h.digest('hex');
}

/**
 * The talents input, read once. A regular file is hashed up front (the run's fingerprint, for
 * --resume) and hashed again as it streams; the two must agree. Anything else (a pipe,
 * `<(cat f)`, a FIFO) can only be read once: it is copied into a private temporary file
 * while being hashed, and the run reads that copy. Before this a pipe was drained by the
 * hash and the run saw an empty file (and published a snapshot of 0 talents).
 */
async function talentsSource(path: string): Promise<{ path: string; hash: string; cleanup(): void }> {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw ioError(path, e);
  }
  if (st.isDirectory()) throw ioError(path, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
  if (st.isFile()) return { path, hash: await fileHash(path), cleanup: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'talentmatch-input-'));
  const copy = join(dir, 'talents.jsonl');
  const h = createHash('sha256');
  const out = createWriteStream(copy);
  const input = createReadStream(path);
  try {
    for await (const chunk of input) {
      h.update(chunk as Buffer);
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  } catch (e) {
    out.destroy();
    rmSync(dir, { recursive: true, force: true });
    throw ioError(path, e);
  } finally {
    input.destroy();
  }
  return { path: copy, hash: h.digest('hex'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The platform side of a run and its fingerprint (coordinator and queue workers compute it alike). */
export function platformSideOf(inputs: Omit<BatchInputs, 'talentsPath'>) {
  const platforms = [...inputs.platforms].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const weights = resolveWeights(inputs.weights);
  const cache = new TokenCache(new Tokenizer(), 10_000);
  const side = buildPlatformSide(inputs.industries, platforms, inputs.policy, weights, (t) => cache.tokens(t));
  const fingerprint = sha(JSON.stringify({ industries: inputs.industries, platforms, policy: inputs.policy, weights }));
  return { side, platforms, weights, fingerprint };
}

export async function runBatch(inputs: BatchInputs, o: BatchOptions): Promise<BatchSummary> {
  const t0 = performance.now();
  const now = o.now ?? (() => new Date().toISOString());
  const threads = o.threads ?? availableParallelism();
  const chunkSize = o.chunkSize ?? 2000;
  const k = o.k ?? 10;
  const kPlatform = o.kPlatform ?? k;
  // The batch keeps each talent's best 50 platforms for the assignment by default: every
  // acceptable pair of a large reserve would not fit in memory (100k x 1k is ~100M pairs).
  const assignOpts: AssignOptions = { mode: 'stable', proposer: 'talent', ...o.assign, maxPrefs: o.assign?.maxPrefs ?? DEFAULT_BATCH_MAX_PREFS };
  const cap = o.cap ?? ISSUE_CAP;

  assertBatchLists(inputs.policy, assignOpts.mode ?? 'stable');
  const { side, platforms, weights, fingerprint: platformFp } = platformSideOf(inputs);
  const platformIds = side.platforms.ids;
  const industryIds = new Set(inputs.industries.map((i) => i.id));

  const optionsKey = JSON.stringify({ k, kPlatform, chunkSize, mode: assignOpts.mode, proposer: assignOpts.proposer, maxPrefs: assignOpts.maxPrefs, skipInvalid: o.skipInvalid === true });
  const limits = o.limits ?? readerLimits(process.env);
  const lock = await acquireBatchLock(o.db, { waitMs: o.lockWaitMs ?? 0 });
  let source: Awaited<ReturnType<typeof talentsSource>> | undefined;
  let store: SnapshotStore | undefined;
  let pool: ChunkDispatcher | undefined;
  let runId = -1;
  try {
    source = await talentsSource(inputs.talentsPath);
    const fingerprint = sha(`${platformFp}\n${optionsKey}\n${source.hash}`);
    const totalBytes = statSync(source.path).size;
    store = await openStore(o.db);
    let resumed = false;
    if (o.resume) {
      const r = await store.resumable(fingerprint);
      if (!r) throw new TalentmatchError('E_OPTION', `--resume: no interrupted run with the same inputs and options in ${describeDb(o.db)}`);
      runId = r.id;
      resumed = true;
    } else {
      runId = await store.createRun({ startedAt: now(), fingerprint, platformFingerprint: platformFp, options: optionsKey, weights: JSON.stringify(weights) });
    }
    const base = await store.reuseBase(platformFp, optionsKey);
    const baseId = base && base.id !== runId ? base.id : undefined;
    const done = await store.doneChunks(runId);
    const pack = packPlatformSide(side);
    pool = o.dispatcher
      ? await o.dispatcher({ pack, runId, platformFingerprint: platformFp, talentsPath: source.path })
      : (() => {
          const local = createChunkPool(pack, threads);
          return { concurrency: threads, run: (t: ChunkTask) => local.run(t), destroy: () => local.destroy() };
        })();

    const issues: InputIssue[] = [];
    let omitted = 0;
    const skipped: InputIssue[] = [];
    const addIssue = (i: InputIssue) => {
      if (issues.length < cap) issues.push(i);
      else omitted++;
    };
    const seen = new Map<string, number>();
    const hostedTally = new HostedTally();
    let chunkId = 0;
    let buf: Talent[] = [];
    let bufStart = 0;
    let lastLine = 0;
    let bufStartByte = 0;
    let lastByte = 0;
    let bufSkipped: number[] = [];
    let scored = 0;
    let scoredTalents = 0;
    let reused = 0;
    let resumedChunks = 0;
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;

    const flush = async () => {
      if (buf.length === 0) return;
      const talents = buf;
      const id = chunkId++;
      const startLine = bufStart;
      const endLine = lastLine;
      const startByte = bufStartByte;
      const endByte = lastByte;
      const skipLines = bufSkipped.filter((l) => l < endLine);
      buf = [];
      bufSkipped = [];
      if (issues.length > 0 && !o.skipInvalid) return; // the run will fail: score nothing more
      if (done.has(id)) {
        resumedChunks++;
        return;
      }
      const key = chunkKey(talents);
      if (baseId !== undefined && (await store!.reuseChunk(runId, id, baseId, key, startLine, endLine))) {
        reused++;
        return;
      }
      const task: ChunkTask = { runId, chunkId: id, startLine, endLine, startByte, endByte, key, skipLines, talents, k, kPlatform, maxPrefs: assignOpts.maxPrefs ?? 0, ...(inputs.policy.lists ? { lists: inputs.policy.lists } : {}) };
      const p = pool!
        .run(task)
        .then(async (res) => {
          await store!.writeChunk(chunkRows(runId, key, task, res));
          scored++;
          scoredTalents += res.ids.length;
        })
        .catch((e) => {
          failure ??= e;
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      while (inFlight.size >= pool!.concurrency * 2) await Promise.race(inFlight);
    };

    let bytes = 0;
    let lineNo = 0;
    // problems name the file the user gave, also when the run reads a copy of a pipe
    const file = inputs.talentsPath;
    const streamed = createHash('sha256');
    for await (const ln of readLines(source.path, undefined, { maxLineBytes: limits.maxLineBytes, onChunk: (b) => streamed.update(b) })) {
      const text = ln.text;
      lineNo = ln.line;
      bytes = ln.end;
      if (lineNo % 1000 === 0) o.onProgress?.(Math.min(bytes, totalBytes), totalBytes);
      if (failure) break;
      const lineIssues: InputIssue[] = [];
      if (ln.tooLong !== undefined) {
        lineIssues.push({ file, line: lineNo, path: '', expected: tooLongExpectation(limits.maxLineBytes), got: `${ln.tooLong.toLocaleString('en-US')} bytes` });
      } else if (text.trim() === '') continue;
      let raw: unknown;
      if (lineIssues.length === 0) {
        try {
          raw = JSON.parse(text.trim());
        } catch (e) {
          lineIssues.push(jsonLineIssue(file, lineNo, e));
        }
      }
      let talent: Talent | undefined;
      if (lineIssues.length === 0) {
        const res = TalentSchema.safeParse(raw);
        if (!res.success) lineIssues.push(...issuesFromZod(res.error, raw, { file, line: lineNo }));
        else talent = res.data;
      }
      if (talent) {
        const first = seen.get(talent.id);
        if (first !== undefined) lineIssues.push({ file, line: lineNo, path: 'id', expected: `an id unique within the file (first used at line ${first})`, got: renderValue(talent.id) });
        talent.industries?.forEach((d, i) => {
          if (!industryIds.has(d)) lineIssues.push({ file, line: lineNo, path: `industries[${i}]`, expected: `an industry id of the taxonomy (${[...industryIds].join(', ')})`, got: renderValue(d) });
        });
        talent.excludePlatforms?.forEach((pid, i) => {
          if (!side.platformIndex.has(pid)) lineIssues.push({ file, line: lineNo, path: `excludePlatforms[${i}]`, expected: 'an existing platform id', got: renderValue(pid) });
        });
        if (talent.hostedBy !== undefined && !side.platformIndex.has(talent.hostedBy)) lineIssues.push({ file, line: lineNo, path: 'hostedBy', expected: 'an existing platform id', got: renderValue(talent.hostedBy) });
      }
      if (lineIssues.length > 0) {
        if (o.skipInvalid) {
          skipped.push(...lineIssues);
          if (buf.length > 0) bufSkipped.push(lineNo);
        } else lineIssues.forEach(addIssue);
        continue;
      }
      seen.set(talent!.id, lineNo);
      hostedTally.add(talent!, { file, line: lineNo });
      if (buf.length === 0) {
        bufStart = lineNo;
        bufStartByte = ln.start;
      }
      buf.push(talent!);
      lastLine = lineNo;
      lastByte = ln.end;
      if (buf.length >= chunkSize) await flush();
    }
    await flush();
    // hosted projects against their hosts' counts: known only once every line is read, and
    // never skippable (the projects are in chunks already)
    for (const i of hostedTally.issues(platforms.map((p) => ({ value: p, at: { file: inputs.platformsFile ?? 'platforms' } })))) addIssue(i);
    await Promise.all(inFlight);
    seen.clear(); // the duplicate check is done: free the ids before the final assembly
    // every chunk is in the store: release the workers (their heaps and isolates) before the
    // final assembly, which is the main thread's memory peak
    await pool?.destroy();
    pool = undefined;
    o.onProgress?.(totalBytes, totalBytes);
    if (failure) throw failure;
    if (issues.length > 0) throw inputError(issues, omitted);
    if (streamed.digest('hex') !== source.hash) {
      throw new TalentmatchError('E_IO', `${file}: the file changed while the batch was reading it; run the batch again on a file that is not being written`);
    }

    const tStream = performance.now();
    // ---- finalize: platform lines, assignment, referrals; publish atomically ----
    const M = side.platforms.count;
    const merger = new CandidateMerger(M, kPlatform);
    for await (const blob of store.candidateBlobs(runId)) merger.add(blob);
    const platformLines = platformIds.map((id, p) => ({ id, line: merger.line(id, p) }));

    const talentIds: string[] = [];
    const tPtr = new Grow(new Int32Array(1024));
    tPtr.push(0);
    const plat = new Grow(new Int32Array(1024));
    const f = new Grow(new Float64Array(1024));
    const b = new Grow(new Float64Array(1024));
    const s = new Grow(new Float64Array(1024));
    const seats = new Grow(new Int32Array(1024));
    const priority = new Grow(new Float64Array(1024));
    const capital = new Grow(new Float64Array(1024));
    const noPairs: string[] = [];
    const hostedBy: (string | undefined)[] = [];
    for await (const row of store.talentPrefs(runId)) {
      talentIds.push(row.talent_id);
      const pr = deserialize(row.prefs) as { plat: Int32Array; f: Float64Array; b: Float64Array; s: Float64Array };
      for (let j = 0; j < pr.plat.length; j++) {
        plat.push(pr.plat[j]);
        f.push(pr.f[j]);
        b.push(pr.b[j]);
        s.push(pr.s[j]);
      }
      tPtr.push(plat.n);
      const meta = JSON.parse(row.meta) as { priority: number; capital: number; seats: number; noPairs: string; hostedBy?: string };
      hostedBy.push(meta.hostedBy);
      seats.push(meta.seats);
      priority.push(meta.priority);
      capital.push(meta.capital);
      noPairs.push(meta.noPairs);
    }
    const N = talentIds.length;
    const ps = finishPairSet(N, M, tPtr.done(), plat.done(), f.done(), b.done(), s.done(), seats.done(), side.platforms.freeSlots, side.platforms.freeSeats);
    const hostOf = hostIndex(hostedBy, side.platformIndex);
    const assignment = assignIncoming(ps, hostOf, assignOpts, platformIds, (t) => noPairs[t]);
    // the placed pairs (introduced and hosted) explained for the referral lines
    const wanted = new Map<string, number>();
    for (let t = 0; t < N; t++) {
      const e = assignment.matching.pairOf[t];
      if (e >= 0) wanted.set(talentIds[t], assignment.pairs.plat[e]); // the assignment's pair set (hosted pairs taken out)
      else if (hostOf[t] >= 0) wanted.set(talentIds[t], hostOf[t]);
    }
    // the copy the run streamed (a pipe or FIFO can be read only once; a regular file is its own path)
    const placed = await explainPlaced(side, source!.path, wanted);
    const explained = (t: number) => placed.get(talentIds[t])!;
    const ctx = { talentIds, platformIds, platforms, why: (t: number) => explained(t).why };
    const referrals = buildReferrals({ priority: priority.done(), capital: capital.done(), hosted: hostedPairs(hostOf, explained) }, assignment, inputs.policy);
    const referralParts = (function* () {
      let first = true;
      for (const r of referralRecords(ctx, referrals)) {
        yield (first ? '' : '\n') + JSON.stringify(r);
        first = false;
      }
    })();
    // the publish guard: an empty or sharply smaller talent set than the snapshot served now
    // is far more often a truncated nightly file than a real change
    const previous = await store.latestComplete();
    const prevTalents = previous?.summary ? (JSON.parse(previous.summary) as { talents?: number }).talents : undefined;
    const refusal = publishRefusal({ previousTalents: prevTalents, previousRunId: previous?.id, talents: N, allowShrink: o.allowShrink === true });
    if (refusal) throw new TalentmatchError('E_INPUT', `${file}: ${refusal.message}`, [{ file, path: '', expected: refusal.expected, got: refusal.got }]);
    const stats = await store.chunkStats(runId);
    const seconds = (performance.now() - t0) / 1000;
    const summary: BatchSummary = {
      runId,
      resumed,
      talents: N,
      platforms: M,
      chunks: stats.chunks,
      chunksScored: scored,
      chunksReused: reused,
      chunksResumed: resumedChunks,
      talentsReused: stats.reusedTalents,
      pairs: stats.pairs,
      scoredPairs: scoredTalents * M,
      seconds,
      phases: { stream: (tStream - t0) / 1000, finalize: (performance.now() - tStream) / 1000 },
      pairsPerSecond: (scoredTalents * M) / Math.max(seconds, 1e-9),
      assigned: wanted.size - countHosted(hostOf),
      totalScore: assignment.totalScore,
      blockingPairs: assignment.blockingPairs,
      threads,
      skipped,
      pruned: [],
    };
    // a coordinator that lost its lock (PostgreSQL: its session dropped) must not publish
    await lock.assertHeld?.();
    await store.complete(
      runId,
      platformLines,
      { 'assignment.json': assignmentJsonParts(ctx, assignment), 'referrals.jsonl': referralParts },
      now(),
      JSON.stringify({ ...summary, skipped: summary.skipped.length }),
    );
    if (o.keep !== undefined) summary.pruned = await store.prune(o.keep);
    return summary;
  } catch (e) {
    // bad or unreadable input fails the run (never left `running`); anything else (a queue
    // chunk that failed on every worker, workers started with other inputs, an unreachable
    // Redis, a crash) keeps it for --resume once the cause is fixed
    const inputFault = e instanceof TalentmatchError && (e.code === 'E_INPUT' || e.code === 'E_IO');
    if (runId >= 0 && inputFault) await Promise.resolve(store?.fail(runId, now(), e instanceof Error ? e.message : String(e))).catch(() => undefined); // the input's error is the one to report
    throw e;
  } finally {
    await pool?.destroy();
    await store?.close();
    source?.cleanup();
    await lock.release();
  }
}

function chunkRows(runId: number, key: string, task: ChunkTask, r: ChunkResult) {
  const hostedBy = new Map<string, string>();
  for (const t of task.talents) if (t.hostedBy !== undefined) hostedBy.set(t.id, t.hostedBy);
  return {
    runId,
    chunkId: task.chunkId,
    key,
    startLine: task.startLine,
    endLine: task.endLine,
    talents: r.ids.length,
    pairs: r.pairs,
    reused: false,
    candidates: encodeCandidates(r),
    rows: r.ids.map((id, i) => {
      const a = r.prefPtr[i];
      const z = r.prefPtr[i + 1];
      return {
        talentId: id,
        hash: r.hashes[i],
        line: r.lines[i],
        prefs: serialize({ plat: r.prefPlat.slice(a, z), f: r.prefF.slice(a, z), b: r.prefB.slice(a, z), s: r.prefS.slice(a, z) }),
        meta: JSON.stringify({ priority: r.priority[i], capital: r.capital[i], seats: r.seats[i], noPairs: r.noPairs[i], ...(hostedBy.has(id) ? { hostedBy: hostedBy.get(id) } : {}) }),
      };
    }),
  };
}
