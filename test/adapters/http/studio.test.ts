/**
 * The analyst studio's API against the Jiangdong fixtures: its metrics are evaluate's
 * (same numbers as `talentmatch evaluate` for the same weights), its lists are the engine's
 * two-way top-k with reasons that add up to the score, a comparison's rank shifts agree with
 * the two lists, and the limits and the access rules hold at their boundaries.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/adapters/http/server.js';
import type { ServerOptions } from '../../../src/adapters/http/server.js';
import { loadDataset } from '../../../src/adapters/files/dataset.js';
import { createEngine } from '../../../src/engine/engine.js';
import type { Engine } from '../../../src/engine/engine.js';
import type { Outcome } from '../../../src/domain/schemas.js';
import { evaluateRanking, modelWithWeights, recommendWith, relevantPairs } from '../../../src/evaluation/evaluate.js';
import { SIDE_TERMS, TERMS } from '../../../src/config/weights.js';
import { KeyRing, newKey } from '../../../src/adapters/http/keys.js';
import { ROUTES } from '../../../src/adapters/http/access.js';

const FIX = 'fixtures/jiangdong';
const TALENT = 't-shiruidi-visual-rd';
let engine: Engine;
let outcomes: Outcome[];
let app: FastifyInstance;
const assets = new Map([['index.html', { body: Buffer.from('<!doctype html><title>studio</title>'), type: 'text/html; charset=utf-8' }]]);

const build = (extra: Partial<ServerOptions> = {}, maxPairs?: number) =>
  buildServer({ engine, studio: { outcomes, source: FIX, assets, ...(maxPairs !== undefined ? { maxPairs } : {}) }, ...extra });
const evaluate = (a: FastifyInstance, body: unknown, headers: Record<string, string> = {}) => a.inject({ method: 'POST', url: '/v1/studio/evaluate', payload: body as object, headers });

beforeAll(async () => {
  const { dataset } = await loadDataset({ data: FIX }, { needTalents: true, needOutcomes: true, skipInvalid: false });
  engine = createEngine(dataset, { trusted: true });
  outcomes = dataset.outcomes!;
  app = await build();
});
afterAll(async () => {
  await app.close();
});

describe('studio API', () => {
  it("answers evaluate's metrics for the weights it is given (the numbers of talentmatch evaluate)", async () => {
    const w = { text: 0.1, industry: 0.9, priority: 0.3, fusion: 'geometric' as const };
    const res = await evaluate(app, { weights: w, k: 7 });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    // oracle: the evaluation module on a model with those weights
    const model = modelWithWeights(engine, w);
    const e = evaluateRanking(model, recommendWith(model, 7), relevantPairs(engine, outcomes), 7);
    expect(body.a.metrics).toEqual({ k: 7, talent: e.talent, platform: e.platform, coverage: e.coverage, exposureGini: e.exposureGini });
    expect(body.a.metrics.talent.queries).toBeGreaterThan(100);
    // the keys not given are the dataset's
    expect(body.a.weights).toMatchObject({ ...w, mode: engine.weights.mode, fusionTalentShare: engine.weights.fusionTalentShare });
    expect(body.b).toBeUndefined();
  });

  it("lists a talent's top-k and the platforms that list it, with reasons adding up to the score", async () => {
    const body = (await evaluate(app, { weights: {}, k: 10, focus: { side: 'talent', id: TALENT } })).json();
    const f = body.a.focus;
    expect(f).toMatchObject({ side: 'talent', id: TALENT, name: 'Shiruidi visual R&D team' });
    // the engine's own two-way top-10 at the dataset's weights
    const rec = engine.recommend({ k: 10, kPlatform: 10 });
    const ti = engine.talentIndex(TALENT);
    const expected = Array.from(rec.talent.ids.subarray(ti * 10, ti * 10 + rec.talent.sizes[ti]), (p) => engine.model.platforms.ids[p]);
    expect(f.top.map((x: { id: string }) => x.id)).toEqual(expected);
    expect(f.top.map((x: { rank: number }) => x.rank)).toEqual(expected.map((_, i) => i + 1));
    for (const it of [...f.top, ...f.listedBy]) {
      const sum = TERMS.reduce((s, t) => s + it.why[t], 0);
      expect(sum).toBeCloseTo(it.score, 12);
      expect(it.score).toBeCloseTo(engine.explain(TALENT, it.id).score, 12);
    }
    // listedBy: exactly the platforms whose top-10 holds the talent, at that rank
    const listing: { id: string; rank: number }[] = [];
    for (let p = 0; p < rec.platform.rows; p++)
      for (let j = 0; j < rec.platform.sizes[p]; j++) if (rec.platform.ids[p * 10 + j] === ti) listing.push({ id: engine.model.platforms.ids[p], rank: j + 1 });
    listing.sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : 1));
    expect(f.listedBy.map((x: { id: string; rank: number }) => ({ id: x.id, rank: x.rank }))).toEqual(listing);
    expect(listing.length).toBeGreaterThan(0);
  });

  it("a platform's lists: its top-k talents and the talents listing it, forward = the owner's side", async () => {
    const pid = engine.model.platforms.ids[0];
    const f = (await evaluate(app, { weights: {}, k: 5, focus: { side: 'platform', id: pid } })).json().a.focus;
    expect(f.top.length).toBe(5);
    const e = engine.explain(f.top[0].id, pid);
    expect(f.top[0].forward).toBeCloseTo(e.platformScore, 12); // the platform's view of the talent
    expect(f.top[0].backward).toBeCloseTo(e.talentScore, 12);
    for (const it of f.listedBy) expect(it.forward).toBeCloseTo(engine.explain(it.id, pid).talentScore, 12); // the listing talent's view
  });

  it('compares A with B: B = A moves nothing; another B reports each item under A and the movers', async () => {
    const same = (await evaluate(app, { weights: {}, compare: {}, focus: { side: 'talent', id: TALENT } })).json();
    expect(same.changes.changed).toEqual({ talent: 0, platform: 0 });
    expect(same.changes.movers).toEqual([]);
    for (const it of same.b.focus.top) expect(it.from).toBe(it.rank);

    const b = { ...Object.fromEntries(TERMS.map((t) => [t, 0])), industry: 1, capacity: 1 };
    const r = (await evaluate(app, { weights: {}, compare: b, k: 10, focus: { side: 'talent', id: TALENT } })).json();
    const rankA = new Map<string, number>(r.a.focus.top.map((x: { id: string; rank: number }) => [x.id, x.rank]));
    for (const it of r.b.focus.top) expect(it.from).toBe(rankA.get(it.id) ?? null);
    expect(r.b.focus.top.some((x: { from: number | null; rank: number }) => x.from !== x.rank)).toBe(true);
    // B's metrics are those of B's weights evaluated alone
    const alone = (await evaluate(app, { weights: b, k: 10 })).json();
    expect(r.b.metrics).toEqual(alone.a.metrics);
    expect(r.changes.changed.talent).toBeGreaterThan(0);
    const movers = r.changes.movers as { side: string; entered: number; shift: number; id: string }[];
    expect(movers.length).toBeLessThanOrEqual(20);
    for (const side of ['talent', 'platform']) {
      const m = movers.filter((x) => x.side === side);
      for (let i = 1; i < m.length; i++) expect(m[i - 1].entered > m[i].entered || (m[i - 1].entered === m[i].entered && m[i - 1].shift >= m[i].shift)).toBe(true);
    }
  });

  it('refuses bad bodies with the field and the expectation: a side with no weight, unknown keys, k at its bounds, unknown ids', async () => {
    const talentSideZero = Object.fromEntries(SIDE_TERMS.talent.map((t) => [t, 0]));
    const zero = await evaluate(app, { weights: talentSideZero });
    expect(zero.statusCode).toBe(400);
    expect(zero.json().issues).toEqual([expect.objectContaining({ path: 'weights', expected: expect.stringContaining('talent side'), got: 'all zero' })]);
    // level alone keeps the platform side alive: only the talent side is reported
    expect((await evaluate(app, { weights: {}, compare: { ...talentSideZero, level: 0.5 } })).json().issues).toHaveLength(1);
    const unknown = await evaluate(app, { weights: { textExponent: 0.7 } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('textExponent');
    expect((await evaluate(app, { weights: { text: 1.01 } })).statusCode).toBe(400);
    expect((await evaluate(app, { weights: { text: 1 } })).statusCode).toBe(200);
    expect((await evaluate(app, { weights: {}, k: 0 })).statusCode).toBe(400);
    expect((await evaluate(app, { weights: {}, k: 51 })).statusCode).toBe(400);
    expect((await evaluate(app, { weights: {}, k: 50 })).statusCode).toBe(200);
    const missing = await evaluate(app, { weights: {}, focus: { side: 'talent', id: 'p-nope' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('p-nope');
  });

  it('bounds the cost by the dataset: exactly at the pair limit it evaluates, one pair under it answers 503', async () => {
    const pairs = engine.model.talents.count * engine.model.platforms.count;
    const at = await build({}, pairs);
    const under = await build({}, pairs - 1);
    try {
      expect((await evaluate(at, { weights: {} })).statusCode).toBe(200);
      const r = await evaluate(under, { weights: {} });
      expect(r.statusCode).toBe(503);
      expect(r.json().message).toContain('172,800 talent-platform pairs');
    } finally {
      await at.close();
      await under.close();
    }
  });

  it('searches ids and names, Chinese included: exact id first, then prefixes, at most 20', async () => {
    const zh = (await app.inject(`/v1/studio/entities?q=${encodeURIComponent('港达')}`)).json().items as { side: string; id: string; name: string }[];
    expect(zh.length).toBeGreaterThan(0);
    for (const h of zh) expect(h.name).toContain('港达');
    const byId = (await app.inject(`/v1/studio/entities?q=${TALENT}`)).json().items;
    expect(byId[0]).toEqual({ side: 'talent', id: TALENT, name: 'Shiruidi visual R&D team' });
    expect((await app.inject('/v1/studio/entities?q=p-')).json().items).toHaveLength(20);
    // NFKC and case: full-width letters find the ASCII id
    expect((await app.inject(`/v1/studio/entities?q=${encodeURIComponent('Ｔ-SHIRUIDI')}`)).json().items[0].id).toBe(TALENT);
    expect((await app.inject(`/v1/studio/entities?q=${'x'.repeat(100)}`)).statusCode).toBe(200);
    expect((await app.inject(`/v1/studio/entities?q=${'x'.repeat(101)}`)).statusCode).toBe(400);
    expect((await app.inject('/v1/studio/entities')).statusCode).toBe(400);
  });

  it('the dataset route gives the starting weights and the limits; without --data every studio call is 503', async () => {
    const d = (await app.inject('/v1/studio/dataset')).json();
    expect(d).toMatchObject({ source: FIX, talents: 2400, platforms: 72, terms: [...TERMS], limits: { maxK: 50, defaultK: 10, maxPairs: 2_000_000 } });
    expect(d.relevantOutcomes).toBe(relevantPairs(engine, outcomes).length);
    expect(d.weights.industry).toBe(engine.weights.industry);
    const bare = await buildServer({ studio: { assets } });
    try {
      for (const r of [await bare.inject('/v1/studio/dataset'), await evaluate(bare, { weights: {} })]) {
        expect(r.statusCode).toBe(503);
        expect(r.json().message).toContain('--data');
      }
    } finally {
      await bare.close();
    }
  });

  it('with keys: the page is open, the API needs the simulate scope and is closed to platform-bound keys', async () => {
    const now = new Date('2026-11-27T08:00:00Z');
    const sim = newKey({ scopes: ['simulate'], now });
    const read = newKey({ scopes: ['read:recommendations', 'score'], now });
    const bound = newKey({ scopes: ['simulate'], platform: engine.model.platforms.ids[0], now });
    const keyed = await build({ keys: new KeyRing({ version: 1, keys: [sim.record, read.record, bound.record] }), now: () => now.getTime() });
    const auth = (k: string) => ({ authorization: `Bearer ${k}` });
    try {
      const page = await keyed.inject('/studio/');
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect((await keyed.inject('/studio')).statusCode).toBe(302);
      expect((await keyed.inject('/studio/../package.json')).statusCode).toBe(404);
      expect((await evaluate(keyed, { weights: {} })).statusCode).toBe(401);
      expect((await evaluate(keyed, { weights: {} }, auth(read.key))).statusCode).toBe(403);
      expect((await evaluate(keyed, { weights: {} }, auth(bound.key))).statusCode).toBe(403);
      expect((await keyed.inject({ url: '/v1/studio/entities?q=p-', headers: auth(bound.key) })).statusCode).toBe(403);
      expect((await evaluate(keyed, { weights: {} }, auth(sim.key))).statusCode).toBe(200);
      expect((await keyed.inject({ url: '/v1/studio/dataset', headers: auth(sim.key) })).statusCode).toBe(200);
    } finally {
      await keyed.close();
    }
    for (const r of ['GET /v1/studio/dataset', 'GET /v1/studio/entities', 'POST /v1/studio/evaluate']) expect(ROUTES[r]).toMatchObject({ scope: 'simulate', platformBound: 'deny' });
    expect(ROUTES['POST /v1/studio/evaluate'].expensive).toBe(true);
  });
});
