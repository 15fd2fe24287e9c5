/**
 * Baseline vs scenario, side by side (pure): talents placed / unplaced (overall and by
 * industry), who moves (from -> to with both scores), each platform's use, both referral
 * directions (added / removed), coverage and exposure Gini of each side's top-k, and the
 * total score. Lists are in id order, so the diff is deterministic.
 */
import type { AssignmentRecord } from '../engine/formatAssignment.js';
import { assignmentRecord, referralRecords } from '../engine/formatAssignment.js';
import { gini } from '../evaluation/metrics.js';
import { createTopK, offer } from '../vector/topk.js';
import type { ScenarioCost, SimSide } from './simulate.js';

export interface SideSummary {
  talents: number;
  platforms: number;
  placed: number;
  unplaced: number;
  totalScore: number;
  blockingPairs: number;
  /** optimal mode: how the optimum was found, its bound and gap */
  method?: string;
  bound?: number;
  gap?: number;
  /** share of platforms in at least one talent's top-k; share of talents in at least one platform's top-k */
  coverage: { platforms: number; talents: number };
  /** Gini of top-k appearances: platforms in talents' lists, talents in platforms' lists */
  exposureGini: { platforms: number; talents: number };
  /** platform-to-government: entries with a suggested support and their sum; government-to-platform: entries of every list */
  referrals: { supported: number; supportYuan: number; introductions: number };
}

export interface IndustryRow {
  id: string;
  name: string;
  baseline: { placed: number; unplaced: number };
  scenario: { placed: number; unplaced: number };
}

export interface Placement {
  platformId: string;
  score: number;
}

export interface Move {
  talentId: string;
  /** moved: placed on both sides, elsewhere; placed / unplaced: placed on one side only; added / removed: the talent exists on one side only */
  kind: 'moved' | 'placed' | 'unplaced' | 'added' | 'removed';
  from: Placement | null;
  to: Placement | null;
}

export interface PlatformUse {
  id: string;
  baseline: AssignmentRecord['platforms'][number] | null;
  scenario: AssignmentRecord['platforms'][number] | null;
  /** assigned in the scenario minus assigned in the baseline */
  delta: number;
}

/**
 * One referral list entry that is on one side only: its direction, platform, the list of
 * the line it sits in (the field name, e.g. "items") and the entry's own fields as
 * `refer` writes them (talentId, score, supportYuan, status ...).
 */
export interface ReferralChange {
  platformId: string;
  list: string;
  talentId: string;
  [field: string]: unknown;
}

export const REFERRAL_DIRECTIONS = ['platform-to-government', 'government-to-platform'] as const;
export type ReferralDirection = (typeof REFERRAL_DIRECTIONS)[number];

export interface SimulationDiff {
  scenario: string;
  baseline: SideSummary;
  result: SideSummary;
  /** scenario minus baseline */
  delta: { placed: number; totalScore: number; supportYuan: number };
  industries: IndustryRow[];
  moves: Move[];
  platforms: PlatformUse[];
  /** per direction, the entries (platform, list, talent) present in the scenario only (added) or the baseline only (removed) */
  referrals: Record<ReferralDirection, { added: ReferralChange[]; removed: ReferralChange[] }>;
  cost: ScenarioCost;
}

/** The talent's main industry: the largest component of its industry vector (ties: first in taxonomy order). */
function mainIndustry(s: SimSide, t: number): number {
  const D = s.model.ctx.dims;
  const v = s.model.talents.industry;
  let best = 0;
  for (let d = 1; d < D; d++) if (v[t * D + d] > v[t * D + best]) best = d;
  return best;
}

/** Coverage and exposure Gini of both sides' top-k, from the side's pairs (the ranking `recommend` gives). */
function exposure(s: SimSide, k: number, kp: number): Pick<SideSummary, 'coverage' | 'exposureGini'> {
  const { table } = s;
  const N = table.talents;
  const M = table.platforms;
  const tTop = createTopK(N, Math.min(k, M));
  const pTop = createTopK(M, kp);
  for (let t = 0; t < N; t++) {
    for (let e = table.tPtr[t]; e < table.tPtr[t + 1]; e++) {
      offer(tTop, t, table.s[e], table.plat[e]);
      offer(pTop, table.plat[e], table.s[e], t);
    }
  }
  const platformCount = new Float64Array(M);
  const talentCount = new Float64Array(N);
  for (let t = 0; t < N; t++) for (let j = 0; j < tTop.sizes[t]; j++) platformCount[tTop.ids[t * tTop.k + j]]++;
  for (let p = 0; p < M; p++) for (let j = 0; j < pTop.sizes[p]; j++) talentCount[pTop.ids[p * pTop.k + j]]++;
  const covered = (xs: Float64Array) => (xs.length === 0 ? 0 : xs.reduce((a, x) => a + (x > 0 ? 1 : 0), 0) / xs.length);
  return {
    coverage: { platforms: covered(platformCount), talents: covered(talentCount) },
    exposureGini: { platforms: gini(platformCount), talents: gini(talentCount) },
  };
}

/** Every referral entry of a side by (direction, platform, list, talent): read from the lines `refer` writes. */
type Referred = Record<ReferralDirection, Map<string, ReferralChange>>;

function referred(s: SimSide): Referred {
  const out = Object.fromEntries(REFERRAL_DIRECTIONS.map((d) => [d, new Map<string, ReferralChange>()])) as Referred;
  for (const line of referralRecords(s.context, s.referrals)) {
    const map = out[line.direction as ReferralDirection];
    if (!map) continue;
    if (!('platformId' in line)) continue;
    const platformId = line.platformId as string;
    for (const [list, value] of Object.entries(line)) {
      if (!Array.isArray(value)) continue;
      for (const it of value as { talentId?: unknown }[]) {
        if (typeof it?.talentId !== 'string') continue;
        map.set(`${platformId}\u0000${list}\u0000${it.talentId}`, { platformId, list, ...(it as { talentId: string }) });
      }
    }
  }
  return out;
}

const keyOrder = (a: ReferralChange, b: ReferralChange) =>
  a.platformId < b.platformId ? -1 : a.platformId > b.platformId ? 1 : a.list < b.list ? -1 : a.list > b.list ? 1 : a.talentId < b.talentId ? -1 : a.talentId > b.talentId ? 1 : 0;

function added(from: Map<string, ReferralChange>, to: Map<string, ReferralChange>): ReferralChange[] {
  const out: ReferralChange[] = [];
  for (const [k, v] of to) if (!from.has(k)) out.push(v);
  return out.sort(keyOrder);
}

function summary(s: SimSide, rec: AssignmentRecord, r: Referred, k: number, kp: number): SideSummary {
  let supportYuan = 0;
  let supported = 0;
  for (const x of r['platform-to-government'].values()) {
    if (typeof x.supportYuan !== 'number') continue;
    supportYuan += x.supportYuan;
    supported++;
  }
  return {
    talents: s.table.talents,
    platforms: s.table.platforms,
    placed: rec.assignments.length,
    unplaced: rec.unassigned.length,
    totalScore: rec.totalScore,
    blockingPairs: rec.blockingPairs,
    ...(rec.method !== undefined ? { method: rec.method } : {}),
    ...(rec.bound !== undefined ? { bound: rec.bound } : {}),
    ...(rec.gap !== undefined ? { gap: rec.gap } : {}),
    ...exposure(s, k, kp),
    referrals: { supported, supportYuan, introductions: r['government-to-platform'].size },
  };
}

function placements(rec: AssignmentRecord): Map<string, Placement> {
  return new Map(rec.assignments.map((a) => [a.talentId, { platformId: a.platformId, score: a.score }]));
}

function industryRows(base: SimSide, scen: SimSide): IndustryRow[] {
  const ids = [...new Set([...base.industries.map((i) => i.id), ...scen.industries.map((i) => i.id)])].sort();
  const names = new Map([...base.industries, ...scen.industries].map((i) => [i.id, i.name]));
  const rows = new Map(ids.map((id) => [id, { id, name: names.get(id)!, baseline: { placed: 0, unplaced: 0 }, scenario: { placed: 0, unplaced: 0 } }]));
  const tally = (s: SimSide, which: 'baseline' | 'scenario') => {
    const D = s.model.ctx.dims;
    for (let t = 0; t < s.table.talents; t++) {
      if (D === 0) continue;
      const row = rows.get(s.industries[mainIndustry(s, t)].id)![which];
      if (s.assignment.matching.pairOf[t] >= 0) row.placed++;
      else row.unplaced++;
    }
  };
  tally(base, 'baseline');
  tally(scen, 'scenario');
  return [...rows.values()];
}

interface SideFacts {
  record: AssignmentRecord;
  referred: Referred;
  summary: SideSummary;
}

/** A side's records and summary; the baseline's are computed once for all its scenarios. */
const factsCache = new WeakMap<SimSide, Map<string, SideFacts>>();
function facts(s: SimSide, k: number, kp: number): SideFacts {
  const key = `${k}/${kp}`;
  let byK = factsCache.get(s);
  if (!byK) factsCache.set(s, (byK = new Map()));
  let f = byK.get(key);
  if (!f) {
    const record = assignmentRecord(s.context, s.assignment);
    const r = referred(s);
    f = { record, referred: r, summary: summary(s, record, r, k, kp) };
    byK.set(key, f);
  }
  return f;
}

export function diffSides(name: string, base: SimSide, scen: SimSide, k: number, kp: number, cost: ScenarioCost): SimulationDiff {
  const { record: rb, referred: fb, summary: sb } = facts(base, k, kp);
  const { record: rs, referred: fs, summary: ss } = facts(scen, k, kp);

  const pb = placements(rb);
  const pscen = placements(rs);
  const inBase = new Set(Array.from(base.model.talents.ids));
  const inScen = new Set(Array.from(scen.model.talents.ids));
  const moves: Move[] = [];
  for (const id of [...new Set([...inBase, ...inScen])].sort()) {
    const from = pb.get(id) ?? null;
    const to = pscen.get(id) ?? null;
    if (from?.platformId === to?.platformId) continue;
    const kind: Move['kind'] = !inBase.has(id) ? 'added' : !inScen.has(id) ? 'removed' : from && to ? 'moved' : to ? 'placed' : 'unplaced';
    moves.push({ talentId: id, kind, from, to });
  }

  const useB = new Map(rb.platforms.map((p) => [p.id, p]));
  const useS = new Map(rs.platforms.map((p) => [p.id, p]));
  const platforms: PlatformUse[] = [...new Set([...useB.keys(), ...useS.keys()])].sort().map((id) => {
    const b = useB.get(id) ?? null;
    const s = useS.get(id) ?? null;
    return { id, baseline: b, scenario: s, delta: (s?.assigned ?? 0) - (b?.assigned ?? 0) };
  });

  return {
    scenario: name,
    baseline: sb,
    result: ss,
    delta: { placed: ss.placed - sb.placed, totalScore: ss.totalScore - sb.totalScore, supportYuan: ss.referrals.supportYuan - sb.referrals.supportYuan },
    industries: industryRows(base, scen),
    moves,
    platforms,
    referrals: Object.fromEntries(REFERRAL_DIRECTIONS.map((d) => [d, { added: added(fb[d], fs[d]), removed: added(fs[d], fb[d]) }])) as SimulationDiff['referrals'],
    cost,
  };
}
