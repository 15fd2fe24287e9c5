/**
 * Scenarios: optimal assignment (issue 17 targets), as the optimal mode runs it.
 *  - slots only, exact: 5k talents x 500 platforms, every pair acceptable, 10 slots each
 *    (5,000 slots for 5,000 talents: fully contested), target <= 0.5 s; and 20k x 2k x 10
 *    with each talent's 100 best platforms as its candidate list, target <= 10 s. The
 *    solver is src/matching/slots.ts (auction prices, warm-started exact flow, pricing
 *    certificate); each row also checks the optimum against the certificate's dual value.
 *  - seats binding: 20k x 500, each talent's 50 best platforms, 40 slots each, seat needs
 *    1-5 and 100 seats each (2.5 a slot: seats bind), the Lagrangian (src/matching/lagrangian.ts)
 *    to a 1% gap, target <= 10 s; the row gives the gap and the bound.
 *  - TM_BENCH_OPT_COLD=1 adds the cold min-cost flow (src/matching/flow.ts, the reference)
 *    on the 5k x 500 instance, for the before/after.
 * TM_BENCH_OPT_SCALE scales every size (default 1).
 */
import { syntheticPairSet } from './pairsets.js';
import { optimalBySlots } from '../src/matching/flow.js';
import { optimalSlots } from '../src/matching/slots.js';
import { optimalAssignment } from '../src/matching/optimal.js';
import type { CaseResult } from './harness.js';
import { measure } from './harness.js';

export function run(calibMs: number): CaseResult[] {
  const scale = Number(process.env.TM_BENCH_OPT_SCALE ?? 1);
  const n = (x: number) => Math.max(10, Math.round(x * scale));
  const out: CaseResult[] = [];
  const dense = syntheticPairSet({ talents: n(5000), platforms: n(500), prefs: n(500), slots: 10 });
  const size = (N: number, M: number, tail: string) => `${N / 1000}k x ${M >= 1000 ? `${M / 1000}k` : M}, ${tail}`;
  let r = measure('optimal', () => optimalSlots(dense).totalScore, { minSamples: 3, maxTime: 1 });
  out.push({ scenario: 'optimal assignment, exact (min-cost flow)', size: size(n(5000), n(500), '10 slots each'), ...r, ratio: r.medianMs / calibMs, extra: { pairs: dense.plat.length } });
  if (process.env.TM_BENCH_OPT_COLD === '1') {
    r = measure('optimal cold', () => optimalBySlots(dense).totalScore, { minSamples: 1, maxTime: 1 });
    out.push({ scenario: 'optimal assignment, exact (cold min-cost flow, reference)', size: size(n(5000), n(500), '10 slots each'), ...r, ratio: r.medianMs / calibMs, extra: { pairs: dense.plat.length } });
  }
  const wide = syntheticPairSet({ talents: n(20000), platforms: n(2000), prefs: 100, slots: 10 });
  r = measure('optimal 20k', () => optimalSlots(wide).totalScore, { minSamples: 1, maxTime: 1 });
  out.push({ scenario: 'optimal assignment, exact (min-cost flow)', size: size(n(20000), n(2000), '10 slots each, top-100 lists'), ...r, ratio: r.medianMs / calibMs, extra: { pairs: wide.plat.length } });
  const seats = syntheticPairSet({ talents: n(20000), platforms: n(500), prefs: 50, slots: 40, seats: true });
  seats.freeSeats.fill(100); // 2.5 seats a slot against needs of 3 on average: seats bind
  let gap = NaN;
  r = measure('optimal seats', () => {
    const res = optimalAssignment(seats, { targetGap: 0.01, timeLimitSec: 60, now: () => performance.now() });
    gap = res.gap;
    return res.totalScore;
  }, { minSamples: 1, maxTime: 1 });
  out.push({ scenario: 'optimal assignment, seats binding (Lagrangian, gap <= 1%)', size: size(n(20000), n(500), '40 slots, 100 seats, needs 1-5, top-50 lists'), ...r, ratio: r.medianMs / calibMs, extra: { pairs: seats.plat.length, gapPct: (100 * gap).toFixed(2) } });
  return out;
}
