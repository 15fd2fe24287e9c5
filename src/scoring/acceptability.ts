/**
 * The one rule for "is this pair acceptable, and if not, why" (docs/DESIGN.md). A pair
 * (talent t, platform p) is acceptable when, checked in this order:
 *   1. p does not exclude t;
 *   2. p has a free slot (freeSlots >= 1);
 *   3. p has at least the seats t needs (freeSeats >= seats);
 *   4. its reciprocal score is at least the policy's minimum (score >= minScore).
 * The first rule broken is the reason. The kernel (./kernel.ts), the explainer
 * (./explain.ts), the why-not report (matching/whyNot.ts) and the API all use these
 * functions; the kernel calls the two one-line predicates, which V8 inlines into its loop
 * (bench:check shows no change against the former inlined comparisons).
 */
import type { ScoringModel } from './kernel.js';

export type RejectReason = 'excluded' | 'no-free-slot' | 'not-enough-seats' | 'below-min-score';

/** Rules 2 and 3: room for a talent needing `seats` seats. */
export function hasRoom(freeSlots: number, freeSeats: number, seats: number): boolean {
  return freeSlots > 0 && freeSeats >= seats;
}

/** Rule 4: a reciprocal score at or above the minimum is acceptable. */
export function meetsMinimum(score: number, minScore: number): boolean {
  return score >= minScore;
}

/** Rules 1-3 (what can be decided before scoring): the first broken rule, or undefined. */
export function roomReason(excluded: boolean, freeSlots: number, freeSeats: number, seats: number): RejectReason | undefined {
  if (excluded) return 'excluded';
  if (freeSlots <= 0) return 'no-free-slot';
  if (freeSeats < seats) return 'not-enough-seats';
  return undefined;
}

/** Rule 1: the pair is excluded by either side (the talent's CSR exclusion row, which merges both sides' lists). */
export function isExcluded(m: ScoringModel, ti: number, pi: number): boolean {
  const T = m.talents;
  for (let e = T.exclIndptr[ti]; e < T.exclIndptr[ti + 1]; e++) if (T.exclIdx[e] === pi) return true;
  return false;
}

/** All four rules for (ti, pi) with its reciprocal score: the first broken rule, or undefined when acceptable. */
export function rejectReason(m: ScoringModel, ti: number, pi: number, score: number): RejectReason | undefined {
  const P = m.platforms;
  const hard = roomReason(isExcluded(m, ti, pi), P.freeSlots[pi], P.freeSeats[pi], m.talents.seats[ti]);
  if (hard !== undefined) return hard;
  return meetsMinimum(score, m.ctx.minScore) ? undefined : 'below-min-score';
}
