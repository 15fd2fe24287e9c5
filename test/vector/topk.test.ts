import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { better, createTopK, finalizeTopK, mergeTopK, offer, offerFrom } from '../../src/vector/topk.js';

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
  it('offerFrom keeps the k best of scores read at src[at] (better\'s order, ties by id), returns whether the heap changed, and merges exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ s: fc.integer({ min: 0, max: 4 }).map((x) => x / 4), id: fc.nat(60) }), { maxLength: 120 }),
        fc.integer({ min: 1, max: 12 }),
        (items, k) => {
          const uniq = [...new Map(items.map((x) => [x.id, x])).values()];
          // the scores in an array, offered by index (the ranker's way), and each compared with the sorted oracle
          const src = Float64Array.from(uniq.map((x) => x.s));
          const t = createTopK(2, k);
          for (let i = 0; i < uniq.length; i++) {
            const before = [t.sizes[1], ...t.ids.subarray(k, 2 * k), ...t.scores.subarray(k, 2 * k)];
            const kept = offerFrom(t, 1, src, i, uniq[i].id);
            const after = [t.sizes[1], ...t.ids.subarray(k, 2 * k), ...t.scores.subarray(k, 2 * k)];
            expect(kept).toBe(before.some((v, j) => !Object.is(v, after[j])));
          }
          expect(t.sizes[0]).toBe(0);
          // merged into a heap holding half the stream: the k best of the whole stream
          const m = createTopK(2, k);
          for (const x of uniq.slice(0, uniq.length >> 1)) offer(m, 1, x.s, x.id);
          const rest = createTopK(2, k);
          for (const x of uniq.slice(uniq.length >> 1)) offer(rest, 1, x.s, x.id);
          mergeTopK(m, rest);
          finalizeTopK(t);
          finalizeTopK(m);
          const want = [...uniq].sort((a, b) => (better(a.s, a.id, b.s, b.id) ? -1 : 1)).slice(0, k);
          for (const h of [t, m]) {
            expect(Array.from(h.ids.subarray(k, k + h.sizes[1]))).toEqual(want.map((w) => w.id));
            expect(Array.from(h.scores.subarray(k, k + h.sizes[1]))).toEqual(want.map((w) => w.s));
          }
        },
      ),
    );
  });
});
