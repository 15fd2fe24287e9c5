/** Rendering of evaluations for a terminal. */
import type { Evaluation, SideMetrics } from '../../evaluation/evaluate.js';

const n3 = (x: number) => (Number.isNaN(x) ? '  n/a' : x.toFixed(3));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function evaluationTable(ev: Evaluation, outcomes: number): string {
  const rows: [string, (s: SideMetrics) => string][] = [
    [`NDCG@${ev.k}`, (s) => n3(s.ndcg)],
    [`MAP@${ev.k}`, (s) => n3(s.map)],
    [`recall@${ev.k}`, (s) => n3(s.recall)],
    ['MRR', (s) => n3(s.mrr)],
    ['queries', (s) => String(s.queries)],
  ];
  const lines = [`talentmatch evaluate (k=${ev.k}, ${outcomes} outcomes; signed and financed are relevant)`, '', `  ${''.padEnd(12)}${'talent side'.padEnd(16)}platform side`];
  for (const [name, f] of rows) lines.push(`  ${name.padEnd(12)}${f(ev.talent).padEnd(16)}${f(ev.platform)}`);
  lines.push('');
  lines.push(`  coverage      platforms ${pct(ev.coverage.platforms)}, industries ${pct(ev.coverage.industries)} (appear in some talent's top-${ev.k})`);
  lines.push(`  exposure      Gini ${ev.exposureGini.toFixed(3)} (0 = every platform recommended equally often)`);
  if (ev.assignment) {
    const a = ev.assignment;
    lines.push(`  assignment    stable: slot fill ${pct(a.slotFill)}, seat fill ${pct(a.seatFill)}, blocking pairs ${a.blockingPairs}, unassigned ${a.unassigned}`);
  }
  return lines.join('\n') + '\n';
}
