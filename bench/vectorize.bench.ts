/**
 * Scenario: vectorize. Fit the reference TF-IDF model (industries + platforms), then every
 * feature array of both sides: tokens (English + Chinese), TF-IDF vectors, industry
 * affinities, modes, capacity. In process, one thread. Sizes: TM_BENCH_SIZES.
 */
import { createEngine } from '../src/engine/engine.js';
import { benchDataset, benchSizes } from './data.js';
import type { CaseResult } from './harness.js';
import { measure } from './harness.js';

export function run(calibMs: number): CaseResult[] {
  const out: CaseResult[] = [];
  for (const { talents, platforms, label } of benchSizes()) {
    const data = benchDataset(talents, platforms);
    const r = measure('vectorize', () => createEngine(data, { trusted: true }), { minSamples: 3, maxTime: 1 });
    out.push({ scenario: 'vectorize (1 thread)', size: label, ...r, ratio: r.medianMs / calibMs, extra: { talentsPerSec: Math.round(talents / (r.medianMs / 1000)) } });
  }
  return out;
}
