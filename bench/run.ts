/**
 * npm run bench: runs every scenario, prints a table and writes
 * bench/results/<date>-<machine>.json. Select scenarios with TM_BENCH=vectorize,score,stable,optimal,batch,api (stream, queue, store and incremental opt in); sizes with TM_BENCH_SIZES=10k,100k.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { calibrate, machine, printTable } from './harness.js';
import type { CaseResult } from './harness.js';
import { markdownTable } from './targets.js';
import * as vectorize from './vectorize.bench.js';
import * as score from './score.bench.js';
import * as stable from './stable.bench.js';
import * as optimal from './optimal.bench.js';
import * as batch from './batch.bench.js';
import * as api from './api.bench.js';
import * as queue from './queue.bench.js';
import * as store from './store.bench.js';
import * as incremental from './incremental.bench.js';

const scenarios: Record<string, { run: (calibMs: number) => CaseResult[] | Promise<CaseResult[]> }> = {
  vectorize,
  score,
  stable,
  optimal,
  batch: { run: (c: number) => batch.run(c, 'batch') },
  stream: { run: (c: number) => batch.run(c, 'stream') },
  api,
  queue,
  store,
  incremental,
};

// the 1M-talent stream takes minutes and ~0.5 GB of disk, the queue needs redis-server, the
// store comparison starts PostgreSQL, the incremental delta runs the batch five times: opt in
// with TM_BENCH=stream / queue / store / incremental
const optIn = new Set(['stream', 'queue', 'store', 'incremental']);
const pick = process.env.TM_BENCH?.split(',') ?? Object.keys(scenarios).filter((s) => !optIn.has(s));
const calibMs = calibrate();
const m = machine();
console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, Node ${m.node}; calibration ${calibMs.toFixed(1)} ms`);
const rows: CaseResult[] = [];
for (const name of pick) {
  const s = scenarios[name];
  if (!s) throw new Error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`);
  rows.push(...(await s.run(calibMs)));
}
printTable(rows);
for (const r of rows) if (r.extra) console.log(`${r.scenario}: ${JSON.stringify(r.extra)}`);
const date = new Date().toISOString().slice(0, 10);
const slug = m.cpu.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${date}-${slug}.json`;
// merge with earlier runs of the same day and machine (scenarios run separately), newest wins
let previous: CaseResult[] = [];
try {
  previous = (JSON.parse(readFileSync(file, 'utf8')) as { results: CaseResult[] }).results;
} catch {
  previous = [];
}
const key = (r: CaseResult) => `${r.scenario}\u0000${r.size}`;
const fresh = new Set(rows.map(key));
const merged = [...previous.filter((r) => !fresh.has(key(r))), ...rows];
writeFileSync(file, JSON.stringify({ date, machine: m, calibrationMs: calibMs, results: merged }, null, 2) + '\n');
// the README's table, for every scenario measured on this machine today
const table = markdownTable(merged, `${m.cpu}, ${m.cores} cores, Node ${m.node}`);
writeFileSync(file.replace(/\.json$/, '.md'), table + '\n');
console.log(`\n${table}\n`);
console.log(`wrote ${file} and ${file.replace(/\.json$/, '.md')}`);
