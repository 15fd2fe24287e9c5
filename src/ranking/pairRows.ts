/**
 * Every acceptable pair of a range of talents, through the one ranking primitive with no
 * heaps (ranking/rows.ts RowRanker): what `score` writes.
 */
import type { ScoringModel } from '../scoring/kernel.js';
import { RowRanker } from './rows.js';

/** Every acceptable pair of talents [start, end), talent-major, platforms ascending, as parallel arrays. */
export interface PairRows {
  start: number;
  end: number;
  /** pairs of talent start + i: [ptr[i], ptr[i + 1]) */
  ptr: Int32Array;
  plat: Int32Array;
  /** talent's, platform's and reciprocal score */
  f: Float64Array;
  b: Float64Array;
  s: Float64Array;
}

/** The acceptable pairs of a range of talents (what `score` writes), through the primitive with no heaps. */
export function collectPairs(m: ScoringModel, start: number, end: number): PairRows {
  const r = new RowRanker(m, { start, end });
  const sc = r.scratch;
  const ptr = new Int32Array(end - start + 1);
  const plat: number[] = [];
  const f: number[] = [];
  const b: number[] = [];
  const s: number[] = [];
  for (let ti = start; ti < end; ti++) {
    r.rank(ti);
    for (let p = 0; p < sc.score.length; p++) {
      if (sc.score[p] < 0) continue;
      plat.push(p);
      f.push(sc.forward[p]);
      b.push(sc.backward[p]);
      s.push(sc.score[p]);
    }
    ptr[ti - start + 1] = plat.length;
  }
  return { start, end, ptr, plat: Int32Array.from(plat), f: Float64Array.from(f), b: Float64Array.from(b), s: Float64Array.from(s) };
}
