import { describe, expect, it } from 'vitest';
import { cappedRecallAtK, plantedRecall } from '../../src/evaluation/planted.js';
import type { TruthRecord } from '../../src/domain/truth.js';
import { createTopK } from '../../src/vector/topk.js';

/** Top-k buffers from explicit lists (best first). */
function lists(rows: number[][], k: number) {
  const b = createTopK(rows.length, k);
  rows.forEach((r, i) => {
    b.sizes[i] = r.length;
    r.forEach((id, j) => (b.ids[i * k + j] = id));
  });
  return b;
}

describe('recall@k of planted fits', () => {
  it('hits over min(k, fits), hand-computed', () => {
    expect(cappedRecallAtK([1, 2, 3, 4, 5], new Set([2, 9]), 5)).toBe(0.5);
    // more fits than k: a list of k fits is perfect
    expect(cappedRecallAtK([1, 2, 3, 4, 5], new Set([1, 2, 3, 4, 5, 6, 7]), 5)).toBe(1);
    expect(cappedRecallAtK([1, 2, 3, 4, 5, 6], new Set([1, 2, 3, 4, 6, 7]), 5)).toBe(0.8);
    // the cutoff: a fit at rank k+1 does not count, at rank k it does
    expect(cappedRecallAtK([1, 2, 3, 4], new Set([4]), 3)).toBe(0);
    expect(cappedRecallAtK([1, 2, 3, 4], new Set([3]), 3)).toBe(1);
    // a short list (fewer acceptable platforms than k)
    expect(cappedRecallAtK([7], new Set([7, 8]), 5)).toBe(0.5);
    expect(cappedRecallAtK([1], new Set<number>(), 5)).toBeNaN();
  });

  it('groups queries by the listing entity\'s language, both sides, with the gaps', () => {
    // talents t0 (en), t1 (zh), t2 (en, no fits); platforms p0 (zh), p1 (en), p2 (zh)
    const truth: TruthRecord[] = [
      { side: 'platform', id: 'p0', language: 'zh' },
      { side: 'platform', id: 'p1', language: 'en' },
      { side: 'platform', id: 'p2', language: 'zh' },
      { side: 'talent', id: 't0', language: 'en', fits: ['p0', 'p2'] },
      { side: 'talent', id: 't1', language: 'zh', fits: ['p1'] },
      { side: 'talent', id: 't2', language: 'en', fits: [] },
      { side: 'talent', id: 't-unknown', language: 'en', fits: ['p0'] },
    ];
    const k = 2;
    const r = plantedRecall(
      {
        talentIds: ['t0', 't1', 't2'],
        platformIds: ['p0', 'p1', 'p2'],
        // t0 lists p1 (miss) then p0 (hit): 1/2; t1 lists p1: 1/1
        talent: lists([[1, 0], [1], [0, 1]], k),
        // p0's fit talent t0 listed second: 1; p1's fit t1 not listed: 0; p2's fit t0 listed: 1
        platform: lists([[1, 0], [0, 2], [0]], k),
      },
      truth,
      k,
    );
    expect(r.talent.groups).toEqual([
      { language: 'en', recall: 0.5, queries: 1 },
      { language: 'zh', recall: 1, queries: 1 },
    ]);
    expect(r.talent.recall).toBe(0.75);
    expect(r.talent.gap).toBe(0.5);
    expect(r.platform.groups).toEqual([
      { language: 'en', recall: 0, queries: 1 },
      { language: 'zh', recall: 1, queries: 2 },
    ]);
    expect(r.platform.gap).toBe(1);
    expect(r.gap).toBe(1);
  });
});
