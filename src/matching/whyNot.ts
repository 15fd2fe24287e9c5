/**
 * A reason a person can act on for every unassigned talent, derived from the final
 * assignment (so it holds for either proposer and for the optimal mode):
 *  - no acceptable platform: how many platforms were ruled out by each rule (exclusion, no
 *    free slot, too few free seats, reciprocal score below the referral minimum, with the
 *    best such score);
 *  - outranked: every acceptable platform is full of talents it ranks higher (stable) or
 *    filled by pairs worth more to the total (optimal); names the talent's best platform
 *    and the score margin to the weakest talent kept there;
 *  - seats: the best acceptable platform has a free slot but too few free seats, or ranks
 *    the talent above someone it keeps but no single departure frees enough seats.
 */
import type { ScoringModel } from '../scoring/kernel.js';
import type { RowScratch } from '../scoring/kernel.js';
import { createRowScratch, scoreRow } from '../scoring/kernel.js';
import { isExcluded, roomReason } from '../scoring/acceptability.js';
import type { PairSet } from './pairs.js';
import { platformPrefers } from './pairs.js';
import type { Matching } from './types.js';
import { CapacityLedger, fits } from './capacity.js';

export type UnassignedCode = 'no-acceptable-platform' | 'outranked' | 'not-enough-seats' | 'blocking';

export interface UnassignedReason {
  talent: number;
  code: UnassignedCode;
  /** the text for a person (built on first read: a large run has many unassigned talents) */
  readonly reason: string;
  /** the talent's best acceptable platform, when it has one */
  platform?: number;
  /** score gap to the weakest talent kept at that platform (>= 0), on the mode's scale */
  margin?: number;
}

/** What an unassigned talent's text is composed from (one per assignment, shared). */
interface ReasonContext {
  ps: PairSet;
  ids: readonly string[];
  noPairsReason: (t: number) => string;
  count: Int32Array;
  seatsUsed: Int32Array;
  weakest: Int32Array;
  minS: Float64Array;
}

const enum Why {
  NoPairs,
  NoRoom,
  SeatsAtBest,
  Blocking,
  StableSeats,
  StableOutranked,
  OptimalDisplace,
  OptimalOutranked,
}

/**
 * An UnassignedReason whose text is composed when read. A large run has hundreds of
 * thousands of unassigned talents: each is a small fixed-shape object (no closure, no
 * accessor per instance), the text is built from the shared context on first read.
 */
class LazyReason implements UnassignedReason {
  #cached: string | undefined;
  constructor(
    readonly talent: number,
    readonly code: UnassignedCode,
    private readonly why: Why,
    private readonly ctx: ReasonContext,
    readonly platform?: number,
  ) {}

  get reason(): string {
    return (this.#cached ??= reasonText(this.ctx, this.why, this.talent));
  }

  /**
   * How far the talent is from the weakest pair kept at its best platform, computed from the
   * shared context on read, as the text is: a field would be a boxed number per outranked
   * talent (~24 bytes each; ~1M of them in the 1M x 2k stream's assignment).
   */
  get margin(): number | undefined {
    return marginOf(this.ctx, this.why, this.talent);
  }


  toJSON() {
    return { talent: this.talent, code: this.code, reason: this.reason, ...(this.platform !== undefined ? { platform: this.platform } : {}), ...(this.margin !== undefined ? { margin: this.margin } : {}) };
  }
}

function reasonText(c: ReasonContext, why: Why, t: number): string {
  const ps = c.ps;
  if (why === Why.NoPairs) return c.noPairsReason(t);
  const e = ps.tPtr[t]; // the talent's best acceptable platform
  const n = ps.tPtr[t + 1] - e;
  const p = ps.plat[e];
  const id = c.ids[p];
  const freeSeats = ps.freeSeats[p] - c.seatsUsed[p];
  const w = c.weakest[p];
  switch (why) {
    case Why.NoRoom:
      return `its best platform ${id} has no free slot left and holds nobody the matcher placed (its capacity is taken by committee pins, or it has none)`;
    case Why.SeatsAtBest:
      return `its best platform ${id} has ${freeSeats} free seats left, the team needs ${ps.seats[t]}`;
    case Why.Blocking:
      return `${id} could still take it (seats bind: no stable assignment was reached)`;
    case Why.StableSeats:
      return `at its best platform ${id} it ranks above the weakest talent kept there (${f3(ps.b[e])} vs ${f3(ps.b[w])}), but no single departure frees the ${ps.seats[t]} seats it needs (${freeSeats} free)`;
    case Why.StableOutranked:
      return `outranked at ${n === 1 ? 'its only acceptable platform' : `all ${n} acceptable platforms`}; at its best, ${id}, it scores ${f3(ps.b[e])} and the weakest talent kept there ${f3(ps.b[w])} (margin ${f3(marginOf(c, why, t)!)})`;
    case Why.OptimalDisplace:
      return `left out to maximise the total score: at its best platform ${id} (score ${f3(ps.s[e])}) it would displace more than it adds (seats: needs ${ps.seats[t]}, ${freeSeats} free)`;
    default:
      return `every acceptable platform is filled by pairs worth more to the total; at its best, ${id}, its score is ${f3(ps.s[e])}, the lowest kept there ${f3(c.minS[p])} (margin ${f3(marginOf(c, why, t)!)})`;
  }
}

const f3 = (x: number) => x.toFixed(3);

/**
 * How far talent t is from the weakest pair kept at its best platform (the margin its reason's
 * text names; the displaced case: 0), undefined for reasons without one.
 */
function marginOf(c: ReasonContext, why: Why, t: number): number | undefined {
  const ps = c.ps;
  const e = ps.tPtr[t]; // the talent's best acceptable platform
  switch (why) {
    case Why.StableOutranked:
      return ps.b[c.weakest[ps.plat[e]]] - ps.b[e];
    case Why.OptimalDisplace:
      return 0;
    case Why.OptimalOutranked:
      return c.minS[ps.plat[e]] - ps.s[e];
    default:
      return undefined;
  }
}

/**
 * Why talent t has no acceptable platform: how many platforms each rule ruled out (pure;
 * scores the talent's row). Batch workers compute it where the talent's features live.
 */
export function noAcceptableReason(model: ScoringModel, t: number, scratch: RowScratch = createRowScratch(model.platforms.count)): string {
  const P = model.platforms;
  const M = P.count;
  const seatsNeed = model.talents.seats[t];
  scoreRow(model, t, scratch);
  let excluded = 0, full = 0, seats = 0, low = 0, best = -1;
  for (let p = 0; p < M; p++) {
    const why = roomReason(isExcluded(model, t, p), P.freeSlots[p], P.freeSeats[p], seatsNeed);
    if (why === 'excluded') excluded++;
    else if (why === 'no-free-slot') full++;
    else if (why === 'not-enough-seats') seats++;
    else {
      // room but no acceptable platform at all: below the minimum score
      low++;
      if (best < 0 || scratch.backward[p] + scratch.forward[p] > scratch.backward[best] + scratch.forward[best]) best = p;
    }
  }
  const parts: string[] = [];
  if (low > 0) parts.push(`${low} score below the referral minimum${best >= 0 ? ` (best: ${P.ids[best]})` : ''}`);
  if (full > 0) parts.push(`${full} have no free slot`);
  if (seats > 0) parts.push(`${seats} have fewer free seats than the ${seatsNeed} needed`);
  if (excluded > 0) parts.push(`${excluded} excluded`);
  return `no acceptable platform: of ${M}, ${parts.join('; ')}`;
}

export function explainUnassigned(ps: PairSet, m: Matching, mode: 'stable' | 'optimal', platformIds: readonly string[], noPairsReason: (t: number) => string): UnassignedReason[] {
  const M = ps.platforms;
  // per platform: assigned count, seats used, and its weakest assigned pair (platform's view / reciprocal)
  const { count, seatsUsed } = CapacityLedger.of(ps, m.pairOf, ps.plat);
  const weakest = new Int32Array(M).fill(-1);
  const minS = new Float64Array(M).fill(Infinity);
  for (let t = 0; t < ps.talents; t++) {
    const e = m.pairOf[t];
    if (e < 0) continue;
    const p = ps.plat[e];
    if (weakest[p] < 0 || platformPrefers(ps, weakest[p], e)) weakest[p] = e;
    minS[p] = Math.min(minS[p], ps.s[e]);
  }
  const ctx: ReasonContext = { ps, ids: platformIds, noPairsReason, count, seatsUsed, weakest, minS };
  const out: UnassignedReason[] = [];
  for (let t = 0; t < ps.talents; t++) {
    if (m.pairOf[t] >= 0) continue;
    const e0 = ps.tPtr[t];
    const e1 = ps.tPtr[t + 1];
    if (e0 === e1) {
      out.push(new LazyReason(t, 'no-acceptable-platform', Why.NoPairs, ctx));
      continue;
    }
    const e = e0; // the talent's best acceptable platform
    const p = ps.plat[e];
    const freeSlots = ps.freeSlots[p] - count[p];
    const freeSeats = ps.freeSeats[p] - seatsUsed[p];
    if (freeSlots > 0 && !fits(freeSlots, freeSeats, ps.seats[t])) {
      out.push(new LazyReason(t, 'not-enough-seats', Why.SeatsAtBest, ctx, p));
      continue;
    }
    if (fits(freeSlots, freeSeats, ps.seats[t])) {
      out.push(new LazyReason(t, 'blocking', Why.Blocking, ctx, p));
      continue;
    }
    if (weakest[p] < 0) {
      out.push(new LazyReason(t, 'outranked', Why.NoRoom, ctx, p));
      continue;
    }
    if (mode === 'stable') {
      const w = weakest[p];
      if (platformPrefers(ps, e, w)) out.push(new LazyReason(t, 'not-enough-seats', Why.StableSeats, ctx, p));
      else out.push(new LazyReason(t, 'outranked', Why.StableOutranked, ctx, p)); // margin ps.b[w] - ps.b[e], on read
    } else if (minS[p] < ps.s[e]) {
      out.push(new LazyReason(t, 'outranked', Why.OptimalDisplace, ctx, p)); // margin 0
    } else {
      out.push(new LazyReason(t, 'outranked', Why.OptimalOutranked, ctx, p)); // margin minS[p] - ps.s[e], on read
    }
  }
  return out;
}
