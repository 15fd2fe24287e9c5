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
  /** platform-to-government: referred projects and suggested support; government-to-platform: introductions */
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

export interface SupportChange {
  platformId: string;
  talentId: string;
  score: number;
  supportYuan: number;
}
export interface IntroductionChange {
  platformId: string;
  talentId: string;
  score: number;
  status: string;
}

export interface SimulationDiff {
  scenario: string;
  baseline: SideSummary;
  result: SideSummary;
  /** scenario minus baseline */
  delta: { placed: number; totalScore: number; supportYuan: number };
  industries: IndustryRow[];
  moves: Move[];
  platforms: PlatformUse[];
  referrals: {
    platformToGovernment: { added: SupportChange[]; removed: SupportChange[] };
    governmentToPlatform: { added: IntroductionChange[]; removed: IntroductionChange[] };
  };
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

interface Referred {
  support: Map<string, SupportChange>;
  intro: Map<string, IntroductionChange>;
}

function referred(s: SimSide): Referred {
  const support = new Map<string, SupportChange>();
  const intro = new Map<string, IntroductionChange>();
  for (const line of referralRecords(s.context, s.referrals)) {
    const pid = line.platformId as string;
    for (const it of line.items as { talentId: string; score: number; supportYuan?: number; status?: string }[]) {
      const key = `${pid}\u0000${it.talentId}`;
      if (line.direction === 'platform-to-government') support.set(key, { platformId: pid, talentId: it.talentId, score: it.score, supportYuan: it.supportYuan! });
      else intro.set(key, { platformId: pid, talentId: it.talentId, score: it.score, status: it.status! });
    }
  }
  return { support, intro };
}

const keyOrder = <T extends { platformId: string; talentId: string }>(a: T, b: T) =>
  a.platformId < b.platformId ? -1 : a.platformId > b.platformId ? 1 : a.talentId < b.talentId ? -1 : a.talentId > b.talentId ? 1 : 0;

function added<T extends { platformId: string; talentId: string }>(from: Map<string, T>, to: Map<string, T>): T[] {
  const out: T[] = [];
  for (const [k, v] of to) if (!from.has(k)) out.push(v);
  return out.sort(keyOrder);
}

function summary(s: SimSide, rec: AssignmentRecord, r: Referred, k: number, kp: number): SideSummary {
  let supportYuan = 0;
  for (const x of r.support.values()) supportYuan += x.supportYuan;
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
    referrals: { supported: r.support.size, supportYuan, introductions: r.intro.size },
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
    referrals: {
      platformToGovernment: { added: added(fb.support, fs.support), removed: added(fs.support, fb.support) },
      governmentToPlatform: { added: added(fb.intro, fs.intro), removed: added(fs.intro, fb.intro) },
    },
    cost,
  };
}
