/**
 * Scenario: score + two-way top-10 with every term (text, seven industries, priorities,
 * modes, capacity, both one-sided scores), fused with the top-k heaps.
 *  - score + two-way top-10, 1 thread, on vectors already built;
 *  - vectorize + score + two-way top-10 end to end, 1 thread (createEngine + recommend);
 *  - the same end to end on 2 worker threads (platform side built and packed on the main
 *    thread, talent ranges vectorized and ranked in workers, platform heaps merged): the
 *    issue's target, <= 3 s at 100k x 1k. Pool start-up is included.
 * Sizes: TM_BENCH_SIZES.
 */
import { createEngine } from '../src/engine/engine.js';
import { buildPlatformSide } from '../src/engine/platformSide.js';
import { resolveWeights } from '../src/config/weights.js';
import { Tokenizer } from '../src/text/tokenize.js';
import { TokenCache } from '../src/text/cache.js';
import { packPlatformSide } from '../src/workers/pack.js';
import { createChunkPool } from '../src/workers/pool.js';
import { rankAll } from '../src/workers/rank.js';
import type { Dataset } from '../src/engine/data.js';
import { benchDataset, benchSizes } from './data.js';
import type { CaseResult } from './harness.js';
import { measure, measureAsync } from './harness.js';

/** vectorize + score + two-way top-k on `threads` workers, from raw records. */
export async function rankThreaded(data: Dataset, threads: number, k = 10): Promise<number> {
  const cache = new TokenCache(new Tokenizer(), 5_000);
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const platforms = [...data.platforms].sort(byId);
  const talents = [...data.talents].sort(byId);
  const side = buildPlatformSide(data.industries, platforms, data.policy, resolveWeights(data.weights), (t) => cache.tokens(t));
  const pool = createChunkPool(packPlatformSide(side), threads);
  try {
    const rangeSize = Math.max(500, Math.ceil(talents.length / (threads * 8)));
    const r = await rankAll(platforms.length, talents, { k, kPlatform: k, rangeSize }, (t) => pool.rank(t));
    return r.pairs;
  } finally {
    await pool.destroy();
  }
}

export async function run(calibMs: number): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const { talents, platforms, label } of benchSizes()) {
    const data = benchDataset(talents, platforms);
    const pairs = talents * platforms;
    const engine = createEngine(data, { trusted: true });
    const rank = measure('score+top10', () => engine.recommend({ k: 10 }).pairs, { minSamples: 3, maxTime: 1 });
    out.push({ scenario: 'score + two-way top-10 (1 thread)', size: label, ...rank, ratio: rank.medianMs / calibMs, extra: { pairsPerSec: Math.round(pairs / (rank.medianMs / 1000)) } });
    const e2e = measure('end-to-end', () => createEngine(data, { trusted: true }).recommend({ k: 10 }).pairs, { minSamples: 3, maxTime: 1 });
    out.push({ scenario: 'vectorize + score + two-way top-10 (1 thread)', size: label, ...e2e, ratio: e2e.medianMs / calibMs });
    const two = await measureAsync(() => rankThreaded(data, 2), 3);
    out.push({ scenario: 'vectorize + score + two-way top-10 (2 threads)', size: label, ...two, ratio: two.medianMs / calibMs, extra: { pairsPerSec: Math.round(pairs / (two.medianMs / 1000)) } });
  }
  return out;
}
