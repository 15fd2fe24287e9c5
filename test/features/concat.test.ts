/**
 * Talents vectorized range by range (in process, or on worker threads into shared memory)
 * and stacked (features/concat.ts) equal the features of one pass over every talent: the
 * oracle is createEngine's own features, array for array.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import { createEngine } from '../../src/engine/engine.js';
import { talentFeatures } from '../../src/engine/platformSide.js';
import type { TalentFeatures } from '../../src/features/build.js';
import { TalentAppender, capacityOf, concatTalentFeatures, pickTalentRows } from '../../src/features/concat.js';
import { sharedBuffer } from '../../src/workers/pack.js';
import { ranges } from '../../src/workers/rank.js';
import { platformPool, vectorizeOnPool } from '../../src/workers/threaded.js';
import type { ChunkPool } from '../../src/workers/pool.js';

const d = generateDistrict({ seed: 11, talents: 500, platforms: 40, words: [20, 60], curated: false, outcomes: false });
// exclusions on both sides, so the CSR of excluded platforms has rows of several lengths
d.talents[3] = { ...d.talents[3], excludePlatforms: [d.platforms[0].id, d.platforms[5].id] };
d.platforms[2] = { ...d.platforms[2], excludeTalents: [d.talents[7].id, d.talents[400].id] };
const engine = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: JIANGDONG_POLICY });
const whole = engine.model.talents;
const talents = engine.data.talents;

function same(a: TalentFeatures, b: TalentFeatures): void {
  expect(a.count).toBe(b.count);
  expect(a.ids).toEqual(b.ids);
  for (const key of ['desc', 'profile', 'concept'] as const) {
    expect(a[key].rows, key).toBe(b[key].rows);
    expect(a[key].cols, key).toBe(b[key].cols);
    for (const f of ['indptr', 'indices', 'values'] as const) expect(Array.from(a[key][f]), `${key}.${f}`).toEqual(Array.from(b[key][f]));
  }
  for (const key of ['industry', 'needMask', 'seats', 'capital', 'stage', 'level', 'exclIndptr', 'exclIdx', 'zh'] as const) expect(Array.from(a[key]), key).toEqual(Array.from(b[key]));
}

describe('concatTalentFeatures', () => {
  const pools: ChunkPool[] = [];
  afterAll(async () => {
    for (const p of pools) await p.destroy();
  });

  it('the district has what the comparison needs: exclusions, profiles and Chinese text', () => {
    expect(whole.exclIdx.length).toBeGreaterThanOrEqual(4);
    expect(whole.profile.indices.length).toBeGreaterThan(0);
    expect(Array.from(whole.zh).some((z) => z > 0)).toBe(true);
  });

  it('ranges vectorized apart and stacked equal one pass, for any range size', () => {
    for (const size of [1, 7, 128, 499, 500, 2000]) {
      const parts = ranges(talents.length, size).map(([s, e]) => talentFeatures(engine.side, talents.slice(s, e), engine.tokens));
      same(concatTalentFeatures(parts, talents.map((t) => t.id)), whole);
    }
  });

  it('appended one part at a time (TalentAppender) equals the parts stacked at once, whatever room it starts with', () => {
    for (const size of [1, 7, 128, 500]) {
      const parts = ranges(talents.length, size).map(([s, e]) => talentFeatures(engine.side, talents.slice(s, e), engine.tokens));
      // no room (every part reallocates), a first part's worth, and far more than needed
      for (const scale of [0, 1, 1000]) {
        const a = new TalentAppender(sharedBuffer, capacityOf(parts[0], scale));
        for (const p of parts) a.append(p);
        const T = a.finish(talents.map((t) => t.id));
        same(T, whole);
        expect(T.desc.values.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(T.exclIdx.buffer).toBeInstanceOf(SharedArrayBuffer);
      }
    }
    const a = new TalentAppender(sharedBuffer, capacityOf(whole, 1));
    a.append(talentFeatures(engine.side, talents.slice(0, 3), engine.tokens));
    expect(() => a.finish(talents.slice(0, 2).map((t) => t.id))).toThrow(/3 rows for 2 ids/);
  });

  it('refuses ids that do not match the rows', () => {
    const parts = [talentFeatures(engine.side, talents.slice(0, 3), engine.tokens)];
    expect(() => concatTalentFeatures(parts, talents.slice(0, 2).map((t) => t.id))).toThrow(/3 rows for 2 ids/);
  });

  it('rows picked out (some dropped, the rest reordered) equal the features of those talents vectorized alone, in that order', () => {
    // every third row dropped, the rest reversed; rows 3 and 7 (exclusions) kept
    const rows = [...Array(talents.length).keys()].filter((i) => i % 3 !== 2).reverse();
    const chosen = rows.map((i) => talents[i]);
    const oracle = talentFeatures(engine.side, chosen, engine.tokens);
    const ids = chosen.map((t) => t.id);
    same(pickTalentRows(whole, rows, ids), oracle);
    const shared = pickTalentRows(whole, rows, ids, sharedBuffer);
    same(shared, oracle);
    expect(shared.industry.buffer).toBeInstanceOf(SharedArrayBuffer);
    same(pickTalentRows(whole, [], []), talentFeatures(engine.side, [], engine.tokens));
    expect(() => pickTalentRows(whole, [0, 1], ['a'])).toThrow(/2 rows for 1 ids/);
  });

  it('vectorized on 2 worker threads into shared memory: the same features', async () => {
    const pool = platformPool(engine.side, 2);
    pools.push(pool);
    const T = await vectorizeOnPool(pool, talents, 97);
    same(T, whole);
    expect(T.desc.values.buffer).toBeInstanceOf(SharedArrayBuffer);
  }, 60_000);
});
