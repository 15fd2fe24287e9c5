/**
 * Exact pruning in the ranking primitive: the bounds bracket every scored pair, and a pruned
 * ranking keeps exactly the heaps (ids, scores, tie order) and pair count of the unpruned
 * one, on random districts with a rich vocabulary, a dense one, ties, a minimum score,
 * exclusions and every fusion.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { RowRanker } from '../../src/ranking/rows.js';
import { createRowScratch, scoreRow, UNACCEPTABLE } from '../../src/scoring/kernel.js';
import { boundRow, termMaxima } from '../../src/scoring/bounds.js';
import { finalizeTopK } from '../../src/vector/topk.js';
import { FUSIONS } from '../../src/config/weights.js';
import { rng } from '../../src/util/rng.js';

const DENSE_WORDS = ['data', 'chain', 'cloud', 'robot', 'finance', 'trade', 'export', 'design', 'sensor', 'battery', '数据', '物流', '电商', '芯片'];

interface Case {
  seed: number;
  dense: boolean;
  minScore: number;
  fusion: number;
  dup: boolean;
  conceptWeight: number;
}

function district(c: Case): Engine {
  const d = generateDistrict({ seed: c.seed, talents: 60, platforms: 40, words: [8, 30], curated: false, outcomes: false });
  const r = rng(c.seed + 1);
  const text = () => Array.from({ length: 5 + Math.floor(r() * 25) }, () => DENSE_WORDS[Math.floor(r() * DENSE_WORDS.length)]).join(' ');
  let talents = c.dense ? d.talents.map((t) => ({ ...t, description: text(), profile: r() < 0.5 ? text() : undefined })) : d.talents;
  let platforms = c.dense ? d.platforms.map((p) => ({ ...p, description: text() })) : d.platforms;
  if (c.dup) {
    // exact copies under other ids: equal scores, so only the tie order tells them apart
    talents = [...talents, ...talents.slice(0, 15).map((t) => ({ ...t, id: `${t.id}-copy` }))];
    platforms = [...platforms, ...platforms.slice(0, 10).map((p) => ({ ...p, id: `${p.id}-copy` }))];
  }
  return createEngine({
    industries: d.industries,
    platforms,
    talents,
    policy: { ...JIANGDONG_POLICY, minScoreForReferral: c.minScore },
    weights: { fusion: FUSIONS[c.fusion], concept: c.conceptWeight },
  });
}

const cases = fc.record({
  seed: fc.integer({ min: 1, max: 10_000 }),
  dense: fc.boolean(),
  minScore: fc.constantFrom(0, 0.2, 0.35, 0.5),
  fusion: fc.integer({ min: 0, max: FUSIONS.length - 1 }),
  dup: fc.boolean(),
  conceptWeight: fc.constantFrom(0, 0.1),
});

describe('exact pruning', () => {
  it('the bounds bracket every pair the kernel scores, and mark exactly the pairs without room', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const m = district(c).model;
        const M = m.platforms.count;
        const s = createRowScratch(M);
        const b = createRowScratch(M);
        const tm = termMaxima(m.platforms);
        for (let t = 0; t < m.talents.count; t++) {
          scoreRow(m, t, s);
          boundRow(m, t, b, tm);
          for (let p = 0; p < M; p++) {
            if (b.upper[p] === UNACCEPTABLE) {
              expect(s.score[p]).toBe(UNACCEPTABLE);
              continue;
            }
            // the kernel's score before the minimum-score rule: lf * f + lb * b
            const x = s.score[p];
            if (x === UNACCEPTABLE) {
              expect(b.lower[p]).toBeLessThan(c.minScore);
              continue;
            }
            expect(b.lower[p]).toBeLessThanOrEqual(x);
            expect(b.upper[p]).toBeGreaterThanOrEqual(x);
          }
        }
      }),
      { numRuns: 12 },
    );
  });

  it('keeps exactly the heaps and the pair count of the unpruned ranking (random districts, k from 1 to more than the platforms)', () => {
    fc.assert(
      fc.property(cases, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 70 }), (c, kT, kP) => {
        const m = district(c).model;
        const full = new RowRanker(m, { kTalent: kT, kPlatform: kP }).rankAll();
        const pruned = new RowRanker(m, { kTalent: kT, kPlatform: kP, prune: true }).rankAll();
        expect(pruned.pairs).toBe(full.pairs);
        expect(Array.from(pruned.talentTop.sizes)).toEqual(Array.from(full.talentTop.sizes));
        expect(Array.from(pruned.talentTop.ids)).toEqual(Array.from(full.talentTop.ids));
        expect(Array.from(pruned.talentTop.scores)).toEqual(Array.from(full.talentTop.scores));
        finalizeTopK(full.platformTop);
        finalizeTopK(pruned.platformTop);
        expect(Array.from(pruned.platformTop.sizes)).toEqual(Array.from(full.platformTop.sizes));
        expect(Array.from(pruned.platformTop.ids)).toEqual(Array.from(full.platformTop.ids));
        expect(Array.from(pruned.platformTop.scores)).toEqual(Array.from(full.platformTop.scores));
      }),
      { numRuns: 25 },
    );
  });

  it('prunes: on a district of 300 talents far fewer pairs are scored in full than are acceptable', () => {
    const d = generateDistrict({ seed: 9, talents: 300, platforms: 40, words: [20, 50], curated: false, outcomes: false });
    const m = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0 } }).model;
    const r = new RowRanker(m, { kTalent: 3, kPlatform: 3, prune: true }).rankAll();
    const full = new RowRanker(m, { kTalent: 3, kPlatform: 3 }).rankAll();
    expect(full.scored).toBe(full.pairs);
    expect(r.pairs).toBe(full.pairs);
    expect(r.scored).toBeLessThan(r.pairs / 2);
  });

  it('a platform heap tie at its root is still offered (a pair equal to the k-th best with a smaller id enters)', () => {
    // every talent identical: every platform's scores tie across talents, so each platform's
    // heap keeps the k smallest talent ids, which only an offer at equality can achieve
    const d = generateDistrict({ seed: 4, talents: 1, platforms: 12, words: [10, 20], curated: false, outcomes: false });
    const t0 = d.talents[0];
    const talents = Array.from({ length: 30 }, (_, i) => ({ ...t0, id: `t-${String(29 - i).padStart(2, '0')}` }));
    const m = createEngine({ industries: d.industries, platforms: d.platforms, talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0 } }).model;
    const full = new RowRanker(m, { kTalent: 2, kPlatform: 4 }).rankAll();
    const pruned = new RowRanker(m, { kTalent: 2, kPlatform: 4, prune: true }).rankAll();
    finalizeTopK(full.platformTop);
    finalizeTopK(pruned.platformTop);
    expect(Array.from(pruned.platformTop.ids)).toEqual(Array.from(full.platformTop.ids));
    for (let p = 0; p < m.platforms.count; p++) if (full.platformTop.sizes[p] === 4) expect(Array.from(full.platformTop.ids.subarray(p * 4, p * 4 + 4))).toEqual([0, 1, 2, 3]);
  });
});
