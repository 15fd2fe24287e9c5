/**
 * The live scorer's JSON (the API's POST /v1/talents/recommendations answer): byte for byte
 * the batch's line for the same profile and JSON.stringify of recommend(), with or without
 * the policy's list controls, whatever order profiles come in (one scratch reused by every
 * call) and whether the caller validated the profile already.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { recommendationLines } from '../../src/engine/format.js';
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
});
