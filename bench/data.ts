/** Seeded benchmark data from the fixture generator, at scale. */
import { generateDistrict } from '../src/synth/generate.js';
import type { Dataset } from '../src/engine/data.js';
import { JIANGDONG_POLICY } from '../src/synth/taxonomy.js';

export function benchDataset(talents: number, platforms: number, seed = 7): Dataset {
  const d = generateDistrict({ seed, talents, platforms, words: [50, 200], curated: false, outcomes: false });
  return { industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0 } };
}
