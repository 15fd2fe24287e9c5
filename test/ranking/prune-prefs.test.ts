/**
 * Exact pruning with a preference list (the batch's chunks: talent list, platform heaps at a
 * reserve depth and the talent's best n platforms by its one-sided score): the forward bound
 * of a block is at least every acceptable pair's forward score, and a pruned ranking keeps
 * exactly the unpruned lists, heaps, pair counts and the listed pairs' scores, on random
 * districts with ties, exclusions (one listed twice), a platform with one slot left and one
 * with none, a talent needing exactly a platform's free seats, n from 1 to more than the
 * platforms (and the batch's 50 of 120, in one language or mixed), and negative weights (no
 * pruning, same result).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Platform, Talent } from '../../src/domain/schemas.js';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import { createEngine } from '../../src/engine/engine.js';
import type { ScoringModel } from '../../src/scoring/kernel.js';
import { RowRanker } from '../../src/ranking/rows.js';
import { heapWants } from '../../src/ranking/blockScan.js';
import { beginRow, createRowScratch, endRow, rowCosines, scoreRow, UNACCEPTABLE } from '../../src/scoring/kernel.js';
import { blockBounds, platformBlocks } from '../../src/scoring/bounds.js';
import { looseCosines } from '../../src/scoring/blockReads.js';
import { finalizeTopK } from '../../src/vector/topk.js';
import { FUSIONS } from '../../src/config/weights.js';
import { rng } from '../../src/util/rng.js';

interface Case {
  seed: number;
  minScore: number;
  fusion: number;
  dup: boolean;
  conceptWeight: number;
}

/** A random district with duplicates (exact ties), exclusions, one platform with one slot left and talents needing exactly its free seats (`zh`: both sides' Chinese share, default the generator's). */
function district(c: Case & { zh?: number; talents?: number; platforms?: number }): ScoringModel {
  const d = generateDistrict({ seed: c.seed, talents: c.talents ?? 60, platforms: c.platforms ?? 40, words: [8, 30], curated: false, outcomes: false, ...(c.zh === undefined ? {} : { languages: { talentZh: c.zh, platformZh: c.zh } }) });
  const r = rng(c.seed + 7);
  let platforms: Platform[] = d.platforms.map((p) => ({ ...p, capacity: { ...p.capacity } }));
  // one slot left, and its free seats exactly what the first talents need
  const last = platforms[0];
  last.capacity.slotsUsed = last.capacity.slots - 1;
  const free = 3;
  last.capacity.seatsUsed = last.capacity.seats - free;
  // and one without a free slot (no pair with it is acceptable)
  platforms[1].capacity.slotsUsed = platforms[1].capacity.slots;
  let talents: Talent[] = d.talents.map((t, i) => {
    const x: Talent = { ...t };
    if (i < 8) x.needs = { ...(t.needs ?? {}), seats: free + (i % 2) };
    // exclusions: some talents exclude a few platforms, one of them listed twice
    if (r() < 0.25) {
      const a = platforms[Math.floor(r() * platforms.length)].id;
      const b = platforms[Math.floor(r() * platforms.length)].id;
      x.excludePlatforms = [a, b, a];
    }
    return x;
  });
  if (c.dup) {
    talents = [...talents, ...talents.slice(0, 15).map((t) => ({ ...t, id: `${t.id}-copy` }))];
    platforms = [...platforms, ...platforms.slice(0, 10).map((p) => ({ ...p, id: `${p.id}-copy` }))];
  }
  return createEngine({
    industries: d.industries,
    platforms,
    talents,
    policy: { ...JIANGDONG_POLICY, minScoreForReferral: c.minScore },
    weights: { fusion: FUSIONS[c.fusion], concept: c.conceptWeight },
  }).model;
}

const cases = fc.record({
  seed: fc.integer({ min: 1, max: 10_000 }),
  minScore: fc.constantFrom(0, 0.2, 0.35),
  fusion: fc.integer({ min: 0, max: FUSIONS.length - 1 }),
  dup: fc.boolean(),
  conceptWeight: fc.constantFrom(0, 0.1),
});

/** Ranks every row with both rankers and compares what a chunk reads after each row, then the platform heaps and pair counts. */
function expectSame(m: ScoringModel, full: RowRanker, pruned: RowRanker): void {
  const N = m.talents.count;
  for (let t = 0; t < N; t++) {
    expect(pruned.rank(t)).toBe(full.rank(t));
    for (const [a, b] of [
      [pruned.talentTop, full.talentTop],
      [pruned.prefTop, full.prefTop],
    ] as const) {
      const n = b.sizes[0];
      expect(a.sizes[0]).toBe(n);
      expect(Array.from(a.ids.subarray(0, n))).toEqual(Array.from(b.ids.subarray(0, n)));
      expect(Array.from(a.scores.subarray(0, n))).toEqual(Array.from(b.scores.subarray(0, n)));
    }
    // the chunk copies each listed pair's one-sided scores and score from the scratch
    for (let j = 0; j < full.prefTop.sizes[0]; j++) {
      const p = full.prefTop.ids[j];
      expect(pruned.scratch.forward[p]).toBe(full.scratch.forward[p]);
      expect(pruned.scratch.backward[p]).toBe(full.scratch.backward[p]);
      expect(pruned.scratch.score[p]).toBe(full.scratch.score[p]);
    }
  }
  expect(pruned.pairs).toBe(full.pairs);
  finalizeTopK(full.platformTop);
  finalizeTopK(pruned.platformTop);
  expect(Array.from(pruned.platformTop.sizes)).toEqual(Array.from(full.platformTop.sizes));
  expect(Array.from(pruned.platformTop.ids)).toEqual(Array.from(full.platformTop.ids));
  expect(Array.from(pruned.platformTop.scores)).toEqual(Array.from(full.platformTop.scores));
}

describe('exact pruning with a preference list', () => {
  it('the forward bound of a block is at least the forward score of each of its acceptable pairs (exact and loose cosines), and close to it for blocks of one platform', () => {
    fc.assert(
      fc.property(cases, fc.integer({ min: 1, max: 40 }), (c, size) => {
        const m = district(c);
        const M = m.platforms.count;
        const k = platformBlocks(m.platforms, m.ctx.dims, size);
        const s = createRowScratch(M);
        const lo = new Float64Array(k.count);
        const hi = new Float64Array(k.count);
        const f = new Float64Array(k.count);
        const fLoose = new Float64Array(k.count);
        const cos = new Float64Array(k.count);
        const tmp = new Float64Array(k.count);
        let checked = 0;
        let close = 0;
        let gap = 0;
        for (let t = 0; t < m.talents.count; t++) {
          scoreRow(m, t, s);
          // the bounds read the row's cosines in block order
          rowCosines(m, t, s, k.docPos);
          const concept = beginRow(m, t, s, k.conceptPos);
          blockBounds(m, t, s, k, concept, lo, hi, true, 0, k.count, undefined, f);
          looseCosines(m, t, k, cos, tmp);
          blockBounds(m, t, s, k, concept, lo, hi, false, 0, k.count, cos, fLoose);
          endRow(m, t, s);
          for (let b = 0; b < k.count; b++) {
            expect(fLoose[b]).toBeGreaterThanOrEqual(f[b]);
            for (let j = k.start[b]; j < k.start[b + 1]; j++) {
              const p = k.order[j];
              if (s.score[p] === UNACCEPTABLE) continue;
              checked++;
              expect(s.forward[p]).toBeLessThanOrEqual(f[b]);
              gap += f[b] - s.forward[p];
              if (size === 1 && f[b] - s.forward[p] < 1e-6) close++;
            }
          }
        }
        if (c.minScore === 0) expect(checked).toBeGreaterThan(0);
        // a block of one platform bounds its pair's forward score closely (the bound is not
        // simply large): within 0.1 on average (the priority and cross-language text terms
        // take the block's extremes, not the pair's mix), exactly up to the slack for some
        if (size === 1 && checked > 0) {
          expect(gap / checked).toBeLessThan(0.1);
          expect(close).toBeGreaterThan(0);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('keeps exactly the unpruned talent lists, preference lists (with the listed pairs\' scores), platform heaps and pair counts (n from 1 to more than the platforms; loose bounds always, never, by default)', () => {
    fc.assert(
      fc.property(cases, fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12 })), fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 70 })), fc.constantFrom(1, 2, 5, 49, 50, 200), fc.constantFrom(1, -1, undefined), (c, kT, kP, n, looseShare) => {
        const m = district(c);
        const M = m.platforms.count;
        // 49 / 50: one below and exactly the platforms of a district with duplicates
        const prefs = n === 49 ? M - 1 : n === 50 ? M : n;
        const o = { kTalent: kT, keepTalentRows: false, kPlatform: kP, prefs };
        const full = new RowRanker(m, o);
        const pruned = new RowRanker(m, { ...o, prune: true, ...(looseShare === undefined ? {} : { looseShare }) });
        expectSame(m, full, pruned);
        // pruning is on below n = M (and skips nothing only at n >= M, which turns it off)
        if (prefs < M && c.minScore === 0 && kT <= 3 && kP <= 3 && prefs <= 5) expect(pruned.scored).toBeLessThan(full.scored);
      }),
      { numRuns: 40 },
    );
  });

  it('prunes with a preference list alone: on 400 talents x 200 platforms far fewer pairs are scored in full than are acceptable, with n = 0 (every pair) nothing is skipped', () => {
    const d = generateDistrict({ seed: 9, talents: 400, platforms: 200, words: [20, 50], curated: false, outcomes: false });
    const m = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0 } }).model;
    const full = new RowRanker(m, { prefs: 5, keepTalentRows: false });
    const pruned = new RowRanker(m, { prefs: 5, keepTalentRows: false, prune: true });
    expectSame(m, full, pruned);
    expect(full.scored).toBe(full.pairs);
    expect(pruned.scored).toBeLessThan(pruned.pairs / 2);
    const every = new RowRanker(m, { prefs: 0, keepTalentRows: false });
    const everyPruned = new RowRanker(m, { prefs: 0, keepTalentRows: false, prune: true });
    expectSame(m, every, everyPruned);
    expect(everyPruned.scored).toBe(every.scored);
  });

  it('negative weights turn pruning off (the bounds assume non-negative terms), with the same lists', () => {
    const m = district({ seed: 11, minScore: 0, fusion: 0, dup: true, conceptWeight: 0 });
    const wTalent = Float64Array.from(m.ctx.wTalent, (w, i) => (i === 4 ? -0.2 : w));
    const neg: ScoringModel = { ...m, ctx: { ...m.ctx, wTalent } };
    const o = { kTalent: 3, keepTalentRows: false, kPlatform: 3, prefs: 4 };
    const full = new RowRanker(neg, o);
    const pruned = new RowRanker(neg, { ...o, prune: true });
    expectSame(neg, full, pruned);
    expect(pruned.scored).toBe(full.scored);
  });

  it('a preference-list tie at its n-th best is still visited: a block whose bound equals the root may hold an equal pair with a smaller id', () => {
    // the rule the forward threshold uses (ranking/blockScan.ts heapWants)
    expect(heapWants(5, 5, 0.5, 0.5)).toBe(true);
    expect(heapWants(5, 5, 0.5 - 1e-12, 0.5)).toBe(false);
    expect(heapWants(4, 5, -1, 0.5)).toBe(true);
    // identical talents and duplicate platforms: every row's forward scores tie across copies,
    // so each list keeps the smaller platform index of each tied pair
    const d = generateDistrict({ seed: 4, talents: 1, platforms: 12, words: [10, 20], curated: false, outcomes: false });
    const t0 = d.talents[0];
    const talents = Array.from({ length: 10 }, (_, i) => ({ ...t0, id: `t-${String(i).padStart(2, '0')}` }));
    const platforms = [...d.platforms, ...d.platforms.map((p) => ({ ...p, id: `${p.id}-copy` }))];
    const m = createEngine({ industries: d.industries, platforms, talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0 } }).model;
    for (const n of [1, 3, 7]) {
      const full = new RowRanker(m, { prefs: n, keepTalentRows: false });
      const pruned = new RowRanker(m, { prefs: n, keepTalentRows: false, prune: true });
      expectSame(m, full, pruned);
      const ids = Array.from(full.prefTop.ids.subarray(0, full.prefTop.sizes[0]));
      const scores = Array.from(full.prefTop.scores.subarray(0, full.prefTop.sizes[0]));
      // the list has an exact tie (a platform and its copy)
      if (n > 1) expect(scores.some((x, j) => j > 0 && x === scores[j - 1])).toBe(true);
      expect(ids.length).toBe(n);
    }
  });

  it('keeps exactly the unpruned lists with n = 0, 1, 5 and 50 (the batch\'s default) on 120 platforms, in one language or mixed (text weight moved across languages)', () => {
    fc.assert(
      fc.property(cases, fc.constantFrom(0, 0.4, 1), fc.constantFrom(0, 1, 5, 50), fc.constantFrom(0, 3, 10), fc.constantFrom(0, 2, 30), (c, zh, prefs, kT, kP) => {
        const m = district({ ...c, zh, talents: 70, platforms: 120 });
        const o = { kTalent: kT, keepTalentRows: false, kPlatform: kP, prefs };
        expectSame(m, new RowRanker(m, o), new RowRanker(m, { ...o, prune: true }));
      }),
      { numRuns: 30 },
    );
  });
});
