/**
 * The issue's targets for this machine class (2 cores), as benchmark goals: each result row
 * gets its target, if it has one, and whether the run met it.
 */
import type { CaseResult } from './harness.js';

interface Target {
  scenario: string;
  size: string;
  text: string;
  met: (r: CaseResult) => boolean;
}

export const TARGETS: Target[] = [
  { scenario: 'vectorize + score + two-way top-10 (2 threads)', size: '100k x 1k', text: '<= 3 s end to end', met: (r) => r.medianMs <= 3000 },
  { scenario: 'stable assignment, talent-proposing', size: '100k x 1k, top-50', text: '<= 1 s', met: (r) => r.medianMs <= 1000 },
  { scenario: 'stable assignment, platform-proposing', size: '100k x 1k, top-50', text: '<= 1 s', met: (r) => r.medianMs <= 1000 },
  { scenario: 'optimal assignment, exact (min-cost flow)', size: '5k x 500, 10 slots each', text: 'exact, <= 0.5 s', met: (r) => r.medianMs <= 500 },
  { scenario: 'optimal assignment, exact (min-cost flow)', size: '20k x 2k, 10 slots each, top-100 lists', text: 'exact, <= 10 s', met: (r) => r.medianMs <= 10_000 },
  { scenario: 'optimal assignment, seats binding (Lagrangian, gap <= 1%)', size: '20k x 500, 40 slots, 100 seats, needs 1-5, top-50 lists', text: 'gap <= 1%, <= 10 s', met: (r) => r.medianMs <= 10_000 && Number(r.extra?.gapPct ?? Infinity) <= 1 },
  { scenario: 'batch end to end (stream, 2 threads)', size: '1000k x 2k', text: 'peak RSS <= 1.5 GB', met: (r) => Number(r.extra?.peakRssMB ?? Infinity) <= 1536 },
  // issue 21: with a key (auth + quotas on), and within 10% of the same case without one
  {
    scenario: 'API (auth + quotas): GET talent recommendations (snapshot, cached)',
    size: '2k x 1k, 10 conns',
    text: '>= 8k req/s, p99 <= 2 ms, >= 0.9x without a key',
    met: (r) => Number(r.extra?.reqPerSec ?? 0) >= 8000 && Number(r.extra?.p99Ms ?? Infinity) <= 2 && Number(r.extra?.vsNoKey ?? 0) >= 0.9,
  },
  {
    scenario: 'API (auth + quotas): POST inline profile recommendations (live, 1k platforms)',
    size: '2k x 1k, 10 conns',
    text: 'p99 <= 10 ms, >= 0.9x without a key',
    met: (r) => Number(r.extra?.p99Ms ?? Infinity) <= 10 && Number(r.extra?.vsNoKey ?? 0) >= 0.9,
  },
  {
    scenario: 'API (auth + quotas): POST a new profile each request (live, 1k platforms)',
    size: '2k x 1k, 10 conns',
    text: 'p99 <= 10 ms, >= 0.9x without a key',
    met: (r) => Number(r.extra?.p99Ms ?? Infinity) <= 10 && Number(r.extra?.vsNoKey ?? 0) >= 0.9,
  },
];

export function targetOf(r: CaseResult): { text: string; met: boolean } | undefined {
  const t = TARGETS.find((x) => x.scenario === r.scenario && x.size === r.size);
  return t && { text: t.text, met: t.met(r) };
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);

/** The README's performance table: scenario, size, median (and what else the row measured), target, machine. */
export function markdownTable(rows: CaseResult[], machine: string): string {
  const out = ['| scenario | size | median | target | machine |', '|---|---|---|---|---|'];
  for (const r of rows) {
    const t = targetOf(r);
    const extra: string[] = [];
    if (r.extra?.pairsPerSec) extra.push(`${(Number(r.extra.pairsPerSec) / 1e6).toFixed(1)} M pairs/s`);
    if (r.extra?.talentsPerSec) extra.push(`${(Number(r.extra.talentsPerSec) / 1e3).toFixed(1)} k talents/s`);
    if (r.extra?.gapPct !== undefined) extra.push(`gap ${String(r.extra.gapPct)}%`);
    if (r.extra?.peakRssMB) extra.push(`peak RSS ${(Number(r.extra.peakRssMB) / 1024).toFixed(2)} GB`);
    if (r.extra?.speedup) extra.push(`speed-up ${r.extra.speedup}`);
    if (r.extra?.vsLocal) extra.push(`${r.extra.vsLocal}x the local batch`);
    const api = r.extra?.reqPerSec !== undefined;
    if (api) {
      const x = r.extra!;
      extra.push(`p99 ${x.p99Ms} ms, ${Number(x.reqPerSec).toLocaleString('en-US')} req/s`);
      if (x.vsNoKey !== undefined) extra.push(`${x.vsNoKey}x the req/s without a key${x.cpuVsNoKey !== undefined ? ` (${x.cpuVsNoKey}x by server CPU per request)` : ''}`);
      if (x.serverCpuMsPerReq !== undefined) extra.push(`server CPU ${x.serverCpuMsPerReq} ms/request`);
      if (x.loadGenCpuShare !== undefined) extra.push(`load generator ${Math.round(Number(x.loadGenCpuShare) * 100)}% of the CPU used${x.loadGenCpuMsPerReq !== undefined ? ` (${x.loadGenCpuMsPerReq} ms/request)` : ''}`);
      if (x.load1 !== undefined) extra.push(`load ${x.load1}`);
    }
    const runs = r.runs > 1 ? ` (${api ? `latency p50 over ${r.runs.toLocaleString('en-US')} requests` : `${r.runs} runs`})` : '';
    const median = `${fmt(r.medianMs)}${runs}${extra.length ? `, ${extra.join(', ')}` : ''}`;
    out.push(`| ${r.scenario} | ${r.size} | ${median} | ${t ? `${t.text}: ${t.met ? 'met' : '**not met**'}` : '-'} | ${machine} |`);
  }
  return out.join('\n');
}
