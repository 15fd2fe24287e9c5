/**
 * The live scorer's JSON (the API's POST /v1/talents/recommendations answer): byte for byte
 * the batch's line for the same profile and JSON.stringify of recommend(), with or without
 * the policy's list controls, whatever order profiles come in (one scratch reused by every
 * call) and whether the caller validated the profile already; recommendBytes (what the route
 * sends) is the same text as UTF-8.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { recommendationLines, talentRecordJson } from '../../src/engine/format.js';
import { RowRanker } from '../../src/ranking/rows.js';
import type { ScoringModel } from '../../src/scoring/kernel.js';
import type { ListControls } from '../../src/domain/schemas.js';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import { ByteSlab, LiveScorer } from '../../src/engine/live.js';
import { isTalentmatchError } from '../../src/errors.js';

const d = generateDistrict({ seed: 11, talents: 120, platforms: 17, curated: false });
const make = (lists?: ListControls): Engine =>
  createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0.2, ...(lists ? { lists } : {}) } });

describe('LiveScorer.recommendJson and recommendBytes', () => {
  for (const [name, lists] of [
    ['plain', undefined],
    ['industry share + diversity', { industryShare: 0.4, diversity: 0.3 }],
  ] as const) {
    it(`${name}: the batch's line and JSON.stringify(recommend()), byte for byte, in any order`, () => {
      const e = make(lists);
      for (const k of [1, 5, 17]) {
        const batch = [...recommendationLines(e, e.recommend({ k }))];
        const live = new LiveScorer(e);
        // reversed, then forward: the reused scratch never carries one profile into the next
        const order = [...d.talents.keys()].reverse().concat([...d.talents.keys()]);
        let withItems = 0;
        let previous: { bytes: Uint8Array; json: string } | undefined;
        for (const t of order) {
          const profile = d.talents[t]!;
          const json = live.recommendJson(profile, k);
          expect(json).toBe(batch[t]);
          expect(json).toBe(JSON.stringify(live.recommend(profile, k)));
          expect(live.recommendJson(profile, k, 'request body', true)).toBe(json);
          // the live route's bytes: the same text as UTF-8, in an array of their own (the writer
          // behind them is reused: the previous answer's bytes must not change)
          const bytes = live.recommendBytes(profile, k, 'request body', true);
          expect(Buffer.from(bytes).toString('utf8')).toBe(json);
          expect(bytes.byteLength).toBe(Buffer.byteLength(json));
          if (previous) expect(Buffer.from(previous.bytes).toString('utf8')).toBe(previous.json);
          previous = { bytes, json };
          if ((JSON.parse(json) as { items: unknown[] }).items.length > 0) withItems++;
        }
        expect(withItems).toBeGreaterThan(d.talents.length); // most lists are not empty: the comparison is not vacuous
      }
    });
  }

  it("keeps a profile's vectors from its second sight on, and nothing but its key after the first (a stream of new profiles leaves no features alive)", () => {
    const e = make();
    const live = new LiveScorer(e, 3);
    const [a, b, c, x] = [d.talents[0]!, d.talents[1]!, d.talents[2]!, d.talents[3]!];
    const a1 = live.inlineTalent(a, 'x');
    const a2 = live.inlineTalent(a, 'x');
    expect(a2).not.toBe(a1); // seen once: vectorized again
    expect(a2).toEqual(a1); // ... to the same vectors
    expect(live.inlineTalent(a, 'x')).toBe(a2); // seen twice: from the cache
    expect(live.inlineTalent({ ...a }, 'x')).toBe(a2); // by content, not by object
    // three more profiles seen once each push a's key out of `seen` but not a's vectors out of the cache
    for (const t of [b, c, x]) live.inlineTalent(t, 'x');
    expect(live.inlineTalent(a, 'x')).toBe(a2);
    // b was seen once; its key pushed out of `seen` (3 others since), b counts as new again
    for (const t of d.talents.slice(4, 7)) live.inlineTalent(t, 'x');
    const b1 = live.inlineTalent(b, 'x');
    const b2 = live.inlineTalent(b, 'x');
    expect(b2).not.toBe(b1);
    expect(live.inlineTalent(b, 'x')).toBe(b2);
  });

  it('a byte slab hands out regions that are never written again: within a block, across blocks, and larger than a block', () => {
    const slab = new ByteSlab(8);
    const src = (n: number, v: number) => Uint8Array.from({ length: n + 2 }, (_, i) => (i < n ? v + i : 255)); // two bytes past n that must not be copied
    const got = [slab.copy(src(3, 10), 3), slab.copy(src(5, 20), 5), slab.copy(src(1, 30), 1), slab.copy(src(20, 40), 20), slab.copy(src(8, 70), 8), slab.copy(src(0, 0), 0)];
    expect(got.map((g) => [...g])).toEqual([[10, 11, 12], [20, 21, 22, 23, 24], [30], Array.from({ length: 20 }, (_, i) => 40 + i), [70, 71, 72, 73, 74, 75, 76, 77], []]);
    // exactly a block's room left: the first two share a block (3 + 5 = 8), the third starts the next
    expect(got[1]!.buffer).toBe(got[0]!.buffer);
    expect(got[2]!.buffer).not.toBe(got[1]!.buffer);
  });

  it('an invalid profile is refused with its path', () => {
    const live = new LiveScorer(make());
    try {
      live.recommendJson({ id: 'x', name: 'n' }, 3, 'request body talent');
      expect.unreachable();
    } catch (e) {
      expect(isTalentmatchError(e) && e.code === 'E_INPUT' && e.issues[0]?.path).toBe('description');
    }
    expect(() => live.recommendBytes({ id: 'x', name: 'n' }, 3, 'request body talent')).toThrow(/description/);
  });

  it('exact pruning (more platforms than one block): the unpruned ranking\'s line for every profile and k, with fewer pairs scored', () => {
    const big = generateDistrict({ seed: 5, talents: 60, platforms: 300, curated: false });
    for (const minScore of [0, 0.3]) {
      const e = createEngine({ industries: big.industries, platforms: big.platforms, talents: big.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: minScore } });
      const live = new LiveScorer(e);
      let pairs = 0;
      let scored = 0;
      for (const k of [1, 10, 50]) {
        for (const profile of big.talents) {
          const json = live.recommendJson(profile, k);
          // the oracle: the same profile's features ranked without pruning, every platform scored
          const m: ScoringModel = { ctx: e.model.ctx, talents: live.inlineTalent(profile, 'x'), platforms: e.model.platforms };
          const r = new RowRanker(m, { kTalent: k });
          const acceptable = r.rank(0);
          expect(r.scored).toBe(acceptable);
          expect(json).toBe(talentRecordJson(m, 0, r.talentTop.ids, r.talentTop.sizes[0]));
          expect(live.last.pairs).toBe(acceptable); // the skipped blocks' acceptable pairs are still counted exactly
          pairs += acceptable;
          scored += live.last.scored;
        }
      }
      expect(pairs).toBeGreaterThan(0);
      // pruning skipped whole blocks: the comparison covers pruned rankings
      expect(scored).toBeLessThan(3 * big.talents.length * e.model.platforms.count);
    }
  });
});

