/**
 * Scenario: optimal assignment, exact: 5k talents x 500 platforms, every pair acceptable,
 * 10 slots each (5,000 slots for 5,000 talents: fully contested), seats not binding, so
 * the exact min-cost flow runs (src/matching/flow.ts). TM_BENCH_OPT_SCALE scales both
 * sides (default 1).
 */
import { syntheticPairSet } from './pairsets.js';
import { optimalBySlots } from '../src/matching/flow.js';
import type { CaseResult } from './harness.js';
import { measure } from './harness.js';

export function run(calibMs: number): CaseResult[] {
  const scale = Number(process.env.TM_BENCH_OPT_SCALE ?? 1);
  const N = Math.round(5000 * scale);
  const M = Math.max(10, Math.round(500 * scale));
  const dense = syntheticPairSet({ talents: N, platforms: M, prefs: M, slots: 10 });
  const r = measure('optimal', () => optimalBySlots(dense).totalScore, { minSamples: 3, maxTime: 1 });
  return [{ scenario: 'optimal assignment, exact (min-cost flow)', size: `${N / 1000}k x ${M}, 10 slots each`, ...r, ratio: r.medianMs / calibMs, extra: { pairs: N * M } }];
}
