/**
 * The batch's explanations of placed pairs (introduced and hosted projects) for the
 * referral lines, and of the platform lines' items (the chunks send only scores and ids).
 * The snapshot keeps no talent features, so the listed and placed talents' lines are read
 * back from the talents file and vectorized (against the run's platform side, exactly as a
 * chunk does), and each wanted pair is explained with the engine's explainer: the same
 * numbers and `why` as `talentmatch refer` in process, and as the chunk's kernel scored
 * (kernel and explainer agree bit for bit).
 *
 * The stream records each accepted talent's byte range (`TalentLines`: its id's UTF-8 bytes
 * and two offsets), so only the wanted lines are read again, one positioned read each, not
 * the whole file. Their parsing, validation, vectorization (the costly part: tokenizing) and
 * explanations run where `lines` says (the local worker pool's `explainLines` task,
 * workers/explainLines.ts), split into `parts` runs of lines, while this thread does other
 * work; a talent's features do not depend on the others in its run (chunks of any size
 * score alike), so the numbers are the same. Without a pool, or for a few talents, this
 * thread runs the same task in process. The platform lines' and the hosted talents are
 * known before the assignment: the batch posts their lines first, and they are vectorized
 * and the listed pairs' items made while this thread assigns (`listedItems`); after it the
 * other placed talents go, each explained where vectorized, while this thread formats
 * assignment.json and explains the placed talents of the first runs (`placedExplanations`).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { PlatformSide } from '../../engine/platformSide.js';
import type { PairExplanation } from '../../scoring/explain.js';
import { createExplainBuffer, explainPair } from '../../scoring/explain.js';
import { TokenCache } from '../../text/cache.js';
import { defaultCacheSizes } from '../../config/caches.js';
import { Tokenizer } from '../../text/tokenize.js';
import { TalentmatchError } from '../../errors.js';
import type { LineRangeTask } from '../../workers/lines.js';
import type { ExplainLinesResult, ExplainLinesTask, ListedPairs } from '../../workers/explainLines.js';
import { explainLinesTask } from '../../workers/explainLines.js';
import { Grow } from '../../engine/snapshot.js';
import { hashUnits } from '../../text/surface.js';
import { allSettledOrThrow } from '../../util/settle.js';
import { memMark } from '../../workers/memTrace.js';

/** Validates and vectorizes a run of talents' raw lines elsewhere, with its listed pairs' items: the worker pool's `explainLines` task. */
export type LinesOn = (task: ExplainLinesTask) => Promise<ExplainLinesResult>;

/**
 * Where the listed and placed talents are vectorized: `parts` runs on `lines` (the threads),
 * while this thread does other work. `warm` starts the threads (before the assignment).
 */
export interface PlacedOn {
  lines: LinesOn;
  parts: number;
  warm?: () => void;
}

/** Below this many talents this thread vectorizes them itself (a task's round trip is not worth it). */
const PARALLEL_MIN = 256;

/**
 * Whether `talents` talents (a run whose streamed talents number `talents` may place or list
 * as many: never more) go to the threads: only then are the threads worth starting early,
 * while the assignment runs.
 */
export const mayExplainOnThreads = (talents: number, on: Pick<PlacedOn, 'parts'> | undefined): boolean => on !== undefined && on.parts >= 1 && talents >= PARALLEL_MIN;

/** An id's hash for TalentLines: hashUnits' top 30 bits, a small integer (a map's fast key on every build; the empty id's is the basis, above an int32). */
const idHash = (id: string): number => hashUnits(id) >>> 2;

/**
 * Each accepted talent's line in the talents file, in file order, as the batch streams them:
 * the id's UTF-8 bytes and the line's byte range [start, end) (readLines: the newline
 * included). ~30 bytes a talent, no string kept.
 */
export class TalentLines {
  private readonly idBytes = new Grow(new Uint8Array(1 << 16));
  /** per talent: where its id's bytes end, its line's start and end, its id's hash (idHash) */
  private readonly idEnd = new Grow(new Float64Array(1024));
  private readonly start = new Grow(new Float64Array(1024));
  private readonly end = new Grow(new Float64Array(1024));
  private readonly hash = new Grow(new Int32Array(1024));

  get size(): number {
    return this.start.n;
  }

  add(id: string, start: number, end: number): void {
    const b = Buffer.from(id, 'utf8');
    this.idBytes.pushBytes(b, b.length);
    this.idEnd.push(this.idBytes.n);
    this.start.push(start);
    this.end.push(end);
    this.hash.push(idHash(id));
  }

  /**
   * The lines of the wanted ids (the first line recorded for an id), in file order. An id
   * never recorded is left out (the caller names it). A recorded talent is compared with the
   * wanted ids of its id's hash only (no string made per talent): by its id's UTF-8 bytes.
   */
  find(wanted: Iterable<string>): { ids: string[]; start: number[]; end: number[] } {
    const byHash = new Map<number, { id: string; bytes: Buffer }[]>();
    let left = 0;
    for (const id of wanted) {
      const h = idHash(id);
      let same = byHash.get(h);
      if (!same) byHash.set(h, (same = []));
      if (same.some((x) => x.id === id)) continue;
      same.push({ id, bytes: Buffer.from(id, 'utf8') });
      left++;
    }
    const bytes = this.idBytes.a;
    const view = Buffer.from(bytes.buffer, bytes.byteOffset, this.idBytes.n);
    const hashes = this.hash.a;
    const out = { ids: [] as string[], start: [] as number[], end: [] as number[] };
    for (let i = 0; i < this.start.n && left > 0; i++) {
      const same = byHash.get(hashes[i]);
      if (same === undefined) continue;
      const from = i === 0 ? 0 : this.idEnd.a[i - 1];
      const len = this.idEnd.a[i] - from;
      const j = same.findIndex((x) => x.bytes.length === len && (len === 0 || view.compare(x.bytes, 0, len, from, from + len) === 0));
      if (j < 0) continue;
      const { id } = same[j];
      same.splice(j, 1); // found: a later line of the same id is not its line
      left--;
      out.ids.push(id);
      out.start.push(this.start.a[i]);
      out.end.push(this.end.a[i]);
    }
    return out;
  }
}

/** A run of talents read back and vectorized: its ids in file order and their features, and the listed pairs its items were asked for. */
export interface VectorizedRun {
  ids: string[];
  result: ExplainLinesResult;
  listed?: ListedPairs;
}

/**
 * A whole turn of the event loop (an immediate set from an immediate: a poll phase between).
 * A pool hands a posted run to a thread only once this thread has taken that thread's start
 * or last answer from the event loop (it may have come while this thread assigned): taken
 * before this thread's own synchronous work, else the thread would wait until that is done.
 */
export const loopTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/**
 * Reads back the lines of `ids` (distinct) and vectorizes them, with `want.listed` (talent
 * id -> platforms) the listed pairs' items and with `want.placed` (talent id -> platform) the
 * placed pairs' explanations (workers/explainLines.ts), split into `on.parts` runs posted to
 * `on.lines` at once (the call returns with them posted: this thread does other work
 * meanwhile, after a `loopTurn`); without `on`, or for fewer than the parallel minimum of
 * talents, in one run on this thread, before the call returns. A talent's features do not
 * depend on the other talents of its run: any split gives the same numbers.
 */
export async function vectorizeLines(
  side: PlatformSide,
  talentsPath: string,
  ids: readonly string[],
  maxLineBytes: number,
  lines: TalentLines,
  on?: PlacedOn,
  want: { listed?: ReadonlyMap<string, readonly number[]>; placed?: ReadonlyMap<string, number> } = {},
): Promise<VectorizedRun[]> {
  const count = ids.length;
  if (count === 0) return [];
  const parallel = on !== undefined && mayExplainOnThreads(count, on);
  if (parallel) on.warm?.();
  // an async function runs to its first await at once: the runs below are posted when it is called
  const at = lines.find(ids);
  if (at.ids.length !== count) {
    const seen = new Set(at.ids);
    const missing = ids.find((id) => !seen.has(id));
    throw new TalentmatchError('E_INTERNAL', `talent ${JSON.stringify(missing)} is to be explained but the stream recorded no line for it`);
  }
  const size = parallel ? Math.ceil(count / on.parts) : count;
  const tasks: { ids: string[]; task: ExplainLinesTask }[] = [];
  const fd = openSync(talentsPath, 'r');
  try {
    for (let a = 0; a < count; a += size) {
      const z = Math.min(count, a + size);
      const run = at.ids.slice(a, z);
      const task: ExplainLinesTask = readRun(fd, at.start, at.end, a, z, talentsPath, maxLineBytes);
      if (want.listed) task.listed = listedPairs(run, want.listed);
      if (want.placed) task.placed = Int32Array.from(run, (id) => want.placed!.get(id) ?? -1);
      tasks.push({ ids: run, task });
    }
  } finally {
    closeSync(fd);
  }
  memMark('main:found');
  // the listed pairs stay known here (a posted task's bytes are moved, its pairs cloned)
  const pairs = tasks.map((x) => x.task.listed);
  // without threads, this thread's run now (before the call returns); with them, every run
  // posted now, and all settled before a failure is passed on (no run left on a thread)
  const results = parallel ? await allSettledOrThrow(tasks.map((x) => on.lines(x.task))) : inProcess(side, tasks);
  return tasks.map((x, j) => ({ ids: x.ids, result: results[j], ...(pairs[j] ? { listed: pairs[j] } : {}) }));
}

/** The listed pairs of a run's talents (`run`, in its order): each talent's platforms as `listed` gives them. */
function listedPairs(run: readonly string[], listed: ReadonlyMap<string, readonly number[]>): ListedPairs {
  const ends = new Int32Array(run.length);
  let n = 0;
  for (let i = 0; i < run.length; i++) ends[i] = n += listed.get(run[i])?.length ?? 0;
  const platform = new Int32Array(n);
  for (let i = 0, k = 0; i < run.length; i++) for (const p of listed.get(run[i]) ?? []) platform[k++] = p;
  return { ends, platform };
}

/**
 * The listed pairs' items of vectorized runs (asked with `listed`): `item(id, nth)` is the
 * item of talent `id`'s nth listed pair, as compact JSON, and the score the pair explained
 * as. A talent of no run, or a run without its items, is a fault of the caller (E_INTERNAL);
 * a run whose lines changed is named by `placedExplanations`' check first (the caller runs it before).
 */
export function listedItems(runs: readonly VectorizedRun[]): (id: string, nth: number) => { json: string; score: number } {
  const where = new Map<string, { run: VectorizedRun; first: number; count: number }>();
  for (const run of runs) {
    if (!run.listed) continue;
    const ends = run.listed.ends;
    run.ids.forEach((id, i) => where.set(id, { run, first: i === 0 ? 0 : ends[i - 1], count: ends[i] - (i === 0 ? 0 : ends[i - 1]) }));
  }
  return (id, nth) => {
    const w = where.get(id);
    const items = w?.run.result.items;
    if (!w || !items || nth >= w.count) throw new TalentmatchError('E_INTERNAL', `talent ${JSON.stringify(id)}: no item made for its listed pair ${nth}`);
    const k = w.first + nth;
    return { json: items.text.slice(k === 0 ? 0 : items.ends[k - 1], items.ends[k]), score: items.scores[k] };
  };
}

/**
 * Each placed talent of the runs (`placed`: talent id -> its placed pair's platform)
 * explained: as its run's task explained it (asked with `placed`), else here from the run's
 * features. A run's talents are checked first: a line that no longer holds its talent means
 * the file changed.
 */
export function placedExplanations(side: PlatformSide, talentsPath: string, runs: readonly VectorizedRun[], placed: ReadonlyMap<string, number>): Map<string, PairExplanation> {
  const out = new Map<string, PairExplanation>();
  const buf = createExplainBuffer();
  for (const { ids, result: r } of runs) {
    if (r.bad.length > 0 || r.links.ids.length !== ids.length || r.links.ids.some((id, i) => id !== ids[i])) {
      throw new TalentmatchError('E_IO', `${talentsPath}: an explained talent's line no longer holds it (changed during the run?)`);
    }
    const m = { ctx: side.ctx, talents: r.features, platforms: side.platforms };
    ids.forEach((id, i) => {
      const p = placed.get(id);
      if (p !== undefined) out.set(id, r.explained?.[i] ?? explainPair(m, i, p, buf));
    });
  }
  return out;
}

/**
 * Runs vectorized on this thread: one token cache for them all, one pass over the placed
 * talents like a chunk. Its `source()`, as a worker's: a source that names its tokenizer
 * takes the builders' per-run term cache (features/build.ts TokenSource); a bare function
 * hashed every text for the cache's key, ~2x the CPU for the same bits.
 */
function inProcess(side: PlatformSide, tasks: readonly { task: ExplainLinesTask }[]): ExplainLinesResult[] {
  if (tasks.length === 0) return [];
  const tokens = new TokenCache(new Tokenizer(), defaultCacheSizes.workerTokens).source();
  return tasks.map((x) => explainLinesTask(side, x.task, tokens));
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
