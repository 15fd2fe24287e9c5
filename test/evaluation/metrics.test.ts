import { describe, expect, it } from 'vitest';
import { apAtK, gini, meanDefined, ndcgAtK, recallAtK, reciprocalRank } from '../../src/evaluation/metrics.js';

const R = (...ids: string[]) => new Set(ids);

describe('ranking metrics, hand-computed', () => {
  const ranked = ['a', 'b', 'c', 'd', 'e'];
  it('NDCG@k', () => {
    // relevant at ranks 2 and 4: DCG = 1/log2(3) + 1/log2(5); IDCG = 1 + 1/log2(3)
    expect(ndcgAtK(ranked, R('b', 'd'), 5)).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3)), 12);
    expect(ndcgAtK(ranked, R('a'), 3)).toBe(1);
    // cutoff excludes d: DCG = 1/log2(3)
    expect(ndcgAtK(ranked, R('b', 'd'), 3)).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 12);
    // relevant item never listed
    expect(ndcgAtK(ranked, R('z'), 5)).toBe(0);
  });
  it('AP@k', () => {
    // hits at 2 and 4: (1/2 + 2/4) / 2
    expect(apAtK(ranked, R('b', 'd'), 5)).toBeCloseTo(0.5, 12);
    // k = 3: one hit (at 2) of min(3, 2) = 2 possible
    expect(apAtK(ranked, R('b', 'd'), 3)).toBeCloseTo(0.25, 12);
  });
  it('recall@k and reciprocal rank', () => {
    expect(recallAtK(ranked, R('b', 'd', 'z'), 2)).toBeCloseTo(1 / 3, 12);
    expect(reciprocalRank(ranked, R('c', 'e'))).toBeCloseTo(1 / 3, 12);
    expect(reciprocalRank(ranked, R('z'))).toBe(0);
  });
  it('ties: the list is ranked with ties broken by id, and metrics read that order', () => {
    // two items tie on score; the engine lists the smaller id first
    const tied = [{ id: 'p-2', s: 0.5 }, { id: 'p-1', s: 0.5 }, { id: 'p-0', s: 0.9 }]
      .sort((x, y) => y.s - x.s || (x.id < y.id ? -1 : 1))
      .map((x) => x.id);
    expect(tied).toEqual(['p-0', 'p-1', 'p-2']);
    expect(ndcgAtK(tied, R('p-2'), 3)).toBeCloseTo(1 / Math.log2(4), 12);
    expect(reciprocalRank(tied, R('p-1', 'p-2'))).toBeCloseTo(0.5, 12);
  });
  it('empty relevance is undefined (NaN) and left out of means', () => {
    expect(ndcgAtK(ranked, R(), 5)).toBeNaN();
    expect(apAtK(ranked, R(), 5)).toBeNaN();
    expect(recallAtK(ranked, R(), 5)).toBeNaN();
    expect(reciprocalRank(ranked, R())).toBeNaN();
    expect(meanDefined([1, Number.NaN, 0])).toBe(0.5);
    expect(meanDefined([Number.NaN])).toBeNaN();
  });
  it('Gini of exposure', () => {
    expect(gini([5, 5, 5, 5])).toBe(0);
    expect(gini([0, 0, 0, 10])).toBeCloseTo(0.75, 12); // (n-1)/n for one-hot
    expect(gini([1, 2, 3])).toBeCloseTo((2 * 3 - 3 - 1) * 3 / (3 * 6) + ((2 * 1 - 4) * 1 + (2 * 2 - 4) * 2) / 18, 12);
    expect(gini([])).toBe(0);
    expect(gini([0, 0])).toBe(0);
  });
});
