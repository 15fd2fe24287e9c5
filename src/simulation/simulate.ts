/**
 * The what-if simulator's core (pure, no I/O): the baseline and each scenario on the same
 * data and options, the scenario rescoring only what its change touched, and the diff of
 * the two. The adapters (CLI `simulate`, `POST /v1/simulate`) read, call and write.
 */
import type { Industry, Platform, Policy, Talent } from '../domain/schemas.js';
import type { Scenario } from '../domain/scenario.js';
import type { Engine } from '../engine/engine.js';
import type { ReferralContext } from '../engine/formatAssignment.js';
import type { AssignOptions, Assignment } from '../matching/assign.js';
import { assignIncoming, hostIndex, hostedPairs } from '../engine/hosted.js';
import { assignmentFloorsOf } from '../engine/floors.js';
import { explainPair } from '../scoring/explain.js';
import { noAcceptableReason } from '../matching/whyNot.js';
import type { Referrals } from '../referrals/referrals.js';
import { buildReferrals, supportInputs } from '../referrals/referrals.js';
import type { ScoringModel } from '../scoring/kernel.js';
import { createRowScratch } from '../scoring/kernel.js';
import { applyScenario } from './patch.js';
import { deriveScenarioModel } from './derive.js';
import type { PairTable, RescoreStats } from './table.js';
import { deriveTable, pairSetFromTable, scoreTable } from './table.js';
import type { SimulationDiff } from './diff.js';
import { diffSides } from './diff.js';

export interface SimulateOptions {
  /** the assignment's options, exactly as `match` takes them */
  assign: AssignOptions;
  /** top-k for coverage and exposure (platforms per talent). Default 10. */
  topK?: number;
  /** talents per platform for the platform side's coverage and exposure. Default: topK. */
  topKPlatform?: number;
}

/** One side of a comparison: its data, scored pairs, assignment and referrals. */
export interface SimSide {
  model: ScoringModel;
  talents: readonly Talent[];
  platforms: readonly Platform[];
  industries: readonly Industry[];
  policy: Policy;
  table: PairTable;
  assignment: Assignment;
  referrals: Referrals;
  context: ReferralContext;
}

export interface ScenarioCost extends RescoreStats {
  /** texts vectorized for the scenario */
  vectorized: number;
  /** the vocabulary was reused (false: the reference corpus changed, a full build) */
  reusedText: boolean;
  /** every pair of the scenario */
  totalPairs: number;
}

export interface ScenarioRun {
  name: string;
  side: SimSide;
  cost: ScenarioCost;
  diff: SimulationDiff;
}

function side(model: ScoringModel, data: { talents: readonly Talent[]; platforms: readonly Platform[]; industries: readonly Industry[]; policy: Policy }, table: PairTable, o: AssignOptions): SimSide {
  const scratch = createRowScratch(model.platforms.count);
  const ps = pairSetFromTable(table, model, o.maxPrefs ?? 0);
  // hosted projects stay where they are hosted, exactly as `match` / `refer` treat them
  const hostOf = hostIndex(data.talents.map((t) => t.hostedBy), new Map(model.platforms.ids.map((id, i) => [id, i])));
  // the policy's assignment floors in optimal mode, exactly as `match` applies them
  const floors = o.mode === 'optimal' ? assignmentFloorsOf(model, data.industries.map((i) => i.id), data.policy) : undefined;
  const assignment = assignIncoming(ps, hostOf, floors ? { ...o, floors } : o, model.platforms.ids, (t) => noAcceptableReason(model, t, scratch));
  const referrals = buildReferrals({ ...supportInputs(model), hosted: hostedPairs(hostOf, (t, p) => explainPair(model, t, p)) }, assignment, data.policy);
  return {
    model,
    ...data,
    table,
    assignment,
    referrals,
    context: { talentIds: model.talents.ids, platformIds: model.platforms.ids, platforms: data.platforms, why: (t, p) => explainPair(model, t, p).why },
  };
}

/** The baseline: every acceptable pair scored once, then assignment and referrals as `match` / `refer` compute them. */
export function simulateBaseline(engine: Engine, o: SimulateOptions): SimSide {
  return side(engine.model, engine.data, scoreTable(engine.model), o.assign);
}

/** One scenario against a baseline computed by simulateBaseline on the same engine and options. */
export function simulateScenario(engine: Engine, baseline: SimSide, scenario: Scenario, o: SimulateOptions): ScenarioRun {
  const data = applyScenario(engine.data, scenario);
  const sm = deriveScenarioModel(engine, data);
  const { table, stats } = deriveTable(baseline.table, sm);
  const s = side(sm.model, { talents: sm.talents, platforms: sm.platforms, industries: data.industries, policy: data.policy }, table, o.assign);
  const cost: ScenarioCost = { ...stats, vectorized: sm.vectorized, reusedText: sm.reusedText, totalPairs: sm.model.talents.count * sm.model.platforms.count };
  const topK = o.topK ?? 10;
  return { name: scenario.name, side: s, cost, diff: diffSides(scenario.name, baseline, s, topK, o.topKPlatform ?? topK, cost) };
}
