/** POST /v1/simulate: the simulator over the server's dataset, same diff as the library, errors in the API's issue style. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/adapters/http/server.js';
import { createEngine } from '../../../src/engine/engine.js';
import type { Engine } from '../../../src/engine/engine.js';
import { simulateBaseline, simulateScenario } from '../../../src/simulation/simulate.js';
import { generateDistrict } from '../../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../../src/synth/taxonomy.js';
import { Store } from '../../../src/store/store.js';

let app: FastifyInstance;
let bare: FastifyInstance;
let engine: Engine;

beforeAll(async () => {
  const d = generateDistrict({ seed: 11, talents: 150, platforms: 12, outcomes: false, curated: false });
  const platforms = d.platforms.map((p) => ({ ...p, capacity: { ...p.capacity, slots: p.capacity.slotsUsed + 4 } }));
  engine = createEngine({ industries: d.industries, platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0.3 } });
  const db = join(mkdtempSync(join(tmpdir(), 'tm-sim-')), 'db.sqlite');
  new Store(db).close();
  app = await buildServer({ db, engine });
  bare = await buildServer({ db });
});
afterAll(async () => {
  await app?.close();
  await bare?.close();
});

describe('POST /v1/simulate', () => {
  it('returns the same diff as the library, for one scenario and for several', async () => {
    const pid = engine.model.platforms.ids[0];
    const scenario = { name: 'close', patch: [{ op: 'replace', path: `/platforms/${pid}/capacity/slotsUsed`, value: engine.data.platforms[0].capacity.slots }] };
    const r = await app.inject({ method: 'POST', url: '/v1/simulate', payload: { scenario } });
    expect(r.statusCode).toBe(200);
    const o = { assign: { mode: 'stable' as const, proposer: 'talent' as const, maxPrefs: 0, timeLimitSec: 5 }, topK: 10 };
    const want = simulateScenario(engine, simulateBaseline(engine, o), scenario as never, o).diff;
    expect(r.json()).toEqual(JSON.parse(JSON.stringify(want)));
    expect(want.moves.length).toBeGreaterThan(0);
    const many = await app.inject({ method: 'POST', url: '/v1/simulate', payload: { scenarios: [scenario, { name: 'nothing', patch: [] }], mode: 'optimal' } });
    expect(many.statusCode).toBe(200);
    const body = many.json() as { diffs: { scenario: string; moves: unknown[]; baseline: { method?: string } }[] };
    expect(body.diffs.map((x) => x.scenario)).toEqual(['close', 'nothing']);
    expect(body.diffs[1].moves).toEqual([]);
    expect(body.diffs[0].baseline.method).toBeDefined();
  });

  it('a bad patch is a 400 naming the operation and path; bad requests and no dataset are refused', async () => {
    const bad = await app.inject({ method: 'POST', url: '/v1/simulate', payload: { scenario: { name: 's', patch: [{ op: 'replace', path: '/platforms/p-nope/capacity/slots', value: 1 }] } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0]).toMatchObject({ where: 'scenario "s"', path: 'patch[0] (replace /platforms/p-nope/capacity/slots)', got: 'missing' });
    const invalid = await app.inject({ method: 'POST', url: '/v1/simulate', payload: { scenario: { name: 's', patch: [{ op: 'replace', path: '/policy/minScoreForReferral', value: 2 }] } } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().issues[0]).toMatchObject({ path: 'minScoreForReferral', expected: 'number in [0, 1]', got: '2' });
    const both = await app.inject({ method: 'POST', url: '/v1/simulate', payload: { scenario: { name: 'a', patch: [] }, scenarios: [{ name: 'b', patch: [] }] } });
    expect(both.statusCode).toBe(400);
    const tooMany = await app.inject({ method: 'POST', url: '/v1/simulate', payload: { scenarios: Array.from({ length: 11 }, (_, i) => ({ name: `s${i}`, patch: [] })) } });
    expect(tooMany.statusCode).toBe(400);
    const none = await bare.inject({ method: 'POST', url: '/v1/simulate', payload: { scenario: { name: 'a', patch: [] } } });
    expect(none.statusCode).toBe(503);
  });
});
