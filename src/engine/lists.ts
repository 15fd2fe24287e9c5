/**
 * The policy's list controls (`policy.lists`) applied to the talents' recommended lists:
 * one place for every consumer (library `engine.recommend`, CLI `recommend` / `run`, the
 * batch's recommendation lines). Applied after scoring: the talent-side lists only change
 * which platforms they show (a kept item keeps its score and its `why`); the platform-side
 * lists are untouched. Without `policy.lists` nothing here runs and outputs are unchanged.
 *
 *  - industryShare / diversity are per talent (../ranking/diversity.ts): `talentRowList`
 *    works from one scored row, so the batch applies them chunk by chunk.
 *  - exposureFloor is global (../ranking/controls.ts exposureFloor: every talent's list
 *    at once); `applyListControls` does it over all talents. The batch, which sees one
 *    chunk of talents at a time, refuses it (`assertBatchLists`).
 */
import type { ListControls, Policy } from '../domain/schemas.js';
import { TalentmatchError } from '../errors.js';
import type { ScoringModel } from '../scoring/kernel.js';
import type { PlatformFeatures } from '../features/build.js';
import type { Recommendations } from '../ranking/twoWay.js';
import { RowRanker } from '../ranking/rows.js';
import type { FloorResult } from '../ranking/controls.js';
import { candidateListsOf, exposureFloor } from '../ranking/controls.js';
import type { IndustryView } from '../ranking/diversity.js';
import { controlledList, mainIndustries } from '../ranking/diversity.js';
import { createTopK } from '../vector/topk.js';

/** The platforms' industry vectors and main industries. */
export function industryView(platforms: PlatformFeatures, dims: number): IndustryView {
  return { dims, vectors: platforms.industry, main: mainIndustries(platforms.industry, platforms.count, dims) };
}

/** True when the policy sets a list control that changes lists. */
export function hasListControls(policy: Pick<Policy, 'lists'>): policy is { lists: ListControls } {
  const l = policy.lists;
  return l !== undefined && (l.industryShare !== undefined || (l.diversity ?? 0) > 0 || l.exposureFloor !== undefined);
}

/**
 * One talent's list under the per-talent controls, from its scored row (`score[p] < 0`:
 * not acceptable). Returns platform indices, in list order. The candidates are sorted as
 * `recommend` ranks them: score desc, platform index asc.
 */
export function talentRowList(score: Float64Array, view: IndustryView, lists: ListControls, k: number): Int32Array {
  const cand: number[] = [];
  for (let p = 0; p < score.length; p++) if (score[p] >= 0) cand.push(p);
  cand.sort((a, b) => score[b] - score[a] || a - b);
  const s = Float64Array.from(cand, (p) => score[p]);
  const pos = controlledList(cand, s, cand.length, view, { k, ...(lists.industryShare !== undefined ? { industryShare: lists.industryShare } : {}), ...(lists.diversity !== undefined ? { diversity: lists.diversity } : {}) });
  return Int32Array.from(pos, (j) => cand[j]);
}

/** What the exposure floor did (absent for the per-talent controls). */
export interface ListControlReport {
  exposureFloor?: Pick<FloorResult, 'loss' | 'unmet'> & { floor: number; platformsWithFloor: number };
}

/**
 * The recommendations with the policy's list controls applied to the talent side (a new
 * object; `rec` itself when the policy sets none). Costs one more pass over every pair,
 * in process.
 */
export function applyListControls(model: ScoringModel, policy: Pick<Policy, 'lists'>, rec: Recommendations): { rec: Recommendations; report: ListControlReport } {
  if (!hasListControls(policy)) return { rec, report: {} };
  const lists = policy.lists;
  const k = rec.talent.k;
  const N = model.talents.count;
  const P = model.platforms;
  const top = createTopK(N, k);
  if (lists.exposureFloor === undefined) {
    const r = new RowRanker(model);
    const s = r.scratch.score;
    const view = industryView(P, model.ctx.dims);
    for (let t = 0; t < N; t++) {
      r.rank(t);
      const l = talentRowList(s, view, lists, k);
      for (let j = 0; j < l.length; j++) {
        top.ids[t * k + j] = l[j];
        top.scores[t * k + j] = s[l[j]];
      }
      top.sizes[t] = l.length;
    }
    return { rec: { ...rec, talent: top }, report: {} };
  }
  const c = candidateListsOf(model);
  const hasRoom = Array.from({ length: P.count }, (_, p) => P.freeSlots[p] > 0);
  const f = exposureFloor(c, k, lists.exposureFloor, hasRoom);
  f.shown.forEach((l, t) => {
    for (let j = 0; j < l.length; j++) {
      top.ids[t * k + j] = c.plat[l[j]];
      top.scores[t * k + j] = c.score[l[j]];
    }
    top.sizes[t] = l.length;
  });
  let platformsWithFloor = 0;
  for (const x of f.floor) if (x > 0) platformsWithFloor++;
  return { rec: { ...rec, talent: top }, report: { exposureFloor: { floor: lists.exposureFloor, platformsWithFloor, loss: f.loss, unmet: f.unmet } } };
}

/** The batch scores one chunk of talents at a time: it applies the per-talent controls and refuses the global ones. */
export function assertBatchLists(policy: Pick<Policy, 'lists' | 'assignmentFloors'>, mode: string): void {
  if (policy.lists?.exposureFloor !== undefined) {
    throw new TalentmatchError('E_UNSUPPORTED', 'policy.lists.exposureFloor: not available in batch (the floor re-ranks every talent\'s list at once; the batch scores chunks): use `talentmatch recommend` / `run`, or remove the field');
  }
  if (mode === 'optimal' && policy.assignmentFloors !== undefined && Object.values(policy.assignmentFloors).some((n) => n > 0)) {
    throw new TalentmatchError('E_UNSUPPORTED', 'policy.assignmentFloors: not available in batch (its optimal mode does not keep the talents\' industries): use `talentmatch match --mode optimal` / `run`, or remove the field');
  }
}
