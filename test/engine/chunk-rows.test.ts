/**
 * The chunk writes each talent's row once, in place (engine/rows.ts RowsPacker): its line
 * from the JSON writer straight into the packed buffer, its preference list from the
 * ranker's typed arrays. The oracle is the path it replaced, rebuilt here from the kept
 * primitives: an unpruned ranker, the line as a string (talentRecordJson), the list through
 * writePrefs, and packRows over row objects. Same bytes, row for row, and the same
 * candidates and pair count, across list lengths (none, a few, more than the platforms,
 * every pair), list controls, hosted talents, talents with no acceptable pair and ids
 * outside ASCII.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/engine.js';
import type { ChunkTask } from '../../src/engine/chunk.js';
import { scoreChunk } from '../../src/engine/chunk.js';
import type { TalentMeta, TalentRow } from '../../src/engine/rows.js';
import { packRows, prefsBytes, unpackRows, writePrefs } from '../../src/engine/rows.js';
import { talentFeatures } from '../../src/engine/platformSide.js';
import { talentRecordJson } from '../../src/engine/format.js';
import { hasListControls, industryView, talentRowList } from '../../src/engine/lists.js';
import { RowRanker } from '../../src/ranking/rows.js';
import { noAcceptableReason } from '../../src/matching/whyNot.js';
import { talentPriority } from '../../src/referrals/referrals.js';
import type { ScoringModel } from '../../src/scoring/kernel.js';
import type { ListControls, Talent } from '../../src/domain/schemas.js';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';

/** The rows as the chunk wrote them before the packer: strings and row objects, then packRows. */
function oracleRows(e: Engine, task: ChunkTask): Buffer {
  const talents = [...task.talents].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const hashOf = new Map(task.talents.map((t, i) => [t, task.hashes![i]]));
  const T = talentFeatures(e.side, talents, (t) => e.tokens(t));
  const m: ScoringModel = { ctx: e.side.ctx, talents: T, platforms: e.side.platforms };
  const view = task.lists && hasListControls({ lists: task.lists }) ? industryView(m.platforms, m.ctx.dims) : undefined;
  const r = new RowRanker(m, { kTalent: task.k, keepTalentRows: false, kPlatform: task.kPlatform, prefs: task.maxPrefs, prune: false });
  const s = r.scratch;
  const rows: TalentRow[] = talents.map((t, ti) => {
    const pairs = r.rank(ti);
    let line: string;
    if (view && task.lists) {
      const l = talentRowList(s.score, view, task.lists, task.k);
      line = talentRecordJson(m, ti, l, l.length);
    } else line = talentRecordJson(m, ti, r.talentTop.ids, r.talentTop.sizes[0]);
    const n = r.prefTop.sizes[0];
    const plat = Array.from(r.prefTop.ids.subarray(0, n));
    const prefs = writePrefs(Buffer.alloc(prefsBytes(n)), 0, plat, plat.map((p) => s.forward[p]), plat.map((p) => s.backward[p]), plat.map((p) => s.score[p]), 0, n);
    const meta: TalentMeta = { priority: talentPriority(m, ti), capital: T.capital[ti], seats: T.seats[ti], pairs, noPairs: n === 0 ? noAcceptableReason(m, ti, s) : '', ...(t.hostedBy !== undefined ? { hostedBy: t.hostedBy } : {}) };
    return { talentId: t.id, hash: hashOf.get(t)!, line, prefs, meta: JSON.stringify(meta) };
  });
  return packRows(rows);
}

function world(seed: number, o: { hostedShare?: number; minScore?: number; lists?: ListControls; rename?: (id: string, i: number) => string } = {}): { e: Engine; talents: Talent[] } {
  const d = generateDistrict({ seed, talents: 70, platforms: 11, curated: false, ...(o.hostedShare ? { hostedShare: o.hostedShare } : {}) });
  const e = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, ...(o.minScore !== undefined ? { minScoreForReferral: o.minScore } : {}), ...(o.lists ? { lists: o.lists } : {}) } });
  // not in id order (the chunk sorts); renamed ids keep the platform side's exclusions by the old ones (both paths share it)
  const talents = d.talents.map((t, i) => (o.rename ? { ...t, id: o.rename(t.id, i) } : t)).reverse();
  return { e, talents };
}

const task = (talents: Talent[], k: number, kPlatform: number, maxPrefs: number, lists?: ListControls): ChunkTask => ({
  runId: 1, chunkId: 3, startLine: 1, endLine: talents.length, startByte: 0, endByte: 0, key: 'k', skipLines: [], talents,
  hashes: talents.map((t, i) => `h${i}-${t.id}`), k, kPlatform, maxPrefs, ...(lists ? { lists } : {}),
});

function expectSameRows(e: Engine, t: ChunkTask): void {
  const got = scoreChunk(e.side, t, (x) => e.tokens(x));
  const want = oracleRows(e, t);
  // row by row first (a readable failure), then every byte
  expect([...unpackRows(got.rows)].map((r) => ({ ...r, prefs: [...r.prefs] }))).toEqual([...unpackRows(want)].map((r) => ({ ...r, prefs: [...r.prefs] })));
  expect(Buffer.compare(Buffer.from(got.rows), want)).toBe(0);
  // a result that owns its memory (moved, not copied, to the store's writer thread)
  expect([got.rows.byteOffset, got.rows.byteLength]).toEqual([0, got.rows.buffer.byteLength]);
  // the pruned chunk ranks the same pairs as the unpruned one
  const r = new RowRanker({ ctx: e.side.ctx, talents: talentFeatures(e.side, [...t.talents].sort((a, b) => (a.id < b.id ? -1 : 1)), (x) => e.tokens(x)), platforms: e.side.platforms }, { kTalent: t.k, keepTalentRows: false, kPlatform: t.kPlatform, prefs: t.maxPrefs }).rankAll();
  expect(got.pairs).toBe(r.pairs);
}

describe('a chunk\'s packed rows, written in place', () => {
  it('equal the string-and-object path byte for byte, for every preference-list length and line length', () => {
    const { e, talents } = world(11);
    const M = e.side.platforms.count;
    for (const [k, kP, prefs] of [[5, 5, 10], [5, 8, 0], [3, 4, 1], [0, 5, 4], [10, 3, M + 5], [4, 30, M]]) expectSameRows(e, task(talents, k, kP, prefs));
  });

  it('with hosted talents, talents with no acceptable pair (their reason in the metadata) and ids outside ASCII', () => {
    const hosted = world(5, { hostedShare: 0.4 });
    expect(hosted.talents.some((t) => t.hostedBy !== undefined)).toBe(true);
    expectSameRows(hosted.e, task(hosted.talents, 5, 5, 10));
    const strict = world(6, { minScore: 0.55 });
    const got = [...unpackRows(scoreChunk(strict.e.side, task(strict.talents, 5, 5, 10), (x) => strict.e.tokens(x)).rows)];
    const none = got.filter((r) => (JSON.parse(r.meta) as TalentMeta).noPairs !== '').length;
    expect(none).toBeGreaterThan(0);
    expect(none).toBeLessThan(got.length);
    expectSameRows(strict.e, task(strict.talents, 5, 5, 10));
    const wide = world(9, { rename: (id, i) => (i % 3 === 0 ? `人才-${id}` : i % 3 === 1 ? `t\u{1F600}${id}` : `é${id}`) });
    expectSameRows(wide.e, task(wide.talents, 5, 5, 10));
  });

  it('with list controls (the lines read the whole scored row, unpruned)', () => {
    const lists = { industryShare: 0.5, diversity: 0.5 };
    const { e, talents } = world(7, { lists, minScore: 0.2 });
    expectSameRows(e, task(talents, 5, 5, 0, lists));
    expectSameRows(e, task(talents, 4, 6, 7, lists));
  });
});
