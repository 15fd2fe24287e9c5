import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTopK, finalizeTopK, offer } from '../../src/vector/topk.js';

describe('bounded top-k heap', () => {
  it('keeps exactly the k best (score desc, id asc) of any stream, ties included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ s: fc.integer({ min: 0, max: 5 }).map((x) => x / 5), id: fc.nat(1000) }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 20 }),
        (items, k) => {
          // ids unique per stream, as entity indices are
          const uniq = [...new Map(items.map((x) => [x.id, x])).values()];
          const t = createTopK(1, k);
          for (const x of uniq) offer(t, 0, x.s, x.id);
          finalizeTopK(t);
          const want = [...uniq].sort((a, b) => b.s - a.s || a.id - b.id).slice(0, k);
          expect(t.sizes[0]).toBe(want.length);
          expect(Array.from(t.ids.subarray(0, t.sizes[0]))).toEqual(want.map((w) => w.id));
          expect(Array.from(t.scores.subarray(0, t.sizes[0]))).toEqual(want.map((w) => w.s));
        },
      ),
    );
  });

  it('keeps rows independent', () => {
    const t = createTopK(3, 2);
    offer(t, 0, 0.5, 1);
    offer(t, 2, 0.9, 7);
    offer(t, 2, 0.1, 8);
    offer(t, 2, 0.95, 9);
    finalizeTopK(t);
    expect(Array.from(t.sizes)).toEqual([1, 0, 2]);
    expect(Array.from(t.ids.subarray(4, 6))).toEqual([9, 7]);
  });
});
