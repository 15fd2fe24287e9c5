/**
 * Contract output records (pure). Recommendations: one JSON line per entity, talents then
 * platforms, each sorted by id; items best first. Numbers are printed as JavaScript prints
 * a float64 (shortest round-trip form), which is deterministic.
 */
import type { Breakdown } from '../scoring/explain.js';
import { EXPLAIN_SCORE, EXPLAIN_WHY, createExplainBuffer, explainInto, explainPair } from '../scoring/explain.js';
import type { ExplainBuffer } from '../scoring/explain.js';
import { TERMS } from '../config/weights.js';
import type { Engine, Recommendations } from './engine.js';
import type { ScoringModel } from '../scoring/kernel.js';
import type { PairRows } from '../ranking/rows.js';

export interface RecommendationItem {
  id: string;
  score: number;
  forward: number;
  backward: number;
  why: Breakdown;
}

export interface RecommendationRecord {
  side: 'talent' | 'platform';
  id: string;
  items: RecommendationItem[];
}

/** The talent-side line of talent ti, from its ranked platform indices (best first). */
export function talentRecord(m: ScoringModel, ti: number, platforms: ArrayLike<number>, count: number): RecommendationRecord {
  const items: RecommendationItem[] = [];
  for (let j = 0; j < count; j++) {
    const pi = platforms[j];
    const e = explainPair(m, ti, pi);
    items.push({ id: m.platforms.ids[pi], score: e.score, forward: e.talentScore, backward: e.platformScore, why: e.why });
  }
  return { side: 'talent', id: m.talents.ids[ti], items };
}

/** One item of platform pi's line: talent ti seen from the platform. */
export function platformItem(m: ScoringModel, ti: number, pi: number): RecommendationItem {
  const e = explainPair(m, ti, pi);
  return { id: m.talents.ids[ti], score: e.score, forward: e.platformScore, backward: e.talentScore, why: e.why };
}

export function* recommendationRecords(engine: Engine, rec: Recommendations): Generator<RecommendationRecord> {
  const m = engine.model;
  const T = m.talents;
  const P = m.platforms;
  for (let ti = 0; ti < T.count; ti++) {
    yield talentRecord(m, ti, rec.talent.ids.subarray(ti * rec.talent.k), rec.talent.sizes[ti]);
  }
  for (let pi = 0; pi < P.count; pi++) {
    const items: RecommendationItem[] = [];
    const base = pi * rec.platform.k;
    for (let j = 0; j < rec.platform.sizes[pi]; j++) items.push(platformItem(m, rec.platform.ids[base + j], pi));
    yield { side: 'platform', id: P.ids[pi], items };
  }
}

/** A number as JSON.stringify writes it (shortest round-trip form; null when not finite). */
function jsonNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : 'null';
}

const WHY_KEYS = TERMS.map((t, k) => (k === 0 ? '{' : ',') + JSON.stringify(t) + ':');

/** One item as JSON, the same bytes as JSON.stringify of the RecommendationItem. */
function itemJson(m: ScoringModel, ti: number, pi: number, id: string, platformSide: boolean, buf: ExplainBuffer): string {
  const e = explainInto(m, ti, pi, buf);
  const f = platformSide ? e[1] : e[0];
  const b = platformSide ? e[0] : e[1];
  let s = '{"id":' + JSON.stringify(id) + ',"score":' + jsonNumber(e[EXPLAIN_SCORE]) + ',"forward":' + jsonNumber(f) + ',"backward":' + jsonNumber(b) + ',"why":';
  for (let k = 0; k < WHY_KEYS.length; k++) s += WHY_KEYS[k] + jsonNumber(e[EXPLAIN_WHY + k]);
  return s + '}}';
}

/**
 * One talent's line: its ranked platforms ids[base .. base + count) (platform indices, best
 * first), each item explained. `platformIds` are the platforms' string ids.
 */
function talentLine(m: ScoringModel, ti: number, id: string, platformIds: readonly string[], ids: ArrayLike<number>, base: number, count: number, buf: ExplainBuffer): string {
  let s = '{"side":"talent","id":' + JSON.stringify(id) + ',"items":[';
  for (let j = 0; j < count; j++) {
    const pi = ids[base + j];
    s += (j === 0 ? '' : ',') + itemJson(m, ti, pi, platformIds[pi], false, buf);
  }
  return s + ']}';
}

/**
 * talentRecord as JSON: the bytes of JSON.stringify(talentRecord(m, ti, platforms, count)),
 * written without the objects (one explain buffer, reused across items).
 */
export function talentRecordJson(m: ScoringModel, ti: number, platforms: ArrayLike<number>, count: number, buf: ExplainBuffer = createExplainBuffer()): string {
  return talentLine(m, ti, m.talents.ids[ti], m.platforms.ids, platforms, 0, count, buf);
}

/** One platform's line from the two-way result (talent indices, best first). */
export function platformLine(m: ScoringModel, pi: number, rec: Recommendations, buf: ExplainBuffer): string {
  const T = m.talents;
  let s = '{"side":"platform","id":' + JSON.stringify(m.platforms.ids[pi]) + ',"items":[';
  const base = pi * rec.platform.k;
  for (let j = 0; j < rec.platform.sizes[pi]; j++) {
    const ti = rec.platform.ids[base + j];
    s += (j === 0 ? '' : ',') + itemJson(m, ti, pi, T.ids[ti], true, buf);
  }
  return s + ']}';
}

/**
 * The talent lines of a range of talents [start, start + count) as UTF-8 bytes, each line
 * followed by a newline (what a worker formats for its range; workers/rank.ts). `top` holds
 * the range's finalized lists, row i = talent start + i; `talentIds` the range's ids.
 */
export function talentLinesBytes(m: ScoringModel, start: number, talentIds: readonly string[], top: Recommendations['talent']): Uint8Array {
  const buf = createExplainBuffer();
  const enc = new TextEncoder();
  // each line is encoded as soon as it is built (short-lived strings: the worker's heap stays small)
  let out = new Uint8Array(1 << 16);
  let n = 0;
  for (let i = 0; i < talentIds.length; i++) {
    const line = talentLine(m, start + i, talentIds[i], m.platforms.ids, top.ids, i * top.k, top.sizes[i], buf) + '\n';
    // UTF-8 takes at most 3 bytes per UTF-16 unit
    if (n + 3 * line.length > out.length) {
      const next = new Uint8Array(Math.max(out.length * 2, n + 3 * line.length));
      next.set(out.subarray(0, n));
      out = next;
    }
    n += enc.encodeInto(line, out.subarray(n)).written;
  }
  return out.slice(0, n);
}

/**
 * The JSON Lines of `recommendationRecords`, written by string building (the same bytes as
 * JSON.stringify of each record, without the objects: the writer of a million listed items).
 */
export function* recommendationLines(engine: Engine, rec: Recommendations): Generator<string> {
  const m = engine.model;
  const T = m.talents;
  const P = m.platforms;
  const buf = createExplainBuffer();
  const kt = rec.talent.k;
  for (let ti = 0; ti < T.count; ti++) yield talentLine(m, ti, T.ids[ti], P.ids, rec.talent.ids, ti * kt, rec.talent.sizes[ti], buf);
  for (let pi = 0; pi < P.count; pi++) yield platformLine(m, pi, rec, buf);
}

export const SCORE_CSV_HEADER = 'talentId,platformId,talentScore,platformScore,score';

/** CSV field quoting (RFC 4180) for ids that contain commas or quotes. */
function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One line of `score`'s CSV. */
function scoreCsvLine(talentId: string, platformId: string, talentScore: number, platformScore: number, score: number): string {
  return `${csvField(talentId)},${csvField(platformId)},${talentScore},${platformScore},${score}`;
}

export function* scoreCsvLines(engine: Engine): Generator<string> {
  const T = engine.model.talents;
  const P = engine.model.platforms;
  yield SCORE_CSV_HEADER;
  for (const p of engine.pairs()) yield scoreCsvLine(T.ids[p.talent], P.ids[p.platform], p.talentScore, p.platformScore, p.score);
}

/** The same CSV from ranges of pairs computed elsewhere (workers/threaded.ts ThreadedRanker.pairs), in order. */
export async function* scoreCsvLinesFrom(engine: Engine, ranges: AsyncIterable<PairRows>): AsyncGenerator<string> {
  const T = engine.model.talents;
  const P = engine.model.platforms;
  yield SCORE_CSV_HEADER;
  for await (const r of ranges) {
    for (let i = 0; i < r.end - r.start; i++) {
      const tid = T.ids[r.start + i];
      for (let e = r.ptr[i]; e < r.ptr[i + 1]; e++) yield scoreCsvLine(tid, P.ids[r.plat[e]], r.f[e], r.b[e], r.s[e]);
    }
  }
}
