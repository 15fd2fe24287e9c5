/**
 * Scenario: stable assignment with top-50 preference lists, both proposers, plus the
 * blocking-pair count. Slots: 80 per platform (contested: 100k talents, 80k slots).
 * Sizes: TM_BENCH_SIZES (talents; 1k platforms). The matcher is measured on seeded,
 * correlated preference lists built directly (bench/pairsets.ts), not on the scorer.
 */
import { syntheticPairSet } from './pairsets.js';
import { platformProposing, talentProposing } from '../src/matching/stable.js';
import { countBlockingPairs } from '../src/matching/blocking.js';
import { benchSizes } from './data.js';
import type { CaseResult } from './harness.js';
import { measure } from './harness.js';

export function run(calibMs: number): CaseResult[] {
  const out: CaseResult[] = [];
  for (const { talents, platforms, label } of benchSizes()) {
    const ps = syntheticPairSet({ talents, platforms, prefs: 50, slots: Math.round((talents * 0.8) / platforms) });
    const size = `${label}, top-50`;
    const tp = measure('stable talent-proposing', () => talentProposing(ps).pairOf.length);
    out.push({ scenario: 'stable assignment, talent-proposing', size, ...tp, ratio: tp.medianMs / calibMs });
    const pp = measure('stable platform-proposing', () => platformProposing(ps).pairOf.length);
    out.push({ scenario: 'stable assignment, platform-proposing', size, ...pp, ratio: pp.medianMs / calibMs });
    const m = talentProposing(ps);
    const bp = measure('blocking pairs', () => countBlockingPairs(ps, m) + 1);
    out.push({ scenario: 'blocking-pair count', size, ...bp, ratio: bp.medianMs / calibMs });
  }
  return out;
}
