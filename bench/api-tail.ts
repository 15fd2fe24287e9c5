/**
 * One case of the `api` benchmark with the server's garbage collections and event-loop delay
 * beside the latencies (to find what makes the p99 tail), the server started with extra node
 * flags if given. Pinned as TM_BENCH_PIN=1 does (server CPU 0, autocannon CPU 1).
 *   npx tsx bench/api-tail.ts <get|same|new> [rounds] [-- node flags...]
 * TM_HEAP=1: first a 4 s sampling heap profile of the server (every allocation, collected or
 * not) to $TM_HEAP_OUT (default $TM_TAIL_DIR/server.heapprofile), printed as heap bytes
 * allocated per request (V8 samples one allocation per 4 KiB on average: an estimate; the
 * backing stores of typed arrays and Buffers are outside the heap and not counted) and the
 * top allocation sites. With TM_HEAP_SURVIVORS=1 the profile leaves out what a scavenge
 * collected: what is left survived one (copied, and promoted if it lived on: what makes
 * scavenges long and fills the old generation); give the server --expose-gc (after `--`) so
 * that a scavenge at the end drops what died young since the last one.
 * TM_TAIL_PIN=main: pin only the server's main thread (its helper threads then run on either core,
 * as on a server with cores to spare); the default pins every thread, as the benchmark does.
 * TM_PROF=1: after the warm-up, a 4 s CPU profile of the server's main thread to $TM_PROF_OUT
 * (default $TM_TAIL_DIR/server.cpuprofile; read it with bench/cpuprof-top.mjs or cpuprof-timeline.mjs).
 * TM_TAIL_SERVER=FILE: another server script speaking serverChild.ts's protocol (e.g. one over dist/).
 * Data: 2k x 1k seeded, written once to $TM_TAIL_DIR (default /tmp/tm-api-tail).
 */
import autocannon from 'autocannon';
import { execFileSync, fork } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { writeBigData } from './bigdata.js';
import { loadDataset } from '../src/adapters/files/dataset.js';
import { runBatch } from '../src/adapters/batch/run.js';
import { newKey } from '../src/adapters/http/keys.js';
import { warmUntilCompiled } from './serverChild.js';
import type { ChildStats } from './serverChild.js';

const args = process.argv.slice(2);
const dash = args.indexOf('--');
const [which = 'new', roundsArg = '3'] = dash < 0 ? args : args.slice(0, dash);
const flags = dash < 0 ? [] : args.slice(dash + 1);
const dir = process.env.TM_TAIL_DIR ?? '/tmp/tm-api-tail';
const db = join(dir, 'db.sqlite');
// the server writes its heap profile there (it inherits this environment)
if (process.env.TM_HEAP === '1') process.env.TM_HEAP_OUT ??= join(dir, 'server.heapprofile');
if (process.env.TM_PROF === '1') process.env.TM_PROF_OUT ??= join(dir, 'server.cpuprofile');
if (!existsSync(db)) {
  mkdirSync(dir, { recursive: true });
  await writeBigData(dir, 2000, 1000);
  const { dataset } = await loadDataset({ data: dir }, { needTalents: true, needOutcomes: false, skipInvalid: false });
  await runBatch({ industries: dataset.industries, platforms: dataset.platforms, policy: dataset.policy, talentsPath: join(dir, 'talents.jsonl') }, { db, threads: 2, chunkSize: 1000 });
}
const { dataset } = await loadDataset({ data: dir }, { needTalents: true, needOutcomes: false, skipInvalid: false });
const { key, record } = newKey({ scopes: ['read:recommendations', 'score'], now: new Date() });
const keysJson = JSON.stringify({ version: 1, keys: [record] });
const log = openSync(join(dir, 'server.log'), 'w');
const child = fork(process.env.TM_TAIL_SERVER ?? new URL('./api-server.ts', import.meta.url).pathname, [dir, db, '1', keysJson], { execArgv: [...flags, ...(process.env.TM_TAIL_SERVER ? [] : ['--import', 'tsx'])], stdio: ['ignore', log, 'inherit', 'ipc'] });
closeSync(log);
const base = await new Promise<string>((resolve, reject) => {
  child.once('message', (m) => resolve((m as { base: string }).base));
  child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
});
// TM_TAIL_PIN=main: only the server's main thread on CPU 0, its helper threads (V8's compiler and GC tasks) free to run beside it
execFileSync('taskset', [...(process.env.TM_TAIL_PIN === 'main' ? [] : ['-a']), '-p', '-c', '0', String(child.pid)], { stdio: 'ignore' });
execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
const ask = <T>(msg: string) =>
  new Promise<T>((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(msg);
  });
const headers = { authorization: `Bearer ${key}` };
const ids = dataset.talents.slice(0, 100).map((t) => t.id);
const fresh = dataset.talents.map((t, j) => JSON.stringify({ talent: { ...t, id: `inline-${j}` }, k: 10 }));
const same = JSON.stringify({ talent: { ...dataset.talents[0], id: 'inline-1' }, k: 10 });
let i = 0;
const post = { method: 'POST' as const, path: '/v1/talents/recommendations', headers: { ...headers, 'content-type': 'application/json' } };
const req: autocannon.Request =
  which === 'get'
    ? { method: 'GET', headers, setupRequest: (r) => ({ ...r, path: `/v1/talents/${ids[i++ % ids.length]}/recommendations?k=10` }) }
    : which === 'same'
      ? { ...post, body: same }
      : { ...post, setupRequest: (r) => ({ ...r, body: fresh[i++ % fresh.length] }) };
const opts = { url: base, connections: 10, duration: 8, requests: [req] };
// warm-up: the JIT, the LRUs (the new-profile case's 2,000 texts are all in the token cache after ~2,000 requests):
// TM_TAIL_WARMUP seconds, else until V8's compiler threads are done (serverChild.ts warmUntilCompiled)
const warm = (d: number) => autocannon({ ...opts, duration: d });
if (process.env.TM_TAIL_WARMUP !== undefined) await warm(Number(process.env.TM_TAIL_WARMUP));
else console.error(`warm-up: ${await warmUntilCompiled(warm, () => ask<ChildStats>('gc'))} s`);
if (process.env.TM_HEAP === '1') {
  const out = process.env.TM_HEAP_OUT!;
  await ask('heap-start');
  const res = await autocannon({ ...opts, duration: 4 });
  await ask('heap-stop');
  printHeapProfile(out, res.requests.total);
}
if (process.env.TM_PROF === '1') {
  await ask('prof-start');
  const res = await autocannon({ ...opts, duration: 4 });
  await ask('prof-stop');
  console.log(`cpu profile of ${res.requests.total} requests: ${process.env.TM_PROF_OUT} (node bench/cpuprof-top.mjs FILE)`);
}
for (let r = 0; r < Number(roundsArg); r++) {
  const l0 = loadavg()[0]!;
  await ask('gc');
  const s0 = (await ask<{ cpu: number }>('cpu')).cpu;
  const res = await autocannon(opts);
  const s1 = (await ask<{ cpu: number }>('cpu')).cpu;
  const g = await ask<Record<string, unknown>>('gc');
  if (res.non2xx > 0 || res.errors > 0) throw new Error(`${res.non2xx} non-2xx, ${res.errors} errors`);
  console.log(
    JSON.stringify({ which, flags: flags.join(' '), reqPerSec: Math.round(res.requests.average), p50: res.latency.p50, p90: res.latency.p90, p99: res.latency.p99, max: res.latency.max, cpuMsPerReq: Math.round(((s1 - s0) / 1e3 / res.requests.total) * 1e4) / 1e4, load: `${l0.toFixed(2)}->${loadavg()[0]!.toFixed(2)}`, ...g }),
  );
}
child.send('stop');
await new Promise((r) => child.once('exit', r));

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

/** A .heapprofile's allocations per request, in all and by the top sites (function, file:line). */
function printHeapProfile(file: string, requests: number): void {
  const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };
  const bySite = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode) => {
    if (n.selfSize > 0) {
      const cf = n.callFrame;
      const site = `${cf.functionName || '(anonymous)'} ${cf.url.replace(/^.*\/(src|bench|node_modules)\//, '$1/')}:${cf.lineNumber + 1}`;
      bySite.set(site, (bySite.get(site) ?? 0) + n.selfSize);
      total += n.selfSize;
    }
    for (const c of n.children) walk(c);
  };
  walk(head);
  console.log(`heap allocated: ${(total / requests / 1024).toFixed(1)} KB per request (${requests} requests, sampled)`);
  for (const [site, b] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TM_HEAP_TOP ?? 20))) {
    console.log(`${(b / requests).toFixed(0).padStart(7)} B  ${((100 * b) / total).toFixed(1).padStart(5)}%  ${site}`);
  }
}
