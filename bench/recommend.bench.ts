/**
 * Scenario: vectorize + score + two-way top-10 (all terms), in process, one thread.
 * Sizes: TM_BENCH_TALENTS x TM_BENCH_PLATFORMS (default 10k x 1k).
 */
import { createEngine } from '../src/engine/engine.js';
import { benchDataset } from './data.js';
import type { CaseResult } from './harness.js';
import { measure } from './harness.js';

export function run(calibMs: number): CaseResult[] {
  const N = Number(process.env.TM_BENCH_TALENTS ?? 10_000);
  const M = Number(process.env.TM_BENCH_PLATFORMS ?? 1_000);
  const data = benchDataset(N, M);
  const size = `${N / 1000}k x ${M / 1000}k`;
  const out: CaseResult[] = [];
  const vec = measure('vectorize', () => createEngine(data, { trusted: true }), { minSamples: 3 });
  out.push({ scenario: 'vectorize (fit TF-IDF, industry + feature arrays)', size, ...vec, ratio: vec.medianMs / calibMs });
  const engine = createEngine(data, { trusted: true });
  const rank = measure('score+top10', () => engine.recommend({ k: 10 }).pairs, { minSamples: 3 });
  out.push({ scenario: 'score + two-way top-10', size, ...rank, ratio: rank.medianMs / calibMs, extra: { pairsPerSec: Math.round((N * M) / (rank.medianMs / 1000)) } });
  const all = measure('end-to-end', () => createEngine(data, { trusted: true }).recommend({ k: 10 }).pairs, { minSamples: 3 });
  out.push({ scenario: 'vectorize + score + two-way top-10', size, ...all, ratio: all.medianMs / calibMs });
  return out;
}
