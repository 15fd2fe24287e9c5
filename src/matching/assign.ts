/**
 * Assignment orchestration: pair set -> stable or optimal matching -> blocking pairs,
 * per-platform use and reasons for the unassigned. Pure; the MILP solver is injected.
 */
import type { ScoringModel } from '../scoring/kernel.js';
import type { PairSet } from './pairs.js';
import { buildPairSet } from './pairs.js';
import type { Matching } from './types.js';
import { platformProposing, talentProposing } from './stable.js';
import { resolveBlocking } from './repair.js';
import { seatsBind } from './pairs.js';
import { countBlockingPairs } from './blocking.js';
import type { OptimalOptions, OptimalResult } from './optimal.js';
import { optimalAssignment } from './optimal.js';
import type { UnassignedReason } from './whyNot.js';
import { explainUnassigned, noAcceptableReason } from './whyNot.js';
import { createRowScratch } from '../scoring/kernel.js';
import { CapacityLedger } from './capacity.js';
import type { Decisions } from './decisions.js';
import { applyDecisions, withPins } from './decisions.js';
import { floorOutcomes, lessPinned } from './floors.js';

export type AssignMode = 'stable' | 'optimal';
export type Proposer = 'talent' | 'platform';

export interface AssignOptions extends OptimalOptions {
  mode?: AssignMode;
  proposer?: Proposer;
  /** keep each talent's best L platforms only (0 = all acceptable pairs). Default 0. */
  maxPrefs?: number;
  /** committee decisions (./decisions.ts): pins placed first, forbidden pairs removed, seats held back */
  decisions?: Decisions;
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
  /** free slots and seats left per platform after this run's assignment (the capacity ledger's) */
  slotsLeft: Int32Array;
  seatsLeft: Int32Array;
  optimal?: Pick<OptimalResult, 'method' | 'bound' | 'boundKind' | 'gap' | 'iterations' | 'floors'>;
  /** the optimal solver's own time (ms), when a clock was passed; not part of the output record (outputs are byte-identical run to run) */
  solveMs?: number;
  /** the decisions honoured (as given) */
  decisions?: Decisions;
}

/** Assignment over the scoring model's acceptable pairs (in process). */
export function assign(model: ScoringModel, o: AssignOptions = {}): Assignment {
  const scratch = createRowScratch(model.platforms.count);
  return assignPairs(buildPairSet(model, o.maxPrefs ?? 0), o, model.platforms.ids, (t) => noAcceptableReason(model, t, scratch), model.talents.ids);
}

/** Assignment over a prepared pair set (batch: pairs gathered from workers, reasons precomputed). */
export function assignPairs(all: PairSet, o: AssignOptions, platformIds: readonly string[], noPairsReason: (t: number) => string, talentIds?: ArrayLike<string>): Assignment {
  const mode = o.mode ?? 'stable';
  // with decisions, the matcher runs on what the pins leave (rest); the output shows the full view
  const decided = o.decisions ? applyDecisions(all, o.decisions, { talent: (t) => talentIds?.[t] ?? `#${t}`, platform: (p) => platformIds[p] }) : undefined;
  const ps = decided ? decided.rest : all;
  const proposer = o.proposer ?? 'talent';
  let matching: Matching;
  let optimal: Assignment['optimal'];
  let settled = false; // the repair's last scan proved it has no blocking pair
  let solveMs: number | undefined;
  if (mode === 'stable') {
    matching = proposer === 'talent' ? talentProposing(ps) : platformProposing(ps);
    // deferred acceptance is stable when seats do not bind; otherwise repair what it left
    if (seatsBind(ps)) {
      const r = resolveBlocking(ps, matching);
      matching = { pairOf: r.pairOf };
      settled = r.settled;
    }
  } else {
    // floors count pinned placements: the matcher places what the pins leave
    const floors = decided && o.floors ? lessPinned(o.floors, decided.pinnedPair) : o.floors;
    const r = optimalAssignment(ps, { ...o, ...(floors ? { floors } : {}) });
    matching = r;
    optimal = { method: r.method, bound: r.bound, boundKind: r.boundKind, gap: r.gap, ...(r.iterations !== undefined ? { iterations: r.iterations } : {}) };
    if (o.floors && r.floors) optimal.floors = floorOutcomes(decided ? decided.full : ps, decided ? withPins(decided, r.pairOf) : r.pairOf, o.floors);
    solveMs = r.solveMs;
  }
  const full = decided ? decided.full : ps;
  const final: Matching = decided ? { pairOf: withPins(decided, matching.pairOf) } : matching;
  const { count: assignedCount, seatsUsed: assignedSeats, slotsLeft, seatsLeft } = CapacityLedger.of(full, final.pairOf, full.plat);
  let totalScore = 0;
  for (let t = 0; t < full.talents; t++) if (final.pairOf[t] >= 0) totalScore += full.s[final.pairOf[t]];
  return {
    mode,
    proposer,
    pairs: full,
    matching: final,
    // stable for everyone else: blocking pairs and reasons on what the pins leave
    blockingPairs: settled ? 0 : countBlockingPairs(ps, matching),
    totalScore,
    unassigned: explainUnassigned(ps, matching, mode, platformIds, noPairsReason).filter((u) => !decided || decided.pinnedPair[u.talent] < 0),
    assignedCount,
    assignedSeats,
    slotsLeft,
    seatsLeft,
    ...(optimal ? { optimal } : {}),
    ...(solveMs !== undefined ? { solveMs } : {}),
    ...(o.decisions ? { decisions: o.decisions } : {}),
  };
}
