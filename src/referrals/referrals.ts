/**
 * The district's two-way referral lists, from an assignment (pure).
 *
 * government-to-platform (the government introduces the projects it attracts):
 *   per platform, `introduced` — the incoming projects the assignment places there, in the
 *   platform's own order (platformScore desc, talent id asc) — and `reserve` — the next
 *   acceptable incoming projects in that order that were not placed there (up to the
 *   policy's reserveLength), each with where it went instead (or unplaced) and its margin
 *   to the weakest introduced project (platformScore difference; absent when none was
 *   introduced). The reserve says who comes next when a slot frees up.
 * platform-to-government (platforms put forward projects for policy support):
 *   per platform, its hosted projects (`hostedBy`) and the newly introduced ones, ranked by
 *   merit = score x industry priority (ties by talent id), each with a suggested amount
 *   (config/referrals.ts) capped at maxSupportYuan. Hosted projects scoring below the
 *   referral minimum at their host are not referred (listed with the reason). With a
 *   `supportBudgetYuan`, the budget is allocated across all platforms' cases
 *   (./budget.ts) and every case says whether it is funded and, if not, why.
 *
 * Hosted projects never take part in the assignment (the engine removes them from the
 * pair set), so they are never introduced anywhere nor in any reserve.
 */
import type { SupportRule } from '../config/referrals.js';
import { DEFAULT_RESERVE_LENGTH, defaultSupportRule } from '../config/referrals.js';
import type { Assignment } from '../matching/assign.js';
import { byPlatform, platformTops } from '../matching/pairs.js';
import type { ScoringModel } from '../scoring/kernel.js';
import type { BudgetAllocation } from './budget.js';
import { allocateBudget } from './budget.js';

/** A hosted project scored at its host (like any pair, whatever the host's room). */
export interface HostedPair {
  talent: number;
  platform: number;
  talentScore: number;
  platformScore: number;
  score: number;
}

export interface ReferralInputs {
  /** per talent: industry priority and capital sought (the support rule's inputs) */
  priority: ArrayLike<number>;
  capital: ArrayLike<number>;
  /** hosted projects, in talent order */
  hosted: readonly HostedPair[];
}

export interface ReferralPolicy {
  maxSupportYuan: number;
  minScoreForReferral: number;
  supportBudgetYuan?: number | undefined;
  reserveLength?: number | undefined;
}

export interface Funding {
  funded: boolean;
  yuan: number;
  /** why a case is not funded: its suggested amount is 0, or it does not fit what is left */
  code?: 'no-support' | 'over-budget';
  reason?: string;
}

export interface SupportItem {
  talent: number;
  platform: number;
  hosted: boolean;
  score: number;
  talentScore: number;
  platformScore: number;
  priority: number;
  merit: number;
  supportYuan: number;
  funding?: Funding;
}

export interface NotReferred {
  talent: number;
  score: number;
  reason: string;
}

export interface IntroducedItem {
  talent: number;
  score: number;
  talentScore: number;
  platformScore: number;
}

export interface ReserveItem extends IntroducedItem {
  /** the platform it was placed at instead, or -1 when unplaced */
  placedAt: number;
  /** its platformScore minus the weakest introduced project's; undefined when none was introduced */
  margin?: number;
}

export interface PlatformIntroductions {
  /** free capacity before the introductions (slots - slotsUsed, seats - seatsUsed) */
  freeSlots: number;
  freeSeats: number;
  /** and after them */
  slotsLeft: number;
  seatsLeft: number;
  /** incoming projects acceptable there (the demand) */
  acceptable: number;
  introduced: IntroducedItem[];
  reserve: ReserveItem[];
}

export interface Referrals {
  toGovernment: SupportItem[][];
  /** per platform: hosted projects not referred (below the referral minimum) */
  notReferred: NotReferred[][];
  toPlatform: PlatformIntroductions[];
  /** present when the policy sets supportBudgetYuan */
  budget?: BudgetSummary;
}

/** The allocation's totals: the per-case flags become the counts of funded and not funded cases. */
export type BudgetSummary = Omit<BudgetAllocation, 'funded'> & { funded: number; notFunded: number };

/** The talent's industry-weighted government priority, in [0, 1]. */
export function talentPriority(model: ScoringModel, t: number): number {
  const D = model.ctx.dims;
  let num = 0;
  let den = 0;
  for (let d = 0; d < D; d++) {
    const x = model.talents.industry[t * D + d];
    num += x * model.ctx.priority[d];
    den += x;
  }
  return den > 0 ? num / den : 0;
}

export function supportYuan(score: number, priority: number, capitalNeed: number, maxSupportYuan: number, rule: SupportRule): number {
  const merit = score * priority;
  const base = capitalNeed > 0 ? Math.min(capitalNeed, maxSupportYuan) : rule.settlementShare * maxSupportYuan;
  return Math.min(maxSupportYuan, Math.floor((base * merit) / rule.roundToYuan) * rule.roundToYuan);
}

/** Per-talent inputs of the support rule, from the scoring model (in process). */
export function supportInputs(model: ScoringModel): { priority: Float64Array; capital: Float64Array } {
  const priority = new Float64Array(model.talents.count);
  for (let t = 0; t < model.talents.count; t++) priority[t] = talentPriority(model, t);
  return { priority, capital: model.talents.capital };
}

/** The pairs a matching holds (pair per talent, -1: none). */
function* placedPairs(pairOf: Int32Array): Generator<number> {
  for (let t = 0; t < pairOf.length; t++) if (pairOf[t] >= 0) yield pairOf[t];
}

const byMerit = (x: SupportItem, y: SupportItem) => y.merit - x.merit || x.talent - y.talent;

export function buildReferrals(inputs: ReferralInputs, a: Assignment, policy: ReferralPolicy, rule: SupportRule = defaultSupportRule): Referrals {
  const ps = a.pairs;
  const M = ps.platforms;
  const item = (t: number, p: number, hosted: boolean, f: number, b: number, s: number): SupportItem => {
    const priority = inputs.priority[t];
    return { talent: t, platform: p, hosted, score: s, talentScore: f, platformScore: b, priority, merit: s * priority, supportYuan: supportYuan(s, priority, inputs.capital[t], policy.maxSupportYuan, rule) };
  };

  // platform -> government: hosted (at or above the referral minimum) + introduced
  const toGovernment: SupportItem[][] = Array.from({ length: M }, () => []);
  const notReferred: NotReferred[][] = Array.from({ length: M }, () => []);
  for (const h of inputs.hosted) {
    if (h.score >= policy.minScoreForReferral) toGovernment[h.platform].push(item(h.talent, h.platform, true, h.talentScore, h.platformScore, h.score));
    else notReferred[h.platform].push({ talent: h.talent, score: h.score, reason: `scores ${h.score.toFixed(4)} at its host, below the referral minimum ${policy.minScoreForReferral}` });
  }
  for (let t = 0; t < ps.talents; t++) {
    const e = a.matching.pairOf[t];
    if (e >= 0) toGovernment[ps.plat[e]].push(item(t, ps.plat[e], false, ps.f[e], ps.b[e], ps.s[e]));
  }
  for (const list of toGovernment) list.sort(byMerit);

  // government -> platform: introduced (placed there) and the reserve, in the platform's order
  const reserveLength = policy.reserveLength ?? DEFAULT_RESERVE_LENGTH;
  const toPlatform: PlatformIntroductions[] = [];
  // the placed pairs and the next few in each platform's order: gathered from the talents'
  // side, not the whole of each platform sorted (matching/pairs.ts byPlatform, platformTops)
  const placedAt = byPlatform(ps, placedPairs(a.matching.pairOf));
  const reserveAt = platformTops(ps, reserveLength, (e) => a.matching.pairOf[ps.talentOf[e]] !== e);
  for (let p = 0; p < M; p++) {
    const introduced: IntroducedItem[] = [];
    let weakest = -1;
    for (const e of placedAt[p]) {
      introduced.push({ talent: ps.talentOf[e], score: ps.s[e], talentScore: ps.f[e], platformScore: ps.b[e] });
      weakest = e;
    }
    const reserve: ReserveItem[] = [];
    for (const e of reserveAt[p]) {
      const t = ps.talentOf[e];
      const own = a.matching.pairOf[t];
      reserve.push({
        talent: t,
        score: ps.s[e],
        talentScore: ps.f[e],
        platformScore: ps.b[e],
        placedAt: own >= 0 ? ps.plat[own] : -1,
        ...(weakest >= 0 ? { margin: ps.b[e] - ps.b[weakest] } : {}),
      });
    }
    toPlatform.push({
      freeSlots: ps.freeSlots[p],
      freeSeats: ps.freeSeats[p],
      slotsLeft: a.slotsLeft[p],
      seatsLeft: a.seatsLeft[p],
      acceptable: ps.pPtr[p + 1] - ps.pPtr[p],
      introduced,
      reserve,
    });
  }

  const out: Referrals = { toGovernment, notReferred, toPlatform };
  if (policy.supportBudgetYuan !== undefined) out.budget = allocate(toGovernment, policy.supportBudgetYuan, rule);
  return out;
}

/** Allocates the budget across every platform's cases and records each case's funding. */
function allocate(toGovernment: SupportItem[][], budgetYuan: number, rule: SupportRule): NonNullable<Referrals['budget']> {
  const cases = toGovernment.flat().sort(byMerit);
  const r = allocateBudget(
    cases.map((c) => c.supportYuan),
    cases.map((c) => c.merit),
    budgetYuan,
    rule.roundToYuan,
  );
  let funded = 0;
  cases.forEach((c, i) => {
    if (r.funded[i]) {
      funded++;
      c.funding = { funded: true, yuan: c.supportYuan };
    } else if (c.supportYuan <= 0 || c.merit <= 0) {
      c.funding = { funded: false, yuan: 0, code: 'no-support', reason: 'its suggested support is 0 yuan' };
    } else {
      c.funding = {
        funded: false,
        yuan: 0,
        code: 'over-budget',
        reason: `needs ${c.supportYuan} yuan; ${r.leftYuan} yuan of the ${budgetYuan} budget are left after the funded cases, ${r.method === 'greedy' ? 'funded in merit order while the budget lasted' : 'which together carry the most merit x support'}`,
      };
    }
  });
  const { funded: _bits, ...rest } = r;
  return { ...rest, funded, notFunded: cases.length - funded };
}
