/**
 * The per-talent list controls (MMR diversity weight, industry share cap): properties on
 * random candidate lists against a plain reference implementation and known answers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IndustryView } from '../../src/ranking/diversity.js';
import { controlledList, industrySimilarity, mainIndustries, shareCap } from '../../src/ranking/diversity.js';
import { capIndustryShare } from '../../src/ranking/controls.js';

/** A random talent: platforms with unit industry vectors (>= 0) over D dims, scores on a coarse grid (ties happen), sorted best first. */
const talent = fc
  .record({
    M: fc.integer({ min: 1, max: 9 }),
    D: fc.integer({ min: 1, max: 4 }),
    raw: fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }), { minLength: 9, maxLength: 9 }),
    scores: fc.array(fc.integer({ min: -2, max: 10 }), { minLength: 9, maxLength: 9 }),
  })
  .map(({ M, D, raw, scores }) => {
    const vectors = new Float32Array(M * D);
    for (let p = 0; p < M; p++) {
      const v: number[] = raw[p].slice(0, D);
      if (!v.some((x) => x > 0)) v[p % D] = 1;
      const n = Math.hypot(...v);
      v.forEach((x, d) => (vectors[p * D + d] = x / n));
    }
    const view: IndustryView = { dims: D, vectors, main: mainIndustries(vectors, M, D) };
    const cand = Array.from({ length: M }, (_, p) => p).filter((p) => scores[p] >= 0);
    cand.sort((a, b) => scores[b] - scores[a] || a - b);
    return { view, plat: Int32Array.from(cand), score: Float64Array.from(cand, (p) => scores[p] / 10) };
  });

/** The reference: MMR written as the formula reads, over every candidate subset order, ties to the earlier candidate. */
function referenceMmr(plat: Int32Array, score: Float64Array, view: IndustryView, k: number, w: number, cap: number): number[] {
  const picked: number[] = [];
  while (picked.length < Math.min(k, plat.length)) {
    const count = (d: number) => picked.filter((j) => view.main[plat[j]] === d).length;
    const options = [...plat.keys()].filter((j) => !picked.includes(j) && count(view.main[plat[j]]) < cap);
    if (options.length === 0) break;
    const value = (j: number) => (1 - w) * score[j] - w * Math.max(0, ...picked.map((i) => industrySimilarity(view, plat[i], plat[j])));
    let best = options[0];
    for (const j of options) if (value(j) > value(best)) best = j;
    picked.push(best);
  }
  return picked;
}

describe('MMR diversity weight', () => {
  it('weight 0 is exactly the plain top-k', () => {
    fc.assert(
      fc.property(talent, fc.integer({ min: 1, max: 10 }), ({ view, plat, score }, k) => {
        const l = controlledList(plat, score, plat.length, view, { k, diversity: 0 });
        expect(Array.from(l)).toEqual(Array.from({ length: Math.min(k, plat.length) }, (_, j) => j));
      }),
    );
  });

  it('equals the formula (reference), is a list of distinct candidates of length min(k, n), and starts with the best candidate', () => {
    fc.assert(
      fc.property(talent, fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 10 }), ({ view, plat, score }, k, tenths) => {
        const w = tenths / 10;
        const l = Array.from(controlledList(plat, score, plat.length, view, { k, diversity: w }));
        expect(l).toEqual(referenceMmr(plat, score, view, k, w, Number.POSITIVE_INFINITY));
        expect(l.length).toBe(Math.min(k, plat.length));
        expect(new Set(l).size).toBe(l.length);
        for (const j of l) expect(j >= 0 && j < plat.length).toBe(true);
        if (l.length > 0) expect(l[0]).toBe(0);
      }),
    );
  });

  it('with a share cap: never more than the cap of one industry; weight 0 equals capIndustryShare', () => {
    fc.assert(
      fc.property(talent, fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 10 }), ({ view, plat, score }, k, tenths, shareTenths) => {
        const share = shareTenths / 10;
        const cap = shareCap(share, k);
        const w = tenths / 10;
        const l = Array.from(controlledList(plat, score, plat.length, view, { k, diversity: w, industryShare: share }));
        expect(l).toEqual(referenceMmr(plat, score, view, k, w, cap));
        const n = new Map<number, number>();
        for (const j of l) n.set(view.main[plat[j]], (n.get(view.main[plat[j]]) ?? 0) + 1);
        for (const x of n.values()) expect(x).toBeLessThanOrEqual(cap);
        const c = { talents: 1, platforms: 9, ptr: Int32Array.from([0, plat.length]), plat, score };
        const capped = Array.from(controlledList(plat, score, plat.length, view, { k, industryShare: share }));
        expect(capped).toEqual(Array.from(capIndustryShare(c, view.main, k, share)[0]));
      }),
    );
  });

  it('a known answer: the weight trades score for a second industry', () => {
    // platforms 0, 1 in industry A (0.9, 0.8), platform 2 in industry B (0.5); k = 2
    const view: IndustryView = { dims: 2, vectors: Float32Array.from([1, 0, 1, 0, 0, 1]), main: Int32Array.from([0, 0, 1]) };
    const plat = Int32Array.from([0, 1, 2]);
    const score = Float64Array.from([0.9, 0.8, 0.5]);
    // second pick: (1 - w) 0.8 - w  vs  (1 - w) 0.5: B wins when 0.3 (1 - w) < w, i.e. w > 0.3 / 1.3 = 0.2308
    expect(Array.from(controlledList(plat, score, 3, view, { k: 2, diversity: 0.23 }))).toEqual([0, 1]);
    expect(Array.from(controlledList(plat, score, 3, view, { k: 2, diversity: 0.24 }))).toEqual([0, 2]);
    // a tie goes to the earlier (higher-scoring) candidate: scores 0.9, 0.6, 0.6 with sim 0 everywhere
    const flat: IndustryView = { dims: 3, vectors: Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]), main: Int32Array.from([0, 1, 2]) };
    expect(Array.from(controlledList(plat, Float64Array.from([0.9, 0.6, 0.6]), 3, flat, { k: 3, diversity: 0.5 }))).toEqual([0, 1, 2]);
    // the share cap: share 0.5 of k = 2 is one per industry
    expect(Array.from(controlledList(plat, score, 3, view, { k: 2, industryShare: 0.5 }))).toEqual([0, 2]);
    expect(shareCap(0.5, 2)).toBe(1);
    expect(shareCap(0.1, 2)).toBe(1);
    expect(shareCap(0.6, 5)).toBe(3);
  });

  it('main industry: the largest component, ties to the lower index, -1 for none', () => {
    expect(Array.from(mainIndustries(Float32Array.from([0.6, 0.8, 0.5, 0.5, 0, 0]), 3, 2))).toEqual([1, 0, -1]);
  });
});
