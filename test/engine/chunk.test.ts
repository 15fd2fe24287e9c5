/**
 * The batch's chunk kernel: rows in id order whatever the input order, each carrying its
 * talent's content hash — computed, or the sender's (the batch hashes every talent for
 * reuse already) matched to the right talent.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import type { ChunkTask } from '../../src/engine/chunk.js';
import { chunkKeyOf, scoreChunk, talentHash } from '../../src/engine/chunk.js';
import { inProcessDispatcher } from '../../src/workers/dispatch.js';
import { unpackRows } from '../../src/engine/rows.js';
import { encodeCandidates } from '../../src/engine/candidates.js';
import { explainPair } from '../../src/scoring/explain.js';
import { deserialize } from 'node:v8';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';

const d = generateDistrict({ seed: 11, talents: 60, platforms: 9, curated: false });
const e = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: JIANGDONG_POLICY });
// not in id order: the kernel sorts, the hashes must follow their talents
const talents = [...d.talents].reverse();
const task = (hashes?: string[]): ChunkTask => ({ runId: 1, chunkId: 0, startLine: 1, endLine: talents.length, startByte: 0, endByte: 0, key: '', skipLines: [], talents, ...(hashes ? { hashes } : {}), k: 5, kPlatform: 5, maxPrefs: 10 });
const rows = (hashes?: string[]) => [...unpackRows(scoreChunk(e.side, task(hashes), (t) => e.tokens(t)).rows)];


/** A chunk's encoded candidates as per-platform lists of [talent id, score]. */
type Candidates = { count: Int32Array; ids: string[]; at: Int32Array; scores: Float64Array };
const candidateLists = (c: Candidates): [string, number][][] => {
  const out: [string, number][][] = [];
  let o = 0;
  for (let p = 0; p < c.count.length; p++) {
    const l: [string, number][] = [];
    for (let j = 0; j < c.count[p]; j++, o++) l.push([c.ids[c.at[o]], c.scores[o]]);
    out.push(l);
  }
  return out;
};
describe('scoreChunk', () => {
  it('rows come in id order with each talent\'s content hash; given hashes follow their talents and change nothing else', () => {
    const computed = rows();
    const ids = computed.map((r) => r.talentId);
    expect(ids).toEqual([...ids].sort());
    const byId = new Map(talents.map((t) => [t.id, t]));
    for (const r of computed) expect(r.hash).toBe(talentHash(byId.get(r.talentId)!));
    // the sender's hashes (tagged so their source shows) land on the talent they belong to
    const given = rows(talents.map((t) => `given-${t.id}`));
    expect(given.map((r) => r.hash)).toEqual(ids.map((id) => `given-${id}`));
    expect(given.map((r) => ({ ...r, hash: '', prefs: [...r.prefs] }))).toEqual(computed.map((r) => ({ ...r, hash: '', prefs: [...r.prefs] })));
  });

  it('a task without hashes or key (a local pool, no reuse base) gets the key back: the chunk key of its talents in input order', () => {
    const { key: _drop, ...keyless } = task();
    const r = scoreChunk(e.side, keyless, (t) => e.tokens(t));
    // input order, not the rows' id order: the key a queue worker checks on the same range
    expect(r.key).toBe(chunkKeyOf(talents.map(talentHash)));
    expect(r.key).not.toBe(chunkKeyOf([...talents].sort((a, b) => (a.id < b.id ? -1 : 1)).map(talentHash)));
    // a task that carries its key gets none back (the queue's frames are unchanged)
    expect(scoreChunk(e.side, task(talents.map(talentHash)), (t) => e.tokens(t)).key).toBeUndefined();
  });

  it('the candidates\' arrays are reused from chunk to chunk: a smaller chunk after a larger one carries none of its numbers or counts', () => {
    // 60 talents, then the first 7 (fewer candidates per platform), then 60 again
    const big = task();
    const small: ChunkTask = { ...task(), talents: talents.slice(0, 7), endLine: 7, kPlatform: 2 };
    const enc = (t: ChunkTask) => Buffer.from(scoreChunk(e.side, t, (x) => e.tokens(x)).candidates);
    const small1 = enc(small);
    const big1 = enc(big);
    const small2 = enc(small);
    expect(Buffer.compare(small2, small1)).toBe(0);
    expect(Buffer.compare(enc(big), big1)).toBe(0);
    // the oracle: the same lists encoded from arrays of their exact size
    for (const [blob, perPlatform] of [[small1, 2], [big1, 5]] as const) {
      const c = deserialize(blob) as { count: Int32Array; ids: string[]; at: Int32Array; scores: Float64Array };
      const total = c.count.reduce((a, b) => a + b, 0);
      expect(c.count.length).toBe(e.side.platforms.count);
      expect(Math.max(...c.count)).toBe(perPlatform);
      expect([c.at.length, c.scores.length]).toEqual([total, total]);
      // each candidate talent's id once, in id order, every one of them pointed at
      expect(c.ids).toEqual([...new Set(c.ids)].sort());
      expect(new Set(c.at)).toEqual(new Set(c.ids.map((_, i) => i)));
      // ids pushed one by one as the chunk does (an array built otherwise may serialize as a sparse one)
      const ids: string[] = [];
      for (const id of c.ids) ids.push(id);
      const exact = encodeCandidates({ count: Int32Array.from(c.count), scores: Float64Array.from(c.scores), at: Int32Array.from(c.at), ids });
      expect(Buffer.compare(blob, exact)).toBe(0);
    }
    expect(small1.length).toBeLessThan(big1.length);
  });

  it('a chunk\'s candidates are each platform\'s best kPlatform of its talents (score desc, id asc) with the explainer\'s scores, as the engine ranks them', () => {
    const c = deserialize(Buffer.from(scoreChunk(e.side, task(), (x) => e.tokens(x)).candidates)) as { count: Int32Array; ids: string[]; at: Int32Array; scores: Float64Array };
    const rec = e.recommend({ k: 5, kPlatform: 5 });
    const m = e.model;
    let o = 0;
    for (let p = 0; p < m.platforms.count; p++) {
      const want: [string, number][] = [];
      for (let j = 0; j < rec.platform.sizes[p]; j++) {
        const ti = rec.platform.ids[p * rec.platform.k + j];
        want.push([m.talents.ids[ti], explainPair(m, ti, p).score]);
      }
      const got: [string, number][] = [];
      for (let j = 0; j < c.count[p]; j++, o++) got.push([c.ids[c.at[o]], c.scores[o]]);
      expect(got).toEqual(want);
    }
    expect(o).toBe(c.scores.length);
  });

  it('a chunk sent with floors keeps each platform\'s list at or above its floor, leaves some below it out, and its rows and pairs unchanged', () => {
    // enough platforms for more than one block: the ranker prunes (a floor is a pruning threshold)
    const big = generateDistrict({ seed: 5, talents: 150, platforms: 120, curated: false });
    const eb = createEngine({ industries: big.industries, platforms: big.platforms, talents: big.talents, policy: JIANGDONG_POLICY });
    const bigTask = (floor?: Float64Array): ChunkTask => ({ ...task(), talents: big.talents, endLine: big.talents.length, kPlatform: 6, ...(floor ? { platformFloor: floor } : {}) });
    const free = scoreChunk(eb.side, bigTask(), (x) => eb.tokens(x));
    const want = candidateLists(deserialize(Buffer.from(free.candidates)) as Candidates);
    // per platform: none, below every entry, at an entry's score (kept: at or above), between two, above every one
    const floor = Float64Array.from(want, (l, p) => {
      if (l.length === 0) return [-Infinity, 0.5][p % 2];
      const s = l.map((x) => x[1]);
      return [-Infinity, s[s.length - 1] - 1e-9, s[Math.min(2, s.length - 1)], (s[0] + s[s.length - 1]) / 2, s[0] + 1e-9][p % 5];
    });
    const got = scoreChunk(eb.side, bigTask(floor), (x) => eb.tokens(x));
    // at or above its floor a list is the unfloored one's (a talent below may be left out, or kept where the heap had room)
    const have = candidateLists(deserialize(Buffer.from(got.candidates)) as Candidates);
    expect(have.map((l, p) => l.filter((x) => x[1] >= floor[p]))).toEqual(want.map((l, p) => l.filter((x) => x[1] >= floor[p])));
    expect(have.every((l, p) => l.length <= want[p].length)).toBe(true);
    // and nothing strictly below it (ChunkTask.platformFloor: the heaps take no such talent)
    expect(have.flatMap((l, p) => l.filter((x) => x[1] < floor[p]).map((x) => [p, floor[p], ...x]))).toEqual([]);
    // and the floors left some out
    expect(have.reduce((a, l) => a + l.length, 0)).toBeLessThan(want.reduce((a, l) => a + l.length, 0));
    expect(Buffer.compare(Buffer.from(got.rows), Buffer.from(free.rows))).toBe(0);
    expect(got.pairs).toBe(free.pairs);
  });

  it('floors at each platform\'s own 1st, 2nd, 4th and 8th entry: the lists at or above them are the unfloored ones (blocks wanted by the platform heaps alone scored pair by pair)', () => {
    const big = generateDistrict({ seed: 5, talents: 150, platforms: 120, curated: false });
    const eb = createEngine({ industries: big.industries, platforms: big.platforms, talents: big.talents, policy: JIANGDONG_POLICY });
    for (const depth of [1, 2, 4, 8]) {
      const t = (floor?: Float64Array): ChunkTask => ({ ...task(), talents: big.talents, endLine: big.talents.length, kPlatform: 6, ...(floor ? { platformFloor: floor } : {}) });
      const want = candidateLists(deserialize(Buffer.from(scoreChunk(eb.side, t(), (x) => eb.tokens(x)).candidates)) as Candidates);
      // every platform's floor at the score of one of its own entries
      const floor = Float64Array.from(want, (l) => (l.length === 0 ? -Infinity : l[Math.min(depth, l.length) - 1][1]));
      const have = candidateLists(deserialize(Buffer.from(scoreChunk(eb.side, t(floor), (x) => eb.tokens(x)).candidates)) as Candidates);
      expect(have.map((l, p) => l.filter((x) => x[1] >= floor[p])), `depth ${depth}`).toEqual(want.map((l, p) => l.filter((x) => x[1] >= floor[p])));
    }
  });

  it('a talent exactly at a platform\'s floor stays in the chunk\'s list (it may still enter the merged list on a smaller id), whichever path of the ranker scores it', () => {
    const big = generateDistrict({ seed: 5, talents: 150, platforms: 120, curated: false });
    const eb = createEngine({ industries: big.industries, platforms: big.platforms, talents: big.talents, policy: JIANGDONG_POLICY });
    // every acceptable talent kept (a platform heap never fills: its threshold is the floor), a talent heap and a
    // preference list of one (0 would mean every pair, unpruned): many of a talent's blocks after its best are
    // wanted by the platform heaps alone and scored pair by pair
    const t = (floor?: Float64Array): ChunkTask => ({ ...task(), talents: big.talents, endLine: big.talents.length, k: 1, kPlatform: big.talents.length, maxPrefs: 1, ...(floor ? { platformFloor: floor } : {}) });
    const want = candidateLists(deserialize(Buffer.from(scoreChunk(eb.side, t(), (x) => eb.tokens(x)).candidates)) as Candidates);
    let atFloor = 0;
    for (let i = 2; i < big.talents.length; i += 12) {
      const id = big.talents[i].id;
      // each platform's floor exactly at this talent's own score with it
      const floor = Float64Array.from(want, (l) => l.find((x) => x[0] === id)?.[1] ?? -Infinity);
      const have = candidateLists(deserialize(Buffer.from(scoreChunk(eb.side, t(floor), (x) => eb.tokens(x)).candidates)) as Candidates);
      expect(have.map((l, p) => l.filter((x) => x[1] >= floor[p])), id).toEqual(want.map((l, p) => l.filter((x) => x[1] >= floor[p])));
      atFloor += have.reduce((n, l) => n + l.filter((x) => x[0] === id).length, 0);
    }
    expect(atFloor).toBeGreaterThan(100);
  });

  it('the features\' arrays are reused from chunk to chunk too (features/talents.ts TalentFeatureBuilder): a smaller chunk after a larger one gives the rows it gives alone', () => {
    const small: ChunkTask = { ...task(), talents: talents.slice(10, 17), endLine: 7 };
    const rowsOf = (t: ChunkTask) => Buffer.from(scoreChunk(e.side, t, (x) => e.tokens(x)).rows);
    const first = rowsOf(small);
    const big = rowsOf(task());
    expect(Buffer.compare(rowsOf(small), first)).toBe(0);
    expect(Buffer.compare(rowsOf(task()), big)).toBe(0);
    // the oracle: the rows of the larger chunk that are the smaller one's talents
    const mine = new Set(small.talents.map((t) => t.id));
    expect([...unpackRows(first)].map((r) => ({ ...r, prefs: [...r.prefs] }))).toEqual([...unpackRows(big)].filter((r) => mine.has(r.talentId)).map((r) => ({ ...r, prefs: [...r.prefs] })));
  });

  it('the in-process dispatcher (batch --threads 1) scores on this thread with the same rows and candidates as the kernel', async () => {
    const d1 = inProcessDispatcher(e.side);
    expect([d1.concurrency, d1.hashesTalents, d1.explainLines]).toEqual([1, true, undefined]);
    const got = await d1.run(task());
    const want = scoreChunk(e.side, task(), (t) => e.tokens(t));
    expect(Buffer.compare(Buffer.from(got.rows), Buffer.from(want.rows))).toBe(0);
    expect(Buffer.compare(Buffer.from(got.candidates), Buffer.from(want.candidates))).toBe(0);
    expect(got.pairs).toBe(want.pairs);
    // a scoring error is a rejection, as from a worker
    await expect(d1.run({ ...task(), talents: [null as never] })).rejects.toThrow();
    await d1.destroy();
  });
});
