/** buildServer without --data: it starts only on a real store, and takes no taxonomy it was not given. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/adapters/http/server.js';
import { Store } from '../../../src/store/store.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tm-http-'));

describe('buildServer', () => {
  it('rejects with E_IO naming the file when the database does not exist', async () => {
    const db = join(tmp(), 'missing.sqlite');
    await expect(buildServer({ db })).rejects.toMatchObject({ code: 'E_IO', message: expect.stringContaining(db) });
  });

  it('POST /v1/match without --data needs the taxonomy and policy in the body (400 naming each), and uses them when sent', async () => {
    const db = join(tmp(), 'db.sqlite');
    new Store(db).close();
    const app = await buildServer({ db });
    try {
      const plat = { id: 'p-a', name: 'A', description: 'Fintech venture capital.', modes: ['capital'], industries: { fin: 1 }, capacity: { slots: 1, slotsUsed: 0, seats: 10, seatsUsed: 0 } };
      const tal = { id: 't-1', name: 'T', description: 'Fintech payment startup.' };
      const policy = { industryPriority: {}, minScoreForReferral: 0 };
      const missing = await app.inject({ method: 'POST', url: '/v1/match', payload: { platforms: [plat], talents: [tal] } });
      expect(missing.statusCode).toBe(400);
      const body = missing.json() as { error: string; issues: { where: string; path: string; got: string }[] };
      expect(body.error).toBe('bad_request');
      expect(body.issues.map((i) => `${i.where} ${i.path} ${i.got}`)).toEqual(['request body industries missing', 'request body policy missing']);
      const onlyPolicy = await app.inject({ method: 'POST', url: '/v1/match', payload: { platforms: [plat], talents: [tal], policy } });
      expect(onlyPolicy.statusCode).toBe(400);
      expect((onlyPolicy.json() as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(['industries']);
      const industries = [{ id: 'fin', name: 'Finance', description: 'fintech payment venture capital', keywords: ['fintech'] }];
      const ok = await app.inject({ method: 'POST', url: '/v1/match', payload: { platforms: [plat], talents: [tal], policy, industries } });
      expect(ok.statusCode, ok.body).toBe(200);
      expect((ok.json() as { assignments: { talentId: string; platformId: string }[] }).assignments).toEqual([expect.objectContaining({ talentId: 't-1', platformId: 'p-a' })]);
      // the store is open but holds no run yet: snapshot routes say so, the process stays up
      const recs = await app.inject({ method: 'GET', url: '/v1/talents/t-1/recommendations' });
      expect(recs.statusCode).toBe(503);
    } finally {
      await app.close();
    }
  });
});
