/**
 * Two-way top-k over worker threads (rankAll) equals the in-process engine exactly, for any
 * thread count and range size: same ids, same scores (doubles), same list lengths.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import { createEngine } from '../../src/engine/engine.js';
import { packPlatformSide } from '../../src/workers/pack.js';
import { createChunkPool } from '../../src/workers/pool.js';
import type { ChunkPool } from '../../src/workers/pool.js';
import { rankAll, rankRangeTask, rankTask } from '../../src/workers/rank.js';
import { blocksOf } from '../../src/ranking/blockScan.js';
import { platformBlocks } from '../../src/scoring/bounds.js';
import { rankRange } from '../../src/ranking/twoWay.js';
import type { TopKBuffers } from '../../src/vector/topk.js';

const d = generateDistrict({ seed: 5, talents: 700, platforms: 60, words: [20, 60], curated: false, outcomes: false });
const engine = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0.2 } });
const talents = engine.data.talents;
const K = 7;
const KP = 12;
const expected = engine.recommend({ k: K, kPlatform: KP });

const same = (a: TopKBuffers, b: TopKBuffers) => {
  expect(a.rows).toBe(b.rows);
  expect(Array.from(a.sizes)).toEqual(Array.from(b.sizes));
  expect(Array.from(a.ids)).toEqual(Array.from(b.ids));
  expect(Array.from(a.scores)).toEqual(Array.from(b.scores));
};

describe('rankAll', () => {
  const pools: ChunkPool[] = [];
  afterAll(async () => {
    for (const p of pools) await p.destroy();
  });

  it('has lists to compare (minimum score prunes some pairs, not all)', () => {
    expect(expected.pairs).toBeGreaterThan(0);
    expect(expected.pairs).toBeLessThan(700 * 60);
  });

  it('in process, any range size: identical to recommend()', async () => {
    for (const rangeSize of [1, 97, 700, 5000]) {
      const r = await rankAll(60, talents, { k: K, kPlatform: KP, rangeSize }, async (t) => rankTask(engine.side, t, engine.tokens));
      same(r.talent, expected.talent);
      same(r.platform, expected.platform);
      expect(r.pairs).toBe(expected.pairs);
    }
  });

  it('on 1 and 3 worker threads: identical to recommend()', async () => {
    const pack = packPlatformSide(engine.side);
    for (const threads of [1, 3]) {
      const pool = createChunkPool(pack, threads);
      pools.push(pool);
      const r = await rankAll(60, talents, { k: K, kPlatform: KP, rangeSize: 130 }, (t) => pool.rank(t));
      same(r.talent, expected.talent);
      same(r.platform, expected.platform);
      expect(r.pairs).toBe(expected.pairs);
    }
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
