/**
 * The one ranking primitive: score a talent's row against every platform (the kernel) and
 * offer each acceptable pair to the heaps the consumer asked for. Every ranking in the
 * product goes through `RowRanker.rank`: the library's recommend, the CLI, the batch's
 * chunks, the worker ranges, the API's live route, the tuner and the assignment's
 * preference lists. Consumers differ only in what they keep per row:
 *
 *  - `kTalent`   the talent's best platforms by reciprocal score (a top-k list per row);
 *                `keepTalentRows` keeps every row's list (rows = the range), otherwise
 *                one row is reused and must be read after each `rank` call;
 *  - `kPlatform` every platform's best talents by reciprocal score (heaps across rows,
 *                not finalized: they merge exactly across ranges, see vector/topk.ts);
 *  - `prefs`     the talent's preference list by its own one-sided score (the
 *                assignment's input): undefined = none, 0 = every acceptable pair, n = best n;
 *  - the scored row itself (`scratch`: score, forward, backward per platform), for
 *    consumers that keep more (explanations, every pair).
 *
 * One class, fixed fields, typed arrays, flags hoisted out of the pair loop: the call site
 * stays monomorphic. Shaped so a block-of-talents kernel or exact pruning can replace the
 * body of `rank` (the heaps' current k-th best are the pruning thresholds).
 */
import type { RowScratch, ScoringModel } from '../scoring/kernel.js';
import { createRowScratch, listedCosines, scoreListed, scoreRow } from '../scoring/kernel.js';
import { boundRow, termMaxima } from '../scoring/bounds.js';
import type { TopKBuffers } from '../vector/topk.js';
import { createTopK, finalizeRow, offer } from '../vector/topk.js';

export interface RankerOptions {
  /** first talent index of the range (default 0) */
  start?: number;
  /** one past the last talent index (default: every talent) */
  end?: number;
  /** platforms kept per talent by reciprocal score; 0 keeps no talent lists (default 0) */
  kTalent?: number;
  /** keep every row's talent list (default true); false reuses one row, read after each rank() */
  keepTalentRows?: boolean;
  /** talents kept per platform by reciprocal score; 0 keeps none (default 0) */
  kPlatform?: number;
  /** added to a talent index before it enters a platform heap (a range's global offset; default 0) */
  idBase?: number;
  /** preference list per talent by its one-sided score: undefined none, 0 every acceptable pair, n the best n */
  prefs?: number;
  /**
   * Exact pruning (default false): score fully only the pairs whose upper bound can still
   * enter a heap (or whose acceptability the bounds leave open). The heaps and `pairs` are
   * exactly those of the unpruned ranking, but `scratch` then holds scores for the scored
   * pairs only: for consumers that read the heaps alone. Ignored with `prefs`.
   */
  prune?: boolean;
  /**
   * the per-platform scratch to score into (createRowScratch of the platforms' count), for a
   * caller that ranks one row at a time with fresh rankers and reuses it (the API's live
   * route); default: a new one. Every field rank() reads is written first, so any earlier
   * content is harmless.
   */
  scratch?: RowScratch;
}

export class RowRanker {
  readonly start: number;
  readonly end: number;
  /** per-platform outputs of the last rank() call */
  readonly scratch: RowScratch;
  /** talent lists (finalized row by row, best first); ids are platform indices */
  readonly talentTop: TopKBuffers;
  /** platform heaps (not finalized); ids are talent indices + idBase */
  readonly platformTop: TopKBuffers;
  /** the last ranked talent's preference list (one row, finalized, best first) */
  readonly prefTop: TopKBuffers;
  /** acceptable pairs seen so far */
  pairs = 0;
  /** pairs scored in full so far (every acceptable pair without pruning) */
  scored = 0;
  private readonly keepRows: boolean;
  private readonly idBase: number;
  private readonly prune: boolean;
  private readonly termMax: Float32Array | null;
  private readonly dense: Float64Array | null;
  private readonly list: Int32Array;
  private readonly lowTop: TopKBuffers;

  constructor(
    readonly model: ScoringModel,
    o: RankerOptions = {},
  ) {
    const M = model.platforms.count;
    this.start = o.start ?? 0;
    this.end = o.end ?? model.talents.count;
    this.keepRows = o.keepTalentRows ?? true;
    this.idBase = o.idBase ?? 0;
    if (o.scratch !== undefined && o.scratch.score.length !== M) throw new RangeError(`RowRanker: scratch for ${o.scratch.score.length} platforms, the model has ${M}`);
    this.scratch = o.scratch ?? createRowScratch(M);
    this.talentTop = createTopK(this.keepRows ? this.end - this.start : 1, Math.min(o.kTalent ?? 0, M));
    this.platformTop = createTopK(M, o.kPlatform ?? 0);
    this.prefTop = createTopK(1, o.prefs === undefined ? 0 : o.prefs > 0 ? Math.min(o.prefs, M) : M);
    this.prune = (o.prune ?? false) && this.prefTop.k === 0;
    this.termMax = this.prune ? termMaxima(model.platforms) : null;
    this.dense = this.prune ? new Float64Array(model.platforms.docIndex.indptr.length - 1) : null;
    this.list = new Int32Array(this.prune ? M : 0);
    // the k best lower bounds of a row (a floor under the talent's k-th best score)
    this.lowTop = createTopK(1, this.prune ? this.talentTop.k : 0);
  }

  /** Row of talent ti in talentTop. */
  talentRow(ti: number): number {
    return this.keepRows ? ti - this.start : 0;
  }

  /** Scores talent ti (start <= ti < end) and offers its acceptable pairs; returns how many were acceptable. */
  rank(ti: number): number {
    if (this.prune) return this.rankPruned(ti);
    const s = this.scratch;
    scoreRow(this.model, ti, s);
    const tTop = this.talentTop;
    const pTop = this.platformTop;
    const fTop = this.prefTop;
    const row = this.talentRow(ti);
    const doT = tTop.k > 0;
    const doP = pTop.k > 0;
    const doF = fTop.k > 0;
    tTop.sizes[row] = 0;
    fTop.sizes[0] = 0;
    const score = s.score;
    const forward = s.forward;
    const tid = ti + this.idBase;
    const M = score.length;
    let n = 0;
    for (let p = 0; p < M; p++) {
      const x = score[p];
      if (x < 0) continue;
      n++;
      if (doT) offer(tTop, row, x, p);
      if (doP) offer(pTop, p, x, tid);
      if (doF) offer(fTop, 0, forward[p], p);
    }
    if (doT) finalizeRow(tTop, row);
    if (doF) finalizeRow(fTop, 0);
    this.pairs += n;
    this.scored += n;
    return n;
  }

  /**
   * rank() with exact pruning. Bounds first (scoring/bounds.ts boundRow: every term but
   * text, the text term between 0 and the talent's cosine bound); a pair is scored in full
   * only when its upper bound can still enter the talent's heap or the platform's heap, or
   * when the bounds straddle the minimum score (acceptability open). The talent's heap
   * starts each row empty, so its floor is the k-th best lower bound among pairs known to
   * be acceptable: a pair whose upper bound is below it has k better pairs. A platform's
   * floor is its heap's root once full (strictly below it, a pair cannot enter; roots only
   * rise). Everything scored is offered exactly as in rank(), so the heaps, their tie
   * order and `pairs` are those of the unpruned ranking.
   */
  private rankPruned(ti: number): number {
    const m = this.model;
    const s = this.scratch;
    boundRow(m, ti, s, this.termMax!);
    const lower = s.lower;
    const upper = s.upper;
    const minScore = m.ctx.minScore;
    const tTop = this.talentTop;
    const pTop = this.platformTop;
    const row = this.talentRow(ti);
    const doT = tTop.k > 0;
    const doP = pTop.k > 0;
    tTop.sizes[row] = 0;
    const M = upper.length;
    // floor of the talent's k-th best: the k-th largest lower bound of surely acceptable pairs
    let floorT = -Infinity;
    if (doT) {
      const low = this.lowTop;
      low.sizes[0] = 0;
      for (let p = 0; p < M; p++) {
        const lo = lower[p];
        if (upper[p] >= 0 && lo >= minScore) offer(low, 0, lo, p);
      }
      if (low.sizes[0] === low.k) floorT = low.scores[0];
    }
    const pk = pTop.k;
    const pSizes = pTop.sizes;
    const pScores = pTop.scores;
    const list = this.list;
    let n = 0;
    let sure = 0;
    for (let p = 0; p < M; p++) {
      const hi = upper[p];
      if (hi < 0) continue;
      if (!((doT && hi >= floorT) || (doP && (pSizes[p] < pk || hi >= pScores[p * pk])))) {
        // not wanted by either heap: only its acceptability counts
        if (hi < minScore) continue;
        if (lower[p] >= minScore) {
          sure++;
          continue;
        }
      }
      list[n++] = p;
    }
    listedCosines(m, ti, s, this.dense!, list, n);
    scoreListed(m, ti, s, list, n);
    const score = s.score;
    const tid = ti + this.idBase;
    let acc = 0;
    for (let j = 0; j < n; j++) {
      const p = list[j];
      const x = score[p];
      if (x < 0) continue;
      acc++;
      if (doT) offer(tTop, row, x, p);
      if (doP) offer(pTop, p, x, tid);
    }
    if (doT) finalizeRow(tTop, row);
    this.pairs += acc + sure;
    this.scored += n;
    return acc + sure;
  }

  /** Ranks every talent of the range in order (for consumers that keep only the heaps). */
  rankAll(): this {
    for (let ti = this.start; ti < this.end; ti++) this.rank(ti);
    return this;
  }
}

/** Every acceptable pair of talents [start, end), talent-major, platforms ascending, as parallel arrays. */
export interface PairRows {
  start: number;
  end: number;
  /** pairs of talent start + i: [ptr[i], ptr[i + 1]) */
  ptr: Int32Array;
  plat: Int32Array;
  /** talent's, platform's and reciprocal score */
  f: Float64Array;
  b: Float64Array;
  s: Float64Array;
}

/** The acceptable pairs of a range of talents (what `score` writes), through the primitive with no heaps. */
export function collectPairs(m: ScoringModel, start: number, end: number): PairRows {
  const r = new RowRanker(m, { start, end });
  const sc = r.scratch;
  const ptr = new Int32Array(end - start + 1);
  const plat: number[] = [];
  const f: number[] = [];
  const b: number[] = [];
  const s: number[] = [];
  for (let ti = start; ti < end; ti++) {
    r.rank(ti);
    for (let p = 0; p < sc.score.length; p++) {
      if (sc.score[p] < 0) continue;
      plat.push(p);
      f.push(sc.forward[p]);
      b.push(sc.backward[p]);
      s.push(sc.score[p]);
    }
    ptr[ti - start + 1] = plat.length;
  }
  return { start, end, ptr, plat: Int32Array.from(plat), f: Float64Array.from(f), b: Float64Array.from(b), s: Float64Array.from(s) };
}
