/**
 * The pieces of two-way top-k over worker threads (workers/rank.ts): range tasks, their
 * assembly, the platform lines' parts and the range cut each equal the in-process engine
 * exactly: same ids, same scores (doubles), same list lengths. The threaded ranker built of
 * them (recommendAsync, ThreadedRanker) is checked against recommend() on 1 to 4 worker
 * threads in threaded.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import { createEngine } from '../../src/engine/engine.js';
import { packTalentFeatures } from '../../src/workers/pack.js';
import { RangeAssembler, TAIL_PARTS, platformLinesTask, platformLinesTasks, rankRangeTask, ranges, taperedRanges } from '../../src/workers/rank.js';
import { platformLinesBytes } from '../../src/engine/format.js';
import { rng } from '../../src/util/rng.js';
import { blocksOf } from '../../src/ranking/blockScan.js';
import { platformBlocks } from '../../src/scoring/bounds.js';
import { rankRange } from '../../src/ranking/twoWay.js';
import type { TopKBuffers } from '../../src/vector/topk.js';

const d = generateDistrict({ seed: 5, talents: 700, platforms: 60, words: [20, 60], curated: false, outcomes: false });
const engine = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0.2 } });
const K = 7;
const KP = 12;
const expected = engine.recommend({ k: K, kPlatform: KP });

const same = (a: TopKBuffers, b: TopKBuffers) => {
  expect(a.rows).toBe(b.rows);
  expect(Array.from(a.sizes)).toEqual(Array.from(b.sizes));
  expect(Array.from(a.ids)).toEqual(Array.from(b.ids));
  expect(Array.from(a.scores)).toEqual(Array.from(b.scores));
};

describe('rankRangeTask', () => {
  it('has lists to compare (minimum score prunes some pairs, not all)', () => {
    expect(expected.pairs).toBeGreaterThan(0);
    expect(expected.pairs).toBeLessThan(700 * 60);
  });

  it('blocksOf: the platforms\' blocks built once per platform features and dims, equal to a fresh platformBlocks; rankRangeTask ranks with them as a fresh ranker does', () => {
    const P = engine.model.platforms;
    const D = engine.model.ctx.dims;
    const k = blocksOf(P, D);
    expect(blocksOf(P, D)).toBe(k);
    expect(k).toEqual(platformBlocks(P, D));
    // other platform features (a copy): their own blocks
    const copy = { ...P };
    expect(blocksOf(copy, D)).not.toBe(k);
    expect(blocksOf(copy, D)).toEqual(k);
    // ranges ranked with the shared blocks equal ranges whose ranker builds its own
    for (const [start, end] of [[0, 1], [0, 250], [250, 700], [699, 700]] as const) {
      const got = rankRangeTask(engine.side, engine.model.talents, { start, end, k: K, kPlatform: KP });
      const want = rankRange(engine.model, start, end, K, KP);
      same(got.talent, want.talentTop);
      same(got.platform, want.platformTop);
      expect(got.pairs).toBe(want.pairs);
    }
  });
});

describe('platformLinesTasks', () => {
  const P = engine.model.platforms.count;
  const whole = Buffer.from(platformLinesBytes(engine.model, expected, 0, P)).toString();
  // a worker holds the talents' features without their ids (packTalentFeatures)
  const T = packTalentFeatures(engine.model.talents);

  it('has platform lines to compare: listed talents, lists of different lengths, an empty one', () => {
    expect(T.ids).toEqual([]);
    const sizes = Array.from(expected.platform.sizes);
    expect(Math.max(...sizes)).toBe(KP);
    expect(new Set(sizes).size).toBeGreaterThan(1);
  });

  it('cuts the platforms into near-equal parts in order; each part formatted from its rows and the listed ids alone gives platformLinesBytes\' bytes', () => {
    for (const parts of [1, 2, 3, 7, P - 1, P, P + 5]) {
      const tasks = platformLinesTasks(engine.model, expected, parts);
      const size = Math.ceil(P / parts);
      expect(tasks.length).toBe(Math.ceil(P / size));
      expect(tasks.map((t) => [t.from, t.to])).toEqual(ranges(P, size));
      let got = '';
      for (const t of tasks) {
        expect(t.lists.k).toBe(KP);
        expect(t.lists.ids.length).toBe((t.to - t.from) * KP);
        expect(t.names.length).toBe((t.to - t.from) * KP);
        for (let r = 0; r < t.to - t.from; r++)
          for (let j = 0; j < KP; j++) expect(t.names[r * KP + j]).toBe(j < t.lists.sizes[r] ? engine.model.talents.ids[expected.platform.ids[(t.from + r) * KP + j]] : '');
        const part = platformLinesTask(engine.side, T, t);
        expect(Buffer.from(part).toString()).toBe(Buffer.from(platformLinesBytes(engine.model, expected, t.from, t.to)).toString());
        got += Buffer.from(part).toString();
      }
      expect(got).toBe(whole);
    }
  });
});

describe('RangeAssembler', () => {
  it('ranges added in any order, each let go once added: identical to recommend() (what recommendLines relies on: ranges finish in any order)', () => {
    const parts = ranges(700, 90).map(([start, end]) => rankRangeTask(engine.side, engine.model.talents, { start, end, k: K, kPlatform: KP }));
    const rand = rng(11);
    for (let round = 0; round < 5; round++) {
      const order = parts.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      const a = new RangeAssembler(700, 60, K, KP);
      // a copy of each part, emptied after it is added: the assembler keeps nothing of it
      for (const i of order) {
        const p = parts[i];
        const copy = { start: p.start, pairs: p.pairs, talent: { ...p.talent, sizes: p.talent.sizes.slice(), ids: p.talent.ids.slice(), scores: p.talent.scores.slice() }, platform: { ...p.platform, sizes: p.platform.sizes.slice(), ids: p.platform.ids.slice(), scores: p.platform.scores.slice() } };
        a.add(copy);
        for (const t of [copy.talent, copy.platform]) {
          t.sizes.fill(-1);
          t.ids.fill(-1);
          t.scores.fill(Number.NaN);
        }
      }
      const r = a.finish();
      same(r.talent, expected.talent);
      same(r.platform, expected.platform);
      expect(r.pairs).toBe(expected.pairs);
    }
  });
});

describe('taperedRanges', () => {
  it('cuts the same rows in order, full ranges first, then the last threads ranges\' worth and the rest in quarters', () => {
    for (const [n, size, threads] of [
      [0, 2000, 2],
      [1, 2000, 2],
      [100_000, 2000, 2],
      [100_001, 2000, 2],
      [101_999, 2000, 2],
      [99_999, 2000, 4],
      [3999, 2000, 2],
      [4000, 2000, 2],
      [4001, 2000, 2],
      [500, 13, 2],
      [500, 1, 3],
      [7, 3, 1],
    ] as const) {
      const got = taperedRanges(n, size, threads);
      // the old cut as the oracle for the rows: contiguous, from 0 to n, none empty
      expect(got.flat()).toEqual(got.length === 0 ? [] : [0, ...got.slice(0, -1).flatMap(([, e]) => [e, e]), n]);
      for (const [s, e] of got) expect(e).toBeGreaterThan(s);
      const piece = Math.ceil(size / TAIL_PARTS);
      const full = Math.max(0, Math.floor(n / size) - threads);
      // the head: ranges(full * size, size) exactly; the tail: pieces of ceil(size / 4), the last one short
      expect(got.slice(0, full)).toEqual(ranges(full * size, size));
      const tail = got.slice(full);
      for (const [s, e] of tail.slice(0, -1)) expect(e - s).toBe(piece);
      if (tail.length > 0) expect(tail[tail.length - 1][1] - tail[tail.length - 1][0]).toBeLessThanOrEqual(piece);
      // the tail holds at least the last `threads` ranges' rows (all of them when fewer), fewer than threads + 1 ranges' rows
      const tailRows = n - full * size;
      expect(tailRows).toBeGreaterThanOrEqual(Math.min(n, threads * size));
      expect(tailRows).toBeLessThan((threads + 1) * size);
    }
    // known answer: 100k rows in ranges of 2,000 on 2 threads: 48 full ranges, then 8 of 500
    const r = taperedRanges(100_000, 2000, 2);
    expect(r.length).toBe(56);
    expect(r[47]).toEqual([94_000, 96_000]);
    expect(r[48]).toEqual([96_000, 96_500]);
    expect(r[55]).toEqual([99_500, 100_000]);
  });

  it('without the talents\' lists (recommend on threads: their lines are written by the workers): the same platform lists and pairs, no talent lists held', () => {
    const parts = ranges(700, 90).map(([start, end]) => rankRangeTask(engine.side, engine.model.talents, { start, end, k: K, kPlatform: KP }));
    const a = new RangeAssembler(700, 60, K, KP, { talents: false });
    expect(a.talent).toBeUndefined();
    for (const p of [...parts].reverse()) a.add(p);
    const r = a.finishPlatforms();
    same(r.platform, expected.platform);
    expect(r.pairs).toBe(expected.pairs);
    expect('talent' in r).toBe(false);
    const kept = new RangeAssembler(700, 60, K, KP);
    expect(kept.talent?.sizes.length).toBe(700);
    expect(() => a.finish()).toThrow(/not kept/);
  });
});
