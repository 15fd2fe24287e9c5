/**
 * bench/api.bench.ts mergeRounds: the two rounds a case gets per server (mirrored order) become
 * one row — sums for requests and CPU, per-request figures from the sums, the mean req/s, the
 * worst round's latencies; a case with one round is left as it is.
 */
import { describe, expect, it } from 'vitest';
import { mergeRounds } from '../../bench/api.bench.js';
import type { CaseResult } from '../../bench/harness.js';

const row = (scenario: string, runs: number, e: Record<string, number | string>): CaseResult => ({ scenario, size: '2k x 1k, 10 conns', medianMs: Number(e.p50Ms), minMs: 0, maxMs: Number(e.p99Ms) * 3, runs, ratio: Number(e.p50Ms) / 10, extra: e });

describe('mergeRounds', () => {
  it('sums, recomputes per request, keeps the worst latency, and leaves single rounds alone', () => {
    const a1 = row('API: GET', 40_000, { reqPerSec: 5000, p50Ms: 1, p99Ms: 2, serverCpuSec: 4, loadGenCpuSec: 2, scavenges: '10, 5 ms, longest 1 ms', load1: '1.0 -> 1.1', loopLateP99Ms: 0.5 });
    const b = row('API (auth + quotas): GET', 30_000, { reqPerSec: 3750, p50Ms: 1, p99Ms: 3, serverCpuSec: 4, loadGenCpuSec: 1, scavenges: 'x', load1: 'y' });
    const a2 = row('API: GET', 24_000, { reqPerSec: 3000, p50Ms: 2, p99Ms: 5, serverCpuSec: 4, loadGenCpuSec: 2, scavenges: '12, 6 ms, longest 2 ms', load1: '1.2 -> 1.3', loopLateP99Ms: 0.25 });
    const floor = row('API: floor', 80_000, { reqPerSec: 10_000, p50Ms: 0, p99Ms: 1, serverCpuSec: 3, loadGenCpuSec: 3 });
    const m = mergeRounds([floor, a1, b, a2]);
    expect(m.map((r) => r.scenario)).toEqual(['API: floor', 'API: GET', 'API (auth + quotas): GET']);
    expect(m[0]).toBe(floor);
    expect(m[2]).toBe(b);
    const g = m[1]!;
    expect(g.runs).toBe(64_000);
    expect(g.medianMs).toBe(2);
    expect(g.maxMs).toBe(15);
    expect(g.extra).toMatchObject({ rounds: 2, reqPerSec: 4000, p50Ms: 2, p99Ms: 5, serverCpuSec: 8, loadGenCpuSec: 4, loadGenCpuShare: 0.33, serverCpuMsPerReq: 0.125, loadGenCpuMsPerReq: 0.0625, loopLateP99Ms: 0.5 });
    expect(g.extra!.scavenges).toBe('10, 5 ms, longest 1 ms | 12, 6 ms, longest 2 ms');
    expect(g.extra!.load1).toBe('1.0 -> 1.1 | 1.2 -> 1.3');
  });
});
