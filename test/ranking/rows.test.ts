/**
 * The ranking primitive: what each "keep" option keeps, checked against a brute-force
 * ranking of the scored rows (sort every acceptable pair, ties by id).
 */
import { describe, expect, it } from 'vitest';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import { createEngine } from '../../src/engine/engine.js';
import { RowRanker } from '../../src/ranking/rows.js';
import { recommendAll } from '../../src/ranking/twoWay.js';
import { createRowScratch, scoreRow } from '../../src/scoring/kernel.js';

const d = generateDistrict({ seed: 3, talents: 150, platforms: 25, words: [15, 40], curated: false, outcomes: false });
const engine = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0.3 } });
const m = engine.model;
const N = m.talents.count;
const M = m.platforms.count;

// brute force: every row's acceptable pairs, fully sorted
const rows: { p: number; s: number; f: number }[][] = [];
{
  const s = createRowScratch(M);
  for (let t = 0; t < N; t++) {
    scoreRow(m, t, s);
    const r: { p: number; s: number; f: number }[] = [];
    for (let p = 0; p < M; p++) if (s.score[p] >= 0) r.push({ p, s: s.score[p], f: s.forward[p] });
    rows.push(r);
  }
}
const byScore = (a: { p: number; s: number }, b: { p: number; s: number }) => b.s - a.s || a.p - b.p;
const byForward = (a: { p: number; f: number }, b: { p: number; f: number }) => b.f - a.f || a.p - b.p;

describe('RowRanker', () => {
  it('some rows are cut by the minimum score and some keep more than k (the test can tell k apart)', () => {
    expect(rows.some((r) => r.length < M)).toBe(true);
    expect(rows.some((r) => r.length > 4)).toBe(true);
  });

  it('talent lists: the k best by reciprocal score, kept for every row or read row by row', () => {
    const all = new RowRanker(m, { kTalent: 4 });
    const one = new RowRanker(m, { kTalent: 4, keepTalentRows: false });
    for (let t = 0; t < N; t++) {
      all.rank(t);
      expect(one.rank(t)).toBe(rows[t].length);
      const want = [...rows[t]].sort(byScore).slice(0, 4).map((x) => x.p);
      expect(Array.from(one.talentTop.ids.subarray(0, one.talentTop.sizes[0]))).toEqual(want);
    }
    for (let t = 0; t < N; t++) {
      const want = [...rows[t]].sort(byScore).slice(0, 4);
      expect(Array.from(all.talentTop.ids.subarray(t * 4, t * 4 + all.talentTop.sizes[t]))).toEqual(want.map((x) => x.p));
      expect(Array.from(all.talentTop.scores.subarray(t * 4, t * 4 + all.talentTop.sizes[t]))).toEqual(want.map((x) => x.s));
    }
    expect(all.pairs).toBe(rows.reduce((a, r) => a + r.length, 0));
  });

  it('preference lists: by the talent\'s one-sided score; 0 keeps every acceptable pair, n the best n', () => {
    const every = new RowRanker(m, { prefs: 0 });
    const best3 = new RowRanker(m, { prefs: 3 });
    for (let t = 0; t < N; t++) {
      every.rank(t);
      best3.rank(t);
      const want = [...rows[t]].sort(byForward).map((x) => x.p);
      expect(Array.from(every.prefTop.ids.subarray(0, every.prefTop.sizes[0]))).toEqual(want);
      expect(Array.from(best3.prefTop.ids.subarray(0, best3.prefTop.sizes[0]))).toEqual(want.slice(0, 3));
    }
  });

  it('platform heaps: the k best talents per platform, with a range offset (idBase)', () => {
    const r = new RowRanker(m, { start: 40, end: 90, kPlatform: 5, idBase: 1000 }).rankAll();
    for (let p = 0; p < M; p++) {
      const want = [];
      for (let t = 40; t < 90; t++) for (const x of rows[t]) if (x.p === p) want.push({ p: t + 1000, s: x.s });
      want.sort(byScore);
      const got = [];
      for (let j = 0; j < r.platformTop.sizes[p]; j++) got.push({ p: r.platformTop.ids[p * 5 + j], s: r.platformTop.scores[p * 5 + j] });
      got.sort(byScore);
      expect(got).toEqual(want.slice(0, 5));
    }
  });

  it('recommendAll is the engine\'s recommend', () => {
    const a = recommendAll(m, 6, 9);
    const b = engine.recommend({ k: 6, kPlatform: 9 });
    expect(Array.from(a.talent.ids)).toEqual(Array.from(b.talent.ids));
    expect(Array.from(a.platform.ids)).toEqual(Array.from(b.platform.ids));
    expect(Array.from(a.platform.scores)).toEqual(Array.from(b.platform.scores));
  });
});
