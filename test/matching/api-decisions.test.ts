import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/adapters/http/server.js';
import { Store } from '../../src/store/store.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import { industries, platform, talent } from '../helpers.js';

let app: FastifyInstance;
beforeAll(async () => {
  // POST /v1/match scores the request's own data: an empty snapshot store is enough
  const db = join(mkdtempSync(join(tmpdir(), 'tm-api-dec-')), 'db.sqlite');
  new Store(db).close();
  app = await buildServer({ db });
});
afterAll(async () => {
  await app?.close();
});

const body = (decisions: unknown) => ({
  platforms: [platform('P1', { capacity: { slots: 1, slotsUsed: 0, seats: 10, seatsUsed: 0, capitalYuan: 0 } }), platform('P2', { capacity: { slots: 1, slotsUsed: 0, seats: 10, seatsUsed: 0, capitalYuan: 0 } })],
  talents: [talent('A'), talent('B')],
  industries,
  policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0 },
  decisions,
});

describe('POST /v1/match with committee decisions', () => {
  it('honours a pin and a forbidden pair, and lists them', async () => {
    const r = await app.inject({ method: 'POST', url: '/v1/match', payload: body({ pins: [{ talentId: 'B', platformId: 'P1' }], forbidden: [{ talentId: 'A', platformId: 'P1' }] }) });
    expect(r.statusCode).toBe(200);
    const o = r.json();
    expect(o.assignments.map((x: { talentId: string; platformId: string }) => `${x.talentId}>${x.platformId}`)).toEqual(['A>P2', 'B>P1']);
    expect(o.decisions).toEqual({ pinned: [{ talentId: 'B', platformId: 'P1' }], forbidden: [{ talentId: 'A', platformId: 'P1' }], heldSeats: [] });
  });

  it('a pin beyond a platform\'s slots or of an unknown id is a 400 naming it', async () => {
    const over = await app.inject({ method: 'POST', url: '/v1/match', payload: body({ pins: [{ talentId: 'A', platformId: 'P1' }, { talentId: 'B', platformId: 'P1' }] }) });
    expect(over.statusCode).toBe(400);
    expect(over.json().issues[0]).toMatchObject({ path: 'pins.1', expected: "pins within P1's 1 free slots" });
    const unknown = await app.inject({ method: 'POST', url: '/v1/match', payload: body({ pins: [{ talentId: 'Z', platformId: 'P1' }] }) });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().issues[0]).toMatchObject({ path: 'pins.0.talentId', got: 'Z' });
  });
});
