/** evaluateControls: the plain row agrees with `evaluate`; each control keeps its guarantee on engine data and reports its cost. */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { evaluate, evaluateRanking, relevantPairs, talentLists } from '../../src/evaluation/evaluate.js';
import { exposureGini } from '../../src/evaluation/metrics.js';
import { objectiveValue } from '../../src/evaluation/tune.js';
import { candidateLists, evaluateControls, platformIndustries } from '../../src/evaluation/controls.js';
import { capIndustryShare, exposureFloor } from '../../src/ranking/controls.js';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';

describe('list controls on engine data', () => {
  const d = generateDistrict({ seed: 5, talents: 240, platforms: 16, curated: false });
  const engine = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0.2 }, outcomes: d.outcomes });
  const k = 5;

  it('the candidate lists give exactly the top-k `recommend` gives', () => {
    const c = candidateLists(engine);
    const rec = engine.recommend({ k });
    for (let t = 0; t < c.talents; t++) {
      const mine = Array.from(c.plat.subarray(c.ptr[t], Math.min(c.ptr[t + 1], c.ptr[t] + k)));
      expect(mine).toEqual(Array.from(rec.talent.ids.subarray(t * rec.talent.k, t * rec.talent.k + rec.talent.sizes[t])));
    }
  });

  it('reports the plain row as evaluate does, and each control with its cost and gain', () => {
    const rows = evaluateControls(engine, d.outcomes, k, { industryShare: 0.4, exposureFloor: 3 });
    const ev = evaluate(engine, d.outcomes, k);
    expect(rows.map((r) => r.control)).toEqual(['plain top-k', 'industry share <= 0.4', 'exposure floor 3']);
    expect(rows[0].talentNdcg).toBeCloseTo(ev.talent.ndcg, 12);
    expect(rows[0].platformNdcg).toBeCloseTo(ev.platform.ndcg, 12);
    // one exposure measure: evaluate's, the controls table's and tune's penalty (evaluateRanking) are the same number
    expect(rows[0].exposureGini).toBe(ev.exposureGini);
    const rec = engine.recommend({ k });
    expect(exposureGini(engine.model.platforms.count, talentLists(rec))).toBe(ev.exposureGini);
    expect(evaluateRanking(engine.model, rec, relevantPairs(engine, d.outcomes), k).exposureGini).toBe(ev.exposureGini);
    const tuned = objectiveValue('talent', 0.5, rows[0].talentNdcg, rows[0].platformNdcg, ev.exposureGini);
    expect(tuned).toBeCloseTo(rows[0].talentNdcg - 0.5 * rows[0].exposureGini, 12);
    expect(rows[0].scoreLoss).toBe(0);
    const [, cap, floor] = rows;
    expect(cap.industryBalance).toBeLessThanOrEqual(2 / k + 1e-12); // at most floor(0.4 * 5) = 2 of 5 from one industry
    expect(cap.industryBalance).toBeLessThan(rows[0].industryBalance);
    expect(cap.scoreLoss).toBeGreaterThan(0);
    expect(floor.scoreLoss).toBeGreaterThanOrEqual(0);
    expect(floor.platformCoverage).toBeGreaterThanOrEqual(rows[0].platformCoverage);
    // the floor holds on the engine's lists: every platform with room and >= 3 acceptable talents is shown to >= 3
    const c = candidateLists(engine);
    const P = engine.model.platforms;
    const r = exposureFloor(c, k, 3, Array.from({ length: P.count }, (_, p) => P.freeSlots[p] > 0));
    expect(floor.unmetFloors).toBe(r.unmet.length);
    for (let p = 0; p < P.count; p++) if (!r.unmet.some((u) => u.platform === p)) expect(r.exposure[p]).toBeGreaterThanOrEqual(r.floor[p]);
    expect(r.floor.some((f) => f > 0)).toBe(true);
    // the cap holds on every list
    const ind = platformIndustries(engine);
    for (const list of capIndustryShare(c, ind, k, 0.4)) {
      const n = new Map<number, number>();
      for (const e of list) n.set(ind[c.plat[e]], (n.get(ind[c.plat[e]]) ?? 0) + 1);
      for (const x of n.values()) expect(x).toBeLessThanOrEqual(2);
    }
  });

  it('diversity 0 costs nothing; the policy row measures exactly the lists recommend writes under policy.lists', () => {
    const rows = evaluateControls(engine, d.outcomes, k, { diversity: 0 });
    expect(rows[1].control).toBe('diversity 0');
    expect({ ...rows[1], control: '' }).toEqual({ ...rows[0], control: '' });
    const lists = { industryShare: 0.4, diversity: 0.5 };
    const withPolicy = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0.2, lists }, outcomes: d.outcomes });
    const [plain, row] = evaluateControls(withPolicy, d.outcomes, k, { diversity: 0.5, policy: lists }).filter((_, i) => i !== 1);
    expect(row.control).toBe('policy: share 0.4, div 0.5');
    const rec = withPolicy.recommend({ k });
    expect(row.exposureGini).toBe(exposureGini(withPolicy.model.platforms.count, talentLists(rec)));
    expect(row.talentNdcg).toBe(evaluateRanking(withPolicy.model, rec, relevantPairs(withPolicy, d.outcomes), k).talent.ndcg);
    expect(row.scoreLoss).toBeGreaterThan(0);
    expect(row.industryBalance).toBeLessThan(plain.industryBalance);
  });
});
