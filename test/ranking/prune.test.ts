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
import { accumulate, beginRow, createRowScratch, endRow, rowCosines, scoreRow, UNACCEPTABLE } from '../../src/scoring/kernel.js';
import { blockBounds, platformBlocks } from '../../src/scoring/bounds.js';
import { prunable, talentRowsPrunable, talentsPrunable } from '../../src/scoring/prunable.js';
import { accumulateBlock, conceptFor, looseCosines, roomCount } from '../../src/scoring/blockReads.js';
import { hasRoom } from '../../src/scoring/acceptability.js';
import { createTopK, finalizeTopK, mergeTopK } from '../../src/vector/topk.js';
import { rankRange } from '../../src/ranking/twoWay.js';
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
  it('the block bounds bracket every acceptable pair of the block, and blocks partition the platforms', () => {
    fc.assert(
      fc.property(cases, fc.integer({ min: 1, max: 40 }), (c, size) => {
        const m = district(c).model;
        const M = m.platforms.count;
        const k = platformBlocks(m.platforms, m.ctx.dims, size);
        expect(Array.from(k.order).sort((a, b) => a - b)).toEqual(Array.from({ length: M }, (_, i) => i));
        for (let b = 0; b < k.count; b++) expect(k.start[b + 1] - k.start[b]).toBeLessThanOrEqual(size);
        const s = createRowScratch(M);
        const lo = new Float64Array(k.count);
        const hi = new Float64Array(k.count);
        let checked = 0;
        for (let t = 0; t < m.talents.count; t++) {
          scoreRow(m, t, s);
          // the bounds read the row's cosines in block order
          rowCosines(m, t, s, k.docPos);
          const concept = beginRow(m, t, s, k.conceptPos);
          blockBounds(m, t, s, k, concept, lo, hi);
          endRow(m, t, s);
          for (let b = 0; b < k.count; b++) {
            expect(lo[b]).toBeLessThanOrEqual(hi[b]);
            for (let j = k.start[b]; j < k.start[b + 1]; j++) {
              const x = s.score[k.order[j]];
              if (x === UNACCEPTABLE) continue;
              checked++;
              expect(x).toBeLessThanOrEqual(hi[b]);
              expect(x).toBeGreaterThanOrEqual(lo[b]);
            }
          }
        }
        // with a minimum score some rows may hold no acceptable pair, never every row of a district
        if (c.minScore === 0) expect(checked).toBeGreaterThan(0);
      }),
      { numRuns: 20 },
    );
  });

  it('without a lower bound, blockBounds gives the upper and forward bounds of the full computation bit for bit, exact or loose text, and leaves outLo of live blocks as it was', () => {
    let withProfile = 0;
    let withConcept = 0;
    fc.assert(
      fc.property(cases, fc.integer({ min: 1, max: 40 }), (c, size) => {
        const m = district(c).model;
        const T = m.talents;
        const k = platformBlocks(m.platforms, m.ctx.dims, size);
        const B = k.count;
        const s = createRowScratch(m.platforms.count);
        const [lo, hi, f, lo2, hi2, f2, cos, tmp] = Array.from({ length: 8 }, () => new Float64Array(B));
        for (let t = 0; t < T.count; t++) {
          const concept = beginRow(m, t, s, k.conceptPos);
          rowCosines(m, t, s, k.docPos);
          const hasProfile = T.profile.indptr[t + 1] > T.profile.indptr[t];
          if (hasProfile) withProfile++;
          if (concept) withConcept++;
          looseCosines(m, t, k, cos, tmp);
          for (const loose of [undefined, cos]) {
            // the oracle: the lows and highs together (lower = true)
            blockBounds(m, t, s, k, concept, lo, hi, true, 0, B, loose, f);
            lo2.fill(7);
            blockBounds(m, t, s, k, concept, lo2, hi2, false, 0, B, loose, f2);
            expect(Array.from(hi2)).toEqual(Array.from(hi));
            expect(Array.from(f2)).toEqual(Array.from(f));
            // (a block without a free slot gets -Infinity either way)
            for (let b = 0; b < B; b++) expect(lo2[b]).toBe(k.live[b] === 0 ? -Infinity : 7);
            // block by block (the loose path's exact bounds of one block) the same
            for (let b = 0; b < B; b++) blockBounds(m, t, s, k, concept, lo2, hi2, false, b, b + 1, loose, f2);
            expect(Array.from(hi2)).toEqual(Array.from(hi));
          }
          endRow(m, t, s);
        }
      }),
      { numRuns: 30 },
    );
    // both text forms (description alone, with a profile) and the concept cosines were exercised
    expect(withProfile).toBeGreaterThan(0);
    expect(withConcept).toBeGreaterThan(0);
  });

  it('keeps exactly the heaps and the pair count of the unpruned ranking (random districts, k from 1 to more than the platforms; loose bounds always, never, by default)', () => {
    fc.assert(
      fc.property(cases, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 70 }), fc.constantFrom(1, -1, undefined), (c, kT, kP, looseShare) => {
        const m = district(c).model;
        const full = new RowRanker(m, { kTalent: kT, kPlatform: kP }).rankAll();
        const pruned = new RowRanker(m, { kTalent: kT, kPlatform: kP, prune: true, ...(looseShare === undefined ? {} : { looseShare }) }).rankAll();
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
      { numRuns: 40 },
    );
  });

  it('loose text bounds are at least every exact cosine of their block; one block\'s accumulation, and the whole row through the indexes in block order (docPos, conceptPos), have the bits of the platforms\' own index at each platform\'s position; roomCount counts the platforms with room', () => {
    fc.assert(
      fc.property(cases, fc.integer({ min: 1, max: 40 }), (c, size) => {
        const m = district(c).model;
        const T = m.talents;
        const P = m.platforms;
        const M = P.count;
        const k = platformBlocks(P, m.ctx.dims, size);
        const s = createRowScratch(M);
        const ub = new Float64Array(k.count);
        const tmp = new Float64Array(k.count);
        const d = new Float64Array(M).fill(NaN);
        const pr = new Float64Array(M).fill(NaN);
        const pos = createRowScratch(M);
        const tps = m.ctx.textProfileShare;
        let tight = 0;
        let concepts = 0;
        for (let t = 0; t < T.count; t++) {
          const hasProfile = T.profile.indptr[t + 1] > T.profile.indptr[t];
          rowCosines(m, t, s);
          // the oracle's concept cosines: the kernel's own accumulation over the platforms' index
          accumulate(T.concept.indptr, T.concept.indices, T.concept.values, t, P.conceptIndex, s.cosConcept);
          rowCosines(m, t, pos, k.docPos);
          accumulate(T.concept.indptr, T.concept.indices, T.concept.values, t, k.conceptPos, pos.cosConcept);
          looseCosines(m, t, k, ub, tmp);
          for (let b = 0; b < k.count; b++) {
            accumulateBlock(m, t, k, b, d, pr);
            let best = 0;
            for (let j = k.start[b]; j < k.start[b + 1]; j++) {
              const p = k.order[j];
              expect(k.pos[p]).toBe(j);
              // the same bits as the inverted index over every platform (Object.is: -0 and NaN too), at the platform's position
              expect(Object.is(d[j], s.cosDesc[p])).toBe(true);
              expect(Object.is(pos.cosDesc[j], s.cosDesc[p])).toBe(true);
              expect(Object.is(pos.cosConcept[j], s.cosConcept[p])).toBe(true);
              if (s.cosConcept[p] !== 0) concepts++;
              if (hasProfile) expect(Object.is(pr[j], s.cosProfile[p])).toBe(true);
              if (hasProfile) expect(Object.is(pos.cosProfile[j], s.cosProfile[p])).toBe(true);
              const cos = hasProfile ? (1 - tps) * s.cosDesc[p] + tps * s.cosProfile[p] : s.cosDesc[p];
              expect(ub[b]).toBeGreaterThanOrEqual(cos);
              if (cos > best) best = cos;
            }
            if (ub[b] === best && best > 0) tight++;
          }
        }
        // a block of one platform has a loose bound equal to its cosine (checks the bound is not simply large)
        if (size === 1 && c.minScore === 0) expect(tight).toBeGreaterThan(0);
        // the concept comparison compared some non-zero cosines (a district of zeros would check nothing)
        if (c.minScore === 0) expect(concepts).toBeGreaterThan(0);
        for (let b = 0; b < k.count; b++) {
          for (const seats of [0, 1, 2, 3, 5, 8, 1000]) {
            let n = 0;
            for (let j = k.start[b]; j < k.start[b + 1]; j++) if (hasRoom(P.freeSlots[k.order[j]], P.freeSeats[k.order[j]], seats)) n++;
            expect(roomCount(k, b, seats)).toBe(n);
          }
        }
      }),
      { numRuns: 20 },
    );
  });

  it('conceptFor: without concept weight, a talent of a language some platforms share gets every other platform\'s concept cosine with the bits of the platforms\' own index and 0 for those platforms; with concept weight, or a language no platform has, every platform\'s', () => {
    let filtered = 0;
    let weighted = 0;
    fc.assert(
      fc.property(cases, (c) => {
        const m = district(c).model;
        const T = m.talents;
        const P = m.platforms;
        const M = P.count;
        const k = platformBlocks(P, m.ctx.dims);
        const conceptOn = m.ctx.wTalent[9] !== 0 || m.ctx.wPlatform[9] !== 0;
        const langs = [...new Set(P.zh)];
        // an index per language only for a few languages (4): the dense districts' shares are many
        expect(Array.from(k.langs)).toEqual(langs.length <= 4 ? langs : []);
        const full = new Float64Array(M);
        const got = new Float64Array(M);
        for (let t = 0; t < T.count; t++) {
          accumulate(T.concept.indptr, T.concept.indices, T.concept.values, t, P.conceptIndex, full);
          const inv = conceptFor(m, t, k);
          accumulate(T.concept.indptr, T.concept.indices, T.concept.values, t, inv, got);
          const shared = !conceptOn && langs.length <= 4 && langs.includes(T.zh[t]);
          if (shared) {
            expect(inv).not.toBe(k.conceptPos);
            filtered++;
          } else expect(inv).toBe(k.conceptPos);
          if (conceptOn) weighted++;
          for (let p = 0; p < M; p++) {
            const j = k.pos[p];
            if (shared && P.zh[p] === T.zh[t]) expect(got[j]).toBe(0);
            else expect(Object.is(got[j], full[p])).toBe(true);
          }
        }
      }),
      { numRuns: 20 },
    );
    // both sides were seen (the rich districts' languages are 0 and 1, the dense ones' shares)
    expect(filtered).toBeGreaterThan(0);
    expect(weighted).toBeGreaterThan(0);
  });

  it('ranges pruned against their own platform heaps and the merged heaps of the ranges before them merge into exactly the unpruned result', () => {
    fc.assert(
      fc.property(cases, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 1, max: 74 }), { maxLength: 4 }), (c, kT, kP, cuts) => {
        const m = district(c).model;
        const N = m.talents.count;
        const M = m.platforms.count;
        const full = new RowRanker(m, { kTalent: kT, kPlatform: kP }).rankAll();
        finalizeTopK(full.platformTop);
        const bounds = [...new Set([0, ...cuts.filter((x) => x < N), N])].sort((a, b) => a - b);
        const merged = createTopK(M, kP);
        let pairs = 0;
        for (let i = 0; i + 1 < bounds.length; i++) {
          // the k-th best of the ranges merged so far, as the threaded writer sends it
          const floor = new Float64Array(M).fill(-Infinity);
          for (let p = 0; p < M; p++) if (merged.sizes[p] === kP) floor[p] = merged.scores[p * kP];
          const r = rankRange(m, bounds[i], bounds[i + 1], kT, kP, 0, floor);
          const kt = r.talentTop.k;
          expect(Array.from(r.talentTop.ids)).toEqual(Array.from(full.talentTop.ids.subarray(bounds[i] * kt, bounds[i + 1] * kt)));
          expect(Array.from(r.talentTop.scores)).toEqual(Array.from(full.talentTop.scores.subarray(bounds[i] * kt, bounds[i + 1] * kt)));
          mergeTopK(merged, r.platformTop);
          pairs += r.pairs;
        }
        finalizeTopK(merged);
        expect(pairs).toBe(full.pairs);
        expect(Array.from(merged.sizes)).toEqual(Array.from(full.platformTop.sizes));
        expect(Array.from(merged.ids)).toEqual(Array.from(full.platformTop.ids));
        expect(Array.from(merged.scores)).toEqual(Array.from(full.platformTop.scores));
      }),
      { numRuns: 25 },
    );
  });

  it('prunes: on a district of 400 talents x 200 platforms far fewer pairs are scored in full than are acceptable', () => {
    const d = generateDistrict({ seed: 9, talents: 400, platforms: 200, words: [20, 50], curated: false, outcomes: false });
    const m = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0 } }).model;
    const r = new RowRanker(m, { kTalent: 3, kPlatform: 3, prune: true }).rankAll();
    const full = new RowRanker(m, { kTalent: 3, kPlatform: 3 }).rankAll();
    expect(full.scored).toBe(full.pairs);
    expect(r.pairs).toBe(full.pairs);
    expect(r.scored).toBeLessThan(r.pairs / 2);
  });

  it('a negative input turns pruning off (the bounds assume non-negative terms), with the same result', () => {
    const d = generateDistrict({ seed: 5, talents: 50, platforms: 30, words: [10, 20], curated: false, outcomes: false });
    const m = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0 } }).model;
    const neg = { ...m, platforms: { ...m.platforms, signing: m.platforms.signing.map((v, i) => (i === 3 ? -0.5 : v)) } };
    const r = new RowRanker(neg, { kTalent: 3, kPlatform: 3, prune: true }).rankAll();
    const full = new RowRanker(neg, { kTalent: 3, kPlatform: 3 }).rankAll();
    expect(r.scored).toBe(full.scored);
    expect(Array.from(r.talentTop.ids)).toEqual(Array.from(full.talentTop.ids));
    const ok = new RowRanker(m, { kTalent: 3, kPlatform: 3, prune: true }).rankAll();
    expect(ok.scored).toBeLessThan(full.scored);
  });

  it('a ranker checks the inputs of its own rows only: a negative talent input turns pruning off for the ranges that hold it, and no other', () => {
    const d = generateDistrict({ seed: 6, talents: 60, platforms: 40, words: [10, 20], curated: false, outcomes: false });
    const m = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0 } }).model;
    const D = m.ctx.dims;
    expect(talentRowsPrunable(m.talents, D, 0, 60)).toBe(true);
    for (const [row, field] of [[20, 'industry'], [20, 'level'], [0, 'industry'], [59, 'industry'], [59, 'level']] as const) {
      const T = { ...m.talents, industry: Float32Array.from(m.talents.industry), level: Float64Array.from(m.talents.level) };
      // the row's last industry value (the boundary of the next row's), or its level
      if (field === 'industry') T.industry[row * D + D - 1] = -0.25;
      else T.level[row] = -0.25;
      const neg = { ...m, talents: T };
      expect(talentsPrunable(T)).toBe(false);
      // a range holding the row: not prunable; the ranges just before and just after it: prunable
      expect(talentRowsPrunable(T, D, row, row + 1)).toBe(false);
      expect(talentRowsPrunable(T, D, 0, 60)).toBe(false);
      expect(talentRowsPrunable(T, D, 0, row)).toBe(true);
      expect(talentRowsPrunable(T, D, row + 1, 60)).toBe(true);
      expect(prunable(neg, 0, row)).toBe(true);
      expect(prunable(neg, row, row + 1)).toBe(false);
      // rankers of the three ranges: the same heaps as unpruned ones; only those without the row prune
      for (const [start, end] of [[0, row], [row, row + 1], [row + 1, 60]]) {
        if (start === end) continue;
        const r = new RowRanker(neg, { start, end, kTalent: 2, kPlatform: 2, prune: true }).rankAll();
        const full = new RowRanker(neg, { start, end, kTalent: 2, kPlatform: 2 }).rankAll();
        expect(Array.from(r.talentTop.ids)).toEqual(Array.from(full.talentTop.ids));
        expect(Array.from(r.platformTop.scores)).toEqual(Array.from(full.platformTop.scores));
        expect(r.pairs).toBe(full.pairs);
        if (start <= row && row < end) expect(r.scored).toBe(full.scored);
        else if (end - start > 10) expect(r.scored).toBeLessThan(full.scored);
      }
    }
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
