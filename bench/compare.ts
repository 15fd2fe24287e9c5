/** Pure comparison of a bench:check run with the baseline (unit-tested in test/bench). */
export interface Measured {
  name: string;
  size: string;
  medianMs: number;
  calibMs: number;
  /** medianMs / calibMs: the machine-normalised cost */
  ratio: number;
  runs: number;
}

export interface Baseline {
  date: string;
  machine: Record<string, unknown>;
  scenarios: Record<string, Measured>;
}

export interface Verdict {
  name: string;
  status: 'ok' | 'slower' | 'missing';
  baselineRatio: number;
  ratio: number;
  /** ratio / baselineRatio - 1 (0.3 = 30% slower, -0.1 = 10% faster) */
  change: number;
}

export function compareToBaseline(b: Baseline, measured: readonly Measured[], threshold: number): Verdict[] {
  if (!(threshold > 1)) throw new Error(`threshold: expected a number > 1, got ${threshold}`);
  return measured.map((m) => {
    const base = b.scenarios[m.name];
    if (!base) return { name: m.name, status: 'missing', baselineRatio: NaN, ratio: m.ratio, change: NaN };
    const rel = m.ratio / base.ratio;
    return { name: m.name, status: rel >= threshold ? 'slower' : 'ok', baselineRatio: base.ratio, ratio: m.ratio, change: rel - 1 };
  });
}

export function formatCheck(vs: readonly Verdict[], threshold: number): string {
  const rows = vs.map((v) => [v.name, v.baselineRatio.toFixed(3), v.ratio.toFixed(3), Number.isNaN(v.change) ? '-' : `${v.change >= 0 ? '+' : ''}${(v.change * 100).toFixed(1)}%`, v.status === 'ok' ? 'ok' : v.status === 'slower' ? `SLOWER (>= +${((threshold - 1) * 100).toFixed(0)}%)` : 'MISSING']);
  return alignColumns(['scenario', 'baseline x calib', 'now x calib', 'change', 'verdict'], rows);
}

/** A plain-text table: columns padded to their widest cell, two spaces apart. */
export function alignColumns(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(w[i])).join('  ')).join('\n');
}
