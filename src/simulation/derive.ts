/**
 * The scenario's scoring model, built from the baseline engine by reusing what the change
 * did not touch:
 *  - the reference corpus (industries and every platform's name + description, the same
 *    platform set) unchanged: the vocabulary, idf and industry term table are reused, and
 *    every text already vectorized in the baseline is looked up, not vectorized again (a
 *    capacity, mode, policy or weights change vectorizes nothing; an edited talent
 *    vectorizes its own texts only). Structured fields and industry vectors (a few
 *    multiply-adds per entity) are rebuilt by the same builders as any run;
 *  - the reference corpus changed (an industry, a platform's text, a platform added or
 *    removed): the vocabulary itself changes, so the scenario is a full engine build.
 * Then which pairs need rescoring: all of them when the scoring context differs (weights,
 * priorities, minimum score) or the text model was refitted; otherwise only the talents
 * whose feature row changed and the platforms whose feature column changed.
 */
import type { Platform, Talent } from '../domain/schemas.js';
import type { Dataset } from '../engine/data.js';
import type { Engine } from '../engine/engine.js';
import { createEngine } from '../engine/engine.js';
import { buildPlatformSide, talentFeatures } from '../engine/platformSide.js';
import { resolveWeights } from '../config/weights.js';
import type { KnownVectors } from '../features/build.js';
import { industryText, platformText, talentDescriptionText, talentProfileText } from '../features/build.js';
import { STAGE_COLUMNS } from '../features/build.js';
import type { ScoringContext } from '../scoring/context.js';
import type { ScoringModel } from '../scoring/kernel.js';
import type { CsrMatrix, SparseVector } from '../vector/sparse.js';
import { csrRow } from '../vector/sparse.js';

export interface ScenarioModel {
  model: ScoringModel;
  /** entities sorted by id, as the model indexes them */
  talents: readonly Talent[];
  platforms: readonly Platform[];
  /** scenario talent index -> baseline talent index, -1 for a talent the baseline lacks */
  baseTalent: Int32Array;
  /** true: vocabulary, idf and baseline vectors were reused; false: a full engine build */
  reusedText: boolean;
  /** texts vectorized for the scenario (0 for a capacity, mode, policy or weights change) */
  vectorized: number;
  /** every pair must be rescored (scoring context or text model changed) */
  rescoreAll: boolean;
  /** per scenario talent: its feature row changed (rescore its whole row) */
  rowChanged: Uint8Array;
  /** per platform: its feature column changed (rescore that column); only when the platform set is unchanged */
  columnChanged: Uint8Array;
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function sameSlice(a: ArrayLike<number>, b: ArrayLike<number>, ia: number, ib: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a[ia + k] !== b[ib + k]) return false;
  return true;
}

function sameRow(a: CsrMatrix, b: CsrMatrix, ra: number, rb: number): boolean {
  const na = a.indptr[ra + 1] - a.indptr[ra];
  if (na !== b.indptr[rb + 1] - b.indptr[rb]) return false;
  return sameSlice(a.indices, b.indices, a.indptr[ra], b.indptr[rb], na) && sameSlice(a.values, b.values, a.indptr[ra], b.indptr[rb], na);
}

function sameContext(a: ScoringContext, b: ScoringContext): boolean {
  return (
    a.dims === b.dims &&
    a.fusion === b.fusion &&
    a.fusionTalentShare === b.fusionTalentShare &&
    a.textProfileShare === b.textProfileShare &&
    a.textExponent === b.textExponent &&
    a.minScore === b.minScore &&
    sameSlice(a.priority, b.priority, 0, 0, a.dims) &&
    sameSlice(a.wTalent, b.wTalent, 0, 0, a.wTalent.length) &&
    sameSlice(a.wPlatform, b.wPlatform, 0, 0, a.wPlatform.length)
  );
}

/** Whether the reference corpus (what the vocabulary and idf are fitted on) is the same. */
function sameReference(base: Engine, industries: Dataset['industries'], platforms: readonly Platform[]): boolean {
  const bi = base.data.industries;
  const bp = base.data.platforms;
  if (bi.length !== industries.length || bp.length !== platforms.length) return false;
  for (let i = 0; i < bi.length; i++) if (bi[i].id !== industries[i].id || industryText(bi[i]) !== industryText(industries[i])) return false;
  for (let i = 0; i < bp.length; i++) if (bp[i].id !== platforms[i].id || platformText(bp[i]) !== platformText(platforms[i])) return false;
  return true;
}

/** The baseline's TF-IDF rows by text (talents' indexed on first need), counting the texts it does not know. */
function knownVectors(base: Engine): { known: KnownVectors; misses: () => number } {
  const m = base.model;
  const platforms = new Map<string, SparseVector>();
  base.data.platforms.forEach((p, i) => platforms.set(platformText(p), csrRow(m.platforms.doc, i)));
  let talents: Map<string, SparseVector> | undefined;
  const talentMap = () => {
    if (!talents) {
      const map = new Map<string, SparseVector>();
      base.data.talents.forEach((t, i) => {
        map.set(talentDescriptionText(t), csrRow(m.talents.desc, i));
        map.set(talentProfileText(t), csrRow(m.talents.profile, i));
      });
      talents = map;
    }
    return talents;
  };
  let misses = 0;
  return {
    known: (text) => {
      const v = platforms.get(text) ?? talentMap().get(text);
      if (v === undefined) misses++;
      return v;
    },
    misses: () => misses,
  };
}

const sameList = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function sameExclusions(a: ReadonlyMap<string, readonly number[]>, b: ReadonlyMap<string, readonly number[]>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || !sameList(v, w)) return false;
  }
  return true;
}

/** Builds the scenario's model from the baseline engine and the (validated) scenario data. */
export function deriveScenarioModel(base: Engine, data: Dataset): ScenarioModel {
  const talents = [...data.talents].sort(byId);
  const platforms = [...data.platforms].sort(byId);
  const baseIndex = new Map(base.model.talents.ids.map((id, i) => [id, i]));
  const baseTalent = Int32Array.from(talents, (t) => baseIndex.get(t.id) ?? -1);
  const N = talents.length;
  const M = platforms.length;

  if (!sameReference(base, data.industries, platforms)) {
    const engine = createEngine({ ...data, talents, platforms }, { trusted: true });
    return {
      model: engine.model,
      talents,
      platforms,
      baseTalent,
      reusedText: false,
      vectorized: N * 2 + M + data.industries.length,
      rescoreAll: true,
      rowChanged: new Uint8Array(N).fill(1),
      columnChanged: new Uint8Array(M).fill(1),
    };
  }

  const { known, misses } = knownVectors(base);
  const weights = resolveWeights(data.weights);
  const side = buildPlatformSide(data.industries, platforms, data.policy, weights, base.tokens, { text: base.text, industry: base.industry, concepts: base.side.concepts, known });
  // the talents' features depend on the talents, the weights and the platforms' exclusions:
  // when none of them changed (untouched records are shared, see patch.ts) they are reused whole
  const reuseTalents = sameList(talents, base.data.talents) && JSON.stringify(weights) === JSON.stringify(base.weights) && sameExclusions(side.excludedBy, base.side.excludedBy);
  const T = reuseTalents ? base.model.talents : talentFeatures(side, talents, base.tokens, known);
  const model: ScoringModel = { ctx: side.ctx, talents: T, platforms: side.platforms };
  const B = base.model;
  const D = side.ctx.dims;

  const columnChanged = new Uint8Array(M);
  const P = side.platforms;
  const BP = B.platforms;
  for (let p = 0; p < M; p++) {
    const same =
      P.offerMask[p] === BP.offerMask[p] &&
      P.slots[p] === BP.slots[p] &&
      P.freeSlots[p] === BP.freeSlots[p] &&
      P.seats[p] === BP.seats[p] &&
      P.freeSeats[p] === BP.freeSeats[p] &&
      P.capital[p] === BP.capital[p] &&
      P.signing[p] === BP.signing[p] &&
      sameSlice(P.industry, BP.industry, p * D, p * D, D) &&
      sameSlice(P.stageFit, BP.stageFit, p * STAGE_COLUMNS, p * STAGE_COLUMNS, STAGE_COLUMNS);
    if (!same) columnChanged[p] = 1;
  }
  const rowChanged = new Uint8Array(N);
  const BT = B.talents;
  for (let t = 0; t < N && !reuseTalents; t++) {
    const b = baseTalent[t];
    const same =
      b >= 0 &&
      T.needMask[t] === BT.needMask[b] &&
      T.seats[t] === BT.seats[b] &&
      T.capital[t] === BT.capital[b] &&
      T.stage[t] === BT.stage[b] &&
      T.level[t] === BT.level[b] &&
      sameSlice(T.industry, BT.industry, t * D, b * D, D) &&
      sameRow(T.desc, BT.desc, t, b) &&
      sameRow(T.profile, BT.profile, t, b) &&
      T.exclIndptr[t + 1] - T.exclIndptr[t] === BT.exclIndptr[b + 1] - BT.exclIndptr[b] &&
      sameSlice(T.exclIdx, BT.exclIdx, T.exclIndptr[t], BT.exclIndptr[b], T.exclIndptr[t + 1] - T.exclIndptr[t]);
    if (!same) rowChanged[t] = 1;
  }
  return {
    model,
    talents,
    platforms,
    baseTalent,
    reusedText: true,
    vectorized: misses(),
    rescoreAll: !sameContext(B.ctx, side.ctx),
    rowChanged,
    columnChanged,
  };
}
