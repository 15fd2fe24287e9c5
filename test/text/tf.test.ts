import { describe, expect, it } from 'vitest';
import { TF_TABLE_MAX, tf, vectorize } from '../../src/text/tfidf.js';
import type { TextModel } from '../../src/text/tfidf.js';
import { conceptScratch, conceptVector } from '../../src/text/concepts.js';

/** The rule as written before the table: the oracle, bit for bit. */
const plain = (c: number) => 1 + Math.log(c);
const bits = (x: number) => {
  const f = new Float64Array([x]);
  return new BigUint64Array(f.buffer)[0];
};

describe('tf: 1 + ln(count), from a table for small counts', () => {
  it('known answers', () => {
    expect(tf(1)).toBe(1);
    expect(tf(2)).toBe(1 + Math.LN2);
    expect(tf(10)).toBe(1 + Math.LN10);
  });

  it('every count in and past the table is the expression bit for bit (both sides of TF_TABLE_MAX)', () => {
    const counts: number[] = [];
    for (let c = 1; c <= TF_TABLE_MAX + 64; c++) counts.push(c);
    counts.push(4096, 65_535, 1_000_000, 2 ** 31 - 1);
    for (const c of counts) expect(bits(tf(c)), `count ${c}`).toBe(bits(plain(c)));
  });

  it('a concept row with counts across the table edge weighs each by the expression', () => {
    // concept 0 mentioned TF_TABLE_MAX times, 1 once past the edge (TF_TABLE_MAX + 1), 2 twice, 3 once
    const mentions: number[] = [];
    for (let i = 0; i < TF_TABLE_MAX; i++) mentions.push(0);
    for (let i = 0; i < TF_TABLE_MAX + 1; i++) mentions.push(1);
    mentions.push(2, 3, 2);
    const idf = new Float32Array([1.5, 2.25, 3, 0.75]);
    const v = conceptVector(idf, mentions, conceptScratch(4));
    const w = [plain(TF_TABLE_MAX) * idf[0], plain(TF_TABLE_MAX + 1) * idf[1], plain(2) * idf[2], plain(1) * idf[3]];
    let norm = 0;
    for (const x of w) norm += x * x;
    norm = Math.sqrt(norm);
    expect([...v.indices]).toEqual([0, 1, 2, 3]);
    expect([...v.values]).toEqual([...Float32Array.from(w, (x) => x / norm)]);
  });

  it('vectorize weighs repeated and unseen tokens by the expression', () => {
    const model: TextModel = { vocab: new Map([['a', 0], ['b', 1]]), idf: new Float32Array([1.25, 2]), documents: 3 };
    const tokens = [...Array<string>(TF_TABLE_MAX + 2).fill('a'), 'b', 'b', 'b', ...Array<string>(TF_TABLE_MAX + 1).fill('zz'), 'q'];
    const unseen = Math.log(1 + 3) + 1;
    const w = [plain(TF_TABLE_MAX + 2) * 1.25, plain(3) * 2];
    const x = [plain(TF_TABLE_MAX + 1) * unseen, plain(1) * unseen];
    let norm = w[0] * w[0] + w[1] * w[1];
    for (const y of x) norm += y * y;
    norm = Math.sqrt(norm);
    const v = vectorize(model, tokens);
    expect([...v.indices]).toEqual([0, 1]);
    expect([...v.values]).toEqual([...Float32Array.from(w, (y) => y / norm)]);
  });
});
