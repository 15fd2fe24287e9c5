/**
 * The child side of the `api` benchmark's protocol, shared by its two server processes
 * (api-server.ts, api-floor-server.ts): listens on a random loopback port, sends its address
 * to the parent, answers "cpu" with its own CPU time (microseconds), "gc" with the garbage
 * collections and event-loop delays since the last "gc" (count and pause time by kind, the
 * longest pause, the loop delay's p99 and max, at 10 ms resolution) and "stop" by closing.
 */
import type { FastifyInstance } from 'fastify';
import { PerformanceObserver, constants, monitorEventLoopDelay } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak',
};

export async function serveBenchChild(app: FastifyInstance): Promise<void> {
  const gc: Record<string, { n: number; ms: number; maxMs: number }> = {};
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = KINDS[((e as unknown as { detail: { kind: number } }).detail).kind] ?? 'other';
      const g = (gc[kind] ??= { n: 0, ms: 0, maxMs: 0 });
      g.n++;
      g.ms += e.duration;
      g.maxMs = Math.max(g.maxMs, e.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  process.on('message', (m) => {
    if (m === 'cpu') {
      const u = process.cpuUsage();
      process.send?.({ cpu: u.user + u.system });
    } else if (m === 'gc') {
      const r = (x: number) => Math.round(x * 100) / 100;
      const out = Object.fromEntries(Object.entries(gc).map(([k, g]) => [k, { n: g.n, ms: r(g.ms), maxMs: r(g.maxMs) }]));
      // the histogram records the whole interval between two 10 ms ticks (an idle loop reads 10.1 ms): "late" is that less the resolution
      const sched = schedSince();
      if (process.env.TM_TAIL_MARK === '1') process.stdout.write(`# bench: round mark ${Date.now()}\n`); // splits --trace-opt/--trace-deopt output by round
      process.send?.({ gc: out, loopP99Ms: r(loop.percentile(99) / 1e6), loopMaxMs: r(loop.max / 1e6), loopLateP99Ms: r(loop.percentile(99) / 1e6 - 10), heapMB: r(process.memoryUsage().heapUsed / 2 ** 20), ...sched });
      for (const k of Object.keys(gc)) delete gc[k];
      loop.reset();
    } else if (m === 'heap-start' || m === 'heap-stop') {
      void heapSampling(m === 'heap-start').then(() => process.send?.({ heap: true }));
    } else if (m === 'prof-start' || m === 'prof-stop') {
      void cpuProfile(m === 'prof-start').then(() => process.send?.({ prof: true }));
    } else if (m === 'stop') void app.close().then(() => process.exit(0));
  });
  process.send?.({ base });
}

/** "prof-start" / "prof-stop" (bench/api-tail.ts TM_PROF=1): a CPU profile of the server's main thread (100 us sampling) to $TM_PROF_OUT */
let profSession: Session | undefined;
async function cpuProfile(start: boolean): Promise<void> {
  if (start) {
    profSession = new Session();
    profSession.connect();
    await profSession.post('Profiler.enable');
    await profSession.post('Profiler.setSamplingInterval', { interval: 100 });
    await profSession.post('Profiler.start');
    return;
  }
  const r = await profSession!.post('Profiler.stop');
  writeFileSync(process.env.TM_PROF_OUT ?? 'server.cpuprofile', JSON.stringify((r as { profile: unknown }).profile));
  profSession!.disconnect();
}

/** "heap-start" / "heap-stop" (bench/api-tail.ts TM_HEAP=1): a sampling heap profile of every allocation, collected or not, to $TM_HEAP_OUT */
let session: Session | undefined;
async function heapSampling(start: boolean): Promise<void> {
  if (start) {
    session = new Session();
    session.connect();
    // TM_HEAP_SURVIVORS=1: leave out what a scavenge collected, so the profile holds what survived one (medium- and long-lived objects)
    const minor = process.env.TM_HEAP_SURVIVORS !== '1';
    await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: minor } as never);
    return;
  }
  // with TM_HEAP_SURVIVORS=1 (and the server run with --expose-gc): a scavenge first, so what died young since the last one is left out too
  if (process.env.TM_HEAP_SURVIVORS === '1') (globalThis as { gc?: (o: object) => void }).gc?.({ type: 'minor', execution: 'sync' });
  const r = await session!.post('HeapProfiler.stopSampling');
  writeFileSync(process.env.TM_HEAP_OUT ?? 'server.heapprofile', JSON.stringify((r as { profile: unknown }).profile));
}

/**
 * What the scheduler did to this process since the last call (Linux /proc): per thread name,
 * CPU time and time spent runnable but waiting for a CPU (schedstat's run_delay: another
 * thread or process held the core: time the main thread was stalled without running), the main
 * thread's involuntary switches, and the hypervisor's stolen time on CPU 0 (/proc/stat). {} elsewhere.
 */
let lastSched: Map<string, [number, number, number]> | undefined;
let lastSteal = 0;
function schedSince(): Record<string, unknown> {
  try {
    const now = new Map<string, [number, number, number]>();
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const name = tid === String(process.pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[0-9]+$/, '#');
        const [run, wait] = readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ').map(Number) as [number, number];
        const invol = tid === String(process.pid) ? Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/self/task/${tid}/status`, 'utf8'))?.[1] ?? 0) : 0;
        const o = now.get(name) ?? [0, 0, 0];
        now.set(name, [o[0] + run, o[1] + wait, o[2] + invol]);
      } catch {
        // the thread ended meanwhile
      }
    }
    const cpu0 = /^cpu0 (.*)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]?.split(' ').map(Number) ?? [];
    const steal = cpu0[7] ?? 0;
    const prev = lastSched;
    const stealMs = (steal - lastSteal) * 10;
    lastSched = now;
    lastSteal = steal;
    if (prev === undefined) return {};
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    const threads: Record<string, { cpuMs: number; waitMs: number }> = {};
    for (const [name, [run, wait]] of now) {
      const p = prev.get(name) ?? [0, 0, 0];
      if (run - p[0] > 1e6 || wait - p[1] > 1e6) threads[name] = { cpuMs: ms(run - p[0]), waitMs: ms(wait - p[1]) };
    }
    const m = now.get('main')!;
    return { threads, mainInvoluntary: m[2] - (prev.get('main')?.[2] ?? 0), cpu0StealMs: stealMs };
  } catch {
    return {};
  }
}

/** What "gc" answers (the parent's view). */
export interface ChildStats {
  gc: Record<string, { n: number; ms: number; maxMs: number }>;
  loopP99Ms: number;
  loopMaxMs: number;
  /** the loop's p99 lateness: loopP99Ms less the 10 ms resolution the histogram includes */
  loopLateP99Ms: number;
  heapMB: number;
  /** Linux only: per thread name, CPU and run-queue wait (ms) */
  threads?: Record<string, { cpuMs: number; waitMs: number }>;
  mainInvoluntary?: number;
  cpu0StealMs?: number;
}

/** CPU of the server's threads other than the main one (V8's compiler and GC helpers) in a "gc" answer, ms. */
export const helperCpuMs = (s: ChildStats): number => Object.entries(s.threads ?? {}).reduce((a, [name, t]) => a + (name === 'main' ? 0 : t.cpuMs), 0);

/**
 * Warms a server up until V8 has finished optimizing what the load runs: `load(seconds)` for
 * 2 s, then 1 s at a time while the server's helper threads (TurboFan's concurrent compiles,
 * mostly) took more than 2% of that second, at most `maxS` seconds in all. Pinned to one core
 * (taskset -a), those threads run on the server's own core: a round measured while they still
 * compile has its main thread waiting for them (docs/PERFORMANCE.md, API eighth pass: round 1
 * of a cached read after a 2 s warm-up had ~480 ms of helper CPU in 8 s, later rounds ~30 ms).
 * Returns the seconds spent. Without per-thread figures (not Linux): the 2 s only.
 */
export async function warmUntilCompiled(load: (seconds: number) => Promise<unknown>, stats: () => Promise<ChildStats>, maxS = 12): Promise<number> {
  await stats();
  await load(2);
  let spent = 2;
  let s = await stats();
  if (s.threads === undefined) return spent;
  while (spent < maxS) {
    await load(1);
    spent++;
    s = await stats();
    if (helperCpuMs(s) < 20) break;
  }
  return spent;
}
