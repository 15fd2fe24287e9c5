/**
 * Scenario: the HTTP API under load (autocannon, 10 connections, 8 s each) against a server
 * in its own process on 127.0.0.1: cached snapshot reads (GET a talent's recommendations),
 * live scoring of an inline profile against 1k platforms (POST /v1/talents/recommendations)
 * — the same profile on every request (its vectors come from the live LRU) and a new profile
 * on every request (2,000 distinct profiles in turn, more than the LRU holds: each one is
 * validated, tokenized and vectorized) — each without and with API keys (auth + quotas on),
 * so the cost of access control is read in the same run. First the floor: a bare Fastify
 * route answering 2 KB of stored bytes (api-floor-server.ts), measured the same way.
 * Reports requests/s, p50 / p99 latency, the CPU time of the server and of the load
 * generator (its share of the CPU used, and its CPU per request: one core running autocannon
 * cannot send more than 1 / that per second), the server's CPU per request, and the load
 * average. Each case is warmed up first (the JIT, the LRU: until V8's compiler threads are
 * quiet) and measured for 8 s; the servers without and with keys run in mirrored order
 * (without, with, with, without: mergeRounds gives one row per case from its two rounds, the
 * worst round's latencies), so the with-key ratio compares like windows of a shared machine.
 * Data: 2k talents x 1k platforms, seeded. Targets (issue 21, with auth): cached reads
 * >= 8k req/s with p99 <= 2 ms; live p99 <= 10 ms; with a key within 10% of without.
 *
 * TM_BENCH_PIN=1 (Linux, taskset): the server on CPU 0, this process (autocannon) on CPU 1,
 * so the load generator does not take the server's core.
 * TM_BENCH_AUDIT_SYNC=1: the server writes each log line as its request completes (serve
 * --audit-sync) instead of in batches.
 * TM_BENCH_API_PROF=DIR: the server runs under `node --cpu-prof` and writes its profile to DIR
 * when it stops (one file per server: without, then with keys); read it with
 * `node bench/cpuprof-top.mjs DIR/<file>.cpuprofile`.
 */
import autocannon from 'autocannon';
import { execFileSync, fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBigData } from './bigdata.js';
import { loadDataset } from '../src/adapters/files/dataset.js';
import { runBatch } from '../src/adapters/batch/run.js';
import { newKey } from '../src/adapters/http/keys.js';
import type { CaseResult } from './harness.js';
import { helperCpuMs, warmUntilCompiled } from './serverChild.js';
import type { ChildStats } from './serverChild.js';

interface Server {
  child: ChildProcess;
  base: string;
  cpu(): Promise<number>;
  /** the server's garbage collections and event-loop delay since the last call (serverChild.ts) */
  gc(): Promise<GcStats>;
}

type GcStats = ChildStats;

async function startServer(dir: string, db: string, auth: boolean | 'floor', keysJson: string): Promise<Server> {
  // stdout (the log, as `serve` writes it) to a file
  const log = openSync(join(dir, `server-${auth === 'floor' ? 'floor' : auth ? 'auth' : 'open'}.log`), 'w');
  const script = auth === 'floor' ? './api-floor-server.ts' : './api-server.ts';
  const child = fork(new URL(script, import.meta.url).pathname, [dir, db, auth ? '1' : '0', keysJson], { execArgv: ['--import', 'tsx', ...(process.env.TM_BENCH_API_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.TM_BENCH_API_PROF}`] : [])], stdio: ['ignore', log, 'inherit', 'ipc'] });
  closeSync(log);
  const base = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { base: string }).base));
    child.once('exit', (c) => reject(new Error(`api bench server exited ${c}`)));
  });
  if (process.env.TM_BENCH_PIN === '1') execFileSync('taskset', ['-a', '-p', '-c', '0', String(child.pid)], { stdio: 'ignore' });
  const cpu = () =>
    new Promise<number>((resolve) => {
      child.once('message', (m) => resolve((m as { cpu: number }).cpu));
      child.send('cpu');
    });
  const gc = () =>
    new Promise<GcStats>((resolve) => {
      child.once('message', (m) => resolve(m as GcStats));
      child.send('gc');
    });
  return { child, base, cpu, gc };
}

export async function run(calibMs: number): Promise<CaseResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tm-bench-api-'));
  await writeBigData(dir, 2000, 1000);
  const { dataset } = await loadDataset({ data: dir }, { needTalents: true, needOutcomes: false, skipInvalid: false });
  const db = join(dir, 'db.sqlite');
  await runBatch({ industries: dataset.industries, platforms: dataset.platforms, policy: dataset.policy, talentsPath: join(dir, 'talents.jsonl') }, { db, threads: 2, chunkSize: 1000 });
  const { key, record } = newKey({ scopes: ['read:recommendations', 'score'], now: new Date() });
  const keysJson = JSON.stringify({ version: 1, keys: [record] });
  const ids = dataset.talents.slice(0, 100).map((t) => t.id);
  const profile = { ...dataset.talents[0], id: 'inline-1' };
  // 2,000 distinct profiles, more than the live LRU keeps (src/config/caches.ts liveProfiles): every request is a new profile
  const fresh = dataset.talents.map((t, j) => JSON.stringify({ talent: { ...t, id: `inline-${j}` }, k: 10 }));
  const out: CaseResult[] = [];
  if (process.env.TM_BENCH_PIN === '1') execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  // without and with keys in mirrored order (A B B A): a neighbour's burst or a drift of the
  // shared machine falls on both sides, so the with-key / without-key ratio is read from like
  // windows; each side's two rounds are merged (mergeRounds). TM_BENCH_API_ABBA=0: one round each.
  const order = process.env.TM_BENCH_API_ABBA === '0' ? (['floor', false, true] as const) : (['floor', false, true, true, false] as const);
  for (const auth of order) {
    const server = await startServer(dir, db, auth, keysJson);
    const headers: Record<string, string> = auth === true ? { authorization: `Bearer ${key}` } : {};
    let i = 0;
    let j = 0;
    const get = (name: string): { name: string; opts: autocannon.Options } => ({
      name,
      opts: { url: server.base, connections: 10, duration: 8, requests: [{ method: 'GET', headers, setupRequest: (r) => ({ ...r, path: `/v1/talents/${ids[i++ % ids.length]}/recommendations?k=10` }) }] },
    });
    const post = { method: 'POST' as const, path: '/v1/talents/recommendations', headers: { ...headers, 'content-type': 'application/json' } };
    const cases: { name: string; opts: autocannon.Options }[] =
      auth === 'floor'
        ? [get('floor: bare Fastify, one GET route, 2 KB stored bytes')]
        : [
            get('GET talent recommendations (snapshot, cached)'),
            { name: 'POST inline profile recommendations (live, 1k platforms)', opts: { url: server.base, connections: 10, duration: 8, requests: [{ ...post, body: JSON.stringify({ talent: profile, k: 10 }) }] } },
            { name: 'POST a new profile each request (live, 1k platforms)', opts: { url: server.base, connections: 10, duration: 8, requests: [{ ...post, setupRequest: (r) => ({ ...r, body: fresh[j++ % fresh.length] }) }] } },
          ];
    try {
      for (const c of cases) {
        // warm-up, not counted: until V8's compiler threads are done (they share the pinned core)
        const warmS = await warmUntilCompiled((d) => autocannon({ ...c.opts, duration: d }), server.gc);
        const load0 = loadavg()[0]!;
        await server.gc(); // from here
        const [s0, g0] = [await server.cpu(), process.cpuUsage()];
        const r = await autocannon(c.opts);
        const [s1, g1] = [await server.cpu(), process.cpuUsage(g0)];
        const gc = await server.gc();
        const pauses = (kind: string) => gc.gc[kind] ?? { n: 0, ms: 0, maxMs: 0 };
        if (r.non2xx > 0 || r.errors > 0) throw new Error(`${c.name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
        const serverCpu = (s1 - s0) / 1e6;
        const genCpu = (g1.user + g1.system) / 1e6;
        out.push({
          scenario: `API${auth === true ? ' (auth + quotas)' : ''}: ${c.name}`,
          size: '2k x 1k, 10 conns',
          medianMs: r.latency.p50,
          minMs: r.latency.min,
          maxMs: r.latency.max,
          runs: r.requests.total,
          ratio: r.latency.p50 / calibMs,
          extra: {
            reqPerSec: Math.round(r.requests.average),
            p50Ms: r.latency.p50,
            p99Ms: r.latency.p99,
            serverCpuSec: Math.round(serverCpu * 100) / 100,
            loadGenCpuSec: Math.round(genCpu * 100) / 100,
            loadGenCpuShare: Math.round((genCpu / (genCpu + serverCpu)) * 100) / 100,
            loadGenCpuMsPerReq: Math.round((genCpu / r.requests.total) * 1e7) / 1e4,
            serverCpuMsPerReq: Math.round((serverCpu / r.requests.total) * 1e7) / 1e4,
            // what makes the tail: the server's GC pauses and event-loop delay over the run
            scavenges: `${pauses('scavenge').n}, ${pauses('scavenge').ms} ms, longest ${pauses('scavenge').maxMs} ms`,
            markCompacts: `${pauses('mark-compact').n}, longest ${pauses('mark-compact').maxMs} ms`,
            loopDelayP99Ms: gc.loopP99Ms,
            loopDelayMaxMs: gc.loopMaxMs,
            // the loop's lateness (the histogram's figures less its 10 ms resolution), and why: the
            // server's main thread runnable but waiting for its core (other processes, its own helper threads)
            loopLateP99Ms: gc.loopLateP99Ms,
            ...(gc.threads ? { mainWaitMs: gc.threads.main?.waitMs, helperCpuMs: Math.round(helperCpuMs(gc)), mainInvoluntarySwitches: gc.mainInvoluntary } : {}),
            warmUpS: warmS,
            load1: `${load0.toFixed(2)} -> ${loadavg()[0]!.toFixed(2)}`,
            pinned: process.env.TM_BENCH_PIN === '1' ? 'server cpu0, autocannon cpu1' : 'no',
          },
        });
      }
    } finally {
      server.child.send('stop');
      await new Promise((r) => server.child.once('exit', r));
    }
  }
  const merged = mergeRounds(out);
  // the cost of access control: each case's req/s with a key over the same case's without one
  for (const r of merged) {
    const plain = merged.find((x) => x.scenario === r.scenario.replace('API (auth + quotas): ', 'API: '));
    if (r.scenario.startsWith('API (auth') && plain) {
      r.extra!.vsNoKey = Math.round((Number(r.extra!.reqPerSec) / Number(plain.extra!.reqPerSec)) * 100) / 100;
      // the same by the server's CPU per request (steadier than req/s on a shared machine)
      r.extra!.cpuVsNoKey = Math.round((Number(plain.extra!.serverCpuMsPerReq) / Number(r.extra!.serverCpuMsPerReq)) * 100) / 100;
    }
  }
  return merged;
}

/**
 * One row per scenario from its rounds (in first-seen order): requests, CPU and waits summed
 * and the per-request figures recomputed from the sums; req/s the mean of the rounds (each ran
 * the same time); latencies, loop delays and the longest pauses the worst round's; the GC
 * lines side by side. A scenario with one round is returned as it is.
 */
export function mergeRounds(rows: readonly CaseResult[]): CaseResult[] {
  const groups = new Map<string, CaseResult[]>();
  for (const r of rows) groups.set(r.scenario, [...(groups.get(r.scenario) ?? []), r]);
  return [...groups.values()].map((g) => {
    if (g.length === 1) return g[0]!;
    const x = (r: CaseResult, k: string) => Number(r.extra?.[k] ?? 0);
    const sum = (k: string) => g.reduce((a, r) => a + x(r, k), 0);
    const max = (k: string) => Math.max(...g.map((r) => x(r, k)));
    const runs = g.reduce((a, r) => a + r.runs, 0);
    const [serverCpu, genCpu] = [sum('serverCpuSec'), sum('loadGenCpuSec')];
    const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
    const joined = (k: string) => g.map((r) => String(r.extra?.[k] ?? '')).join(' | ');
    const first = g[0]!;
    return {
      ...first,
      medianMs: Math.max(...g.map((r) => r.medianMs)),
      minMs: Math.min(...g.map((r) => r.minMs)),
      maxMs: Math.max(...g.map((r) => r.maxMs)),
      runs,
      ratio: Math.max(...g.map((r) => r.ratio)),
      extra: {
        ...first.extra,
        rounds: g.length,
        reqPerSec: Math.round(sum('reqPerSec') / g.length),
        p50Ms: max('p50Ms'),
        p99Ms: max('p99Ms'),
        serverCpuSec: round(serverCpu, 2),
        loadGenCpuSec: round(genCpu, 2),
        loadGenCpuShare: round(genCpu / (genCpu + serverCpu), 2),
        loadGenCpuMsPerReq: round((genCpu / runs) * 1e3, 4),
        serverCpuMsPerReq: round((serverCpu / runs) * 1e3, 4),
        scavenges: joined('scavenges'),
        markCompacts: joined('markCompacts'),
        loopDelayP99Ms: max('loopDelayP99Ms'),
        loopDelayMaxMs: max('loopDelayMaxMs'),
        loopLateP99Ms: max('loopLateP99Ms'),
        ...(first.extra?.mainWaitMs !== undefined ? { mainWaitMs: round(sum('mainWaitMs'), 1), helperCpuMs: Math.round(sum('helperCpuMs')), mainInvoluntarySwitches: sum('mainInvoluntarySwitches') } : {}),
        warmUpS: round(sum('warmUpS'), 1),
        load1: joined('load1'),
      },
    };
  });
}
