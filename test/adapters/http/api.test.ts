import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/adapters/http/server.js';
import { loadDataset } from '../../../src/adapters/files/dataset.js';
import { runBatch } from '../../../src/adapters/batch/run.js';
import { createEngine } from '../../../src/engine/engine.js';
import { TalentmatchApiError, TalentmatchClient } from '../../../src/client/index.js';
import { LIMITS, RecommendationLine } from '../../../src/api/schemas.js';

const FIX = 'fixtures/jiangdong';
let app: FastifyInstance;
let base: string;
let client: TalentmatchClient;
let db: string;
let inputs: Parameters<typeof runBatch>[0];

const post = (path: string, body: string, type = 'application/json') => fetch(base + path, { method: 'POST', headers: { 'content-type': type }, body });

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tm-api-'));
  db = join(dir, 'db.sqlite');
  const { dataset } = await loadDataset({ data: FIX }, { needTalents: true, needOutcomes: false, skipInvalid: false });
  inputs = { industries: dataset.industries, platforms: dataset.platforms, policy: dataset.policy, ...(dataset.weights ? { weights: dataset.weights } : {}), talentsPath: join(FIX, 'talents.jsonl') };
  await runBatch(inputs, { db, threads: 1, chunkSize: 1200 });
  // quotas out of the way: a test below hammers the server while a batch runs, and a fast machine
  // passes the default 6,000 requests a minute (the quotas have their own tests: access, quotas)
  app = await buildServer({ db, engine: createEngine(dataset, { trusted: true }), quotas: { max: 1e9, expensiveMax: 1e9 } });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  client = new TalentmatchClient(base);
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe('HTTP API', () => {
  it('health, readiness, OpenAPI and docs', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await client.ready()).toEqual({ status: 'ready', snapshot: 1, model: true });
    const spec = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    for (const p of ['/v1/score', '/v1/talents/recommendations', '/v1/talents/{id}/recommendations', '/v1/platforms/{id}/recommendations', '/v1/assignment', '/v1/referrals', '/v1/platforms/{id}/referrals', '/v1/referrals/budget', '/v1/match']) expect(Object.keys(spec.paths)).toContain(p);
    const docs = await fetch(`${base}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });

  it('reads snapshot recommendations of both sides with ?k=, and 404s unknown ids', async () => {
    const t = await client.talentRecommendations('t-shiruidi-visual-rd', { k: 3 });
    expect(t.items).toHaveLength(3);
    expect(t.items[0].id).toBe('p-visual-tech-incubator');
    const p = await client.platformRecommendations('p-shengshifangzhou', { k: 2 });
    expect(p).toMatchObject({ side: 'platform', id: 'p-shengshifangzhou' });
    expect(p.items).toHaveLength(2);
    await expect(client.talentRecommendations('t-nobody')).rejects.toMatchObject({ status: 404, body: { error: 'not_found', id: 't-nobody' } });
    const tooBig = await fetch(`${base}/v1/talents/t-1/recommendations?k=${LIMITS.maxK + 1}`);
    expect(tooBig.status).toBe(400);
    expect(((await tooBig.json()) as { issues: { path: string }[] }).issues[0].path).toBe('k');
  });

  it('scores pairs by id and inline, equal to the engine; contributions add up', async () => {
    const r = await client.score({
      pairs: [
        { talent: { id: 't-tiedadawang' }, platform: { id: 'p-shengshifangzhou' } },
        { talent: { profile: { id: 'new', name: 'New', description: 'Fintech payment startup seeking venture capital.' } }, platform: { id: 'p-shengshifangzhou' } },
        { talent: { id: 't-tiedadawang' }, platform: { profile: { id: 'p-new', name: 'New park', description: 'Venture capital for internet platforms.', modes: ['capital'], industries: { 'financial-services': 1 }, capacity: { slots: 5, slotsUsed: 0, seats: 100, seatsUsed: 0 } } } },
      ],
    });
    expect(r.results).toHaveLength(3);
    const line = await client.talentRecommendations('t-tiedadawang', { k: 10 });
    const stored = line.items.find((i) => i.id === 'p-shengshifangzhou')!;
    expect(r.results[0].score).toBe(stored.score);
    for (const x of r.results) expect(Math.abs(Object.values(x.why).reduce((a, b) => a + b, 0) - x.score)).toBeLessThan(1e-9);
    await expect(client.score({ pairs: [{ talent: { id: 't-tiedadawang' }, platform: { id: 'p-nope' } }] })).rejects.toMatchObject({ status: 404 });
  });

  it('recommends for an inline profile live, exactly as the batch scored the same profile', async () => {
    const stored = (await import('node:fs')).readFileSync(join(FIX, 'talents.jsonl'), 'utf8').split('\n').find((l) => l.includes('"t-shiruidi-visual-rd"'))!;
    const line = await client.recommendForProfile(JSON.parse(stored), 10);
    expect(line).toEqual(await client.talentRecommendations('t-shiruidi-visual-rd', { k: 10 }));
    const fresh = await client.recommendForProfile({ id: 'x-1', name: 'Visual team', description: 'Computer vision algorithms and visual recognition chips.' }, 3);
    expect(fresh.items).toHaveLength(3);
    // serialized by the route itself (no zod pass on the answer): the bytes still meet the document's schema, strictly
    const res = await fetch(`${base}/v1/talents/recommendations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ talent: JSON.parse(stored), k: 2 }) });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    // the engine's bytes (sent as a Buffer): JSON.stringify of the line, its length declared
    const text = await res.text();
    expect(text).toBe(JSON.stringify({ ...line, items: line.items.slice(0, 2) }));
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    const body: unknown = JSON.parse(text);
    expect(RecommendationLine.strict().safeParse(body).success).toBe(true);
  });

  it('serves the assignment and referrals (filtered by direction) of the snapshot', async () => {
    const a = await client.assignment();
    expect(a.mode).toBe('stable');
    expect(a.blockingPairs).toBe(0);
    const toGov = await client.referrals('platform-to-government');
    expect(toGov.referrals.length).toBe(72);
    expect(new Set(toGov.referrals.map((x) => x.direction))).toEqual(new Set(['platform-to-government']));
    const bad = await fetch(`${base}/v1/referrals?direction=sideways`);
    expect(bad.status).toBe(400);
  });

  it('serves one platform\'s two referral lines and the support budget', async () => {
    const all = (await client.referrals()).referrals;
    const mine = await client.platformReferrals('p-0004');
    expect(mine.toGovernment).toEqual(all.find((l) => l.direction === 'platform-to-government' && l.platformId === 'p-0004'));
    expect(mine.toPlatform).toEqual(all.find((l) => l.direction === 'government-to-platform' && l.platformId === 'p-0004'));
    expect(mine.toPlatform.introduced.length).toBeGreaterThan(0);
    expect(mine.toPlatform.reserve.length).toBeGreaterThan(0);
    const budget = await client.referralBudget();
    expect(budget).toMatchObject({ direction: 'support-budget', budgetYuan: 30_000_000 });
    expect(budget.allocatedYuan).toBeLessThanOrEqual(budget.budgetYuan);
    expect((await client.referrals('support-budget')).referrals).toEqual([all[all.length - 1]]);
    const missing = await fetch(`${base}/v1/platforms/p-nowhere/referrals`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found', id: 'p-nowhere' });
  });

  it('matches a posted small instance, and rejects a bad one with every field path', async () => {
    const plat = (id: string) => ({ id, name: id, description: 'Fintech venture capital.', modes: ['capital'], industries: { 'financial-services': 1 }, capacity: { slots: 1, slotsUsed: 0, seats: 10, seatsUsed: 0 } });
    const tal = (id: string) => ({ id, name: id, description: 'Fintech payment startup.' });
    const a = await client.match({ platforms: [plat('p-a'), plat('p-b')], talents: [tal('t-1'), tal('t-2'), tal('t-3')], policy: { industryPriority: {}, minScoreForReferral: 0 } });
    expect(a.assignments).toHaveLength(2);
    expect(a.unassigned).toHaveLength(1);
    const err = await client.match({ platforms: [{ ...plat('p-a'), capacity: { slots: -1 } }], talents: [{ id: 't-1' }] }).catch((e: TalentmatchApiError) => e);
    expect(err).toBeInstanceOf(TalentmatchApiError);
    const e = err as TalentmatchApiError;
    expect(e.status).toBe(400);
    const paths = e.body.issues!.map((i) => `${i.where} ${i.path}`);
    expect(paths).toContain('platforms[0] capacity.slots');
    expect(paths).toContain('talents[0] name');
  });

  it('never 500s on bad requests: malformed JSON, wrong types, oversize bodies, wrong media type', async () => {
    const bad = await post('/v1/score', '{"pairs": [');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('bad_json');
    const types = await post('/v1/score', JSON.stringify({ pairs: [{ talent: { id: 5 }, platform: {} }] }));
    expect(types.status).toBe(400);
    const body = (await types.json()) as { issues: { path: string; expected: string; got: string }[] };
    expect(body.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['pairs[0].talent.id', 'pairs[0].platform']));
    const inline = await post('/v1/score', JSON.stringify({ pairs: [{ talent: { profile: { id: 'x', name: 'X', description: 'd', needs: { seats: -2 } } }, platform: { id: 'p-shengshifangzhou' } }] }));
    expect(inline.status).toBe(400);
    expect(((await inline.json()) as { issues: { where: string; path: string; expected: string; got: string }[] }).issues[0]).toMatchObject({ where: 'request body pairs[0] talent', path: 'needs.seats', expected: 'integer >= 0', got: '-2' });
    const huge = await post('/v1/score', JSON.stringify({ pairs: [], pad: 'x'.repeat(LIMITS.bodyBytes + 10) }));
    expect(huge.status).toBe(413);
    const many = await post('/v1/score', JSON.stringify({ pairs: Array.from({ length: LIMITS.maxPairs + 1 }, () => ({ talent: { id: 't' }, platform: { id: 'p' } })) }));
    expect(many.status).toBe(400);
    // JSON only: text/plain was parsed as a string body by Fastify's own parser and answered
    // 400 "expected object, received string"; every other type was already a 415
    const text = await post('/v1/score', JSON.stringify({ pairs: [] }), 'text/plain');
    expect(text.status).toBe(415);
    expect(((await text.json()) as { error: string; message: string })).toMatchObject({ error: 'unsupported_media_type', message: 'send application/json' });
    for (const r of [bad, types, huge, text]) expect(r.status).toBeLessThan(500);
  });

  it('picks up a new snapshot without a restart while requests are in flight; none fail', async () => {
    let stop = false;
    let failures = 0;
    let ok = 0;
    const runs = new Set<string>();
    const hammer = (async () => {
      while (!stop) {
        const res = await Promise.all([
          fetch(`${base}/v1/talents/t-ruiju-ecommerce/recommendations?k=5`),
          fetch(`${base}/v1/platforms/p-national-youth-park/recommendations`),
          fetch(`${base}/v1/assignment`),
        ]);
        for (const r of res) {
          if (r.status !== 200) failures++;
          else ok++;
          runs.add(r.headers.get('x-snapshot-run') ?? '?');
          await r.arrayBuffer();
        }
      }
    })();
    await runBatch({ ...inputs, weights: { ...(inputs.weights ?? {}), text: 0.35 } }, { db, threads: 1, chunkSize: 300, keep: 1 });
    await new Promise((r) => setTimeout(r, 200));
    stop = true;
    await hammer;
    expect(failures).toBe(0);
    expect(ok).toBeGreaterThan(10);
    expect(runs).toContain('2');
    expect((await client.ready()).snapshot).toBe(2);
  }, 120_000);
});

describe('serve (compiled build) lifecycle', () => {
  it('finishes in-flight requests on SIGTERM and exits 0', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['bin/talentmatch.js', 'serve', '--data', FIX, '--db', db, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TALENTMATCH_LOG_LEVEL: 'debug' } });
    // the debug log (JSON lines on stdout): SIGTERM goes once the server has taken the request
    let log = '';
    const received = new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => {
      log += d.toString();
      if (/"msg":"request received"/.test(log) && log.includes('/v1/match')) resolve();
    }));
    let err = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /listening on (http:\/\/[^\s]+)/.exec(err);
        if (m) resolve(m[1]);
      });
      child.on('exit', () => reject(new Error(err)));
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const plat = (id: string) => ({ id, name: id, description: 'Fintech venture capital.', modes: ['capital'], industries: { 'financial-services': 1 }, capacity: { slots: 3, slotsUsed: 0, seats: 30, seatsUsed: 0 } });
    const body = { platforms: Array.from({ length: 40 }, (_, i) => plat(`p-${i}`)), talents: Array.from({ length: 400 }, (_, i) => ({ id: `t-${i}`, name: 't', description: `Fintech payment startup number ${i}.` })), policy: { industryPriority: {}, minScoreForReferral: 0 } };
    const inFlight = fetch(`${url}/v1/match`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await received;
    child.kill('SIGTERM');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { assignments: unknown[] }).assignments.length).toBe(40 * 3);
    expect(await exited).toBe(0);
  }, 60_000);
});
