/**
 * Two-way top-k over a range of talents: every talent's best platforms, and every
 * platform's best talents among the range. A range is the unit of work of the batch: the
 * platform heaps of several ranges merge exactly (mergeTopK), whatever their order.
 */
import type { ScoringModel } from '../scoring/kernel.js';
import { createRowScratch, scoreRow } from '../scoring/kernel.js';
import type { TopKBuffers } from '../vector/topk.js';
import { createTopK, finalizeTopK, offer } from '../vector/topk.js';

export interface RangeTopK {
  /** first talent index of the range */
  start: number;
  /** rows = talents of the range; ids are platform indices; finalized (best first) */
  talentTop: TopKBuffers;
  /** rows = all platforms; ids are global talent indices; heaps, not yet finalized */
  platformTop: TopKBuffers;
  /** acceptable pairs seen */
  pairs: number;
}

export function rankRange(m: ScoringModel, start: number, end: number, kTalent: number, kPlatform: number): RangeTopK {
  const M = m.platforms.count;
  const talentTop = createTopK(end - start, Math.min(kTalent, M));
  const platformTop = createTopK(M, kPlatform);
  const s = createRowScratch(M);
  let pairs = 0;
  for (let ti = start; ti < end; ti++) {
    scoreRow(m, ti, s);
    const row = ti - start;
    for (let p = 0; p < M; p++) {
      const sc = s.score[p];
      if (sc < 0) continue;
      pairs++;
      offer(talentTop, row, sc, p);
      offer(platformTop, p, sc, ti);
    }
  }
  finalizeTopK(talentTop);
  return { start, talentTop, platformTop, pairs };
}

export { finalizeTopK };
