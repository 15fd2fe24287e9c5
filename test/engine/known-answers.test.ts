import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { recommendationRecords } from '../../src/engine/format.js';
import { dataset, platform, talent } from '../helpers.js';

const PLATFORMS = [
  platform('p-fin', {
    name: 'Harbour Capital Fintech Platform',
    description: 'Venture capital and angel investment for fintech startups: payment, credit scoring and insurance technology. Talent and capital mode.',
    modes: ['capital'],
    industries: { 'financial-services': 1 },
    capacity: { slots: 10, slotsUsed: 2, seats: 80, seatsUsed: 10, capitalYuan: 30_000_000 },
  }),
  platform('p-logi', {
    name: 'Port Logistics Base',
    description: 'Freight forwarding, container shipping, cold chain warehousing and supply chain management services near the port.',
    modes: ['boundary-crossing'],
    industries: { 'shipping-logistics': 1 },
  }),
  platform('p-design-zh', {
    name: '江东文创设计园',
    description: '文化创意产业园，服务动漫制作、影视后期、视觉设计和原创游戏开发团队，提供共享影棚和版权服务。',
    modes: ['training'],
    industries: { 'cultural-creative': 1 },
  }),
  platform('p-hr-zh', {
    name: '人力资源服务产业园',
    description: '聚集招聘、猎头、人才测评和人力资源外包企业，提供培训和政策咨询。',
    modes: ['training'],
    industries: { 'human-resources': 1 },
  }),
  platform('p-full', {
    name: 'Full Fintech Hub',
    description: 'Venture capital, fintech, payment and credit scoring startups; talent and capital mode.',
    modes: ['capital'],
    industries: { 'financial-services': 1 },
    capacity: { slots: 5, slotsUsed: 5, seats: 50, seatsUsed: 20, capitalYuan: 30_000_000 },
  }),
];

const TALENTS = [
  talent('t-fintech', {
    description: 'A fintech startup building credit scoring and mobile payment for small merchants; seeks venture capital and angel investment.',
    industries: ['financial-services'],
    stage: 'early-revenue',
    needs: { seats: 6, capitalYuan: 5_000_000 },
  }),
  talent('t-anim-zh', {
    name: '甬创动漫',
    description: '原创动漫制作团队，专注儿童动漫内容和视觉设计，需要影棚和培训支持。',
    stage: 'idea',
    needs: { seats: 4, training: true },
  }),
  talent('t-cold-chain', {
    description: 'Cold chain warehousing and freight forwarding for imported food through the port; supply chain software.',
    needs: { seats: 5 },
    excludePlatforms: ['p-logi'],
  }),
];

describe('known answers', () => {
  const engine = createEngine(dataset(PLATFORMS, TALENTS));
  const rec = engine.recommend({ k: 5 });
  const lines = [...recommendationRecords(engine, rec)];
  const list = (side: string, id: string) => lines.find((l) => l.side === side && l.id === id)!.items.map((i) => i.id);

  it('ranks the obvious fit first: a fintech team needing capital -> the open capital-mode fintech platform', () => {
    expect(list('talent', 't-fintech')[0]).toBe('p-fin');
  });

  it('matches a Chinese-only talent to the Chinese-only platform of its industry', () => {
    expect(list('talent', 't-anim-zh')[0]).toBe('p-design-zh');
    // inferred from Chinese text alone: no declared industries
    const ind = engine.model.talents.industry;
    const ti = engine.talentIndex('t-anim-zh');
    const d = engine.industry.ids.indexOf('cultural-creative');
    const row = Array.from(ind.subarray(ti * 7, ti * 7 + 7));
    expect(Math.max(...row)).toBe(row[d]);
  });

  it('never lists an excluded pair, on either side', () => {
    expect(list('talent', 't-cold-chain')).not.toContain('p-logi');
    expect(list('platform', 'p-logi')).not.toContain('t-cold-chain');
    expect(engine.explain('t-cold-chain', 'p-logi')).toMatchObject({ acceptable: false, reason: 'excluded' });
    expect([...engine.pairs()].some((p) => p.talent === engine.talentIndex('t-cold-chain') && p.platform === engine.platformIndex('p-logi'))).toBe(false);
  });

  it('never recommends a platform with no free slot', () => {
    for (const t of ['t-fintech', 't-anim-zh', 't-cold-chain']) expect(list('talent', t)).not.toContain('p-full');
    expect(list('platform', 'p-full')).toEqual([]);
    expect(engine.explain('t-fintech', 'p-full').reason).toBe('no-free-slot');
  });

  it('does not recommend a platform without enough free seats for the team', () => {
    const e = createEngine(
      dataset(
        [platform('p-small', { capacity: { slots: 3, slotsUsed: 0, seats: 10, seatsUsed: 8 } }), platform('p-big')],
        [talent('t-team', { teamSize: 5 })],
      ),
    );
    const r = e.recommend();
    expect(r.talent.sizes[0]).toBe(1);
    expect(e.model.platforms.ids[r.talent.ids[0]]).toBe('p-big');
    expect(e.explain('t-team', 'p-small').reason).toBe('not-enough-seats');
  });

  it('breaks ties by id, ascending', () => {
    const same = { description: 'Identical platform text for a tie.' };
    const e = createEngine(dataset([platform('p-b', same), platform('p-a', same), platform('p-c', same)], [talent('t-1')]));
    const r = e.recommend({ k: 3 });
    expect(Array.from(r.talent.ids.subarray(0, 3)).map((i) => e.model.platforms.ids[i])).toEqual(['p-a', 'p-b', 'p-c']);
  });

  it('drops pairs below the policy minimum score', () => {
    const base = dataset(PLATFORMS, TALENTS);
    const strict = createEngine({ ...base, policy: { ...base.policy, minScoreForReferral: 0.6 } });
    for (const p of strict.pairs()) expect(p.score).toBeGreaterThanOrEqual(0.6);
    const explained = strict.explain('t-cold-chain', 'p-design-zh');
    expect(explained.score).toBeLessThan(0.6);
    expect(explained.reason).toBe('below-min-score');
  });

  it('shows its reasons: contributions add up to the score and the kernel agrees with the explainer exactly', () => {
    for (const l of lines) {
      for (const it of l.items) {
        const sum = Object.values(it.why).reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - it.score)).toBeLessThan(1e-9);
      }
    }
    for (const p of engine.pairs()) {
      const e = engine.explain(engine.model.talents.ids[p.talent], engine.model.platforms.ids[p.platform]);
      expect(e.score).toBe(p.score);
      expect(e.talentScore).toBe(p.talentScore);
      expect(e.platformScore).toBe(p.platformScore);
    }
  });
});
