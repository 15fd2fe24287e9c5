/**
 * What the analyst studio shows (pure): for one weight set, both sides' ranking metrics
 * against the outcomes and one entity's two-way lists with each item's why; between two
 * weight sets, which lists changed and where each item moved. The studio's API
 * (adapters/http/studio.ts) calls these; the page only draws what they return.
 *
 * The studio moves the term weights and the fusion: the weights the scoring context
 * reads (./evaluate.ts modelWithWeights), so a new weight set rescores the same features
 * without rebuilding the model. Other keys (text exponent and shares, cross-lingual shares,
 * level values, stage affinities, industry shares) stay those of the dataset.
 */
import type { Term, Weights } from '../config/weights.js';
import { TERMS } from '../config/weights.js';
import type { Breakdown } from '../scoring/explain.js';
import { explainPair } from '../scoring/explain.js';
import type { ScoringModel } from '../scoring/kernel.js';
import type { Recommendations } from '../ranking/twoWay.js';
import type { EvaluationSubject } from './subject.js';
import type { Evaluation } from './evaluate.js';
import { evaluateRanking, modelWithWeights, recommendWith } from './evaluate.js';
import { STUDIO_LIMITS } from '../config/studio.js';

/** The keys the studio moves: the term weights, the fusion and the weighted fusion's talent share. */
export const STUDIO_KEYS = [...TERMS, 'fusion', 'fusionTalentShare'] as const;
export type StudioWeights = Pick<Weights, Term | 'fusion' | 'fusionTalentShare'>;

export type Side = 'talent' | 'platform';

/** Ranking metrics without the per-platform exposure array; NaN (no query) becomes null for JSON. */
export interface StudioMetrics {
  k: number;
  talent: { ndcg: number | null; map: number | null; recall: number | null; mrr: number | null; queries: number };
  platform: { ndcg: number | null; map: number | null; recall: number | null; mrr: number | null; queries: number };
  coverage: { platforms: number; industries: number };
  exposureGini: number;
}

/** One weight set applied: the rescored model, both sides' top-k and the metrics. */
export interface StudioRun {
  weights: StudioWeights;
  model: ScoringModel;
  rec: Recommendations;
  metrics: StudioMetrics;
}

export interface StudioItem {
  id: string;
  name: string;
  /** 1-based rank in the list it is shown in */
  rank: number;
  /** with a comparison: the item's rank in the other weight set's list (null: it was not listed) */
  from?: number | null;
  score: number;
  /** the one-sided score of the list's owner (the focus in `top`, the item in `listedBy`) */
  forward: number;
  backward: number;
  why: Breakdown;
}

export interface StudioFocus {
  side: Side;
  id: string;
  name: string;
  /** the focus's own top-k: platforms for a talent, talents for a platform, best first */
  top: StudioItem[];
  /** the other side's entities that list the focus in their top-k; rank = the focus's rank in their list */
  listedBy: StudioItem[];
}

const num = (x: number) => (Number.isNaN(x) ? null : x);

function metricsOf(e: Omit<Evaluation, 'assignment'>): StudioMetrics {
  const side = (s: Evaluation['talent']) => ({ ndcg: num(s.ndcg), map: num(s.map), recall: num(s.recall), mrr: num(s.mrr), queries: s.queries });
  return { k: e.k, talent: side(e.talent), platform: side(e.platform), coverage: e.coverage, exposureGini: e.exposureGini };
}

/** The subject rescored with `weights` (studio keys only), ranked two ways at k, and evaluated against `relevant`. */
export function studioRun(subject: EvaluationSubject, weights: StudioWeights, relevant: readonly [number, number][], k: number): StudioRun {
  const model = modelWithWeights(subject, weights);
  const rec = recommendWith(model, k);
  return { weights, model, rec, metrics: metricsOf(evaluateRanking(model, rec, relevant, k)) };
}

/** The studio keys of a full weight set. */
export const studioWeightsOf = (w: Weights): StudioWeights => Object.fromEntries(STUDIO_KEYS.map((key) => [key, w[key]])) as StudioWeights;

/** Names by index, both sides (the subject's records are sorted by id, as the model's rows). */
export interface Names {
  talent: readonly string[];
  platform: readonly string[];
}
export const namesOf = (s: EvaluationSubject): Names => ({ talent: s.data.talents.map((t) => t.name), platform: s.data.platforms.map((p) => p.name) });

/** Pair (ti, pi) shown as an entity of `shownSide`, in a list owned by `owner` (whose one-sided score is `forward`). */
function item(m: ScoringModel, names: Names, ti: number, pi: number, rank: number, shownSide: Side, owner: Side): StudioItem {
  const e = explainPair(m, ti, pi);
  return {
    id: shownSide === 'platform' ? m.platforms.ids[pi] : m.talents.ids[ti],
    name: shownSide === 'platform' ? names.platform[pi] : names.talent[ti],
    rank,
    score: e.score,
    forward: owner === 'talent' ? e.talentScore : e.platformScore,
    backward: owner === 'talent' ? e.platformScore : e.talentScore,
    why: e.why,
  };
}

/** The two-way lists of one entity (`index`: its row on its side) under one run. */
export function focusLists(run: StudioRun, names: Names, side: Side, index: number): StudioFocus {
  const { model: m, rec } = run;
  const top: StudioItem[] = [];
  const listedBy: StudioItem[] = [];
  if (side === 'talent') {
    const base = index * rec.talent.k;
    for (let j = 0; j < rec.talent.sizes[index]; j++) top.push(item(m, names, index, rec.talent.ids[base + j], j + 1, 'platform', 'talent'));
    // platforms whose top-k holds this talent, by the talent's rank there, then platform id
    for (let p = 0; p < rec.platform.rows; p++) {
      const b = p * rec.platform.k;
      for (let j = 0; j < rec.platform.sizes[p]; j++) if (rec.platform.ids[b + j] === index) listedBy.push(item(m, names, index, p, j + 1, 'platform', 'platform'));
    }
  } else {
    const base = index * rec.platform.k;
    for (let j = 0; j < rec.platform.sizes[index]; j++) top.push(item(m, names, rec.platform.ids[base + j], index, j + 1, 'talent', 'platform'));
    for (let t = 0; t < rec.talent.rows; t++) {
      const b = t * rec.talent.k;
      for (let j = 0; j < rec.talent.sizes[t]; j++) if (rec.talent.ids[b + j] === index) listedBy.push(item(m, names, t, index, j + 1, 'talent', 'talent'));
    }
  }
  listedBy.sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { side, id: side === 'talent' ? m.talents.ids[index] : m.platforms.ids[index], name: side === 'talent' ? names.talent[index] : names.platform[index], top, listedBy };
}

/** B's focus lists with each item's rank under A (`from`; null = not in A's list). */
export function withShifts(a: StudioFocus, b: StudioFocus): StudioFocus {
  const rankIn = (xs: StudioItem[]) => new Map(xs.map((x) => [x.id, x.rank]));
  const ta = rankIn(a.top);
  const la = rankIn(a.listedBy);
  return { ...b, top: b.top.map((x) => ({ ...x, from: ta.get(x.id) ?? null })), listedBy: b.listedBy.map((x) => ({ ...x, from: la.get(x.id) ?? null })) };
}

export interface Mover {
  side: Side;
  id: string;
  name: string;
  /** items in B's top-k that were not in A's */
  entered: number;
  /** sum over items in both lists of |rank in B - rank in A| */
  shift: number;
}

export interface ListChanges {
  /** entities whose top-k list differs (membership or order) */
  changed: { talent: number; platform: number };
  /** the entities that moved most, per side (entered, then shift, then id) */
  movers: Mover[];
}

function sideChanges(a: Recommendations['talent'], b: Recommendations['talent'], side: Side, ids: readonly string[], names: readonly string[], limit: number): { changed: number; movers: Mover[] } {
  let changed = 0;
  const movers: Mover[] = [];
  const rankA = new Map<number, number>();
  for (let r = 0; r < a.rows; r++) {
    rankA.clear();
    const ba = r * a.k;
    const bb = r * b.k;
    for (let j = 0; j < a.sizes[r]; j++) rankA.set(a.ids[ba + j], j);
    let entered = 0;
    let shift = 0;
    for (let j = 0; j < b.sizes[r]; j++) {
      const was = rankA.get(b.ids[bb + j]);
      if (was === undefined) entered++;
      else shift += Math.abs(was - j);
    }
    const differs = entered > 0 || shift > 0 || a.sizes[r] !== b.sizes[r];
    if (!differs) continue;
    changed++;
    movers.push({ side, id: ids[r], name: names[r], entered, shift });
  }
  movers.sort((x, y) => y.entered - x.entered || y.shift - x.shift || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return { changed, movers: movers.slice(0, limit) };
}

/** Which entities' lists differ between runs A and B, and the largest movers of each side. */
export function listChanges(a: StudioRun, b: StudioRun, names: Names, limit: number = STUDIO_LIMITS.movers): ListChanges {
  const t = sideChanges(a.rec.talent, b.rec.talent, 'talent', a.model.talents.ids, names.talent, limit);
  const p = sideChanges(a.rec.platform, b.rec.platform, 'platform', a.model.platforms.ids, names.platform, limit);
  return { changed: { talent: t.changed, platform: p.changed }, movers: [...t.movers, ...p.movers] };
}

export interface EntityHit {
  side: Side;
  id: string;
  name: string;
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase();

/**
 * Entities whose id or name contains the query (NFKC, case-insensitive; Chinese matches
 * as typed). Exact id first, then prefix matches of id or name, then the rest; talents
 * before platforms within a class, then by id. At most `limit`.
 */
export function findEntities(names: Names, ids: Names, query: string, limit: number): EntityHit[] {
  const q = fold(query.trim());
  if (q.length === 0) return [];
  const hits: { h: EntityHit; cls: number }[] = [];
  for (const side of ['talent', 'platform'] as const) {
    const is = ids[side];
    const ns = names[side];
    for (let i = 0; i < is.length; i++) {
      const id = fold(is[i]);
      const name = fold(ns[i]);
      const cls = id === q ? 0 : id.startsWith(q) || name.startsWith(q) ? 1 : id.includes(q) || name.includes(q) ? 2 : -1;
      if (cls >= 0) hits.push({ h: { side, id: is[i], name: ns[i] }, cls });
    }
  }
  const sideOrder = (s: Side) => (s === 'talent' ? 0 : 1);
  hits.sort((a, b) => a.cls - b.cls || sideOrder(a.h.side) - sideOrder(b.h.side) || (a.h.id < b.h.id ? -1 : a.h.id > b.h.id ? 1 : 0));
  return hits.slice(0, limit).map((x) => x.h);
}
