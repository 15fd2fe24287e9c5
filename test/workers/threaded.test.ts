/**
 * The library's threaded form (recommendAsync, ThreadedRanker: what the CLI and library
 * users run): the same lists, scores and bytes (the contract's JSON Lines) as the in-process
 * recommend() for 1 to 4 threads and any range size; the tuner on threads picks the same weights.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import { createEngine } from '../../src/engine/engine.js';
import { recommendationRecords } from '../../src/engine/format.js';
import type { Recommendations } from '../../src/ranking/twoWay.js';
import { recommendAll } from '../../src/ranking/twoWay.js';
import { ThreadedRanker, platformPool, recommendAsync } from '../../src/workers/threaded.js';
import type { ChunkPool } from '../../src/workers/pool.js';
import { tune, tuneAsync } from '../../src/evaluation/tune.js';
import { modelWithWeights } from '../../src/evaluation/evaluate.js';
import { availableParallelism } from 'node:os';
import { resolveThreadOptions, threadCeiling } from '../../src/config/workers.js';
import { ranges, taperedRanges } from '../../src/workers/rank.js';
import type { PairRows } from '../../src/ranking/pairRows.js';
import { collectPairs } from '../../src/ranking/pairRows.js';
import type { TopKBuffers } from '../../src/vector/topk.js';

const d = generateDistrict({ seed: 8, talents: 500, platforms: 40, words: [15, 40], curated: false, outcomes: true });
const engine = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0.25 } });
const bytes = (r: Recommendations) => [...recommendationRecords(engine, r)].map((x) => JSON.stringify(x)).join('\n');
const sameTop = (a: TopKBuffers, b: TopKBuffers) => {
  expect(a.rows).toBe(b.rows);
  expect(a.k).toBe(b.k);
  expect(Array.from(a.sizes)).toEqual(Array.from(b.sizes));
  expect(Array.from(a.ids)).toEqual(Array.from(b.ids));
  expect(Array.from(a.scores)).toEqual(Array.from(b.scores));
};
/** Same ids, same scores (doubles), same list lengths, same pair count. */
const sameRecommendations = (a: Recommendations, b: Recommendations) => {
  sameTop(a.talent, b.talent);
  sameTop(a.platform, b.platform);
  expect(a.pairs).toBe(b.pairs);
};

describe('recommendAsync', () => {
  const inProcess = bytes(engine.recommend({ k: 5, kPlatform: 8 }));

  it('equals recommend() exactly on 1, 2, 3 and 4 threads and range sizes from one row to all: the same lists, scores, pairs and bytes', async () => {
    expect(inProcess.split('\n').length).toBe(500 + 40);
    const want = engine.recommend({ k: 5, kPlatform: 8 });
    expect(want.pairs).toBeGreaterThan(0);
    expect(want.pairs).toBeLessThan(500 * 40); // the minimum score prunes some pairs, not all
    // as a user calls it: recommendAsync starts and stops its own pool
    for (const [threads, rangeSize] of [
      [1, 2000],
      [2, 2000],
      [3, 37],
      [4, 37],
    ] as const) {
      const r = await recommendAsync(engine, { k: 5, kPlatform: 8, threads, rangeSize });
      sameRecommendations(r, want);
      expect(bytes(r)).toBe(inProcess);
    }
    // a ThreadedRanker on one pool per thread count, over many cuts: one row per range, odd
    // sizes (the last range short, the tail in quarters: taperedRanges), one range per thread
    // (a larger size is clamped to it)
    for (const threads of [2, 3]) {
      const pool = platformPool(engine.side, threads);
      try {
        for (const rangeSize of [1, 7, 97, 167, 250, 5000]) sameRecommendations(await new ThreadedRanker(engine, { rangeSize }, pool).recommend(5, 8), want);
      } finally {
        await pool.destroy();
      }
    }
  });

  it('recommendLines: the JSON Lines of recommend(), talent lines formatted by the workers, byte for byte (1, 2, 3 threads, odd ranges)', async () => {
    const want = inProcess + '\n';
    for (const [threads, rangeSize] of [
      [1, 2000],
      [2, 2000],
      [3, 29],
    ] as const) {
      const r = new ThreadedRanker(engine, { threads, rangeSize });
      try {
        const { chunks, result } = r.recommendLines(5, 8);
        const dec = new TextDecoder();
        let got = '';
        let byteChunks = 0;
        let stringChunks = 0;
        for await (const c of chunks) {
          if (typeof c === 'string') {
            stringChunks++;
            got += c;
          } else {
            byteChunks++;
            got += dec.decode(c);
          }
        }
        expect(got).toBe(want);
        // every chunk is bytes (engine/format.ts's byte writer): one per talent range (written by
        // the workers when threads > 1), then the platform lines: one per 64 platforms in
        // process, one part per thread on the workers
        expect(stringChunks).toBe(0);
        // (on threads, the last ranges in quarters: taperedRanges)
        const size = Math.min(rangeSize, Math.ceil(500 / threads));
        const talentRanges = threads === 1 ? Math.ceil(500 / size) : taperedRanges(500, size, threads).length;
        const P = engine.model.platforms.count;
        expect(byteChunks).toBe(talentRanges + (threads === 1 ? Math.ceil(P / 64) : Math.ceil(P / Math.ceil(P / threads))));
        expect((await result).pairs).toBe(engine.recommend({ k: 5, kPlatform: 8 }).pairs);
        // on threads the talents' lists are let go once written: the result has the platforms' side only
        if (threads > 1) expect('talent' in (await result)).toBe(false);
      } finally {
        await r.destroy();
      }
    }
  });

  it('recommendLines keeps the workers fed while the writer is slow: refilled as ranges finish, at most four ranges per thread unwritten, same bytes', async () => {
    const want = inProcess + '\n';
    const threads = 2;
    const real = platformPool(engine.side, threads);
    let running = 0;
    let maxRunning = 0;
    let posted = 0;
    let consumed = 0;
    let maxUnwritten = 0;
    let chunksTaken = 0;
    const platformPartsAt: number[] = [];
    const pool: ChunkPool = {
      ...real,
      platformLines: (task) => {
        platformPartsAt.push(chunksTaken);
        return real.platformLines(task);
      },
      rankRange: (task) => {
        posted++;
        running++;
        maxRunning = Math.max(maxRunning, running);
        maxUnwritten = Math.max(maxUnwritten, posted - consumed);
        return real.rankRange(task).finally(() => running--);
      },
    };
    const r = new ThreadedRanker(engine, { threads, rangeSize: 13 }, pool);
    try {
      const { chunks } = r.recommendLines(5, 8);
      const dec = new TextDecoder();
      let got = '';
      let first = true;
      for await (const c of chunks) {
        got += typeof c === 'string' ? c : dec.decode(c);
        chunksTaken++;
        if (posted > consumed) consumed++;
        if (first) {
          // the writer holds its first chunk: ranges finishing meanwhile are replaced until
          // four per thread are out (waits for it, up to 20 s; consume-only refilling stops at 5)
          first = false;
          for (let i = 0; i < 400 && posted < 4 * threads + 1; i++) await new Promise((ok) => setTimeout(ok, 50));
          expect(posted).toBe(4 * threads + 1);
        }
        // a writer that stalls: the ranges keep finishing meanwhile
        await new Promise((ok) => setTimeout(ok, 15));
      }
      expect(got).toBe(want);
      // 500 / 13: 36 ranges of 13, then the last 32 rows in quarters (4 rows each)
      expect(posted).toBe(36 + 8);
      // the platform lines: one part per thread, posted to the workers once every range was
      // ranked, while this writer still had talent ranges to take (not after the last one)
      expect(platformPartsAt.length).toBe(threads);
      expect(platformPartsAt[0]).toBe(platformPartsAt[1]);
      expect(platformPartsAt[0]).toBeLessThan(36 + 8);
      expect(platformPartsAt[0]).toBeGreaterThan(0);
      expect(maxRunning).toBeLessThanOrEqual(2 * threads);
      // refilled without waiting for the writer: more ranges out than ever run at once, never
      // more than the bound (four per thread, plus the range on its way to the writer)
      expect(maxUnwritten).toBeGreaterThan(2 * threads + 1);
      expect(maxUnwritten).toBeLessThanOrEqual(4 * threads + 1);
    } finally {
      await r.destroy();
    }
  });

  it('recommendLines with no talents: the platform lines alone, with empty lists, as in process', async () => {
    const none = createEngine({ industries: d.industries, platforms: d.platforms, talents: [], policy: JIANGDONG_POLICY });
    const want = [...recommendationRecords(none, none.recommend({ k: 5, kPlatform: 8 }))].map((x) => JSON.stringify(x) + '\n').join('');
    expect(want.split('\n').length).toBe(40 + 1);
    const r = new ThreadedRanker(none, { threads: 2 });
    try {
      const { chunks, result } = r.recommendLines(5, 8);
      let got = '';
      for await (const c of chunks) got += typeof c === 'string' ? c : new TextDecoder().decode(c);
      expect(got).toBe(want);
      expect((await result).pairs).toBe(0);
    } finally {
      await r.destroy();
    }
  });

  it('applies the policy\'s list controls as recommend() does: the same controlled lists on 1 and 2 threads, which differ from the uncontrolled ranking', async () => {
    const lists = { industryShare: 0.4, diversity: 0.3 };
    const controlled = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0.25, lists } });
    const want = controlled.recommend({ k: 5, kPlatform: 8 });
    const raw = recommendAll(controlled.model, 5, 8);
    // the controls change some talent's list here, so an async form that skipped them would differ
    expect(Array.from(want.talent.ids)).not.toEqual(Array.from(raw.talent.ids));
    for (const threads of [1, 2]) sameRecommendations(await recommendAsync(controlled, { threads, k: 5, kPlatform: 8 }), want);
  });

  it('rejects a bad thread count with E_OPTION', async () => {
    await expect(recommendAsync(engine, { threads: 0 })).rejects.toMatchObject({ code: 'E_OPTION' });
    expect(() => resolveThreadOptions({ threads: 257 })).toThrow(/threads must be an integer in \[1, 256\]/);
    // 256 is accepted, and served by at most 4 x the available parallelism (at least 4): more only cost start-up and memory
    const ceiling = Math.max(4, 4 * availableParallelism());
    expect(threadCeiling()).toBe(ceiling);
    expect(resolveThreadOptions({ threads: 256 }).threads).toBe(Math.min(256, ceiling));
    expect(resolveThreadOptions({ threads: ceiling }).threads).toBe(ceiling);
    expect(resolveThreadOptions({ threads: 4 }).threads).toBe(4); // every machine runs the invariance tests' counts as asked
  });

  it('a thread count over the ceiling starts the ceiling, with the same lists', async () => {
    const over = threadCeiling() + 1;
    const many = new ThreadedRanker(engine, { threads: over, rangeSize: 50 });
    try {
      expect(many.threads).toBe(threadCeiling());
      expect(bytes(await many.recommend(10, 10))).toBe(bytes(engine.recommend()));
    } finally {
      await many.destroy();
    }
  });
});

describe('ThreadedRanker', () => {
  const ranker = new ThreadedRanker(engine, { threads: 2, rangeSize: 120 });
  afterAll(() => ranker.destroy());

  it('pairs(): every acceptable pair, range after range in talent order, as in process, with more ranges than fit in flight (2 threads, 72 ranges of 7)', async () => {
    const many = new ThreadedRanker(engine, { threads: 2, rangeSize: 7 });
    try {
      const got: PairRows[] = [];
      for await (const r of many.pairs()) got.push(r);
      expect(got.map((r) => [r.start, r.end])).toEqual(ranges(engine.model.talents.count, 7));
      for (const r of got) {
        const want = collectPairs(engine.model, r.start, r.end);
        for (const key of ['ptr', 'plat', 'f', 'b', 's'] as const) expect(Array.from(r[key])).toEqual(Array.from(want[key]));
      }
      expect(got.reduce((n, r) => n + r.plat.length, 0)).toBe(engine.recommend({ k: 5 }).pairs);
    } finally {
      await many.destroy();
    }
  });

  it('ranks another scoring context over the same features (the tuner\'s candidates) exactly as in process', async () => {
    const model = modelWithWeights(engine, { text: 0.2, industry: 0.9 });
    expect(model.ctx).not.toBe(engine.model.ctx);
    const want = engine.recommend({ k: 4 }); // engine weights: must differ from the candidate's
    const got = await ranker.recommend(4, 4, model);
    const local = recommendAll(model, 4, 4);
    expect(Array.from(got.talent.ids)).toEqual(Array.from(local.talent.ids));
    expect(Array.from(got.platform.scores)).toEqual(Array.from(local.platform.scores));
    expect(Array.from(got.talent.scores)).not.toEqual(Array.from(want.talent.scores));
  });

  it('tuneAsync on threads returns exactly what tune returns', async () => {
    const o = { budget: 5, folds: 2, seed: 3, k: 5 };
    const a = tune(engine, d.outcomes ?? [], o);
    const b = await tuneAsync(engine, d.outcomes ?? [], o, (model, k) => ranker.recommend(k, k, model));
    expect(b).toEqual(a);
    expect(a.evaluations).toBeGreaterThan(5);
  });
});
