/**
 * Cross-lingual matching (issue 16): a talent's language must not decide its platforms.
 * Known answers, the kernel/explainer identity with the language-aware weights, the
 * same-language invariance, and the planted-truth recall floor on small seeded worlds.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { createRowScratch, scoreRow, UNACCEPTABLE } from '../../src/scoring/kernel.js';
import { explainPair } from '../../src/scoring/explain.js';
import { plantedRecall } from '../../src/evaluation/planted.js';
import type { TruthRecord } from '../../src/domain/truth.js';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import type { WeightsInput } from '../../src/config/weights.js';
import { dataset, platform, talent } from '../helpers.js';

/** The language-blind scorer of before: no text weight moves. */
const BLIND: WeightsInput = { crossLingualConcept: 0, crossLingualIndustry: 0 };

describe('an English team and a Chinese-only platform of its industry and mode', () => {
  const teamEn = talent('t-shop-en', {
    name: 'Harbour cross-border shop',
    description: 'Cross-border e-commerce store for household goods, live streaming sales and an online marketplace for small exporters.',
    industries: ['e-commerce'],
    stage: 'early-revenue',
    needs: { seats: 4, capitalYuan: 2_000_000 },
  });
  const zhFit = platform('p-zh-fit', {
    name: '江东跨境电商产业园',
    description: '跨境电商产业园，提供网店运营、直播带货和数字贸易服务，对接风险投资为电商企业融资。',
    industries: { 'e-commerce': 1 },
    modes: ['capital'],
    capacity: { slots: 10, slotsUsed: 2, seats: 60, seatsUsed: 10, capitalYuan: 20_000_000 },
  });
  const enNoMode = platform('p-en-training', {
    name: 'Jiangdong e-commerce training centre',
    description: 'Training for cross-border e-commerce teams: online store operations, live streaming sales and digital trade for small exporters.',
    industries: { 'e-commerce': 1 },
    modes: ['training'],
    capacity: { slots: 10, slotsUsed: 2, seats: 60, seatsUsed: 10, capitalYuan: 0 },
  });
  const data = dataset([zhFit, enNoMode], [teamEn]);

  it('ranks the Chinese-only platform that offers its mode above the English one that does not', () => {
    const e = createEngine(data);
    const rec = e.recommend({ k: 2 });
    expect(rec.talent.sizes[0]).toBe(2);
    expect(e.model.platforms.ids[rec.talent.ids[0]]).toBe('p-zh-fit');
    const fit = e.explain('t-shop-en', 'p-zh-fit');
    const other = e.explain('t-shop-en', 'p-en-training');
    expect(fit.score).toBeGreaterThan(other.score);
    // the pair shares no language: its text weight shows under concept and industry
    expect(fit.terms.text).toBe(0);
    expect(fit.why.text).toBe(0);
    expect(fit.terms.concept).toBeGreaterThan(0.2);
    expect(fit.why.concept).toBeGreaterThan(0);
    // the same-language pair keeps its text term and gets no moved weight
    expect(other.terms.text).toBeGreaterThan(0.3);
    expect(other.why.concept).toBe(0);
  });

  it('the language-blind scorer gets it wrong (the case this pins)', () => {
    const e = createEngine({ ...data, weights: BLIND });
    const rec = e.recommend({ k: 2 });
    expect(e.model.platforms.ids[rec.talent.ids[0]]).toBe('p-en-training');
  });
});

function kernelEqualsExplainer(e: Engine): { cross: number; partial: number } {
  const m = e.model;
  const s = createRowScratch(m.platforms.count);
  let cross = 0;
  let partial = 0;
  for (let ti = 0; ti < m.talents.count; ti++) {
    scoreRow(m, ti, s);
    for (let p = 0; p < m.platforms.count; p++) {
      const x = explainPair(m, ti, p);
      if (s.score[p] === UNACCEPTABLE) {
        expect(x.acceptable).toBe(false);
        continue;
      }
      expect(s.score[p]).toBe(x.score);
      expect(s.forward[p]).toBe(x.talentScore);
      expect(s.backward[p]).toBe(x.platformScore);
      const d = Math.abs(m.talents.zh[ti] - m.platforms.zh[p]);
      if (d === 1) cross++;
      else if (d > 0) partial++;
    }
  }
  return { cross, partial };
}

describe('language-aware weights: kernel === explainer, same-language pairs unchanged', () => {
  // the default district: a third of each side Chinese, a tenth of English talents with a Chinese tail
  const d = generateDistrict({ seed: 5, talents: 150, platforms: 30, words: [15, 40], curated: false, outcomes: false });
  const data = { industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0.2 } };

  it('equal bits on cross-language, partly shared and same-language pairs, with a concept weight', () => {
    const n = kernelEqualsExplainer(createEngine({ ...data, weights: { concept: 0.15 } }));
    expect(n.cross).toBeGreaterThan(100);
    expect(n.partial).toBeGreaterThan(10);
    kernelEqualsExplainer(createEngine(data));
  });

  it('a pair sharing its language scores exactly as the language-blind scorer; others only gain', () => {
    const now = createEngine(data);
    const blind = createEngine({ ...data, weights: BLIND });
    let same = 0;
    let moved = 0;
    for (let ti = 0; ti < now.model.talents.count; ti++) {
      for (let p = 0; p < now.model.platforms.count; p++) {
        const a = explainPair(now.model, ti, p);
        const b = explainPair(blind.model, ti, p);
        if (now.model.talents.zh[ti] === now.model.platforms.zh[p]) {
          same++;
          expect(a.score).toBe(b.score);
          expect(a.why.concept).toBe(0);
        } else {
          moved++;
          expect(a.score).toBeGreaterThanOrEqual(b.score);
        }
      }
    }
    expect(same).toBeGreaterThan(1000);
    expect(moved).toBeGreaterThan(1000);
  });
});

function worldRecall(talentZh: number, platformZh: number, seed: number, weights: WeightsInput = {}) {
  const d = generateDistrict({ seed, platforms: 70, talents: 700, planted: true, outcomes: false, languages: { talentZh, platformZh } });
  const e = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: JIANGDONG_POLICY, weights });
  const rec = e.recommend({ k: 5, kPlatform: 5 });
  const truth: TruthRecord[] = [...d.truth!.platforms.map((x) => ({ side: 'platform' as const, ...x })), ...d.truth!.talents.map((x) => ({ side: 'talent' as const, ...x }))];
  return plantedRecall({ talentIds: e.model.talents.ids, platformIds: e.model.platforms.ids, talent: rec.talent, platform: rec.platform }, truth, 5);
}

describe('planted-truth recall floor (seeded worlds, 70 platforms x 700 talents)', () => {
  for (const [tz, pz, seed] of [
    [0.3, 0.3, 31],
    [0.5, 0.5, 51],
    [0.7, 0.7, 71],
    [0.3, 0.7, 37],
  ] as const) {
    it(`${tz * 100}% Chinese talents, ${pz * 100}% Chinese platforms: recall@5 >= 0.95 in every language group, gap <= 0.03 per side`, () => {
      const r = worldRecall(tz, pz, seed);
      for (const g of [...r.talent.groups, ...r.platform.groups]) expect(g.recall, g.language).toBeGreaterThanOrEqual(0.95);
      expect(r.talent.groups.map((g) => g.language)).toEqual(['en', 'zh']);
      expect(r.platform.groups.map((g) => g.language)).toEqual(['en', 'zh']);
      expect(r.talent.gap).toBeLessThanOrEqual(0.03);
      expect(r.platform.gap).toBeLessThanOrEqual(0.03);
    });
  }

  it('the floor fails for the language-blind scorer on a world it passes', () => {
    const aware = worldRecall(0.7, 0.3, 73);
    for (const g of aware.talent.groups) expect(g.recall, g.language).toBeGreaterThanOrEqual(0.95);
    const blind = worldRecall(0.7, 0.3, 73, BLIND);
    // too few same-language fits to fill a top-5: both talent groups lose their other-language fits
    for (const g of blind.talent.groups) expect(g.recall, g.language).toBeLessThan(0.85);
  });
});
