/**
 * The batch's explanations of placed pairs (introduced and hosted projects) for the
 * referral lines, and of the platform lines' items (the chunks send only scores and ids).
 * The snapshot keeps no talent features, so after the assignment the placed and listed
 * talents' lines are read back from the talents file and vectorized (against the run's
 * platform side, exactly as a chunk does), then each wanted pair is explained with the
 * engine's explainer: the same numbers and `why` as `talentmatch refer` in process, and as
 * the chunk's kernel scored (kernel and explainer agree bit for bit).
 *
 * The stream records each accepted talent's byte range (`TalentLines`: its id's UTF-8 bytes
 * and two offsets), so only the placed lines are read again, one positioned read each, not
 * the whole file. Their parsing, validation and vectorization (the costly part: tokenizing)
 * run where `lines` says (the local worker pool's `lineRange` task, the one every talents
 * file's lines are validated and vectorized by), split into `parts` runs of lines, and with
 * `here` one more run on this thread, which would otherwise only wait for them (a released
 * pool's successor then starts one thread fewer); a talent's features do not depend on the
 * others in its run (chunks of any size score alike), so the numbers are the same. Without
 * a pool, or for a few talents, this thread runs the same task in process. The platform
 * lines' talents are known before the assignment: the batch posts their lines to the threads
 * first (`vectorizeLines` with `away`), and they are vectorized while this thread assigns;
 * after it only the placed talents not listed are left (`explainRuns` explains both).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { PlatformSide } from '../../engine/platformSide.js';
import type { PairExplanation } from '../../scoring/explain.js';
import { explainPair } from '../../scoring/explain.js';
import { TokenCache } from '../../text/cache.js';
import { defaultCacheSizes } from '../../config/caches.js';
import { Tokenizer } from '../../text/tokenize.js';
import { TalentmatchError } from '../../errors.js';
import type { TalentFeatures } from '../../features/build.js';
import type { LineRangeResult, LineRangeTask } from '../../workers/lines.js';
import { lineRangeTask } from '../../workers/lines.js';
import { Grow } from '../../engine/snapshot.js';
import { allSettledOrThrow } from '../../util/settle.js';
import { memMark } from '../../workers/memTrace.js';

/** Validates and vectorizes a run of talents' raw lines elsewhere: the worker pool's `lineRange` task. */
export type LinesOn = (task: LineRangeTask) => Promise<LineRangeResult>;

/**
 * Where the placed talents are vectorized: `parts` runs on `lines` (the threads), and with
 * `here` one more on this thread meanwhile. `warm` starts the threads (before the assignment).
 */
export interface PlacedOn {
  lines: LinesOn;
  parts: number;
  here?: boolean;
  warm?: () => void;
}

/**
 * This thread's run beside the threads' (`here`), as a share of one thread's: it reads the
 * lines back for every run first, and its heap (the assignment's) makes it the slower one
 * (100k x 1k at 2 threads: an equal half took it ~1.7x the time it took the thread).
 */
const HERE_SHARE = 0.6;

/** Below this many placed talents this thread vectorizes them itself (a task's round trip is not worth it). */
const PARALLEL_MIN = 256;

/**
 * Whether a run whose streamed talents number `talents` may explain its placed ones on the
 * threads (never more are placed than streamed): only then are the threads worth starting
 * early, while the assignment runs.
 */
export const mayExplainOnThreads = (talents: number, on: Pick<PlacedOn, 'parts' | 'here'> | undefined): boolean =>
  on !== undefined && on.parts + (on.here === true ? 1 : 0) > 1 && talents >= PARALLEL_MIN;

/**
 * Each accepted talent's line in the talents file, in file order, as the batch streams them:
 * the id's UTF-8 bytes and the line's byte range [start, end) (readLines: the newline
 * included). ~30 bytes a talent, no string kept.
 */
export class TalentLines {
  private readonly idBytes = new Grow(new Uint8Array(1 << 16));
  /** per talent: where its id's bytes end, its line's start and end */
  private readonly idEnd = new Grow(new Float64Array(1024));
  private readonly start = new Grow(new Float64Array(1024));
  private readonly end = new Grow(new Float64Array(1024));

  get size(): number {
    return this.start.n;
  }

  add(id: string, start: number, end: number): void {
    const b = Buffer.from(id, 'utf8');
    this.idBytes.pushBytes(b, b.length);
    this.idEnd.push(this.idBytes.n);
    this.start.push(start);
    this.end.push(end);
  }

  /**
   * The lines of the wanted ids (the first line recorded for an id), in file order. An id
   * never recorded is left out (the caller names it).
   */
  find(wanted: Iterable<string>): { ids: string[]; start: number[]; end: number[] } {
    // ids compared as their UTF-8 bytes read one byte a character: equal strings, equal keys
    const keys = new Map<string, string>();
    for (const id of wanted) keys.set(Buffer.from(id, 'utf8').toString('latin1'), id);
    const bytes = this.idBytes.a;
    const view = Buffer.from(bytes.buffer, bytes.byteOffset, this.idBytes.n);
    const out = { ids: [] as string[], start: [] as number[], end: [] as number[] };
    let from = 0;
    for (let i = 0; i < this.start.n && keys.size > 0; i++) {
      const to = this.idEnd.a[i];
      const key = view.toString('latin1', from, to);
      from = to;
      const id = keys.get(key);
      if (id === undefined) continue;
      keys.delete(key);
      out.ids.push(id);
      out.start.push(this.start.a[i]);
      out.end.push(this.end.a[i]);
    }
    return out;
  }
}

/** A run of talents read back and vectorized: its ids in file order and their features. */
export interface VectorizedRun {
  ids: string[];
  result: LineRangeResult;
}

/**
 * Reads back the lines of `ids` (distinct) and vectorizes them: in process, or split
 * into `on.parts` runs posted to `on.lines` and, with `on.here`, one more run on this thread
 * meanwhile. `away`: every run on the threads, none
 * here (this thread has other work meanwhile: the batch posts the platform lines' talents
 * before it assigns); it needs `on`, and at least the parallel minimum of talents, else
 * this thread vectorizes them, as without `on`. A talent's features do not
 * depend on the other talents of its run: any split gives the same numbers.
 */
export async function vectorizeLines(
  side: PlatformSide,
  talentsPath: string,
  ids: readonly string[],
  maxLineBytes: number,
  lines: TalentLines,
  on?: PlacedOn,
  away = false,
): Promise<VectorizedRun[]> {
  const count = ids.length;
  if (count === 0) return [];
  const parallel = on !== undefined && (away ? on.parts >= 1 && count >= PARALLEL_MIN : mayExplainOnThreads(count, on));
  if (parallel) on.warm?.();
  // an async function runs to its first await at once: the runs below are posted when it is called
  const at = lines.find(ids);
  if (at.ids.length !== count) {
    const seen = new Set(at.ids);
    const missing = ids.find((id) => !seen.has(id));
    throw new TalentmatchError('E_INTERNAL', `talent ${JSON.stringify(missing)} is to be explained but the stream recorded no line for it`);
  }
  // with `here`, the last run is this thread's
  const here = parallel && !away && on.here === true;
  // this thread's run is the smaller (HERE_SHARE of a thread's): it reads every line first
  const posting = parallel ? at.ids.length - (here ? Math.round((at.ids.length * HERE_SHARE) / (on.parts + HERE_SHARE)) : 0) : at.ids.length;
  const size = parallel ? Math.ceil(posting / on.parts) : at.ids.length;
  const tasks: { ids: string[]; task: LineRangeTask }[] = [];
  const fd = openSync(talentsPath, 'r');
  try {
    // the threads' runs [0, posting) in runs of `size` (without a pool: one run), then this thread's [posting, n)
    const ends: number[] = [];
    for (let z = size; z < posting; z += size) ends.push(z);
    ends.push(posting);
    if (posting < at.ids.length) ends.push(at.ids.length);
    for (let j = 0, a = 0; j < ends.length; a = ends[j++]) {
      const z = ends[j];
      tasks.push({ ids: at.ids.slice(a, z), task: readRun(fd, at.start, at.end, a, z, talentsPath, maxLineBytes) });
    }
  } finally {
    closeSync(fd);
  }
  memMark('main:found');
  const sent = parallel ? (here ? tasks.length - 1 : tasks.length) : 0;
  const posted = tasks.slice(0, sent).map((x) => on!.lines(x.task));
  for (const p of posted) p.catch(() => undefined); // a run failing while this thread works is heard below, not unhandled
  const mine = tasks.slice(sent);
  // this thread's runs after the others are posted: it vectorizes while they do. A pool hands
  // a posted run to a thread only once this thread has taken that thread's start or last
  // answer from the event loop (it may have come while this thread assigned): a whole turn of
  // the loop first (an immediate set from an immediate: a poll phase between), else the
  // thread would wait until this thread's runs are done
  if (sent > 0 && mine.length > 0) await new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
  let ours: LineRangeResult[];
  try {
    ours = inProcess(side, mine);
  } catch (e) {
    await Promise.allSettled(posted); // no run left on a thread when the caller releases them
    throw e;
  }
  const results = await allSettledOrThrow(posted);
  return tasks.map((x, j) => ({ ids: x.ids, result: j < sent ? results[j] : ours[j - sent] }));
}

/** Each run's talents explained against their wanted platforms: talent id -> the explanations, in `wanted`'s order. */
export function explainRuns(side: PlatformSide, talentsPath: string, runs: readonly VectorizedRun[], wanted: ReadonlyMap<string, readonly number[]>): Map<string, PairExplanation[]> {
  const out = new Map<string, PairExplanation[]>();
  for (const x of runs) explainRun(side, talentsPath, x.ids, x.result, wanted, out);
  return out;
}

/**
 * Runs vectorized on this thread: one token cache for them all, one pass over the placed
 * talents like a chunk. Its `source()`, as a worker's: a source that names its tokenizer
 * takes the builders' per-run term cache (features/build.ts TokenSource); a bare function
 * hashed every text for the cache's key, ~2x the CPU for the same bits.
 */
function inProcess(side: PlatformSide, tasks: readonly { task: LineRangeTask }[]): LineRangeResult[] {
  if (tasks.length === 0) return [];
  const tokens = new TokenCache(new Tokenizer(), defaultCacheSizes.workerTokens).source();
  return tasks.map((x) => lineRangeTask(side, x.task, tokens));
}

/**
 * Lines [a, z) of the found ones (in file order), read into one task's bytes: each line with
 * its newline (only the file's last line may have none, and it comes last). The file's first
 * line keeps its byte-order mark, if any: the record parser trims it (domain/lines.ts), as it
 * does on the stream. `firstLine` 2: lineText treats no line here as the file's first.
 */
function readRun(fd: number, start: readonly number[], end: readonly number[], a: number, z: number, path: string, maxLineBytes: number): LineRangeTask {
  let total = 0;
  for (let i = a; i < z; i++) total += end[i] - start[i];
  // a buffer of its own (never Buffer's shared pool): the task moves it to the worker
  const bytes = new Uint8Array(total);
  let n = 0;
  for (let i = a; i < z; i++) {
    const len = end[i] - start[i];
    if (readSync(fd, bytes, n, len, start[i]) !== len) throw new TalentmatchError('E_IO', `${path}: shorter than when the batch read it (changed during the run?)`);
    n += len;
  }
  return { bytes: bytes.subarray(0, n), firstLine: 2, lines: z - a, tooLong: [], file: path, maxLineBytes, cap: 1 };
}

/** Each talent of one run explained against its wanted platforms; a line that no longer holds its talent means the file changed. */
function explainRun(side: PlatformSide, path: string, ids: readonly string[], r: LineRangeResult, wanted: ReadonlyMap<string, readonly number[]>, out: Map<string, PairExplanation[]>): void {
  if (r.bad.length > 0 || r.links.ids.length !== ids.length || r.links.ids.some((id, i) => id !== ids[i])) {
    throw new TalentmatchError('E_IO', `${path}: an explained talent's line no longer holds it (changed during the run?)`);
  }
  const T: TalentFeatures = r.features;
  const m = { ctx: side.ctx, talents: T, platforms: side.platforms };
  ids.forEach((id, i) => out.set(id, wanted.get(id)!.map((p) => explainPair(m, i, p))));
}
