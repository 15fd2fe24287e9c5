/**
 * What the CLI prints for a person: the run summary, assignment lines, the evaluation
 * table, and the tune / batch / diff / queue reports. Pure: values in, text out.
 */
import type { PlantedRecall } from '../../evaluation/planted.js';
import type { Engine, Recommendations } from '../../engine/engine.js';
import type { RecommendationRecord } from '../../engine/format.js';
import type { Evaluation, SideMetrics } from '../../evaluation/evaluate.js';
import type { TuneResult } from '../../evaluation/tune.js';
import type { Assignment } from '../../matching/assign.js';
import type { Referrals } from '../../referrals/referrals.js';
import type { BatchSummary } from '../batch/run.js';
import type { Move } from '../batch/readers.js';
import type { QueueStatus } from '../queue/queue.js';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const fmt = (x: number) => x.toFixed(3);
const n3 = (x: number) => (Number.isNaN(x) ? '  n/a' : x.toFixed(3));

export function summarize(
  engine: Engine,
  rec: Recommendations,
  records: readonly RecommendationRecord[],
  extra: { files: Record<string, string>; timings: Record<string, number>; assignment?: Assignment; referrals?: Referrals },
): string {
  const T = engine.model.talents;
  const P = engine.model.platforms;
  const talentLines = records.filter((r) => r.side === 'talent');
  const platformLines = records.filter((r) => r.side === 'platform');
  const withList = talentLines.filter((r) => r.items.length > 0).length;
  const covered = new Set<string>();
  for (const r of talentLines) for (const it of r.items) covered.add(it.id);
  let full = 0;
  for (let p = 0; p < P.count; p++) if (P.freeSlots[p] <= 0) full++;
  const lines: string[] = [];
  lines.push('talentmatch run');
  lines.push(`  input      ${T.count} talent projects, ${P.count} platforms, ${engine.industry.dims} industries, vocabulary ${engine.text.vocab.size} terms`);
  lines.push(`  pairs      ${rec.pairs} acceptable of ${T.count * P.count} (exclusions, capacity, minimum score)`);
  lines.push(`  talents    ${withList} with at least one recommendation (${pct(withList / Math.max(1, T.count))})`);
  lines.push(`  platforms  ${covered.size} appear in some talent's top-${rec.talent.k}; ${full} have no free slot and are never recommended`);
  const best = [...talentLines]
    .filter((r) => r.items.length > 0)
    .sort((a, b) => b.items[0].score - a.items[0].score || (a.id < b.id ? -1 : 1))
    .slice(0, 5);
  lines.push('  strongest matches (talent -> platform: score = talent view / platform view)');
  const tName = new Map(engine.data.talents.map((t) => [t.id, t.name]));
  const pName = new Map(engine.data.platforms.map((p) => [p.id, p.name]));
  for (const r of best) {
    const it = r.items[0];
    const why = Object.entries(it.why)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join(', ');
    lines.push(`    ${tName.get(r.id)} -> ${pName.get(it.id)}: ${fmt(it.score)} = ${fmt(it.forward)} / ${fmt(it.backward)}  (top terms: ${why})`);
  }
  const busiest = [...platformLines].sort((a, b) => (b.items[0]?.score ?? 0) - (a.items[0]?.score ?? 0) || (a.id < b.id ? -1 : 1)).slice(0, 3);
  lines.push('  platforms with the strongest candidates');
  for (const r of busiest) {
    lines.push(`    ${pName.get(r.id)}: ${r.items.slice(0, 3).map((i) => `${tName.get(i.id)} (${fmt(i.score)})`).join(', ')}`);
  }
  if (extra.assignment) lines.push(summarizeAssignment(engine, extra.assignment).trimEnd());
  if (extra.referrals) {
    const r = extra.referrals;
    const cases = r.toGovernment.flat();
    const hosted = cases.filter((i) => i.hosted).length;
    const yuan = cases.reduce((m, i) => m + i.supportYuan, 0);
    const intro = r.toPlatform.reduce((n, l) => n + l.introduced.length, 0);
    const receiving = r.toPlatform.filter((l) => l.introduced.length > 0).length;
    const reserve = r.toPlatform.reduce((n, l) => n + l.reserve.length, 0);
    const withReserve = r.toPlatform.filter((l) => l.reserve.length > 0).length;
    lines.push(`  referrals  platform-to-government: ${cases.length} projects (${hosted} hosted, ${cases.length - hosted} introduced), suggested support ${(yuan / 1e6).toFixed(2)} M yuan in total`);
    if (r.budget) {
      const b = r.budget;
      lines.push(`             support budget ${(b.budgetYuan / 1e6).toFixed(2)} M yuan: ${b.funded} funded (${(b.allocatedYuan / 1e6).toFixed(2)} M), ${b.notFunded} not funded, ${b.method}${b.method === 'greedy' ? ` (gap ${(100 * b.gap).toFixed(2)}% to the LP bound)` : ''}`);
    }
    lines.push(`             government-to-platform: ${intro} projects introduced to ${receiving} platforms; reserves of ${reserve} projects at ${withReserve} platforms`);
  }
  const c = engine.cacheStats();
  const times = Object.entries(extra.timings).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(', ');
  lines.push(`  time       ${times} (token cache ${c.hits} hits / ${c.misses} misses)`);
  for (const [k, v] of Object.entries(extra.files)) lines.push(`  wrote      ${k}: ${v}`);
  return lines.join('\n') + '\n';
}

/** A few lines on an assignment: mode, counts, total, blocking pairs, the commonest reasons. */
export function summarizeAssignment(engine: Engine, a: Assignment): string {
  let assigned = 0;
  for (let t = 0; t < a.pairs.talents; t++) if (a.matching.pairOf[t] >= 0) assigned++;
  let hosted = 0;
  for (let t = 0; t < engine.hostOf.length; t++) if (engine.hostOf[t] >= 0) hosted++;
  const codes = new Map<string, number>();
  for (const u of a.unassigned) codes.set(u.code, (codes.get(u.code) ?? 0) + 1);
  const lines = [
    `  assignment ${a.mode}${a.mode === 'stable' ? ` (${a.proposer}-proposing)` : ` (${a.optimal?.method}, gap ${(100 * (a.optimal?.gap ?? 0)).toFixed(2)}% to ${a.optimal?.boundKind}${a.solveMs !== undefined ? `, solved in ${Math.round(a.solveMs)} ms` : ''})`}: ${assigned} assigned, total score ${a.totalScore.toFixed(2)}, blocking pairs ${a.blockingPairs}`,
    `             unassigned ${a.unassigned.length}${hosted > 0 ? ` (${hosted} hosted projects stay with their hosts)` : ''}: ${[...codes.entries()].sort((x, y) => y[1] - x[1]).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}`,
  ];
  if (a.optimal?.floors) lines.push(`             assignment floors (placed / required): ${a.optimal.floors.map((f) => `${f.industry} ${f.placed}/${f.min}`).join(', ')}`);
  if (a.mode === 'stable' && engine.data.policy.assignmentFloors && Object.values(engine.data.policy.assignmentFloors).some((n) => n > 0)) {
    lines.push('             policy.assignmentFloors apply in optimal mode only (--mode optimal); this stable assignment ignores them');
  }
  return lines.join('\n') + '\n';
}

/** `talentmatch evaluate`: both sides' metrics side by side, then coverage, exposure and assignment health. */
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

/** `talentmatch evaluate --truth`: recall@k of the planted fits per language group, both sides. */
export function plantedTable(r: PlantedRecall, truthFile: string): string {
  const lines = [`talentmatch evaluate --truth ${truthFile} (recall@${r.k} of planted fits = hits / min(k, fits), averaged per group)`, ''];
  lines.push(`  ${'side'.padEnd(10)}${'language'.padEnd(16)}${'recall@' + r.k}`.padEnd(38) + 'queries');
  for (const [name, s] of [['talents', r.talent], ['platforms', r.platform]] as const) {
    for (const g of s.groups) lines.push(`  ${name.padEnd(10)}${g.language.padEnd(16)}${n3(g.recall).padEnd(10)}${g.queries}`);
    lines.push(`  ${name.padEnd(10)}${'all'.padEnd(16)}${n3(s.recall).padEnd(10)}${s.queries}`);
  }
  lines.push('');
  lines.push(`  gap between groups: talents ${r.talent.gap.toFixed(3)}, platforms ${r.platform.gap.toFixed(3)}, all groups ${r.gap.toFixed(3)}`);
  return lines.join('\n') + '\n';
}

/** `talentmatch tune`: the objective before and after, held out and on all outcomes. */
export function tuneReport(r: TuneResult, out: string): string {
  const gain = r.tuned.cv - r.baseline.cv;
  return (
    `tune: objective ${r.options.objective} (k=${r.options.k}, ${r.options.folds}-fold CV, seed ${r.options.seed}, ${r.evaluations} evaluations, method ${r.options.method === 'auto' ? `auto -> ${r.method}` : r.method})\n` +
    (r.compared ? `  held-out by method: random ${r.compared.random.toFixed(4)}, learn ${r.compared.learn.toFixed(4)}\n` : '') +
    `  held-out objective: baseline ${r.baseline.cv.toFixed(4)} -> tuned ${r.tuned.cv.toFixed(4)} (${gain >= 0 ? '+' : ''}${gain.toFixed(4)})\n` +
    `  all outcomes:       baseline ${r.baseline.all.toFixed(4)} -> tuned ${r.tuned.all.toFixed(4)}\n` +
    `  wrote ${out}\n`
  );
}

/** `talentmatch batch`: the run's input, reuse, scoring, assignment and pruning lines (the caller appends export / report lines). */
export function batchReportLines(summary: BatchSummary, db: string): string[] {
  const lines = [
    `talentmatch batch: run ${summary.runId}${summary.resumed ? ' (resumed)' : ''} complete in ${db}`,
    `  input      ${summary.talents} talents x ${summary.platforms} platforms, ${summary.chunks} chunks (${summary.chunksScored} scored, ${summary.chunksReused} reused from the last snapshot, ${summary.chunksResumed} already done before a restart)`,
    `  reuse      ${summary.talentsReused} of ${summary.talents} talents reused unchanged (${((100 * summary.talentsReused) / Math.max(1, summary.talents)).toFixed(1)}%)${summary.reuseBase !== undefined ? ` from run ${summary.reuseBase}` : ''}${summary.reserveExhausted !== undefined ? ` (scored every talent: the reserve of run ${summary.reserveExhausted} could not answer every platform line)` : ''}`,
    `  scoring    ${summary.scoredPairs} pairs scored (${summary.pairs} acceptable), ${summary.threads} threads, ${summary.seconds.toFixed(2)} s end to end (stream + score ${summary.phases.stream.toFixed(2)} s, merge + assign + publish ${summary.phases.finalize.toFixed(2)} s), ${Math.round(summary.pairsPerSecond)} pairs/s`,
    ...(summary.mainCpu
      ? [
          `  main       ${(summary.mainCpu.stream + summary.mainCpu.finalize).toFixed(2)} s CPU on the main thread (stream ${summary.mainCpu.stream.toFixed(2)} s, ${Math.round((1e6 * summary.mainCpu.stream) / Math.max(summary.talents, 1))} us per talent${summary.mainCpu.scoring ? ', scoring included: one thread' : ''}; merge + assign + publish ${summary.mainCpu.finalize.toFixed(2)} s)`,
        ]
      : []),
    `  assignment ${summary.assigned} assigned, total score ${summary.totalScore.toFixed(2)}, blocking pairs ${summary.blockingPairs}`,
  ];
  if (summary.pruned.length) lines.push(`  pruned     runs ${summary.pruned.join(', ')}`);
  return lines;
}

/** `talentmatch diff`: a count line, then the first `limit` moves, largest first. */
export function diffReport(from: number, to: number, moves: readonly Move[], limit: number): string {
  const lines = [`diff run ${from} -> run ${to}: ${moves.filter((m) => m.side === 'talent').length} talents and ${moves.filter((m) => m.side === 'platform').length} platforms changed`];
  for (const m of moves.slice(0, limit)) {
    const parts: string[] = [];
    if (m.entered.length || m.left.length) parts.push(`top-k +${m.entered.length}/-${m.left.length}${m.entered.length ? ` (in: ${m.entered.slice(0, 3).join(', ')}${m.entered.length > 3 ? ', ...' : ''})` : ''}`);
    if (m.rankShift) parts.push(`rank moves ${m.rankShift}`);
    if (m.assignment) parts.push(`assignment ${m.assignment.from ?? 'none'} -> ${m.assignment.to ?? 'none'}`);
    lines.push(`  ${m.side.padEnd(8)} ${m.id}: ${parts.join('; ')}`);
  }
  return lines.join('\n') + '\n';
}

/** `talentmatch queue status`: one line per run, then its failed chunks. */
export function queueStatusReport(host: string, st: QueueStatus): string {
  const lines = [`queue ${host}: ${st.workers.length} live worker(s), ${st.runs.length} run(s)`];
  for (const w of st.workers) lines.push(`  worker ${w.name} (${w.addr}): connected ${w.ageSeconds} s, idle ${w.idleSeconds} s`);
  for (const r of st.runs) {
    lines.push(`  ${r.key}: waiting ${r.waiting}, active ${r.active}, delayed ${r.delayed}, completed ${r.completed}, failed ${r.failed}`);
    for (const e of r.errors) lines.push(`    failed ${e}`);
  }
  return lines.join('\n') + '\n';
}

/** The simulator's side-by-side table: the baseline, then one row per scenario, then each scenario's moves (first few). */
export function simulationReport(
  diffs: readonly import('../../simulation/diff.js').SimulationDiff[],
  timings: { baselineMs: number; baselineCpuMs: number; scenarioMs: number[]; scenarioCpuMs: number[] },
  moveLimit = 10,
): string {
  const lines: string[] = [];
  const secs = (ms: number) => (ms / 1000).toFixed(2);
  const row = (label: string, s: import('../../simulation/diff.js').SideSummary, ms: number, cpuMs: number, extra: string) =>
    `  ${label.padEnd(28).slice(0, 28)} ${String(s.placed).padStart(6)} ${String(s.unplaced).padStart(8)} ${s.totalScore.toFixed(2).padStart(10)} ${pct(s.coverage.platforms).padStart(8)} ${fmt(s.exposureGini.platforms).padStart(6)} ${pct(s.coverage.talents).padStart(8)} ${fmt(s.exposureGini.talents).padStart(6)} ${String(s.referrals.supportYuan).padStart(11)} ${`${secs(ms)}/${secs(cpuMs)}`.padStart(11)}  ${extra}`;
  lines.push('talentmatch simulate');
  lines.push(`  ${'side'.padEnd(28)} ${'placed'.padStart(6)} ${'unplaced'.padStart(8)} ${'total'.padStart(10)} ${'p-cover'.padStart(8)} ${'p-gini'.padStart(6)} ${'t-cover'.padStart(8)} ${'t-gini'.padStart(6)} ${'support ¥'.padStart(11)} ${'wall/cpu s'.padStart(11)}  cost`);
  if (diffs.length > 0) lines.push(row('baseline', diffs[0].baseline, timings.baselineMs, timings.baselineCpuMs, 'load, vectorize, score every pair, assign, refer'));
  diffs.forEach((d, i) => {
    const c = d.cost;
    const cost = `${c.vectorized} texts vectorized, ${c.pairs} of ${c.totalPairs} pairs rescored${c.reusedText ? '' : ' (vocabulary refitted)'}`;
    lines.push(row(d.scenario, d.result, timings.scenarioMs[i], timings.scenarioCpuMs[i], cost));
  });
  for (const d of diffs) {
    const p2g = d.referrals['platform-to-government'];
    const g2p = d.referrals['government-to-platform'];
    lines.push('');
    lines.push(`scenario ${JSON.stringify(d.scenario)}: placed ${d.delta.placed >= 0 ? '+' : ''}${d.delta.placed}, total score ${d.delta.totalScore >= 0 ? '+' : ''}${d.delta.totalScore.toFixed(3)}, ${d.moves.length} talents move; referrals to government +${p2g.added.length} / -${p2g.removed.length}, introductions +${g2p.added.length} / -${g2p.removed.length}`);
    const changed = d.industries.filter((r) => r.baseline.placed !== r.scenario.placed || r.baseline.unplaced !== r.scenario.unplaced);
    for (const r of changed) lines.push(`  industry ${r.id.padEnd(22)} placed ${r.baseline.placed} -> ${r.scenario.placed}, unplaced ${r.baseline.unplaced} -> ${r.scenario.unplaced}`);
    for (const p of d.platforms.filter((x) => x.delta !== 0)) lines.push(`  platform ${p.id.padEnd(30)} assigned ${p.baseline?.assigned ?? '-'} -> ${p.scenario?.assigned ?? '-'}`);
    const place = (x: { platformId: string; score: number } | null) => (x ? `${x.platformId} (${fmt(x.score)})` : 'unplaced');
    for (const m of d.moves.slice(0, moveLimit)) lines.push(`  ${m.kind.padEnd(8)} ${m.talentId}: ${place(m.from)} -> ${place(m.to)}`);
    if (d.moves.length > moveLimit) lines.push(`  ... and ${d.moves.length - moveLimit} more moves (--out DIR writes them all to diff.json)`);
  }
  return lines.join('\n') + '\n';
}

/** `evaluate --industry-share / --exposure-floor`: each list control's cost and gain beside the plain top-k. */
export function controlsTable(rows: readonly import('../../evaluation/controls.js').ControlOutcome[], k: number): string {
  const lines = ['', `  list controls (top-${k}; cost: NDCG and score given up; gain: exposure Gini, coverage, industry balance)`];
  lines.push(`  ${'control'.padEnd(26)}${'talent NDCG'.padStart(12)}${'platform NDCG'.padStart(14)}${'exposure Gini'.padStart(14)}${'coverage'.padStart(10)}${'top-industry share'.padStart(20)}${'score loss'.padStart(12)}`);
  for (const r of rows) {
    lines.push(
      `  ${r.control.padEnd(26)}${n3(r.talentNdcg).padStart(12)}${n3(r.platformNdcg).padStart(14)}${fmt(r.exposureGini).padStart(14)}${pct(r.platformCoverage).padStart(10)}${fmt(r.industryBalance).padStart(20)}${r.scoreLoss.toFixed(3).padStart(12)}${r.unmetFloors ? `  (${r.unmetFloors} floors unmet)` : ''}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** One stderr line saying which list controls shaped the talents' lists ('' when the policy sets none). */
export function listControlsNote(policy: import('../../domain/schemas.js').Policy, report: import('../../engine/lists.js').ListControlReport, platformIds: readonly string[]): string {
  const l = policy.lists;
  if (!l) return '';
  const parts: string[] = [];
  if (l.industryShare !== undefined) parts.push(`industry share <= ${l.industryShare}`);
  if (l.diversity !== undefined) parts.push(`diversity ${l.diversity}`);
  const f = report.exposureFloor;
  if (f) {
    const unmet = f.unmet.length === 0 ? 'every floor met' : `unmet: ${f.unmet.map((u) => `${platformIds[u.platform]} (${u.missing} short)`).join(', ')}`;
    parts.push(`exposure floor ${f.floor} on ${f.platformsWithFloor} platforms, score loss ${f.loss.toFixed(3)}, ${unmet}`);
  }
  return parts.length === 0 ? '' : `list controls (policy.lists): ${parts.join('; ')}\n`;
}
