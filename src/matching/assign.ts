/**
 * Assignment orchestration: pair set -> stable or optimal matching -> blocking pairs,
 * per-platform use and reasons for the unassigned. Pure; the MILP solver is injected.
 */
import type { ScoringModel } from '../scoring/kernel.js';
import type { PairSet } from './pairs.js';
import { buildPairSet } from './pairs.js';
import type { Matching } from './types.js';
import { platformProposing, resolveBlocking, talentProposing } from './stable.js';
import { seatsBind } from './pairs.js';
import { countBlockingPairs } from './blocking.js';
import type { OptimalOptions, OptimalResult } from './optimal.js';
import { optimalAssignment } from './optimal.js';
import type { UnassignedReason } from './whyNot.js';
import { explainUnassigned, noAcceptableReason } from './whyNot.js';
import { createRowScratch } from '../scoring/kernel.js';

export type AssignMode = 'stable' | 'optimal';
export type Proposer = 'talent' | 'platform';

export interface AssignOptions extends OptimalOptions {
  mode?: AssignMode;
  proposer?: Proposer;
  /** keep each talent's best L platforms only (0 = all acceptable pairs). Default 0. */
  maxPrefs?: number;
}

export interface Assignment {
  mode: AssignMode;
  proposer: Proposer;
  pairs: PairSet;
  matching: Matching;
  blockingPairs: number;
  totalScore: number;
  unassigned: UnassignedReason[];
  /** assigned talents and seats per platform (this run only) */
  assignedCount: Int32Array;
  assignedSeats: Int32Array;
  optimal?: Pick<OptimalResult, 'method' | 'bound' | 'boundKind' | 'gap'>;
}

/** Assignment over the scoring model's acceptable pairs (in process). */
export function assign(model: ScoringModel, o: AssignOptions = {}): Assignment {
  const scratch = createRowScratch(model.platforms.count);
  return assignPairs(buildPairSet(model, o.maxPrefs ?? 0), o, model.platforms.ids, (t) => noAcceptableReason(model, t, scratch));
}

/** Assignment over a prepared pair set (batch: pairs gathered from workers, reasons precomputed). */
export function assignPairs(ps: PairSet, o: AssignOptions, platformIds: readonly string[], noPairsReason: (t: number) => string): Assignment {
  const mode = o.mode ?? 'stable';
  const proposer = o.proposer ?? 'talent';
  let matching: Matching;
  let optimal: Assignment['optimal'];
  if (mode === 'stable') {
    matching = proposer === 'talent' ? talentProposing(ps) : platformProposing(ps);
    // deferred acceptance is stable when seats do not bind; otherwise repair what it left
    if (seatsBind(ps)) matching = resolveBlocking(ps, matching);
  } else {
    const r = optimalAssignment(ps, o);
    matching = r;
    optimal = { method: r.method, bound: r.bound, boundKind: r.boundKind, gap: r.gap };
  }
  const assignedCount = new Int32Array(ps.platforms);
  const assignedSeats = new Int32Array(ps.platforms);
  let totalScore = 0;
  for (let t = 0; t < ps.talents; t++) {
    const e = matching.pairOf[t];
    if (e < 0) continue;
    assignedCount[ps.plat[e]]++;
    assignedSeats[ps.plat[e]] += ps.seats[t];
    totalScore += ps.s[e];
  }
  return {
    mode,
    proposer,
    pairs: ps,
    matching,
    blockingPairs: countBlockingPairs(ps, matching),
    totalScore,
    unassigned: explainUnassigned(ps, matching, mode, platformIds, noPairsReason),
    assignedCount,
    assignedSeats,
    ...(optimal ? { optimal } : {}),
  };
}
