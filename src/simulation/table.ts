/**
 * The table of every acceptable pair, talent-major, each talent's pairs in its preference
 * order (talentScore desc, platform index asc): exactly the pair set `match` builds with
 * `maxPrefs = 0`. The baseline's table is scored once; a scenario's table takes the
 * baseline's rows and rescores only what the change touched (rows of changed talents,
 * columns of changed platforms), with the same arithmetic as the kernel (the explainer's
 * pair scoring gives identical bits, see scoring/kernel.ts), so the result equals a full
 * rescoring bit for bit (tested against `match` on a hand-patched copy).
 */
import type { ScoringModel } from '../scoring/kernel.js';
import { createRowScratch, scoreRow } from '../scoring/kernel.js';
import { explainPair } from '../scoring/explain.js';
import type { PairSet } from '../matching/pairs.js';
import { buildPairSet, finishPairSet } from '../matching/pairs.js';
import type { ScenarioModel } from './derive.js';

export interface PairTable {
  talents: number;
  platforms: number;
  tPtr: Int32Array;
  plat: Int32Array;
  f: Float64Array;
  b: Float64Array;
  s: Float64Array;
}

export interface RescoreStats {
  /** pairs scored anew (acceptable or not) */
  pairs: number;
  /** talents whose whole row was scored */
  rows: number;
  /** platforms whose column was scored for the other talents */
  columns: number;
}

/** Every acceptable pair of the model (the full pair set). */
export function scoreTable(model: ScoringModel): PairSet {
  return buildPairSet(model, 0);
}

/** Above this many changed columns a talent's whole row is scored (one kernel pass is cheaper). */
const COLUMN_LIMIT = 8;

/** true when (fa, pa) ranks before (fb, pb) in a talent's preference. */
const before = (fa: number, pa: number, fb: number, pb: number) => fa > fb || (fa === fb && pa < pb);

/**
 * The scenario's table from the baseline's: rows of unchanged talents are copied (minus
 * the changed columns, which are rescored and merged in by preference), rows of changed or
 * new talents are scored whole. Requires the platform set unchanged unless everything is
 * rescored.
 */
export function deriveTable(base: PairTable, sm: ScenarioModel): { table: PairTable; stats: RescoreStats } {
  const m = sm.model;
  const N = m.talents.count;
  const M = m.platforms.count;
  if (sm.rescoreAll) {
    const ps = scoreTable(m);
    return { table: ps, stats: { pairs: N * M, rows: N, columns: M } };
  }
  const cols: number[] = [];
  for (let p = 0; p < M; p++) if (sm.columnChanged[p]) cols.push(p);
  const scratch = createRowScratch(M);
  const tPtr = new Int32Array(N + 1);
  const plat: number[] = [];
  const f: number[] = [];
  const b: number[] = [];
  const s: number[] = [];
  const stats: RescoreStats = { pairs: 0, rows: 0, columns: cols.length };
  const cand: { p: number; f: number; b: number; s: number }[] = [];
  for (let t = 0; t < N; t++) {
    const bt = sm.baseTalent[t];
    cand.length = 0;
    if (bt < 0 || sm.rowChanged[t] || cols.length > COLUMN_LIMIT) {
      scoreRow(m, t, scratch);
      stats.pairs += M;
      stats.rows++;
      for (let p = 0; p < M; p++) if (scratch.score[p] >= 0) cand.push({ p, f: scratch.forward[p], b: scratch.backward[p], s: scratch.score[p] });
      cand.sort((x, y) => (before(x.f, x.p, y.f, y.p) ? -1 : 1));
      for (const c of cand) {
        plat.push(c.p);
        f.push(c.f);
        b.push(c.b);
        s.push(c.s);
      }
    } else {
      for (const p of cols) {
        const x = explainPair(m, t, p);
        stats.pairs++;
        if (x.acceptable) cand.push({ p, f: x.talentScore, b: x.platformScore, s: x.score });
      }
      cand.sort((x, y) => (before(x.f, x.p, y.f, y.p) ? -1 : 1));
      let j = 0;
      for (let e = base.tPtr[bt]; e < base.tPtr[bt + 1]; e++) {
        const p = base.plat[e];
        if (sm.columnChanged[p]) continue;
        while (j < cand.length && before(cand[j].f, cand[j].p, base.f[e], p)) {
          const c = cand[j++];
          plat.push(c.p);
          f.push(c.f);
          b.push(c.b);
          s.push(c.s);
        }
        plat.push(p);
        f.push(base.f[e]);
        b.push(base.b[e]);
        s.push(base.s[e]);
      }
      for (; j < cand.length; j++) {
        const c = cand[j];
        plat.push(c.p);
        f.push(c.f);
        b.push(c.b);
        s.push(c.s);
      }
    }
    tPtr[t + 1] = plat.length;
  }
  return {
    table: { talents: N, platforms: M, tPtr, plat: Int32Array.from(plat), f: Float64Array.from(f), b: Float64Array.from(b), s: Float64Array.from(s) },
    stats,
  };
}

/**
 * The matchers' pair set from a table: each talent's best `maxPrefs` pairs (0 = all), the
 * same truncation `match --max-prefs` applies.
 */
export function pairSetFromTable(table: PairTable, model: ScoringModel, maxPrefs: number): PairSet {
  if (maxPrefs === 0 && 'pPtr' in table) return table as PairSet; // already the full pair set
  const N = table.talents;
  const L = maxPrefs > 0 ? maxPrefs : Number.POSITIVE_INFINITY;
  const tPtr = new Int32Array(N + 1);
  const keep: number[] = [];
  for (let t = 0; t < N; t++) {
    const a = table.tPtr[t];
    const n = Math.min(L, table.tPtr[t + 1] - a);
    for (let e = a; e < a + n; e++) keep.push(e);
    tPtr[t + 1] = keep.length;
  }
  const pick = <A extends Int32Array | Float64Array>(src: A, out: A): A => {
    keep.forEach((e, i) => (out[i] = src[e]));
    return out;
  };
  const E = keep.length;
  return finishPairSet(
    N,
    table.platforms,
    tPtr,
    pick(table.plat, new Int32Array(E)),
    pick(table.f, new Float64Array(E)),
    pick(table.b, new Float64Array(E)),
    pick(table.s, new Float64Array(E)),
    model.talents.seats,
    model.platforms.freeSlots,
    model.platforms.freeSeats,
  );
}
