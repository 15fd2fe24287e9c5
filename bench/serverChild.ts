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
import { writeFileSync } from 'node:fs';

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
      process.send?.({ gc: out, loopP99Ms: r(loop.percentile(99) / 1e6), loopMaxMs: r(loop.max / 1e6), heapMB: r(process.memoryUsage().heapUsed / 2 ** 20) });
      for (const k of Object.keys(gc)) delete gc[k];
      loop.reset();
    } else if (m === 'heap-start' || m === 'heap-stop') {
      void heapSampling(m === 'heap-start').then(() => process.send?.({ heap: true }));
    } else if (m === 'stop') void app.close().then(() => process.exit(0));
  });
  process.send?.({ base });
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
