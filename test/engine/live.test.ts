/**
 * The live scorer's JSON (the API's POST /v1/talents/recommendations answer): byte for byte
 * the batch's line for the same profile and JSON.stringify of recommend(), with or without
 * the policy's list controls, whatever order profiles come in (one scratch reused by every
 * call) and whether the caller validated the profile already.
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
import { LiveScorer } from '../../src/engine/live.js';
import { isTalentmatchError } from '../../src/errors.js';

const d = generateDistrict({ seed: 11, talents: 120, platforms: 17, curated: false });
const make = (lists?: ListControls): Engine =>
  createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0.2, ...(lists ? { lists } : {}) } });

describe('LiveScorer.recommendJson', () => {
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
        for (const t of order) {
          const profile = d.talents[t]!;
          const json = live.recommendJson(profile, k);
          expect(json).toBe(batch[t]);
          expect(json).toBe(JSON.stringify(live.recommend(profile, k)));
          expect(live.recommendJson(profile, k, 'request body', true)).toBe(json);
          if ((JSON.parse(json) as { items: unknown[] }).items.length > 0) withItems++;
        }
        expect(withItems).toBeGreaterThan(d.talents.length); // most lists are not empty: the comparison is not vacuous
      }
    });
  }

  it('an invalid profile is refused with its path', () => {
    const live = new LiveScorer(make());
    try {
      live.recommendJson({ id: 'x', name: 'n' }, 3, 'request body talent');
      expect.unreachable();
    } catch (e) {
      expect(isTalentmatchError(e) && e.code === 'E_INPUT' && e.issues[0]?.path).toBe('description');
    }
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

