/**
 * Benchmark harness over benchmark.js: every scenario is timed beside a calibration
 * workload in the same process, so results carry both the median and its ratio to the
 * machine's speed at that moment. Medians, min, max and sample counts are recorded with
 * the machine (CPU model, cores, Node version).
 */
import Benchmark from 'benchmark';
import { cpus, hostname, totalmem } from 'node:os';
import { alignColumns } from './compare.js';

export interface CaseResult {
  scenario: string;
  size: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
  /** median / calibration median (machine-independent-ish) */
  ratio: number;
  extra?: Record<string, number | string>;
}

export function machine() {
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, host: hostname() };
}

/**
 * A fixed workload, the yardstick for ratios, shaped like the engine's hot paths: a
 * multiply-add over two cache-resident typed arrays (compute) and a gather-scatter over a
 * 8 MiB table (memory traffic, as the inverted index and the heaps make). It allocates
 * nothing after its first call, so garbage collection and heap size do not move it.
 */
let calA: Float32Array | undefined;
let calB: Float32Array | undefined;
let calBig: Float64Array | undefined;
let calIdx: Int32Array | undefined;
export function calibrationWorkload(): number {
  const n = 1 << 16;
  const big = 1 << 20;
  if (!calA || !calB || !calBig || !calIdx) {
    calA = new Float32Array(n);
    calB = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      calA[i] = (i % 97) / 97;
      calB[i] = (i % 89) / 89;
    }
    calBig = new Float64Array(big);
    calIdx = new Int32Array(big);
    // a fixed pseudo-random permutation-ish index (LCG), no global randomness
    let x = 12345;
    for (let i = 0; i < big; i++) {
      x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
      calIdx[i] = x & (big - 1);
    }
  }
  const a = calA;
  const b = calB;
  let s = 0;
  for (let pass = 0; pass < 256; pass++) for (let i = 0; i < n; i++) s += a[i] * b[(i + pass) & (n - 1)];
  const t = calBig;
  const ix = calIdx;
  for (let i = 0; i < big; i++) t[ix[i]] += a[i & (n - 1)];
  return s + t[pass0(ix)];
}
const pass0 = (ix: Int32Array) => ix[0];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Times fn with benchmark.js (sync fn), at least minSamples samples; returns ms statistics. */
export function measure(name: string, fn: () => unknown, opts: { minSamples?: number; maxTime?: number } = {}): { medianMs: number; minMs: number; maxMs: number; runs: number } {
  let sink: unknown;
  const bench = new Benchmark(name, () => {
    sink = fn();
  }, { minSamples: opts.minSamples ?? 5, maxTime: opts.maxTime ?? 5, initCount: 1, minTime: 0 });
  bench.run({ async: false });
  if (bench.error) throw bench.error;
  if (sink === undefined) throw new Error(`${name}: result not consumed`);
  const sample = bench.stats.sample.map((s) => s * 1000);
  return { medianMs: median(sample), minMs: Math.min(...sample), maxMs: Math.max(...sample), runs: sample.length };
}

/**
 * Like measure, but each sample is the CPU time (user + system, `process.cpuUsage`) the call
 * took, not its wall time: benchmark.js still drives the sampling (warm-up, sample count,
 * time budget), and the wrapper records every call's CPU time. Time spent descheduled while
 * a neighbour holds the core is not counted, so on a shared machine the figure moves far
 * less than wall time (measured here at load ~6: wall min 150-258 ms between five processes,
 * CPU min 109-122 ms). Run with --single-threaded-gc so garbage collection is counted on this
 * thread rather than lost to (or added by) helper threads.
 */
export function measureCpu(name: string, fn: () => unknown, opts: { minSamples?: number; maxTime?: number } = {}): { medianMs: number; minMs: number; maxMs: number; runs: number } {
  const cpu: number[] = [];
  const timed = () => {
    const u0 = process.cpuUsage();
    const r = fn();
    const u = process.cpuUsage(u0);
    cpu.push((u.user + u.system) / 1000);
    return r;
  };
  const wall = measure(name, timed, opts);
  // benchmark.js also calls fn while it sizes a cycle; keep the last `runs` calls (the samples)
  const sample = cpu.slice(-Math.max(1, wall.runs));
  return { medianMs: median(sample), minMs: Math.min(...sample), maxMs: Math.max(...sample), runs: sample.length };
}

/** Timed async runs (benchmark.js' deferred mode is unreliable for multi-second jobs): manual samples, same statistics. */
export async function measureAsync(fn: () => Promise<unknown>, runs = 3): Promise<{ medianMs: number; minMs: number; maxMs: number; runs: number }> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await fn();
    xs.push(performance.now() - t0);
    if (r === undefined) throw new Error('result not consumed');
  }
  return { medianMs: median(xs), minMs: Math.min(...xs), maxMs: Math.max(...xs), runs: xs.length };
}

export function calibrate(): number {
  return measure('calibration', calibrationWorkload, { minSamples: 5, maxTime: 2 }).medianMs;
}

export function printTable(rows: CaseResult[]): void {
  const head = ['scenario', 'size', 'median ms', 'min', 'max', 'runs', 'x calib'];
  const body = rows.map((r) => [r.scenario, r.size, r.medianMs.toFixed(1), r.minMs.toFixed(1), r.maxMs.toFixed(1), String(r.runs), r.ratio.toFixed(2)]);
  console.log(alignColumns(head, body));
}
