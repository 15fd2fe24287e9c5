/** Seeded benchmark data from the fixture generator, at scale. */
import { generateDistrict } from '../src/synth/generate.js';
import type { Dataset } from '../src/engine/data.js';
import { JIANGDONG_POLICY } from '../src/synth/taxonomy.js';

export function benchDataset(talents: number, platforms: number, seed = 7): Dataset {
  const d = generateDistrict({ seed, talents, platforms, words: [50, 200], curated: false, outcomes: false });
  return { industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0 } };
}

/** Scenario sizes from TM_BENCH_SIZES (talents, "10k,100k" by default), each against 1k platforms. */
export function benchSizes(defaults = '10k,100k'): { talents: number; platforms: number; label: string }[] {
  return (process.env.TM_BENCH_SIZES ?? defaults).split(',').map((s) => {
    const m = /^(\d+)(k|M)?$/.exec(s.trim());
    if (!m) throw new Error(`TM_BENCH_SIZES: expected sizes like 10k,100k, got ${JSON.stringify(s)}`);
    const talents = Number(m[1]) * (m[2] === 'M' ? 1_000_000 : m[2] === 'k' ? 1000 : 1);
    return { talents, platforms: 1000, label: `${s.trim()} x 1k` };
  });
}
