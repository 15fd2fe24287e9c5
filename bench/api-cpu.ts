/**
 * The API stack's own CPU per cached read, without sockets: GET a talent's recommendations
 * (100 ids in rotation, k = 10) through Fastify's inject, with a key (auth, quotas, audit
 * at the log level given, security headers), and the same through a bare Fastify route
 * answering 3.9 KB of ready bytes (the floor of inject + Fastify). CPU time, not wall time,
 * so it is far less moved by other processes than the autocannon benchmark: use it for
 * A/B runs of the serving path on a shared machine (docs/PERFORMANCE.md, "API").
 *   npx tsx bench/api-cpu.ts [dataDir with db.sqlite]    (without one: 2k x 1k, seeded, built first)
 */
import Fastify from 'fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../src/adapters/http/server.js';
import { KeyRing, newKey } from '../src/adapters/http/keys.js';
import { writeBigData } from './bigdata.js';
import { loadDataset } from '../src/adapters/files/dataset.js';
import { runBatch } from '../src/adapters/batch/run.js';

let dir = process.argv[2];
if (!dir) {
  dir = mkdtempSync(join(tmpdir(), 'tm-bench-api-cpu-'));
  await writeBigData(dir, 2000, 1000);
  const { dataset } = await loadDataset({ data: dir }, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['outcomes'] });
  await runBatch({ industries: dataset.industries, platforms: dataset.platforms, policy: dataset.policy, talentsPath: join(dir, 'talents.jsonl') }, { db: join(dir, 'db.sqlite'), threads: 2, chunkSize: 1000 });
}
const { key, record } = newKey({ scopes: ['read:recommendations'], now: new Date() });
const ids = Array.from({ length: 100 }, (_, i) => `t-${String(i).padStart(8, '0')}`);
const headers = { authorization: `Bearer ${key}` };
const level = process.env.TALENTMATCH_LOG_LEVEL ?? 'info';

const bare = Fastify();
const bytes = Buffer.alloc(3900, 'x');
bare.get('/v1/talents/:id/recommendations', (_req, reply) => void reply.type('application/json').send(bytes));
const ours = await buildServer({ db: join(dir, 'db.sqlite'), keys: new KeyRing({ version: 1, keys: [record] }), quotas: { max: 1e9, expensiveMax: 1e9, windowMs: 60_000 }, logger: { level, file: '/dev/null' } });

async function perRequest(app: typeof bare, n: number): Promise<number> {
  const go = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const r = await app.inject({ method: 'GET', url: `/v1/talents/${ids[i % ids.length]}/recommendations?k=10`, headers });
      if (r.statusCode !== 200) throw new Error(`${r.statusCode} ${r.body}`);
    }
  };
  await go(5000); // JIT and the LRU
  const c0 = process.cpuUsage();
  await go(n);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e3 / n;
}
const rounds: { bare: number; ours: number }[] = [];
for (let i = 0; i < 3; i++) rounds.push({ bare: await perRequest(bare, 20_000), ours: await perRequest(ours as unknown as typeof bare, 20_000) });
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const b = median(rounds.map((r) => r.bare));
const o = median(rounds.map((r) => r.ours));
console.log(`CPU per cached read through inject, median of 3 x 20k (log level ${level}): talentmatch ${o.toFixed(4)} ms, bare Fastify ${b.toFixed(4)} ms, the stack's own ${(o - b).toFixed(4)} ms`);
await ours.close();
await bare.close();
