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
 * JSON Lines written straight into a growing byte buffer: the constant fragments (keys, each
 * id's `{"id":…,"score":` head) are encoded once, numbers are copied as ASCII from their
 * shortest round-trip form, so no line or item string is built (the output's garbage was a
 * worker's largest heap user). The bytes equal `itemJson`/`talentLine`'s strings in UTF-8.
 */
class JsonBytes {
  out = new Uint8Array(1 << 16);
  n = 0;
  private readonly enc = new TextEncoder();

  /** Room for `extra` more bytes. */
  reserve(extra: number): void {
    if (this.n + extra <= this.out.length) return;
    const next = new Uint8Array(Math.max(this.out.length * 2, this.n + extra));
    next.set(this.out.subarray(0, this.n));
    this.out = next;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.out.set(b, this.n);
    this.n += b.length;
  }

  /** Any string, as UTF-8 (at most 3 bytes per UTF-16 unit). */
  text(s: string): void {
    this.reserve(3 * s.length);
    this.n += this.enc.encodeInto(s, this.out.subarray(this.n)).written;
  }

  /** A number as JSON.stringify writes it: ASCII only, copied by code unit. */
  number(x: number): void {
    const s = jsonNumber(x);
    const len = s.length;
    this.reserve(len);
    const out = this.out;
    let n = this.n;
    for (let i = 0; i < len; i++) out[n++] = s.charCodeAt(i);
    this.n = n;
  }

  byte(c: number): void {
    this.reserve(1);
    this.out[this.n++] = c;
  }
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const WHY_KEY_BYTES = WHY_KEYS.map(utf8);
const FORWARD = utf8(',"forward":');
const BACKWARD = utf8(',"backward":');
const WHY_OPEN = utf8(',"why":');
const ITEMS_END = utf8(']}\n');
const COMMA = 0x2c;
const CLOSE = 0x7d;

/** Per id, the encoded `{"id":<id>,"score":` that opens its items (built on first use). */
function itemHeads(ids: readonly string[]): (Uint8Array | undefined)[] {
  return new Array<Uint8Array | undefined>(ids.length);
}

/** itemJson's bytes. */
function itemBytes(w: JsonBytes, m: ScoringModel, ti: number, pi: number, head: Uint8Array, platformSide: boolean, buf: ExplainBuffer): void {
  const e = explainInto(m, ti, pi, buf);
  w.bytes(head);
  w.number(e[EXPLAIN_SCORE]);
  w.bytes(FORWARD);
  w.number(platformSide ? e[1] : e[0]);
  w.bytes(BACKWARD);
  w.number(platformSide ? e[0] : e[1]);
  w.bytes(WHY_OPEN);
  for (let k = 0; k < WHY_KEY_BYTES.length; k++) {
    w.bytes(WHY_KEY_BYTES[k]);
    w.number(e[EXPLAIN_WHY + k]);
  }
  w.byte(CLOSE);
  w.byte(CLOSE);
}

const headOf = (heads: (Uint8Array | undefined)[], ids: readonly string[], i: number): Uint8Array => (heads[i] ??= utf8('{"id":' + JSON.stringify(ids[i]) + ',"score":'));

/**
 * The talent lines of a range of talents [start, start + count) as UTF-8 bytes, each line
 * followed by a newline (what a worker formats for its range; workers/rank.ts). `top` holds
 * the range's finalized lists, row i = talent start + i; `talentIds` the range's ids.
 * The same bytes as `talentLine` + '\n' for each talent.
 */
export function talentLinesBytes(m: ScoringModel, start: number, talentIds: readonly string[], top: Recommendations['talent']): Uint8Array {
  const buf = createExplainBuffer();
  const w = new JsonBytes();
  const heads = platformHeads(m);
  const pids = m.platforms.ids;
  for (let i = 0; i < talentIds.length; i++) {
    w.text('{"side":"talent","id":' + JSON.stringify(talentIds[i]) + ',"items":[');
    const base = i * top.k;
    for (let j = 0; j < top.sizes[i]; j++) {
      if (j > 0) w.byte(COMMA);
      const pi = top.ids[base + j];
      itemBytes(w, m, start + i, pi, headOf(heads, pids, pi), false, buf);
    }
    w.bytes(ITEMS_END);
  }
  return w.out.slice(0, w.n);
}

/**
 * The platform lines [from, to) of the two-way result as UTF-8 bytes, each followed by a
 * newline: the same bytes as `platformLine` + '\n' for each platform.
 */
export function platformLinesBytes(m: ScoringModel, rec: Recommendations, from: number, to: number, buf: ExplainBuffer = createExplainBuffer()): Uint8Array {
  const w = new JsonBytes();
  const heads = itemHeads(m.talents.ids);
  const tids = m.talents.ids;
  const k = rec.platform.k;
  for (let pi = from; pi < to; pi++) {
    w.text('{"side":"platform","id":' + JSON.stringify(m.platforms.ids[pi]) + ',"items":[');
    for (let j = 0; j < rec.platform.sizes[pi]; j++) {
      if (j > 0) w.byte(COMMA);
      const ti = rec.platform.ids[pi * k + j];
      itemBytes(w, m, ti, pi, headOf(heads, tids, ti), true, buf);
    }
    w.bytes(ITEMS_END);
  }
  return w.out.slice(0, w.n);
}

// a worker formats many ranges against one platform side: the heads of its platforms are kept per model's platform features
const platformHeadCache = new WeakMap<object, (Uint8Array | undefined)[]>();
function platformHeads(m: ScoringModel): (Uint8Array | undefined)[] {
  let h = platformHeadCache.get(m.platforms);
  if (!h) platformHeadCache.set(m.platforms, (h = itemHeads(m.platforms.ids)));
  return h;
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
