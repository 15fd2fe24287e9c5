/**
 * Scenarios: stable assignment (100k talents x 1k platforms, top-50 preference lists,
 * both proposers, plus the blocking-pair count) and optimal assignment (5k x 500, every
 * pair, 10 slots each: exact min-cost flow). Sizes scale with TM_BENCH_SCALE (default 1).
 */
import { syntheticPairSet } from './pairsets.js';
import { platformProposing, talentProposing } from '../src/matching/stable.js';
import { countBlockingPairs } from '../src/matching/blocking.js';
import { optimalBySlots } from '../src/matching/flow.js';
import type { CaseResult } from './harness.js';
import { measure } from './harness.js';

export function run(calibMs: number): CaseResult[] {
  const scale = Number(process.env.TM_BENCH_SCALE ?? 1);
  const N = Math.round(100_000 * scale);
  const M = Math.max(10, Math.round(1000 * scale));
  const stable = syntheticPairSet({ talents: N, platforms: M, prefs: 50, slots: 80 });
  const size = `${N / 1000}k x ${M / 1000}k, top-50`;
  const out: CaseResult[] = [];
  const tp = measure('stable talent-proposing', () => talentProposing(stable).pairOf.length);
  out.push({ scenario: 'stable assignment, talent-proposing', size, ...tp, ratio: tp.medianMs / calibMs });
  const pp = measure('stable platform-proposing', () => platformProposing(stable).pairOf.length);
  out.push({ scenario: 'stable assignment, platform-proposing', size, ...pp, ratio: pp.medianMs / calibMs });
  const m = talentProposing(stable);
  const bp = measure('blocking pairs', () => countBlockingPairs(stable, m) + 1);
  out.push({ scenario: 'blocking-pair count', size, ...bp, ratio: bp.medianMs / calibMs });
  const n2 = Math.round(5000 * scale);
  const m2 = Math.max(10, Math.round(500 * scale));
  const dense = syntheticPairSet({ talents: n2, platforms: m2, prefs: m2, slots: 10 });
  const opt = measure('optimal', () => optimalBySlots(dense).totalScore, { minSamples: 3, maxTime: 1 });
  out.push({ scenario: 'optimal assignment (exact min-cost flow)', size: `${n2 / 1000}k x ${m2}, 10 slots each`, ...opt, ratio: opt.medianMs / calibMs });
  return out;
}
