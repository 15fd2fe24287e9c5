/**
 * Offline evaluation against an outcomes history (signed / financed = relevant), for each
 * side separately, plus coverage, exposure concentration and assignment health. Pure.
 *
 * Protocol: full-catalogue top-k. The talent side ranks every platform for each talent
 * with at least one relevant outcome; the platform side ranks every talent for each
 * platform with at least one. Pairs without an outcome count as not relevant (the usual
 * offline convention: it depresses absolute numbers, equally for every weighting).
 */
import type { Outcome } from '../domain/schemas.js';
import type { Weights, WeightsInput } from '../config/weights.js';
import { resolveWeights } from '../config/weights.js';
import type { EvaluationSubject } from './subject.js';
import type { Recommendations } from '../ranking/twoWay.js';
import { recommendAll } from '../ranking/twoWay.js';
import { createScoringContext } from '../scoring/context.js';
import type { ScoringModel } from '../scoring/kernel.js';
import type { Assignment } from '../matching/assign.js';
import { apAtK, gini, listExposure, meanDefined, ndcgAtK, recallAtK, reciprocalRank } from './metrics.js';

export const RELEVANT_OUTCOMES: ReadonlySet<Outcome['outcome']> = new Set(['signed', 'financed']);

export interface SideMetrics {
  ndcg: number;
  map: number;
  recall: number;
  mrr: number;
  /** entities with at least one relevant outcome (the averaged queries) */
  queries: number;
}

export interface Evaluation {
  k: number;
  talent: SideMetrics;
  platform: SideMetrics;
  coverage: { platforms: number; industries: number };
  exposureGini: number;
  /** top-k appearances per platform (index order) */
  exposure: number[];
  assignment?: { slotFill: number; seatFill: number; blockingPairs: number; unassigned: number };
}

/** Relevant outcomes as index pairs (outcomes naming unknown ids are ignored here; loaders reject them). */
export function relevantPairs(engine: EvaluationSubject, outcomes: readonly Outcome[]): [number, number][] {
  const out: [number, number][] = [];
  const tIdx = new Map(engine.model.talents.ids.map((id, i) => [id, i]));
  const pIdx = new Map(engine.model.platforms.ids.map((id, i) => [id, i]));
  for (const o of outcomes) {
    if (!RELEVANT_OUTCOMES.has(o.outcome)) continue;
    const t = tIdx.get(o.talentId);
    const p = pIdx.get(o.platformId);
    if (t !== undefined && p !== undefined) out.push([t, p]);
  }
  return out;
}

/** A scoring model with new scorer weights over the same features (for weights that only the scoring context reads). */
export function modelWithWeights(engine: EvaluationSubject, w: WeightsInput | Weights): ScoringModel {
  const resolved = resolveWeights({ ...engine.weights, ...w });
  return { ...engine.model, ctx: createScoringContext(resolved, engine.industry.priority, engine.model.ctx.minScore) };
}

export function recommendWith(model: ScoringModel, k: number): Recommendations {
  return recommendAll(model, k, k);
}

function sideMetrics(rec: Recommendations['talent'], relevant: Map<number, Set<number>>, k: number): SideMetrics {
  const nd: number[] = [];
  const ap: number[] = [];
  const rc: number[] = [];
  const rr: number[] = [];
  for (const [row, rel] of relevant) {
    const ranked = Array.from(rec.ids.subarray(row * rec.k, row * rec.k + rec.sizes[row]));
    nd.push(ndcgAtK(ranked, rel, k));
    ap.push(apAtK(ranked, rel, k));
    rc.push(recallAtK(ranked, rel, k));
    rr.push(reciprocalRank(ranked, rel));
  }
  return { ndcg: meanDefined(nd), map: meanDefined(ap), recall: meanDefined(rc), mrr: meanDefined(rr), queries: relevant.size };
}

/** The talents' lists of a two-way top-k, as platform indices (row by row). */
export function* talentLists(rec: Recommendations): Generator<Int32Array> {
  const r = rec.talent;
  for (let t = 0; t < r.rows; t++) yield r.ids.subarray(t * r.k, t * r.k + r.sizes[t]);
}

export function evaluateRanking(model: ScoringModel, rec: Recommendations, relevant: readonly [number, number][], k: number): Omit<Evaluation, 'assignment'> {
  const byTalent = new Map<number, Set<number>>();
  const byPlatform = new Map<number, Set<number>>();
  for (const [t, p] of relevant) {
    if (!byTalent.has(t)) byTalent.set(t, new Set());
    byTalent.get(t)!.add(p);
    if (!byPlatform.has(p)) byPlatform.set(p, new Set());
    byPlatform.get(p)!.add(t);
  }
  const M = model.platforms.count;
  const D = model.ctx.dims;
  const exposure = Array.from(listExposure(M, talentLists(rec)));
  // a platform's industry for coverage: the largest component of its industry vector
  const industriesSeen = new Set<number>();
  let platformsSeen = 0;
  for (let p = 0; p < M; p++) {
    if (exposure[p] === 0) continue;
    platformsSeen++;
    let best = 0;
    for (let d = 1; d < D; d++) if (model.platforms.industry[p * D + d] > model.platforms.industry[p * D + best]) best = d;
    industriesSeen.add(best);
  }
  return {
    k,
    talent: sideMetrics(rec.talent, byTalent, k),
    platform: sideMetrics(rec.platform, byPlatform, k),
    coverage: { platforms: M === 0 ? 0 : platformsSeen / M, industries: D === 0 ? 0 : industriesSeen.size / D },
    exposureGini: gini(exposure), // = exposureGini(M, talentLists(rec)): the measure tune penalises
    exposure,
  };
}

function assignmentHealth(a: Assignment): NonNullable<Evaluation['assignment']> {
  let slots = 0;
  let seats = 0;
  let usedSlots = 0;
  let usedSeats = 0;
  for (let p = 0; p < a.pairs.platforms; p++) {
    slots += Math.max(0, a.pairs.freeSlots[p]);
    seats += Math.max(0, a.pairs.freeSeats[p]);
    usedSlots += a.assignedCount[p];
    usedSeats += a.assignedSeats[p];
  }
  return { slotFill: slots ? usedSlots / slots : 0, seatFill: seats ? usedSeats / seats : 0, blockingPairs: a.blockingPairs, unassigned: a.unassigned.length };
}

/**
 * Full evaluation of an engine at its own weights: ranking metrics and the stable
 * assignment's health. `rec`: the engine's two-way top-k at k, when the caller ranked
 * already (on threads: workers/threaded.ts); default: ranked here, in process.
 */
export function evaluate(engine: EvaluationSubject, outcomes: readonly Outcome[], k: number, rec: Recommendations = engine.recommend({ k, kPlatform: k })): Evaluation {
  const base = evaluateRanking(engine.model, rec, relevantPairs(engine, outcomes), k);
  return { ...base, assignment: assignmentHealth(engine.match({ mode: 'stable' })) };
}
