/**
 * Boundaries of the list controls that the mutation sweep (scripts/mutants.mjs) found
 * untested: a pair scoring exactly the minimum score of 0, and exactly one list per talent
 * out of every control.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import type { CandidateLists } from '../../src/ranking/controls.js';
import { candidateListsOf, capIndustryShare, exposureFloor, topKShown } from '../../src/ranking/controls.js';
import { dataset, platform, talent } from '../helpers.js';

describe('candidate lists at the minimum score', () => {
  it('a pair scoring exactly 0 at a minimum of 0 is a candidate, as the engine lists it (mutation s[p] >= 0 -> > 0 drops it)', () => {
    // only the priority term weighs, and no industry has a priority: every pair scores exactly 0
    const d = dataset([platform('p-a'), platform('p-b')], [talent('t-1'), talent('t-2')]);
    const weights = { text: 0, industry: 0, priority: 1, mode: 0, capacity: 0, capital: 0, stage: 0, level: 0, signing: 0, concept: 0 };
    const e = createEngine({ ...d, policy: { ...d.policy, industryPriority: {}, minScoreForReferral: 0 }, weights });
    expect(e.explain('t-1', 'p-a')).toMatchObject({ score: 0, acceptable: true });
    const c = candidateListsOf(e.model);
    expect(Array.from(c.ptr)).toEqual([0, 2, 4]);
    expect(Array.from(c.plat)).toEqual([0, 1, 0, 1]);
    expect(Array.from(c.score)).toEqual([0, 0, 0, 0]);
    expect([...e.pairs()].length).toBe(4);
  });
});

describe('one list per talent out of every control', () => {
  // talent 0: platforms 0 (0.9), 1 (0.5); talent 1: platform 1 (0.8); talent 2: none
  const c: CandidateLists = { talents: 3, platforms: 2, ptr: Int32Array.from([0, 2, 3, 3]), plat: Int32Array.from([0, 1, 1]), score: Float64Array.from([0.9, 0.5, 0.8]) };
  const lists = (shown: Int32Array[]) => shown.map((l) => Array.from(l, (e) => c.plat[e]));

  it('exactly talents lists, the last talent\'s included (mutations t < talents -> <= add a list)', () => {
    expect(lists(topKShown(c, 1))).toEqual([[0], [1], []]);
    expect(lists(capIndustryShare(c, [7, 7], 2, 0.5))).toEqual([[0], [1], []]);
    const r = exposureFloor(c, 1, 1, [true, true]);
    expect(lists(r.shown)).toEqual([[0], [1], []]);
    expect(r.unmet).toEqual([]);
  });
});
