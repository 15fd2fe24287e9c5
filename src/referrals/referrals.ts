/**
 * The district's two-way referral lists, from an assignment (pure).
 *
 * platform-to-government: per platform, its assigned projects ranked for policy support
 *   by merit (score x industry priority; ties by talent id), each with a suggested amount
 *   (config/referrals.ts), capped at the policy's maxSupportYuan.
 * government-to-platform: per platform, the projects the government should introduce:
 *   unassigned talents acceptable there, and talents assigned elsewhere whose reciprocal
 *   score there is higher than at their own platform; ranked by that score (ties by id),
 *   and never more than the platform's capacity left after the assignment (slots, and
 *   seats taken greedily in rank order).
 */
import type { SupportRule } from '../config/referrals.js';
import { defaultSupportRule } from '../config/referrals.js';
import type { Assignment } from '../matching/assign.js';
import type { ScoringModel } from '../scoring/kernel.js';

export interface SupportItem {
  talent: number;
  score: number;
  priority: number;
  merit: number;
  supportYuan: number;
}

export interface IntroductionItem {
  talent: number;
  score: number;
  status: 'unassigned' | 'better-placed';
  /** for better-placed: its current platform and score there */
  currentPlatform?: number;
  currentScore?: number;
}

export interface Referrals {
  toGovernment: SupportItem[][];
  toPlatform: { freeSlots: number; freeSeats: number; items: IntroductionItem[] }[];
}

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

export function buildReferrals(inputs: { priority: ArrayLike<number>; capital: ArrayLike<number> }, a: Assignment, maxSupportYuan: number, rule: SupportRule = defaultSupportRule): Referrals {
  const ps = a.pairs;
  const M = ps.platforms;
  const toGovernment: SupportItem[][] = Array.from({ length: M }, () => []);
  for (let t = 0; t < ps.talents; t++) {
    const e = a.matching.pairOf[t];
    if (e < 0) continue;
    const priority = inputs.priority[t];
    const score = ps.s[e];
    toGovernment[ps.plat[e]].push({ talent: t, score, priority, merit: score * priority, supportYuan: supportYuan(score, priority, inputs.capital[t], maxSupportYuan, rule) });
  }
  for (const list of toGovernment) list.sort((x, y) => y.merit - x.merit || x.talent - y.talent);

  // Introductions only for platforms with room left after the assignment (usually few):
  // collecting every unassigned talent's candidates for full platforms would cost one
  // object per acceptable pair for nothing.
  const freeSlots = new Int32Array(M);
  const freeSeats = new Int32Array(M);
  for (let p = 0; p < M; p++) {
    freeSlots[p] = ps.freeSlots[p] - a.assignedCount[p];
    freeSeats[p] = ps.freeSeats[p] - a.assignedSeats[p];
  }
  const candidates: IntroductionItem[][] = Array.from({ length: M }, () => []);
  for (let t = 0; t < ps.talents; t++) {
    const own = a.matching.pairOf[t];
    for (let e = ps.tPtr[t]; e < ps.tPtr[t + 1]; e++) {
      if (e === own) continue;
      const p = ps.plat[e];
      if (freeSlots[p] <= 0 || ps.seats[t] > freeSeats[p]) continue; // could never be introduced there
      if (own < 0) candidates[p].push({ talent: t, score: ps.s[e], status: 'unassigned' });
      else if (ps.s[e] > ps.s[own]) candidates[p].push({ talent: t, score: ps.s[e], status: 'better-placed', currentPlatform: ps.plat[own], currentScore: ps.s[own] });
    }
  }
  const toPlatform = candidates.map((list, p) => {
    list.sort((x, y) => y.score - x.score || x.talent - y.talent);
    let slots = freeSlots[p];
    let seats = freeSeats[p];
    const items: IntroductionItem[] = [];
    for (const c of list) {
      if (slots <= 0) break;
      const need = ps.seats[c.talent];
      if (need > seats) continue;
      items.push(c);
      slots--;
      seats -= need;
    }
    return { freeSlots: freeSlots[p], freeSeats: freeSeats[p], items };
  });
  return { toGovernment, toPlatform };
}
