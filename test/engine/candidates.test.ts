/**
 * The platform side's merge of chunk candidates (engine/candidates.ts CandidateMerger)
 * against a plain model of it: per platform, every kept candidate sorted (score desc, id
 * asc), the first `depth` listed; the bound is the best of what was left out — candidates
 * past the depth, the last entry of a chunk list that reached the chunk depth, and the
 * bounds of a reserve. Random chunks with ties, reserves filtered by "unchanged", depths
 * from 0 up, every reading compared: lines, exact counts, exhausted platforms and the
 * encoded reserve.
 */
import { deserialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { CANDIDATE_WIDTH, CandidateMerger, encodeCandidates } from '../../src/engine/candidates.js';
import { TERMS } from '../../src/config/weights.js';
import { rng } from '../../src/util/rng.js';

interface Entry {
  id: string;
  v: number[];
}
const before = (a: { score: number; id: string }, b: { score: number; id: string }) => a.score > b.score || (a.score === b.score && a.id < b.id);
const rank = (a: Entry, b: Entry) => (before({ score: a.v[0], id: a.id }, { score: b.v[0], id: b.id }) ? -1 : 1);

/** The model: everything kept, sorted at the end. */
class Model {
  readonly kept: Entry[][];
  readonly raised: { score: number; id: string }[][];
  constructor(
    M: number,
    readonly depth: number,
  ) {
    this.kept = Array.from({ length: M }, () => []);
    this.raised = Array.from({ length: M }, () => []);
  }
  add(lists: Entry[][], truncatedAt: number | undefined, keep: (id: string) => boolean = () => true, bounds?: ({ score: number; id: string } | undefined)[]): void {
    lists.forEach((l, p) => {
      for (const e of l) if (keep(e.id)) this.kept[p].push(e);
      if (truncatedAt !== undefined && l.length >= truncatedAt && l.length > 0) this.raised[p].push({ score: l[l.length - 1].v[0], id: l[l.length - 1].id });
      if (bounds?.[p]) this.raised[p].push(bounds[p]!);
    });
  }
  list(p: number): Entry[] {
    return [...this.kept[p]].sort(rank).slice(0, this.depth);
  }
  bound(p: number): { score: number; id: string } | undefined {
    const out = [...this.kept[p]].sort(rank).slice(this.depth).map((e) => ({ score: e.v[0], id: e.id }));
    let b: { score: number; id: string } | undefined;
    for (const c of [...out, ...this.raised[p]]) if (!b || before(c, b)) b = c;
    return b;
  }
}

const encode = (lists: Entry[][]) =>
  encodeCandidates({ candCount: Int32Array.from(lists.map((l) => l.length)), candIds: lists.flatMap((l) => l.map((e) => e.id)), candValues: Float64Array.from(lists.flatMap((l) => l.flatMap((e) => e.v))) });

function compare(got: CandidateMerger, want: Model, M: number): void {
  const r = deserialize(got.encodeReserve()) as { count: Int32Array; ids: string[]; values: Float64Array; boundScore: Float64Array; boundId: string[] };
  let c = 0;
  for (let p = 0; p < M; p++) {
    const list = want.list(p);
    expect(r.count[p]).toBe(list.length);
    for (const e of list) {
      expect(r.ids[c]).toBe(e.id);
      expect(Array.from(r.values.subarray(c * CANDIDATE_WIDTH, (c + 1) * CANDIDATE_WIDTH))).toEqual(e.v);
      c++;
    }
    const b = want.bound(p);
    expect([r.boundScore[p], r.boundId[p]]).toEqual(b ? [b.score, b.id] : [NaN, '']);
    const exact = b ? list.filter((e) => before({ score: e.v[0], id: e.id }, b)).length : list.length;
    expect(got.exact(p)).toBe(exact);
    expect(JSON.parse(got.line(`p${p}`, p, want.depth)).items.map((i: { id: string; score: number }) => [i.id, i.score])).toEqual(list.map((e) => [e.id, e.v[0]]));
  }
  for (const k of [0, 1, 3, want.depth]) expect(got.exhausted(k)).toEqual(Array.from({ length: M }, (_, p) => p).filter((p) => want.bound(p) !== undefined && got.exact(p) < k));
}

describe('CandidateMerger', () => {
  it('keeps the best `depth` per platform with the bound of everything left out, as the sorted model does (random chunks, ties, reserves)', () => {
    const r = rng(2024);
    for (let round = 0; round < 60; round++) {
      const M = 1 + Math.floor(r() * 5);
      const depth = Math.floor(r() * 6);
      const chunkDepth = depth + Math.floor(r() * 3);
      const got = new CandidateMerger(M, depth, chunkDepth);
      const want = new Model(M, depth);
      const talents = Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(2, '0')}`);
      // each talent scored once per platform (chunks hold disjoint talents), scores from a few values: ties
      const order = [...talents].sort(() => r() - 0.5);
      const chunks = 1 + Math.floor(r() * 4);
      for (let ch = 0; ch < chunks; ch++) {
        const mine = order.filter((_, i) => i % chunks === ch);
        const lists: Entry[][] = [];
        for (let p = 0; p < M; p++) {
          const all = mine.filter(() => r() < 0.7).map((id) => ({ id, v: [Math.floor(r() * 6) / 5, ...Array.from({ length: CANDIDATE_WIDTH - 1 }, () => r())] }));
          lists.push(all.sort(rank).slice(0, chunkDepth));
        }
        got.add(encode(lists));
        want.add(lists, chunkDepth);
      }
      // a later run: the merged reserve, filtered by the talents still unchanged, into a fresh merger
      const unchanged = new Set(talents.filter(() => r() < 0.6));
      const next = new CandidateMerger(M, depth, chunkDepth);
      const nextWant = new Model(M, depth);
      const reserve = got.encodeReserve();
      expect(new Set(CandidateMerger.reserveIds(reserve))).toEqual(new Set(Array.from({ length: M }, (_, p) => want.list(p).map((e) => e.id)).flat()));
      next.addReserve(reserve, (id) => unchanged.has(id));
      nextWant.add(Array.from({ length: M }, (_, p) => want.list(p)), undefined, (id) => unchanged.has(id), Array.from({ length: M }, (_, p) => want.bound(p)));
      compare(got, want, M);
      compare(next, nextWant, M);
    }
  });

  it('known answers: ties by id, a full chunk list raises the bound to its last entry, a short one does not', () => {
    const v = (s: number) => [s, ...new Array<number>(CANDIDATE_WIDTH - 1).fill(0.5)];
    const m = new CandidateMerger(2, 2);
    m.add(encode([[{ id: 'b', v: v(0.9) }, { id: 'c', v: v(0.5) }], [{ id: 'b', v: v(0.3) }]]));
    m.add(encode([[{ id: 'a', v: v(0.9) }], [{ id: 'a', v: v(0.3) }]]));
    expect(JSON.parse(m.line('x', 0, 5)).items.map((i: { id: string }) => i.id)).toEqual(['a', 'b']);
    expect(JSON.parse(m.line('x', 0, 1)).items[0].why).toEqual(Object.fromEntries(TERMS.map((t) => [t, 0.5])));
    // platform 0: c left out (and its chunk list was full: c is its last entry); platform 1: no list reached depth 2
    expect([m.exact(0), m.exact(1)]).toEqual([2, 2]);
    expect(m.exhausted(3)).toEqual([0]);
    const r = deserialize(m.encodeReserve()) as { boundScore: Float64Array; boundId: string[] };
    expect([...r.boundScore]).toEqual([0.5, NaN]);
    expect(r.boundId).toEqual(['c', '']);
  });
});
