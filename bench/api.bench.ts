/**
 * Scenario: the HTTP API under load (autocannon, 10 connections, 8 s each) against a
 * server on 127.0.0.1: cached snapshot reads (GET a talent's recommendations) and live
 * scoring of a new inline profile against 1k platforms (POST /v1/talents/recommendations).
 * Reports requests/s and p50 / p99 latency. Data: 2k talents x 1k platforms, seeded.
 */
import autocannon from 'autocannon';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBigData } from './bigdata.js';
import { loadDataset } from '../src/adapters/files/dataset.js';
import { runBatch } from '../src/adapters/batch/run.js';
import { createEngine } from '../src/engine/engine.js';
import { buildServer } from '../src/adapters/http/server.js';
import type { CaseResult } from './harness.js';

export async function run(calibMs: number): Promise<CaseResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tm-bench-api-'));
  await writeBigData(dir, 2000, 1000);
  const { dataset } = await loadDataset({ data: dir }, { needTalents: true, needOutcomes: false, skipInvalid: false });
  const db = join(dir, 'db.sqlite');
  await runBatch({ industries: dataset.industries, platforms: dataset.platforms, policy: dataset.policy, talentsPath: join(dir, 'talents.jsonl') }, { db, threads: 2, chunkSize: 1000 });
  const app = await buildServer({ db, engine: createEngine(dataset, { trusted: true }) });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const ids = dataset.talents.slice(0, 100).map((t) => t.id);
  let i = 0;
  const profile = { ...dataset.talents[0], id: 'inline-1' };
  const cases: { name: string; opts: autocannon.Options }[] = [
    {
      name: 'GET talent recommendations (snapshot, cached)',
      opts: { url: base, connections: 10, duration: 8, requests: [{ method: 'GET', setupRequest: (r) => ({ ...r, path: `/v1/talents/${ids[i++ % ids.length]}/recommendations?k=10` }) }] },
    },
    {
      name: 'POST inline profile recommendations (live, 1k platforms)',
      opts: { url: base, connections: 10, duration: 8, requests: [{ method: 'POST', path: '/v1/talents/recommendations', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ talent: profile, k: 10 }) }] },
    },
  ];
  const out: CaseResult[] = [];
  for (const c of cases) {
    const r = await autocannon(c.opts);
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${c.name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    out.push({
      scenario: `API: ${c.name}`,
      size: '2k x 1k, 10 conns',
      medianMs: r.latency.p50,
      minMs: r.latency.min,
      maxMs: r.latency.max,
      runs: r.requests.total,
      ratio: r.latency.p50 / calibMs,
      extra: { reqPerSec: Math.round(r.requests.average), p50Ms: r.latency.p50, p99Ms: r.latency.p99 },
    });
  }
  await app.close();
  return out;
}
