/**
 * Contract output records (pure). Recommendations: one JSON line per entity, talents then
 * platforms, each sorted by id; items best first. Numbers are printed as JavaScript prints
 * a float64 (shortest round-trip form, `String(x)`: util/shortest.ts), which is deterministic.
 */
import type { Breakdown, PairExplanation } from '../scoring/explain.js';
import { EXPLAIN_SCORE, EXPLAIN_WHY, createExplainBuffer, explainInto, explainPair, explainScattered, releaseScattered } from '../scoring/explain.js';
import type { ExplainBuffer } from '../scoring/explain.js';
import { TERMS } from '../config/weights.js';
import type { Engine, Recommendations } from './engine.js';
import type { ScoringModel } from '../scoring/kernel.js';
import type { PairRows } from '../ranking/pairRows.js';
import { JsonBytes, WORD_SLACK, WordTable, utf8 } from './jsonBytes.js';
import { MAX_NUMBER_BYTES } from '../util/shortest.js';

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
  return platformItemOf(m.talents.ids[ti], explainPair(m, ti, pi));
}

/** A platform line's item for talent `id` from its pair's explanation: the pair seen from the platform (forward is the platform's score). */
export function platformItemOf(id: string, e: PairExplanation): RecommendationItem {
  return { id, score: e.score, forward: e.platformScore, backward: e.talentScore, why: e.why };
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

/**
 * The constant fragments of the lines, as words (`JsonBytes.putWords`). An item is its head
 * (`{"id":<id>,"score":`, per id: `Heads`) then 13 numbers, each followed by fragment k:
 * `,"forward":`, `,"backward":`, `,"why":{"text":`, the other terms' keys, and `}}`.
 */
const ITEM_TAILS = [',"forward":', ',"backward":', ...TERMS.map((t, k) => (k === 0 ? ',"why":{' : ',') + JSON.stringify(t) + ':'), '}}'];
const ITEM_NUMBERS = ITEM_TAILS.length;
const TALENT_OPEN = ITEM_NUMBERS;
const PLATFORM_OPEN = ITEM_NUMBERS + 1;
const ITEMS_OPEN = ITEM_NUMBERS + 2;
const ITEMS_END = ITEM_NUMBERS + 3;
const HEAD_OPEN = ITEM_NUMBERS + 4;
const HEAD_CLOSE = ITEM_NUMBERS + 5;
const FRAGMENTS = new WordTable(ITEM_NUMBERS + 6);
[...ITEM_TAILS, '{"side":"talent","id":', '{"side":"platform","id":', ',"items":[', ']}', '{"id":', ',"score":'].forEach((f, e) => FRAGMENTS.set(e, utf8(f)));
/** Which number of the explanation (scoring/explain.ts layout) each item number is, on each side. */
const whyOrder = (forward: number, backward: number): Int32Array => Int32Array.from([EXPLAIN_SCORE, forward, backward, ...TERMS.map((_, k) => EXPLAIN_WHY + k)]);
const TALENT_SIDE = whyOrder(0, 1);
const PLATFORM_SIDE = whyOrder(1, 0);
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** An item's bytes besides its head, at most (13 numbers, the fragments, the last word's slack). */
const ITEM_ROOM = ITEM_TAILS.reduce((n, f) => n + utf8(f).length, WORD_SLACK + 1) + ITEM_NUMBERS * MAX_NUMBER_BYTES;
/** A line's bytes besides its id and items, at most (the comma between items counted in ITEM_ROOM). */
const LINE_ROOM = FRAGMENTS.len[PLATFORM_OPEN] + FRAGMENTS.len[ITEMS_OPEN] + FRAGMENTS.len[ITEMS_END] + WORD_SLACK + 1;

const headScratch = new JsonBytes(256);

/**
 * Per id, the encoded `{"id":<id>,"score":` that opens its items (built on first use), and
 * `room`, a bound on every head's bytes and its last word's slack (JSON writes a string in at
 * most 6 bytes per UTF-16 unit and its two quotes).
 */
class Heads extends WordTable {
  readonly room: number;

  constructor(readonly ids: readonly string[]) {
    super(ids.length);
    let longest = 0;
    for (let i = 0; i < ids.length; i++) longest = Math.max(longest, ids[i].length);
    this.room = FRAGMENTS.len[HEAD_OPEN] + 6 * longest + 2 + FRAGMENTS.len[HEAD_CLOSE] + WORD_SLACK;
  }

  /** The head of ids[i] (its entry: i), written on first use through one scratch writer (no string built). */
  of(i: number): number {
    if (!this.has(i)) {
      const w = headScratch;
      w.n = 0;
      w.reserve(FRAGMENTS.len[HEAD_OPEN] + WORD_SLACK);
      w.putWords(FRAGMENTS, HEAD_OPEN);
      w.string(this.ids[i]);
      w.reserve(FRAGMENTS.len[HEAD_CLOSE] + WORD_SLACK);
      w.putWords(FRAGMENTS, HEAD_CLOSE);
      this.set(i, w.out, w.n);
    }
    return i;
  }
}

/**
 * One item, the bytes of JSON.stringify of its RecommendationItem, with no room check (the
 * line reserved it): head `h` of `heads` (the listed entity), then the pair's 13 numbers,
 * read in place from the explanation (no number is boxed, nothing is allocated per item).
 */
function itemBytes(w: JsonBytes, m: ScoringModel, ti: number, pi: number, heads: Heads, h: number, platformSide: boolean, buf: ExplainBuffer): void {
  // a talent's line: its rows scattered once for its ~10 platforms; a platform's line: row merges
  const e = platformSide ? explainInto(m, ti, pi, buf) : explainScattered(m, ti, pi, buf);
  const order = platformSide ? PLATFORM_SIDE : TALENT_SIDE;
  w.putWords(heads, h);
  for (let k = 0; k < ITEM_NUMBERS; k++) {
    const i = order[k];
    // finite (a breakdown of finite inputs); null, as JSON.stringify writes the others
    if (e[i] - e[i] === 0) w.putAt(e, i);
    else w.putNull();
    w.putWords(FRAGMENTS, k);
  }
}

/** A bound on the bytes of a line of id `id` listing `count` items with heads of `heads`. */
const lineBound = (id: string, count: number, heads: Heads): number => LINE_ROOM + 6 * id.length + 2 + count * (heads.room + ITEM_ROOM);

/** A line's opening `{"side":<side>,"id":<id>,"items":[`, then room for its `count` items and end (the items reserve none). */
function lineOpen(w: JsonBytes, open: number, id: string, count: number, heads: Heads): void {
  w.reserve(LINE_ROOM);
  w.putWords(FRAGMENTS, open);
  w.string(id); // reserves its own room
  w.reserve(LINE_ROOM + count * (heads.room + ITEM_ROOM));
  w.putWords(FRAGMENTS, ITEMS_OPEN);
}

// every talent line lists platforms of one platform side: their heads are kept per model's platform features
const platformHeadCache = new WeakMap<object, Heads>();
function platformHeads(m: ScoringModel): Heads {
  let h = platformHeadCache.get(m.platforms);
  if (!h) platformHeadCache.set(m.platforms, (h = new Heads(m.platforms.ids)));
  return h;
}

/**
 * Talent ti's line (no newline): `id` is its string id, its ranked platforms are
 * ids[base .. base + count) (platform indices, best first), each item explained.
 */
function talentLineInto(w: JsonBytes, m: ScoringModel, ti: number, id: string, ids: ArrayLike<number>, base: number, count: number, buf: ExplainBuffer): void {
  const heads = platformHeads(m);
  lineOpen(w, TALENT_OPEN, id, count, heads);
  for (let j = 0; j < count; j++) {
    if (j > 0) w.out[w.n++] = COMMA;
    const pi = ids[base + j];
    itemBytes(w, m, ti, pi, heads, heads.of(pi), false, buf);
  }
  releaseScattered(buf);
  w.putWords(FRAGMENTS, ITEMS_END);
}

/** What platform lines list: row r's talents (rows of the model) are ids[r * k .. r * k + sizes[r]), best first. */
export interface PlatformLists {
  k: number;
  ids: ArrayLike<number>;
  sizes: ArrayLike<number>;
}

/**
 * Platform pi's line of the two-way result (no newline), from row `row` of `lists`: the head
 * of the talent listed in slot row * k + j, talent ti, is heads.of(bySlot ? slot : ti).
 */
function platformLineInto(w: JsonBytes, m: ScoringModel, pi: number, lists: PlatformLists, row: number, heads: Heads, bySlot: boolean, buf: ExplainBuffer): void {
  const base = row * lists.k;
  const count = lists.sizes[row];
  lineOpen(w, PLATFORM_OPEN, m.platforms.ids[pi], count, heads);
  for (let j = 0; j < count; j++) {
    if (j > 0) w.out[w.n++] = COMMA;
    const ti = lists.ids[base + j];
    itemBytes(w, m, ti, pi, heads, heads.of(bySlot ? base + j : ti), true, buf);
  }
  w.putWords(FRAGMENTS, ITEMS_END);
}

/** A first size for a writer of `lines` lines listing `items` items (~420 bytes each with short ids): grown if short. */
const linesRoom = (lines: number, items: number): number => 64 * lines + 448 * items + 1024;

/**
 * talentRecord as JSON: the bytes of JSON.stringify(talentRecord(m, ti, platforms, count)),
 * written without the objects (one explain buffer, reused across items).
 */
export function talentRecordJson(m: ScoringModel, ti: number, platforms: ArrayLike<number>, count: number, buf: ExplainBuffer = createExplainBuffer()): string {
  const w = new JsonBytes(lineBound(m.talents.ids[ti], count, platformHeads(m)));
  talentLineInto(w, m, ti, m.talents.ids[ti], platforms, 0, count, buf);
  return w.drain();
}

/**
 * talentRecordJson's bytes appended to `w` (from w.n on), no string made: the API's live
 * route writes each answer into one reused writer and sends its bytes (engine/live.ts).
 */
export function talentRecordInto(w: JsonBytes, m: ScoringModel, ti: number, platforms: ArrayLike<number>, count: number, buf: ExplainBuffer): void {
  talentLineInto(w, m, ti, m.talents.ids[ti], platforms, 0, count, buf);
}

/**
 * The talent lines of a range of talents [start, start + count) as UTF-8 bytes, each line
 * followed by a newline (what a worker formats for its range; workers/rank.ts). `top` holds
 * the range's finalized lists, row i = talent start + i; `talentIds` the range's ids.
 * The same bytes as `recommendationLines`' talent lines, each + '\n'.
 */
export function talentLinesBytes(m: ScoringModel, start: number, talentIds: readonly string[], top: Recommendations['talent']): Uint8Array {
  const buf = createExplainBuffer();
  let items = 0;
  for (let i = 0; i < talentIds.length; i++) items += top.sizes[i];
  const w = new JsonBytes(linesRoom(talentIds.length, items));
  for (let i = 0; i < talentIds.length; i++) {
    talentLineInto(w, m, start + i, talentIds[i], top.ids, i * top.k, top.sizes[i], buf);
    w.byte(NEWLINE);
  }
  return w.take();
}

/** Platform lines [from, to), platform pi from row pi - from + first of `lists`, each + '\n'. */
function platformLinesWith(m: ScoringModel, lists: PlatformLists, first: number, from: number, to: number, heads: Heads, bySlot: boolean, buf: ExplainBuffer): Uint8Array {
  let items = 0;
  for (let pi = from; pi < to; pi++) items += lists.sizes[pi - from + first];
  const w = new JsonBytes(linesRoom(to - from, items));
  for (let pi = from; pi < to; pi++) {
    platformLineInto(w, m, pi, lists, pi - from + first, heads, bySlot, buf);
    w.byte(NEWLINE);
  }
  return w.take();
}

/**
 * The platform lines [from, to) of the two-way result as UTF-8 bytes, each followed by a
 * newline: the same bytes as `recommendationLines`' platform lines, each + '\n'.
 */
export function platformLinesBytes(m: ScoringModel, rec: Recommendations, from: number, to: number, buf: ExplainBuffer = createExplainBuffer()): Uint8Array {
  return platformLinesWith(m, rec.platform, from, from, to, new Heads(m.talents.ids), false, buf);
}

/**
 * platformLinesBytes' bytes for platforms [from, to) from their rows alone: `lists` row r is
 * platform from + r, `names` the id of the talent listed in each slot (r * k + j). For a
 * worker, which holds the talents' features but not their ids (workers/rank.ts platformLinesTask).
 */
export function platformLinesOf(m: ScoringModel, lists: PlatformLists, names: readonly string[], from: number, to: number): Uint8Array {
  return platformLinesWith(m, lists, 0, from, to, new Heads(names), true, createExplainBuffer());
}

/**
 * The JSON Lines of `recommendationRecords` as strings: the same bytes as JSON.stringify of
 * each record, written by the byte writer above and decoded once per line.
 */
export function* recommendationLines(engine: Engine, rec: Recommendations): Generator<string> {
  const m = engine.model;
  const T = m.talents;
  const buf = createExplainBuffer();
  const w = new JsonBytes();
  const kt = rec.talent.k;
  for (let ti = 0; ti < T.count; ti++) {
    talentLineInto(w, m, ti, T.ids[ti], rec.talent.ids, ti * kt, rec.talent.sizes[ti], buf);
    yield w.drain();
  }
  const heads = new Heads(T.ids);
  for (let pi = 0; pi < m.platforms.count; pi++) {
    platformLineInto(w, m, pi, rec.platform, pi, heads, false, buf);
    yield w.drain();
  }
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
