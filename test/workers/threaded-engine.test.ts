/**
 * The library's threaded engine build (createEngineAsync: the talents vectorized on the
 * workers that then rank) gives createEngine's engine: the talents' features equal bit for
 * bit, and its ranker's lists and bytes equal the in-process recommend(), on 1, 2 and 3
 * threads. And ThreadedRanker.recommend ranks with running platform floors (the feed it
 * shares with recommendLines): the ranges posted after the first carry the merged heaps' k-th
 * best scores, and the result stays exact.
 */
import { describe, expect, it } from 'vitest';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { recommendationRecords } from '../../src/engine/format.js';
import type { Recommendations } from '../../src/ranking/twoWay.js';
import { ThreadedRanker, createEngineAsync, platformPool } from '../../src/workers/threaded.js';
import * as lib from '../../src/index.js';
import type { TalentFeatures } from '../../src/features/build.js';
import type { ChunkPool } from '../../src/workers/pool.js';
import type { RangeTask } from '../../src/workers/rank.js';

const d = generateDistrict({ seed: 11, talents: 400, platforms: 30, words: [15, 40], curated: false, outcomes: false });
const data = { industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0.25 } };
const engine = createEngine(data);
const bytes = (e: Engine, r: Recommendations) => [...recommendationRecords(e, r)].map((x) => JSON.stringify(x)).join('\n');

/** Every array of the talents' features, element by element with Object.is (so -0 and NaN count), and the same keys. */
function sameFeatures(a: TalentFeatures, b: TalentFeatures): number {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  expect(a.count).toBe(b.count);
  expect([...a.ids]).toEqual([...b.ids]);
  let checked = 0;
  const same = (x: ArrayLike<number>, y: ArrayLike<number>, name: string) => {
    expect(x.constructor, name).toBe(y.constructor);
    expect(x.length, name).toBe(y.length);
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) expect.fail(`${name}[${i}]: ${x[i]} vs ${y[i]}`);
    checked += x.length;
  };
  for (const key of Object.keys(a) as (keyof TalentFeatures)[]) {
    const x = a[key];
    const y = b[key];
    if (key === 'ids' || key === 'count') continue;
    if (ArrayBuffer.isView(x)) same(x as unknown as ArrayLike<number>, y as unknown as ArrayLike<number>, key);
    else {
      const m = x as { rows: number; cols: number; indptr: Int32Array; indices: Int32Array; values: Float32Array };
      const n = y as typeof m;
      expect([m.rows, m.cols], key).toEqual([n.rows, n.cols]);
      same(m.indptr, n.indptr, `${key}.indptr`);
      same(m.indices, n.indices, `${key}.indices`);
      same(m.values, n.values, `${key}.values`);
    }
  }
  return checked;
}

describe('createEngineAsync', () => {
  const want = engine.recommend({ k: 5, kPlatform: 8 });
  const wantBytes = bytes(engine, want);

  it('is the library\'s: exported from the package entry', () => {
    expect(lib.createEngineAsync).toBe(createEngineAsync);
  });

  it('builds createEngine\'s features bit for bit and ranks its bytes, on 1, 2 and 3 threads (ranges of one row to all)', async () => {
    expect(want.pairs).toBeGreaterThan(0);
    for (const [threads, rangeSize] of [
      [1, 2000],
      [2, 2000],
      [2, 1],
      [3, 37],
    ] as const) {
      const { engine: e, ranker } = await createEngineAsync(data, { threads, rangeSize });
      try {
        expect(ranker.threads).toBe(threads);
        // every feature array of every talent, element by element
        expect(sameFeatures(e.model.talents, engine.model.talents)).toBeGreaterThan(400 * 30);
        // on threads the features are vectorized into shared memory (ranked without a copy)
        if (threads > 1) expect(e.model.talents.industry.buffer).toBeInstanceOf(SharedArrayBuffer);
        const got = await ranker.recommend(5, 8);
        expect(bytes(e, got)).toBe(wantBytes);
        expect(got.pairs).toBe(want.pairs);
        expect(bytes(e, e.recommend({ k: 5, kPlatform: 8 }))).toBe(wantBytes);
        // the ranker's lines on the same workers: the same bytes
        let lines = '';
        for await (const c of ranker.recommendLines(5, 8).chunks) lines += typeof c === 'string' ? c : new TextDecoder().decode(c);
        expect(lines).toBe(wantBytes + '\n');
      } finally {
        await ranker.destroy();
      }
    }
  });

  it('with no talents: the engine in process, the platform lists empty', async () => {
    const { engine: e, ranker } = await createEngineAsync({ ...data, talents: [] }, { threads: 2 });
    try {
      expect(e.model.talents.count).toBe(0);
      const r = await ranker.recommend(5, 8);
      expect(r.pairs).toBe(0);
      expect(Array.from(r.platform.sizes)).toEqual(new Array(30).fill(0));
    } finally {
      await ranker.destroy();
    }
  });

  it('rejects what createEngine rejects, with the same code, and stops its workers (the call settles)', async () => {
    const bad = { ...data, talents: [...data.talents, data.talents[0]] }; // a duplicate id
    let code: unknown;
    try {
      createEngine(bad);
    } catch (e) {
      code = (e as { code?: string }).code;
    }
    expect(code).toBe('E_INPUT');
    await expect(createEngineAsync(bad, { threads: 2 })).rejects.toMatchObject({ code });
    await expect(createEngineAsync(data, { threads: 0 })).rejects.toMatchObject({ code: 'E_OPTION' });
    await expect(createEngineAsync(data, { threads: 2, topK: 0 })).rejects.toMatchObject({ code: 'E_OPTION' });
  });
});

describe('ThreadedRanker.recommend feeds running floors', () => {
  it('ranges after the first carry the merged heaps\' k-th best per platform (never above it), and the result is exact', async () => {
    const threads = 2;
    const real = platformPool(engine.side, threads);
    const floors: (Float64Array | undefined)[] = [];
    const pool: ChunkPool = {
      ...real,
      rankRange: (task: RangeTask) => {
        floors.push(task.platformFloor && Float64Array.from(task.platformFloor)); // as posted
        return real.rankRange(task);
      },
    };
    const r = new ThreadedRanker(engine, { threads, rangeSize: 20 }, pool);
    try {
      const got = await r.recommend(5, 8);
      expect(bytes(engine, got)).toBe(wantOf(5, 8));
      // 400 / 20: 18 ranges of 20, the last 40 rows in quarters (5 each)
      expect(floors.length).toBe(18 + 8);
      // the first two per thread go out before any range is merged: no floor yet
      for (const f of floors.slice(0, 2 * threads)) expect(Array.from(f!)).toEqual(new Array(30).fill(-Infinity));
      // the last range's floor: every platform whose list is full by then has one, at most
      // the final list's 8th best (a floor above it would drop pairs of the final lists)
      const last = floors[floors.length - 1]!;
      let raised = 0;
      for (let p = 0; p < 30; p++) {
        if (last[p] === -Infinity) continue;
        raised++;
        expect(got.platform.sizes[p]).toBe(8);
        expect(last[p]).toBeLessThanOrEqual(got.platform.scores[p * 8 + 7]);
      }
      expect(raised).toBeGreaterThan(15);
      // and strictly below the list's best somewhere (a floor is the k-th best, not the best)
      let below = 0;
      for (let p = 0; p < 30; p++) if (last[p] !== -Infinity && last[p] < got.platform.scores[p * 8]) below++;
      expect(below).toBeGreaterThan(0);
    } finally {
      await r.destroy();
      await real.destroy();
    }
  });
});

function wantOf(k: number, kPlatform: number): string {
  return bytes(engine, engine.recommend({ k, kPlatform }));
}
