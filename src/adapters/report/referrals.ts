/**
 * The report's referral section, as data: per platform what it puts forward (hosted and
 * introduced), what it was introduced and the length of its reserve; the support budget's
 * totals; and the funded and the strongest not-funded cases with their reasons. A view of
 * the engine's referrals (nothing decided here).
 */
import type { Engine } from '../../engine/engine.js';
import type { Referrals } from '../../referrals/referrals.js';

export interface ReferralReport {
  platforms: string[];
  putForwardHosted: number[];
  putForwardIntroduced: number[];
  reserve: number[];
  fundedYuan: number[];
  budget?: { budgetYuan: number; requestedYuan: number; allocatedYuan: number; funded: number; notFunded: number; method: string; gap: number };
  cases: { talentId: string; name: string; platformId: string; hosted: boolean; merit: number; supportYuan: number; funded: boolean | null; reason: string }[];
  /** platforms with the longest reserves: the next project in line and its margin */
  reserves: { platformId: string; introduced: number; reserve: number; next: string; nextStatus: string; margin: number | null }[];
}

export function referralReport(engine: Engine, r: Referrals, maxCases = 25): ReferralReport {
  const P = engine.model.platforms.ids;
  const T = engine.model.talents.ids as string[];
  const names = engine.data.talents;
  const out: ReferralReport = { platforms: [], putForwardHosted: [], putForwardIntroduced: [], reserve: [], fundedYuan: [], cases: [], reserves: [] };
  P.forEach((id, p) => {
    const items = r.toGovernment[p];
    if (items.length === 0 && r.toPlatform[p].reserve.length === 0) return;
    out.platforms.push(id);
    out.putForwardHosted.push(items.filter((i) => i.hosted).length);
    out.putForwardIntroduced.push(items.filter((i) => !i.hosted).length);
    out.reserve.push(r.toPlatform[p].reserve.length);
    out.fundedYuan.push(items.reduce((s, i) => s + (i.funding?.yuan ?? 0), 0));
  });
  if (r.budget) {
    const b = r.budget;
    out.budget = { budgetYuan: b.budgetYuan, requestedYuan: b.requestedYuan, allocatedYuan: b.allocatedYuan, funded: b.funded, notFunded: b.notFunded, method: b.method, gap: b.gap };
  }
  const cases = r.toGovernment.flat().sort((x, y) => y.merit - x.merit || x.talent - y.talent);
  const funded = cases.filter((c) => c.funding?.funded);
  const rest = cases.filter((c) => !c.funding?.funded);
  for (const c of [...funded.slice(0, maxCases), ...rest.slice(0, maxCases)]) {
    out.cases.push({
      talentId: T[c.talent],
      name: names[c.talent].name,
      platformId: P[c.platform],
      hosted: c.hosted,
      merit: c.merit,
      supportYuan: c.supportYuan,
      funded: c.funding ? c.funding.funded : null,
      reason: c.funding?.reason ?? (c.funding ? 'funded' : 'no budget set: suggestion only'),
    });
  }
  out.reserves = r.toPlatform
    .map((g, p) => ({ g, p }))
    .filter(({ g }) => g.reserve.length > 0)
    .sort((a, b) => b.g.acceptable - a.g.acceptable || a.p - b.p)
    .slice(0, 15)
    .map(({ g, p }) => ({
      platformId: P[p],
      introduced: g.introduced.length,
      reserve: g.reserve.length,
      next: T[g.reserve[0].talent],
      nextStatus: g.reserve[0].placedAt >= 0 ? `placed at ${P[g.reserve[0].placedAt]}` : 'unplaced',
      margin: g.reserve[0].margin ?? null,
    }));
  return out;
}
