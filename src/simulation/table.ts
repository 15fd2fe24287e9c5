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

/** The talent-major half of a pair set (the platform-major view and capacities are rebuilt from it). */
export type PairTable = Pick<PairSet, 'talents' | 'platforms' | 'tPtr' | 'plat' | 'f' | 'b' | 's'>;

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
  const whole = (t: number) => sm.baseTalent[t] < 0 || sm.rowChanged[t] === 1 || cols.length > COLUMN_LIMIT;
  let cap = 0;
  for (let t = 0; t < N; t++) cap += whole(t) ? M : base.tPtr[sm.baseTalent[t] + 1] - base.tPtr[sm.baseTalent[t]] + cols.length;
  const scratch = createRowScratch(M);
  const tPtr = new Int32Array(N + 1);
  const plat = new Int32Array(cap);
  const f = new Float64Array(cap);
  const b = new Float64Array(cap);
  const s = new Float64Array(cap);
  let n = 0;
  const put = (p: number, fv: number, bv: number, sv: number) => {
    plat[n] = p;
    f[n] = fv;
    b[n] = bv;
    s[n] = sv;
    n++;
  };
  const stats: RescoreStats = { pairs: 0, rows: 0, columns: cols.length };
  // candidates of one row: platform indices, sorted by the talent's preference
  const cand: number[] = [];
  const cf = new Float64Array(M);
  const cb = new Float64Array(M);
  const cs = new Float64Array(M);
  const byPreference = (x: number, y: number) => (before(cf[x], x, cf[y], y) ? -1 : 1);
  for (let t = 0; t < N; t++) {
    const bt = sm.baseTalent[t];
    cand.length = 0;
    if (whole(t)) {
      scoreRow(m, t, scratch);
      stats.pairs += M;
      stats.rows++;
      for (let p = 0; p < M; p++) {
        if (scratch.score[p] < 0) continue;
        cand.push(p);
        cf[p] = scratch.forward[p];
        cb[p] = scratch.backward[p];
        cs[p] = scratch.score[p];
      }
      cand.sort(byPreference);
      for (const p of cand) put(p, cf[p], cb[p], cs[p]);
    } else {
      for (const p of cols) {
        const x = explainPair(m, t, p);
        stats.pairs++;
        if (!x.acceptable) continue;
        cand.push(p);
        cf[p] = x.talentScore;
        cb[p] = x.platformScore;
        cs[p] = x.score;
      }
      cand.sort(byPreference);
      let j = 0;
      for (let e = base.tPtr[bt]; e < base.tPtr[bt + 1]; e++) {
        const p = base.plat[e];
        if (sm.columnChanged[p]) continue;
        for (; j < cand.length && before(cf[cand[j]], cand[j], base.f[e], p); j++) put(cand[j], cf[cand[j]], cb[cand[j]], cs[cand[j]]);
        put(p, base.f[e], base.b[e], base.s[e]);
      }
      for (; j < cand.length; j++) put(cand[j], cf[cand[j]], cb[cand[j]], cs[cand[j]]);
    }
    tPtr[t + 1] = n;
  }
  return {
    table: { talents: N, platforms: M, tPtr, plat: plat.slice(0, n), f: f.slice(0, n), b: b.slice(0, n), s: s.slice(0, n) },
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
