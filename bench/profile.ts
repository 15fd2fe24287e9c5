/**
 * One scenario, run once, for the CPU profiler:
 *   node --cpu-prof --cpu-prof-dir=prof --import tsx bench/profile.ts optimal|vectorize|score|stable [talents]
 *   node bench/cpuprof-top.mjs prof/<file>.cpuprofile
 */
import { createEngine } from '../src/engine/engine.js';
import { optimalBySlots } from '../src/matching/flow.js';
import { talentProposing } from '../src/matching/stable.js';
import { benchDataset } from './data.js';
import { syntheticPairSet } from './pairsets.js';

const [what, n] = process.argv.slice(2);
const N = Number(n ?? 10_000);
const t0 = performance.now();
let result: unknown;
if (what === 'optimal') result = optimalBySlots(syntheticPairSet({ talents: N, platforms: N / 10, prefs: N / 10, slots: 10 })).totalScore;
else if (what === 'vectorize') result = createEngine(benchDataset(N, 1000), { trusted: true }).model.talents.count;
else if (what === 'score') {
  const e = createEngine(benchDataset(N, 1000), { trusted: true });
  result = e.recommend({ k: 10 }).pairs;
} else if (what === 'stable') result = talentProposing(syntheticPairSet({ talents: N, platforms: 1000, prefs: 50, slots: Math.round((N * 0.8) / 1000) })).pairOf.length;
else throw new Error('usage: bench/profile.ts optimal|vectorize|score|stable [talents]');
console.log(`${what} ${N}: ${(performance.now() - t0).toFixed(0)} ms (${String(result)})`);
