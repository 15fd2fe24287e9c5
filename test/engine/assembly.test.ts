import { serialize } from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EarlyAssembly } from '../../src/engine/assembly.js';
import { CandidateMerger, encodeCandidates, noCandidates } from '../../src/engine/candidates.js';
import type { TalentRow } from '../../src/engine/rows.js';
import { packRows, prefsBytes, prefsCount, writePrefs } from '../../src/engine/rows.js';
import { PrefsGatherer } from '../../src/engine/snapshot.js';
import { compareUtf8 } from '../../src/util/order.js';

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const sign = (x: number) => (x < 0 ? -1 : x > 0 ? 1 : 0);

// code units around the places where UTF-16 and UTF-8 order disagree
const unit = fc.constantFrom('a', 'b', 'z', '\u00e9', '\u4e2d', '\ud7ff', '\ue000', '\uffee', '\uffff', '\u{10000}', '\u{1f600}', '\u{10ffff}');
const id = fc.array(unit, { minLength: 0, maxLength: 5 }).map((u) => u.join(''));

describe('compareUtf8: the stores\' id order', () => {
  it('agrees with comparing the UTF-8 bytes (SQLite BINARY, COLLATE "C"), where < on strings does not', () => {
    fc.assert(fc.property(id, id, (a, b) => sign(compareUtf8(a, b)) === sign(byBytes(a, b))));
    // U+FFEE is one UTF-16 unit above a surrogate, but its UTF-8 bytes come first
    expect('\u{1f600}' < '\uffee').toBe(true);
    expect(compareUtf8('\u{1f600}', '\uffee')).toBeGreaterThan(0);
    expect(compareUtf8('ab', 'abc')).toBeLessThan(0);
    expect(compareUtf8('t1', 't1')).toBe(0);
  });
});

interface Talent {
  id: string;
  prefs: [number, number, number, number][];
  meta: { priority: number; capital: number; seats: number; pairs: number; noPairs: string; hostedBy?: string };
}

const talentArb = (tid: string) =>
  fc.record({
    prefs: fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.double({ noNaN: true }), fc.double({ noNaN: true }), fc.double({ noNaN: true })), { maxLength: 4 }),
    priority: fc.double({ noNaN: true }),
    capital: fc.double({ noNaN: true, min: 0, max: 1 }),
    seats: fc.integer({ min: 0, max: 3 }),
    pairs: fc.integer({ min: 0, max: 300 }),
    hosted: fc.boolean(),
  }).map((r): Talent => ({ id: tid, prefs: r.prefs, meta: { priority: r.priority, capital: r.capital, seats: r.seats, pairs: r.pairs, noPairs: r.prefs.length === 0 ? 'no acceptable platform' : '', ...(r.hosted ? { hostedBy: 'p1' } : {}) } }));

function row(t: Talent): TalentRow {
  const col = (i: number) => t.prefs.map((p) => p[i]);
  const buf = Buffer.alloc(prefsBytes(t.prefs.length));
  const prefs = writePrefs(buf, 0, col(0), col(1), col(2), col(3), 0, t.prefs.length);
  return { talentId: t.id, hash: 'h', line: '{}', prefs, meta: JSON.stringify(t.meta) };
}

/** What reading every row from the store gives: one gatherer fed in byte order of the ids. */
function fromStore(talents: Talent[]): PrefsGatherer {
  const g = new PrefsGatherer();
  for (const t of [...talents].sort((a, b) => byBytes(a.id, b.id))) {
    const r = row(t);
    g.add({ talent_id: r.talentId, prefs: r.prefs, meta: r.meta });
  }
  return g;
}

/** Distinct ids in a random file order, split into chunks of random sizes (each chunk sorted by id, as a worker emits it). */
const chunked = fc
  .uniqueArray(id.filter((s) => s.length > 0), { minLength: 0, maxLength: 40 })
  .chain((ids) => fc.tuple(fc.tuple(...ids.map(talentArb)), fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 12 }), fc.boolean()))
  .map(([talents, sizes, sortedFile]) => {
    const file = sortedFile ? [...talents].sort((a, b) => byBytes(a.id, b.id)) : talents;
    const chunks: Talent[][] = [];
    for (let at = 0, j = 0; at < file.length; j++) {
      const n = sizes[j % sizes.length];
      chunks.push(file.slice(at, at + n).sort((a, b) => byBytes(a.id, b.id)));
      at += n;
    }
    return { talents: file, chunks };
  });

describe('the final assembly\'s inputs gathered while chunks arrive', () => {
  it('PrefsGatherer.merge of the chunks, in any arrival order, equals gathering every row from the store', () => {
    fc.assert(
      fc.property(chunked, fc.boolean(), ({ talents, chunks }, reversed) => {
        const parts = chunks.map((c) => fromStore(c));
        if (reversed) parts.reverse();
        const held = [...parts];
        expect(PrefsGatherer.merge(parts).columns()).toEqual(fromStore(talents).columns());
        // the parts are consumed (the merge lets each go once copied): the caller holds none of them,
        // and their typed columns were freed (detached), not left to a later collection
        expect(parts).toHaveLength(0);
        for (const p of held) {
          const c = p.columns();
          for (const col of [c.tPtr, c.plat, c.f, c.b, c.s, c.seats, c.priority, c.capital]) expect(col.buffer.byteLength).toBe(0);
          expect(p.size).toEqual({ talents: 0, entries: 0 });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a known merge: overlapping chunks interleave by id, the totals add up, hosted projects and empty lists kept', () => {
    const t = (tid: string, prefs: [number, number, number, number][], pairs: number, hostedBy?: string): Talent => ({ id: tid, prefs, meta: { priority: 1, capital: 0.5, seats: 1, pairs, noPairs: prefs.length ? '' : 'none', ...(hostedBy ? { hostedBy } : {}) } });
    const a = fromStore([t('t1', [[2, 0.5, 0.25, 0.125]], 3), t('t3', [], 0)]);
    const b = fromStore([t('t2', [[0, 1, 1, 1], [1, 0.5, 0.5, 0.5]], 7, 'p9')]);
    const c = PrefsGatherer.merge([a, b]).columns();
    expect(c.talentIds).toEqual(['t1', 't2', 't3']);
    expect([...c.tPtr]).toEqual([0, 1, 3, 3]);
    expect([...c.plat]).toEqual([2, 0, 1]);
    expect([...c.s]).toEqual([0.125, 1, 0.5]);
    expect(c.hostedBy).toEqual([undefined, 'p9', undefined]);
    expect(c.noPairs).toEqual(['', '', 'none']);
    expect(c.pairs).toBe(10);
  });

  it('EarlyAssembly: the scored chunks\' candidates merge to the same reserve as the store\'s chunk order; a missed chunk drops everything', () => {
    const M = 3;
    const depth = 2;
    // three chunks' candidates: per platform (id, score), each chunk's ids once
    const cand = (lists: [string, number][][]) => {
      const ids = [...new Set(lists.flat().map(([cid]) => cid))].sort();
      const entries = lists.flat();
      return encodeCandidates({ count: Int32Array.from(lists.map((l) => l.length)), scores: Float64Array.from(entries.map(([, score]) => score)), at: Int32Array.from(entries.map(([cid]) => ids.indexOf(cid))), ids });
    };
    const chunks = [
      { talents: [{ id: 'a', prefs: [[0, 0.9, 0.9, 0.9]], meta: { priority: 1, capital: 0, seats: 0, pairs: 1, noPairs: '' } }], cands: cand([[['a', 0.9]], [], [['a', 0.2]]]) },
      { talents: [{ id: 'b', prefs: [], meta: { priority: 2, capital: 0, seats: 1, pairs: 0, noPairs: 'x' } }], cands: cand([[['b', 0.9]], [['b', 0.4]], [['b', 0.3]]]) },
      { talents: [{ id: 'c', prefs: [[2, 0.1, 0.1, 0.1]], meta: { priority: 3, capital: 0, seats: 0, pairs: 1, noPairs: '' } }], cands: cand([[['c', 0.95]], [['c', 0.4]], [['c', 0.25]]]) },
    ] satisfies { talents: Talent[]; cands: Buffer }[];
    const store = new CandidateMerger(M, depth);
    for (const ch of chunks) store.add(ch.cands);
    const early = new EarlyAssembly(M, depth);
    for (const ch of [chunks[2], chunks[0], chunks[1]]) early.scored({ rows: new Uint8Array(packRows(ch.talents.map(row))), candidates: new Uint8Array(ch.cands) });
    expect(early.usable).toBe(true);
    const got = early.take()!;
    expect(Buffer.compare(got.merger.encodeReserve(), store.encodeReserve())).toBe(0);
    expect(got.merger.top(0, 2)).toEqual(store.top(0, 2));
    // platform 0: c 0.95, then a and b tie at 0.9 -> a first (id asc); b is past the depth
    expect(got.merger.top(0, 3).ids).toEqual(['c', 'a']);
    expect(got.gathered.columns()).toEqual(fromStore(chunks.flatMap((c) => c.talents)).columns());
    expect(early.take()).toBeUndefined(); // released once taken

    const partial = new EarlyAssembly(M, depth);
    partial.scored({ rows: packRows(chunks[0].talents.map(row)), candidates: chunks[0].cands });
    partial.missed();
    partial.scored({ rows: packRows(chunks[1].talents.map(row)), candidates: chunks[1].cands });
    expect(partial.usable).toBe(false);
    expect(partial.take()).toBeUndefined();
  });

  it('prefsCount reads a list\'s entry count from its header (what a chunk\'s gatherer is sized by); a chunk gathered so has the store\'s columns', () => {
    const known = (n: number) => row({ id: 't', prefs: Array.from({ length: n }, (_, j): [number, number, number, number] => [j, 1, 1, 1]), meta: { priority: 0, capital: 0, seats: 1, pairs: n, noPairs: '' } }).prefs;
    expect([0, 1, 7, 50].map((n) => prefsCount(known(n)))).toEqual([0, 1, 7, 50]);
    // a v8-serialized list (an older store's) is not counted: the reader grows as it decodes
    expect(prefsCount(serialize({ plat: new Int32Array(3), f: new Float64Array(3), b: new Float64Array(3), s: new Float64Array(3) }))).toBe(0);
    const talents = ['a', 'b', 'c'].map((tid, i): Talent => ({ id: tid, prefs: Array.from({ length: 3 * i + 1 }, (_, j): [number, number, number, number] => [j, i, j, 0.5]), meta: { priority: i, capital: 0.5, seats: 1, pairs: i, noPairs: '' } }));
    const early = new EarlyAssembly(3, 2);
    early.scored({ rows: packRows(talents.map(row)), candidates: noCandidates(3) });
    const c = early.take()!.gathered.columns();
    expect(c).toEqual(fromStore(talents).columns());
  });
});
