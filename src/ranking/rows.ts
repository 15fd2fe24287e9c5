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
import { TalentmatchError } from '../errors.js';
import type { RowScratch, ScoringModel } from '../scoring/kernel.js';
import { beginRow, createRowScratch, endRow, rowCosines, scoreRow, scoreSpan } from '../scoring/kernel.js';
import type { PlatformBlocks } from '../scoring/bounds.js';
import type { TalentFeatures } from '../features/build.js';
import { blockBounds, platformBlocks } from '../scoring/bounds.js';
import { prunable, talentRowsPrunable } from '../scoring/prunable.js';
import { accumulateBlock, conceptFor, looseCosines, roomCount } from '../scoring/blockReads.js';
import { clearExcludedRoom, heapWants, markExcludedRoom, setBlockFloor, sortBlocksDesc } from './blockScan.js';
import type { RankerOptions } from './options.js';
import { LOOSE_SHARE } from './options.js';
import { hasRoom } from '../scoring/acceptability.js';
import type { TopKBuffers } from '../vector/topk.js';
import { createTopK, finalizeRow, offerFrom } from '../vector/topk.js';

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
  private readonly blocks: PlatformBlocks | null;
  /** the platforms of a block a platform heap may still take, and their positions (block order: where their cosines are) */
  private readonly list: Int32Array;
  private readonly listAt: Int32Array;
  /** per block: bounds of the current row, the order they are visited in, and the smallest root of its platforms' heaps */
  private readonly blockLo: Float64Array;
  private readonly blockHi: Float64Array;
  /** per block, an upper bound of the current row's forward (one-sided) scores, with `prefs` */
  private readonly blockF: Float64Array;
  private readonly blockOrder: Int32Array;
  private readonly blockFloor: Float64Array;
  /** per platform, the floor given by the caller (options.platformFloor), or -Infinity */
  private readonly extFloor: Float64Array;
  /** per platform, the smallest score its heap can still take: the larger of extFloor and its k-th best once full (kept current by platformKept) */
  private readonly platformThr: Float64Array;
  /** per block, the current row's loose text bound (looseCosines) and a scratch for it */
  private readonly blockCos: Float64Array;
  private readonly blockTmp: Float64Array;
  /** per block, the current row's excluded platforms that have room for the talent (subtracted from roomCount) */
  private readonly exclRoom: Int32Array;
  /** per platform, 1 while the current row counts it in exclRoom (an exclusion listed twice counts once) */
  private readonly exclSeen: Uint8Array;
  /** rows ranked with pruning, a running average of the share of blocks the loose bounds let through, and the last row's k-th best (rankPruned) */
  private rows = 0;
  private looseShare = 0;
  private readonly looseMax: number;
  private lastRoot = -Infinity;
  private lastPrefRoot = -Infinity;

  constructor(
    readonly model: ScoringModel,
    o: RankerOptions = {},
  ) {
    const M = model.platforms.count;
    this.start = o.start ?? 0;
    this.end = o.end ?? model.talents.count;
    this.keepRows = o.keepTalentRows ?? true;
    this.idBase = o.idBase ?? 0;
    if (o.scratch !== undefined && o.scratch.score.length !== M) throw new TalentmatchError('E_INTERNAL', `RowRanker: scratch for ${o.scratch.score.length} platforms, the model has ${M}`);
    this.scratch = o.scratch ?? createRowScratch(M);
    this.talentTop = createTopK(this.keepRows ? this.end - this.start : 1, Math.min(o.kTalent ?? 0, M));
    this.platformTop = createTopK(M, o.kPlatform ?? 0);
    this.prefTop = createTopK(1, o.prefs === undefined ? 0 : o.prefs > 0 ? Math.min(o.prefs, M) : M);
    // a preference list of every platform never fills, so no bound can skip a pair for it
    this.prune = (o.prune ?? false) && (this.prefTop.k === 0 || this.prefTop.k < M) && prunable(model, this.start, this.end);
    if (this.prune && o.blocks !== undefined && (o.blocks.order.length !== M || o.blocks.dims !== model.ctx.dims)) throw new TalentmatchError('E_INTERNAL', `RowRanker: blocks of ${o.blocks.order.length} platforms x ${o.blocks.dims} industries, the model has ${M} x ${model.ctx.dims}`);
    this.blocks = this.prune ? (o.blocks ?? platformBlocks(model.platforms, model.ctx.dims)) : null;
    this.list = new Int32Array(this.prune ? M : 0);
    this.listAt = new Int32Array(this.prune ? M : 0);
    const B = this.blocks?.count ?? 0;
    this.blockLo = new Float64Array(B);
    this.blockHi = new Float64Array(B);
    this.blockF = new Float64Array(this.prefTop.k > 0 ? B : 0);
    this.blockOrder = new Int32Array(B);
    this.blockCos = new Float64Array(B);
    this.blockTmp = new Float64Array(B);
    this.exclRoom = new Int32Array(B);
    this.exclSeen = new Uint8Array(this.prune ? M : 0);
    this.extFloor = new Float64Array(this.prune ? M : 0).fill(-Infinity);
    if (this.prune && o.platformFloor) this.extFloor.set(o.platformFloor);
    // a platform heap not yet full takes any acceptable pair at or above the caller's floor
    this.looseMax = o.looseShare ?? LOOSE_SHARE;
    this.platformThr = Float64Array.from(this.extFloor);
    this.blockFloor = new Float64Array(B);
    for (let b = 0; b < B; b++) this.setBlockFloor(b);
  }

  /**
   * Swaps in another set of talents, scored against the same platforms and context (the
   * API's live route ranks one new profile per request with one ranker: the platform-side
   * state — blocks, floors, heaps — is built once, not per request). The range [start, end)
   * must stay valid for them. Refused (false, nothing changed) when the platforms or the
   * context differ, when the range does not fit, or when the ranker prunes and the new
   * talents' inputs would not let it (scoring/bounds.ts prunable).
   */
  setTalents(talents: TalentFeatures): boolean {
    if (this.end > talents.count || (this.prune && !talentRowsPrunable(talents, this.model.ctx.dims, this.start, this.end))) return false;
    (this as { model: ScoringModel }).model = { ctx: this.model.ctx, talents, platforms: this.model.platforms };
    return true;
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
      if (doT) offerFrom(tTop, row, score, p, p);
      if (doP) offerFrom(pTop, p, score, p, tid);
      if (doF) offerFrom(fTop, 0, forward, p, p);
    }
    if (doT) finalizeRow(tTop, row);
    if (doF) finalizeRow(fTop, 0);
    this.pairs += n;
    this.scored += n;
    return n;
  }

  /**
   * rank() with exact block-max pruning, in two steps per block of platforms
   * (scoring/bounds.ts). First every block gets a loose upper bound of its pairs' reciprocal
   * scores, whose text part comes from the block's largest weight per term (looseCosines: no
   * posting is read), and the blocks are visited best loose bound first, so the talent's heap
   * fills early with high scores. A block whose loose bound can enter neither the talent's
   * heap (strictly below its k-th best: a pair equal to the root with a smaller id would
   * enter), nor one of the block's platforms' heaps, nor (with `prefs`) the preference list
   * (its forward bound, blockBounds outF, strictly below the list's n-th best forward
   * score) is not touched: with a minimum score of
   * 0 its acceptable pairs are its platforms with room (roomCount) less its excluded ones.
   * Otherwise the block's exact text cosines are accumulated (accumulateBlock: the block's
   * postings only, the same bits as kernel.ts accumulate) and its exact bounds decide as
   * before: scored in full (scoreSpan, the kernel) unless its upper bound is below the
   * talent's current k-th best and every one of its platforms' current k-th best, and its
   * forward bound below the preference list's n-th best; a skipped
   * block's acceptable pairs are still counted: none when its upper bound is below the
   * minimum score, its pairs with room when its lower bound is at or above it; otherwise
   * (acceptability open) it is scored. The platform heaps are this ranker's (a range's): a
   * pair that cannot enter its range's heap cannot enter the merged one, which keeps the
   * best k of the ranges' heaps. Everything scored is offered exactly as in rank(), and the
   * heaps order ties by id, so heaps, tie order and `pairs` are those of the unpruned ranking
   * whatever order the blocks are visited in.
   */
  private rankPruned(ti: number): number {
    const m = this.model;
    const s = this.scratch;
    const T = m.talents;
    const P = m.platforms;
    const k = this.blocks!;
    // every cosine of the row in block order (bounds.ts docPos, conceptPos)
    const concept = beginRow(m, ti, s, conceptFor(m, ti, k));
    const bLo = this.blockLo;
    const bHi = this.blockHi;
    const minScore = m.ctx.minScore;
    const lower = minScore > 0;
    const B = k.count;
    const tTop = this.talentTop;
    const pTop = this.platformTop;
    const doT = tTop.k > 0;
    const doP = pTop.k > 0;
    const fTop = this.prefTop;
    const doF = fTop.k > 0;
    const bF = doF ? this.blockF : undefined;
    const floor = this.blockFloor;
    // Loose bounds pay when few blocks pass them: reading a block's postings alone costs a
    // lookup per talent term, so accumulating most blocks one by one costs more than one
    // pass over the whole inverted index. Estimate from the loose bounds, the blocks' floors
    // and the previous row's k-th best how many blocks would be accumulated; above a third,
    // accumulate everything and bound every block exactly (always with a minimum score above
    // 0, where a block's exact lower bound decides whether its pairs can be counted unscored).
    // Rows where the estimate stays high skip it (probing every 16th row). Only the work done
    // depends on this choice, never the result.
    let exact = true;
    if (!lower && this.looseMax >= 0 && (this.looseShare <= this.looseMax || (this.rows & 15) === 0)) {
      looseCosines(m, ti, k, this.blockCos, this.blockTmp);
      blockBounds(m, ti, s, k, concept, bLo, bHi, false, 0, B, this.blockCos, bF);
      const tEst = doT ? this.lastRoot : Infinity;
      const fEst = this.lastPrefRoot;
      let c = 0;
      for (let b = 0; b < B; b++) {
        const h = bHi[b];
        if (h >= minScore && ((doP && h >= floor[b]) || h >= tEst || (bF !== undefined && bF[b] >= fEst))) c++;
      }
      const share = B === 0 ? 0 : c / B;
      this.looseShare = 0.75 * this.looseShare + 0.25 * share;
      exact = share > this.looseMax;
    }
    this.rows++;
    if (exact) {
      rowCosines(m, ti, s, k.docPos);
      blockBounds(m, ti, s, k, concept, bLo, bHi, lower, 0, B, undefined, bF);
    }
    const ord = this.blockOrder;
    sortBlocksDesc(bHi, ord, B);
    const freeSlots = P.freeSlots;
    const freeSeats = P.freeSeats;
    const seats = T.seats[ti];
    // the talent's excluded platforms with room, per block (counted pairs leave them out)
    const exclRoom = this.exclRoom;
    const seen = this.exclSeen;
    const blockOf = k.blockOf;
    markExcludedRoom(T, ti, freeSlots, freeSeats, blockOf, seen, exclRoom);
    const row = this.talentRow(ti);
    const kT = tTop.k;
    const tBase = row * kT;
    const tSizes = tTop.sizes;
    const tScores = tTop.scores;
    tSizes[row] = 0;
    const kF = fTop.k;
    const fSizes = fTop.sizes;
    const fScores = fTop.scores;
    fSizes[0] = 0;
    const forward = s.forward;
    const pk = pTop.k;
    const pSizes = pTop.sizes;
    const pScores = pTop.scores;
    const order = k.order;
    const start = k.start;
    const score = s.score;
    const blocked = s.blocked;
    const tid = ti + this.idBase;
    // a block's room in block order (its platforms' slots are contiguous there, as scoreSpan reads them)
    const sideSlots = k.side.freeSlots;
    const sideSeats = k.side.freeSeats;
    const list = this.list;
    const listAt = this.listAt;
    const pThr = this.platformThr;
    let acc = 0;
    let sure = 0;
    let scored = 0;
    for (let i = 0; i < B; i++) {
      const b = ord[i];
      if (!exact) {
        // no pair of the block reaches the minimum score (or has a free slot): none acceptable
        if (bHi[b] < minScore) continue;
        if (!(doT && heapWants(tSizes[row], kT, bHi[b], tScores[tBase])) && !(doP && bHi[b] >= floor[b]) && !(doF && heapWants(fSizes[0], kF, bF![b], fScores[0]))) {
          // wanted by no heap even at the loose bounds, and every pair with room is acceptable
          // (exact is set whenever the minimum score is above 0)
          sure += roomCount(k, b, seats) - exclRoom[b];
          continue;
        }
        // the block's exact cosines, then its exact bounds
        accumulateBlock(m, ti, k, b, s.cosDesc, s.cosProfile);
        blockBounds(m, ti, s, k, concept, bLo, bHi, false, b, b + 1, undefined, bF);
      }
      const hi = bHi[b];
      if (hi < minScore) continue;
      const j0 = start[b];
      const j1 = start[b + 1];
      const wantT = doT && heapWants(tSizes[row], kT, hi, tScores[tBase]);
      const wantP = doP && hi >= floor[b];
      // the preference list by forward score: a pair equal to its n-th best with a smaller id enters
      const wantF = doF && heapWants(fSizes[0], kF, bF![b], fScores[0]);
      const counted = !lower || bLo[b] >= minScore;
      if (!wantT && !wantF && counted) {
        if (!wantP) {
          sure += roomCount(k, b, seats) - exclRoom[b];
          continue;
        }
        // every pair with room is acceptable (scores are >= 0, or the block's lower bound
        // reaches the minimum): count them; score only those a platform heap may still take
        let n = 0;
        for (let j = j0; j < j1; j++) {
          const p = order[j];
          if (blocked[p] === 0 && hasRoom(sideSlots[j], sideSeats[j], seats)) {
            if (hi >= pThr[p]) {
              listAt[n] = j;
              list[n++] = p;
            } else sure++;
          }
        }
        if (n === 0) continue;
        scoreSpan(m, ti, s, list, 0, n, listAt, k.side);
        scored += n;
        let kept = false;
        for (let j = 0; j < n; j++) {
          const p = list[j];
          const x = score[p];
          if (x >= 0) {
            acc++;
            // the block's bound reached the platform's threshold; its own score must too (a heap not
            // yet full would take it below the caller's floor, as the whole-block path never does)
            if (x >= pThr[p] && offerFrom(pTop, p, score, p, tid)) {
              kept = true;
              this.platformKept(p);
            }
          }
        }
        if (kept) this.setBlockFloor(b);
        continue;
      }
      scoreSpan(m, ti, s, order, j0, j1, s.all, k.side);
      scored += j1 - j0;
      let kept = false;
      for (let j = j0; j < j1; j++) {
        const p = order[j];
        const x = score[p];
        if (x >= 0) {
          acc++;
          // offered only where the heap may take it (at or above its threshold: a tie with a smaller id enters)
          if (doT && heapWants(tSizes[row], kT, x, tScores[tBase])) offerFrom(tTop, row, score, p, p);
          if (doF && heapWants(fSizes[0], kF, forward[p], fScores[0])) offerFrom(fTop, 0, forward, p, p);
          if (doP && x >= pThr[p] && offerFrom(pTop, p, score, p, tid)) {
            kept = true;
            this.platformKept(p);
          }
        }
      }
      if (kept) this.setBlockFloor(b);
    }
    clearExcludedRoom(T, ti, blockOf, seen, exclRoom);
    endRow(m, ti, s);
    if (doT) {
      this.lastRoot = tSizes[row] < kT ? -Infinity : tScores[tBase];
      finalizeRow(tTop, row);
    }
    if (doF) {
      this.lastPrefRoot = fSizes[0] < kF ? -Infinity : fScores[0];
      finalizeRow(fTop, 0);
    }
    this.pairs += acc + sure;
    this.scored += scored;
    return acc + sure;
  }

  /** After platform p's heap kept a pair: the smallest score it can still take (its k-th best once full, at least the caller's floor). */
  private platformKept(p: number): void {
    const t = this.platformTop;
    const own = t.sizes[p] < t.k ? -Infinity : t.scores[p * t.k];
    const e = this.extFloor[p];
    this.platformThr[p] = own > e ? own : e;
  }

  /** blockFloor[b] = the smallest threshold of block b's platforms with a free slot (Infinity for none): no pair below it can enter one of their heaps. */
  private setBlockFloor(b: number): void {
    setBlockFloor(this.blocks!, b, this.platformThr, this.model.platforms.freeSlots, this.blockFloor);
  }

  /** Ranks every talent of the range in order (for consumers that keep only the heaps). */
  rankAll(): this {
    for (let ti = this.start; ti < this.end; ti++) this.rank(ti);
    return this;
  }
}
