/**
 * What each list control costs and gains, against the plain top-k (pure): talent-side
 * NDCG@k against the outcomes (the cost), the platforms' exposure Gini and coverage, and
 * industry balance (the gain), plus the score given up. The platform side's lists are not
 * changed by these talent-side controls; its NDCG is reported beside them unchanged.
 *
 * industry balance = mean over talents with a list of (the largest share of one industry
 * in its list); 1 = every list is one industry, lower = more varied. A platform's industry
 * is the largest component of its industry vector (as coverage in ./evaluate.ts).
 */
import type { ListControls, Outcome } from '../domain/schemas.js';
import type { CandidateLists, Shown } from '../ranking/controls.js';
import { candidateListsOf, capIndustryShare, exposureFloor, shownScore, topKShown } from '../ranking/controls.js';
import { controlledList, mainIndustries } from '../ranking/diversity.js';
import type { IndustryView } from '../ranking/diversity.js';
import { evaluateRanking, recommendWith, relevantPairs } from './evaluate.js';
import { exposureGini, listExposure, meanDefined, ndcgAtK } from './metrics.js';
import type { EvaluationSubject } from './subject.js';

export interface ControlOutcome {
  control: string;
  talentNdcg: number;
  platformNdcg: number;
  exposureGini: number;
  platformCoverage: number;
  industryBalance: number;
  /** total score of the plain top-k minus this control's (>= 0) */
  scoreLoss: number;
  /** exposure floor: platforms whose floor could not be met */
  unmetFloors?: number;
}

/** Every acceptable pair as talents' lists, best first (score desc, platform asc): the order `recommend` ranks by. */
export function candidateLists(engine: EvaluationSubject): CandidateLists {
  return candidateListsOf(engine.model);
}

/** Each platform's main industry (largest component of its industry vector; -1 when it has none). */
export function platformIndustries(engine: EvaluationSubject): Int32Array {
  return mainIndustries(engine.model.platforms.industry, engine.model.platforms.count, engine.model.ctx.dims);
}

function outcomeOf(control: string, c: CandidateLists, shown: Shown, plain: number, industryOf: Int32Array, relevant: Map<number, Set<number>>, k: number, platformNdcg: number): ControlOutcome {
  const lists = shown.map((list) => Array.from(list, (e) => c.plat[e]));
  const exposure = listExposure(c.platforms, lists);
  const balance: number[] = [];
  shown.forEach((list) => {
    const count = new Map<number, number>();
    for (const e of list) {
      count.set(industryOf[c.plat[e]], (count.get(industryOf[c.plat[e]]) ?? 0) + 1);
    }
    if (list.length > 0) balance.push(Math.max(...count.values()) / list.length);
  });
  const nd: number[] = [];
  for (const [t, rel] of relevant) nd.push(ndcgAtK(Array.from(shown[t], (e) => c.plat[e]), rel, k));
  let covered = 0;
  for (const x of exposure) if (x > 0) covered++;
  return {
    control,
    talentNdcg: meanDefined(nd),
    platformNdcg,
    exposureGini: exposureGini(c.platforms, lists),
    platformCoverage: c.platforms === 0 ? 0 : covered / c.platforms,
    industryBalance: meanDefined(balance),
    scoreLoss: plain - shownScore(c, shown),
  };
}

/** Per-talent controls (share cap and/or MMR diversity) over every talent's candidates. */
function perTalent(c: CandidateLists, view: IndustryView, k: number, o: { industryShare?: number; diversity?: number }): Shown {
  const out: Shown = [];
  for (let t = 0; t < c.talents; t++) {
    const a = c.ptr[t];
    const n = c.ptr[t + 1] - a;
    const pos = controlledList(c.plat.subarray(a, a + n), c.score.subarray(a, a + n), n, view, { k, ...o });
    out.push(Int32Array.from(pos, (j) => a + j));
  }
  return out;
}

/**
 * The plain top-k, then each requested control: industry share cap `share` in (0, 1],
 * exposure floor of `floor` talents, MMR diversity weight in [0, 1], and the policy's own
 * `lists` (the controls `recommend` applies) when it sets them.
 */
export function evaluateControls(engine: EvaluationSubject, outcomes: readonly Outcome[], k: number, o: { industryShare?: number; exposureFloor?: number; diversity?: number; policy?: ListControls }): ControlOutcome[] {
  const c = candidateLists(engine);
  const industryOf = platformIndustries(engine);
  const relevant = new Map<number, Set<number>>();
  for (const [t, p] of relevantPairs(engine, outcomes)) {
    if (!relevant.has(t)) relevant.set(t, new Set());
    relevant.get(t)!.add(p);
  }
  const platformNdcg = evaluateRanking(engine.model, recommendWith(engine.model, k), relevantPairs(engine, outcomes), k).platform.ndcg;
  const base = topKShown(c, k);
  const plain = shownScore(c, base);
  const out = [outcomeOf('plain top-k', c, base, plain, industryOf, relevant, k, platformNdcg)];
  if (o.industryShare !== undefined) out.push(outcomeOf(`industry share <= ${o.industryShare}`, c, capIndustryShare(c, industryOf, k, o.industryShare), plain, industryOf, relevant, k, platformNdcg));
  if (o.exposureFloor !== undefined) {
    const P = engine.model.platforms;
    const r = exposureFloor(c, k, o.exposureFloor, Array.from({ length: P.count }, (_, p) => P.freeSlots[p] > 0));
    out.push({ ...outcomeOf(`exposure floor ${o.exposureFloor}`, c, r.shown, plain, industryOf, relevant, k, platformNdcg), unmetFloors: r.unmet.length });
  }
  const view: IndustryView = { dims: engine.model.ctx.dims, vectors: engine.model.platforms.industry, main: industryOf };
  if (o.diversity !== undefined) out.push(outcomeOf(`diversity ${o.diversity}`, c, perTalent(c, view, k, { diversity: o.diversity }), plain, industryOf, relevant, k, platformNdcg));
  const pl = o.policy;
  if (pl && (pl.industryShare !== undefined || (pl.diversity ?? 0) > 0 || pl.exposureFloor !== undefined)) {
    const label = `policy: ${[pl.industryShare !== undefined ? `share ${pl.industryShare}` : '', (pl.diversity ?? 0) > 0 ? `div ${pl.diversity}` : '', pl.exposureFloor !== undefined ? `floor ${pl.exposureFloor}` : ''].filter((x) => x !== '').join(', ')}`;
    if (pl.exposureFloor !== undefined) {
      const P = engine.model.platforms;
      const r = exposureFloor(c, k, pl.exposureFloor, Array.from({ length: P.count }, (_, p) => P.freeSlots[p] > 0));
      out.push({ ...outcomeOf(label, c, r.shown, plain, industryOf, relevant, k, platformNdcg), unmetFloors: r.unmet.length });
    } else {
      const opts = { ...(pl.industryShare !== undefined ? { industryShare: pl.industryShare } : {}), ...(pl.diversity !== undefined ? { diversity: pl.diversity } : {}) };
      out.push(outcomeOf(label, c, perTalent(c, view, k, opts), plain, industryOf, relevant, k, platformNdcg));
    }
  }
  return out;
}
