/**
 * The platform side's merge of chunk candidates (engine/candidates.ts CandidateMerger)
 * against a plain model of it: per platform, every kept candidate sorted (score desc, id
 * asc), the first `depth` listed; the bound is the best of what was left out — candidates
 * past the depth, the last entry of a chunk list that reached the chunk depth, and the
 * bounds of a reserve. Random chunks with ties, reserves filtered by "unchanged", depths
 * from 0 up, every reading compared: lists, exact counts, exhausted platforms and the
 * encoded reserve. The format before the thirteenth pass (13 numbers per candidate, one id
 * per entry: a chunk of a run an older build began, an older snapshot's reserve) merges to
 * the same bytes.
 */
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { CandidateMerger, encodeCandidates, noCandidates } from '../../src/engine/candidates.js';
import { TERMS } from '../../src/config/weights.js';
import { rng } from '../../src/util/rng.js';
import type { EncodedReserve as Reserve } from '../../src/engine/candidates.js';

interface Entry {
  id: string;
  score: number;
}
const before = (a: Entry, b: Entry) => a.score > b.score || (a.score === b.score && a.id < b.id);
const rank = (a: Entry, b: Entry) => (before(a, b) ? -1 : 1);
const LEGACY_WIDTH = 3 + TERMS.length;

/** The model: everything kept, sorted at the end. */
class Model {
  readonly kept: Entry[][];
  readonly raised: Entry[][];
  constructor(
    M: number,
    readonly depth: number,
  ) {
    this.kept = Array.from({ length: M }, () => []);
    this.raised = Array.from({ length: M }, () => []);
  }
  add(lists: Entry[][], truncatedAt: number | undefined, keep: (id: string) => boolean = () => true, bounds?: (Entry | undefined)[]): void {
    lists.forEach((l, p) => {
      for (const e of l) if (keep(e.id)) this.kept[p].push(e);
      if (truncatedAt !== undefined && l.length >= truncatedAt && l.length > 0) this.raised[p].push(l[l.length - 1]);
      if (bounds?.[p]) this.raised[p].push(bounds[p]!);
    });
  }
  list(p: number): Entry[] {
    return [...this.kept[p]].sort(rank).slice(0, this.depth);
  }
  bound(p: number): Entry | undefined {
    const out = [...this.kept[p]].sort(rank).slice(this.depth);
    let b: Entry | undefined;
    for (const c of [...out, ...this.raised[p]]) if (!b || before(c, b)) b = c;
    return b;
  }
  /** The bound a reserve stores: a full list's at least its last entry (canonical whatever the chunks left out). */
  stored(p: number): Entry | undefined {
    const list = this.list(p);
    const b = this.bound(p);
    const last = list.length === this.depth && list.length > 0 ? list[list.length - 1] : undefined;
    return last && (!b || before(last, b)) ? last : b;
  }
}

/** A chunk's lists as a chunk encodes them: each talent's id once, in id order, entries pointing at it. */
function encode(lists: Entry[][]): Buffer {
  const ids = [...new Set(lists.flat().map((e) => e.id))].sort();
  const entries = lists.flat();
  return encodeCandidates({ count: Int32Array.from(lists.map((l) => l.length)), scores: Float64Array.from(entries.map((e) => e.score)), at: Int32Array.from(entries.map((e) => ids.indexOf(e.id))), ids });
}

/** The same lists in the format before: one id per entry, 13 numbers each (the score first, the rest explanation numbers the merge ignores). */
function encodeLegacy(lists: Entry[][], r: () => number, bounds?: { boundScore: Float64Array; boundId: string[] }): Buffer {
  const entries = lists.flat();
  const values = Float64Array.from(entries.flatMap((e) => [e.score, ...Array.from({ length: LEGACY_WIDTH - 1 }, () => r())]));
  return serialize({ count: Int32Array.from(lists.map((l) => l.length)), ids: entries.map((e) => e.id), values, ...(bounds ?? {}) });
}

function compare(got: CandidateMerger, want: Model, M: number): void {
  const r = deserialize(got.encodeReserve()) as Reserve;
  let c = 0;
  for (let p = 0; p < M; p++) {
    const list = want.list(p);
    expect(r.count[p]).toBe(list.length);
    for (const e of list) {
      expect([r.ids[c], r.scores[c]]).toEqual([e.id, e.score]);
      c++;
    }
    const b = want.bound(p);
    const stored = want.stored(p);
    expect([r.boundScore[p], r.boundId[p]]).toEqual(stored ? [stored.score, stored.id] : [NaN, '']);
    const exact = b ? list.filter((e) => before(e, b)).length : list.length;
    expect(got.exact(p)).toBe(exact);
    for (const k of [0, 1, want.depth, want.depth + 2]) expect(got.top(p, k)).toEqual({ ids: list.slice(0, k).map((e) => e.id), scores: list.slice(0, k).map((e) => e.score) });
  }
  expect(c).toBe(r.ids.length);
  // the floor a chunk is sent with: a full list's last score
  expect([...got.floor()]).toEqual(Array.from({ length: M }, (_, p) => (want.depth > 0 && want.list(p).length === want.depth ? want.list(p)[want.depth - 1].score : -Infinity)));
  for (const k of [0, 1, 3, want.depth]) expect(got.exhausted(k)).toEqual(Array.from({ length: M }, (_, p) => p).filter((p) => want.bound(p) !== undefined && got.exact(p) < k));
}

describe('CandidateMerger', () => {
  it('keeps the best `depth` per platform with the bound of everything left out, as the sorted model does (random chunks, ties, reserves; the older format alike)', () => {
    const r = rng(2024);
    for (let round = 0; round < 60; round++) {
      const M = 1 + Math.floor(r() * 5);
      const depth = Math.floor(r() * 6);
      const chunkDepth = depth + Math.floor(r() * 3);
      const got = new CandidateMerger(M, depth, chunkDepth);
      const legacy = new CandidateMerger(M, depth, chunkDepth);
      const want = new Model(M, depth);
      const talents = Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(2, '0')}`);
      // each talent scored once per platform (chunks hold disjoint talents), scores from a few values: ties
      const order = [...talents].sort(() => r() - 0.5);
      const chunks = 1 + Math.floor(r() * 4);
      for (let ch = 0; ch < chunks; ch++) {
        const mine = order.filter((_, i) => i % chunks === ch);
        const lists: Entry[][] = [];
        for (let p = 0; p < M; p++) {
          const all = mine.filter(() => r() < 0.7).map((id) => ({ id, score: Math.floor(r() * 6) / 5 }));
          lists.push(all.sort(rank).slice(0, chunkDepth));
        }
        got.add(encode(lists));
        legacy.add(encodeLegacy(lists, r));
        want.add(lists, chunkDepth);
      }
      expect(Buffer.compare(legacy.encodeReserve(), got.encodeReserve())).toBe(0);
      // a later run: the merged reserve, filtered by the talents still unchanged, into a fresh merger
      const unchanged = new Set(talents.filter(() => r() < 0.6));
      const next = new CandidateMerger(M, depth, chunkDepth);
      const nextWant = new Model(M, depth);
      const reserve = got.encodeReserve();
      expect(new Set(CandidateMerger.reserveIds(reserve))).toEqual(new Set(Array.from({ length: M }, (_, p) => want.list(p).map((e) => e.id)).flat()));
      next.addReserve(reserve, (id) => unchanged.has(id));
      nextWant.add(Array.from({ length: M }, (_, p) => want.list(p)), undefined, (id) => unchanged.has(id), Array.from({ length: M }, (_, p) => want.stored(p)));
      compare(got, want, M);
      compare(next, nextWant, M);
      // an older snapshot's reserve (its lists and bounds in the format before) is read the same
      const old = deserialize(reserve) as Reserve;
      const fromOld = new CandidateMerger(M, depth, chunkDepth);
      const oldBlob = encodeLegacy(Array.from({ length: M }, (_, p) => want.list(p)), r, { boundScore: old.boundScore, boundId: old.boundId });
      expect(CandidateMerger.reserveIds(oldBlob)).toEqual(old.ids);
      fromOld.addReserve(oldBlob, (id) => unchanged.has(id));
      expect(Buffer.compare(fromOld.encodeReserve(), next.encodeReserve())).toBe(0);
    }
  });

  it('chunks sent with the merged lists\' floors taken at any moment (any thread count, any timing) merge to the unfloored lists and the same stored reserve, byte for byte', () => {
    const r = rng(1515);
    let cut = 0;
    let boundsDiffer = 0;
    for (let round = 0; round < 120; round++) {
      const M = 1 + Math.floor(r() * 4);
      const depth = 1 + Math.floor(r() * 5);
      // the batch ranks its chunks to the reserve depth; deeper is valid too
      const chunkDepth = depth + (round % 3 === 0 ? Math.floor(r() * 3) : 0);
      const talents = Array.from({ length: 8 + Math.floor(r() * 50) }, (_, i) => `t${String(i).padStart(2, '0')}`);
      for (let i = talents.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [talents[i], talents[j]] = [talents[j], talents[i]];
      }
      const chunks = 2 + Math.floor(r() * 8);
      // scores from a few levels (ties) or continuous
      const score = round % 2 === 0 ? () => Math.floor(r() * 8) / 7 : () => r();
      // per chunk and platform: every acceptable talent of the chunk, sorted
      const pools: Entry[][][] = Array.from({ length: chunks }, (_, ch) => {
        const mine = talents.filter((_, i) => i % chunks === ch);
        return Array.from({ length: M }, () => mine.filter(() => r() < 0.8).map((id) => ({ id, score: score() })).sort(rank));
      });
      const free = new CandidateMerger(M, depth, chunkDepth);
      for (const pool of pools) free.add(encode(pool.map((l) => l.slice(0, chunkDepth))));
      // each chunk sent with the floors of the chunks merged so far, merged after a random delay, in a random order
      const early = new CandidateMerger(M, depth, chunkDepth);
      const pending: Buffer[] = [];
      for (const pool of pools) {
        const floor = early.floor();
        // a ranker that cannot prune ignores the floor (scoring/prunable.ts): its list is the unfloored one
        const honour = r() < 0.85;
        const lists = pool.map((l, p) => (honour ? l.filter((e) => e.score >= floor[p]) : l).slice(0, chunkDepth));
        cut += pool.reduce((a, l, p) => a + Math.min(l.length, chunkDepth) - lists[p].length, 0);
        pending.push(encode(lists));
        while (pending.length > 0 && r() < 0.7) early.add(pending.splice(Math.floor(r() * pending.length), 1)[0]);
      }
      for (const b of pending) early.add(b);
      expect(Buffer.compare(early.encodeReserve(), free.encodeReserve()), `round ${round}`).toBe(0);
      for (let p = 0; p < M; p++) expect(early.top(p, depth)).toEqual(free.top(p, depth));
      // the bounds gathered may differ (what a chunk left out depends on the floors): the stored ones may not
      const gathered = (m: CandidateMerger) => {
        const g = m as unknown as { hasBound: Uint8Array; boundScore: Float64Array; boundId: string[] };
        return Array.from({ length: M }, (_, p) => (g.hasBound[p] === 1 ? [g.boundScore[p], g.boundId[p]] : undefined));
      };
      const [a, b] = [gathered(early), gathered(free)];
      for (let p = 0; p < M; p++) if (JSON.stringify(a[p]) !== JSON.stringify(b[p])) boundsDiffer++;
    }
    // the floors did cut chunks' lists, and the gathered bounds did differ, in some rounds
    expect(cut).toBeGreaterThan(0);
    expect(boundsDiffer).toBeGreaterThan(0);
  });

  it('known answers: ties by id, a full chunk list raises the bound to its last entry, a short one does not', () => {
    const m = new CandidateMerger(2, 2);
    m.add(encode([[{ id: 'b', score: 0.9 }, { id: 'c', score: 0.5 }], [{ id: 'b', score: 0.3 }]]));
    m.add(encode([[{ id: 'a', score: 0.9 }], [{ id: 'a', score: 0.3 }]]));
    expect(m.top(0, 5)).toEqual({ ids: ['a', 'b'], scores: [0.9, 0.9] });
    expect(m.top(1, 1)).toEqual({ ids: ['a'], scores: [0.3] });
    // platform 0: c left out (and its chunk list was full: c is its last entry); platform 1: no list reached depth 2
    expect([m.exact(0), m.exact(1)]).toEqual([2, 2]);
    expect(m.exhausted(3)).toEqual([0]);
    const r = deserialize(m.encodeReserve()) as Reserve;
    // stored: both lists are full, so each bound is its last entry (above c's, and where platform 1 had none)
    expect([...r.boundScore]).toEqual([0.9, 0.3]);
    expect(r.boundId).toEqual(['b', 'b']);
    // a list that is not full keeps what was gathered: none, or the bound of what was left out
    const short = new CandidateMerger(2, 3);
    short.add(encode([[{ id: 'b', score: 0.9 }, { id: 'c', score: 0.5 }], [{ id: 'b', score: 0.3 }]]));
    short.addReserve(serialize({ count: Int32Array.from([0, 1]), ids: ['d'], scores: Float64Array.from([0.2]), boundScore: Float64Array.from([NaN, 0.1]), boundId: ['', 'e'] }), () => true);
    const sr = deserialize(short.encodeReserve()) as Reserve;
    expect([[...sr.boundScore], sr.boundId, [...sr.count]]).toEqual([[NaN, 0.1], ['', 'e'], [2, 2]]);
    expect([r.ids, [...r.scores], [...r.count]]).toEqual([['a', 'b', 'a', 'b'], [0.9, 0.9, 0.3, 0.3], [2, 2]]);
  });

  it('a chunk encodes each talent once: entries point at ids in id order; no candidates is every count 0', () => {
    const blob = deserialize(encode([[{ id: 'y', score: 0.8 }, { id: 'x', score: 0.2 }], [{ id: 'x', score: 0.7 }]])) as { ids: string[]; at: Int32Array; scores: Float64Array; count: Int32Array };
    expect([blob.ids, [...blob.at], [...blob.scores], [...blob.count]]).toEqual([['x', 'y'], [1, 0, 0], [0.8, 0.2, 0.7], [2, 1]]);
    const none = new CandidateMerger(3, 2);
    none.add(noCandidates(3));
    expect([0, 1, 2].map((p) => [none.top(p, 2).ids.length, none.exact(p)])).toEqual([[0, 0], [0, 0], [0, 0]]);
    expect(none.exhausted(1)).toEqual([]);
  });
});
