/** The readable summary printed by `talentmatch run`. */
import type { Engine, Recommendations } from '../../engine/engine.js';
import type { RecommendationRecord } from '../../engine/format.js';
import type { Assignment } from '../../matching/assign.js';
import type { Referrals } from '../../referrals/referrals.js';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const fmt = (x: number) => x.toFixed(3);

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
    `  assignment ${a.mode}${a.mode === 'stable' ? ` (${a.proposer}-proposing)` : ` (${a.optimal?.method}, gap ${(100 * (a.optimal?.gap ?? 0)).toFixed(2)}% to ${a.optimal?.boundKind})`}: ${assigned} assigned, total score ${a.totalScore.toFixed(2)}, blocking pairs ${a.blockingPairs}`,
    `             unassigned ${a.unassigned.length}${hosted > 0 ? ` (${hosted} hosted projects stay with their hosts)` : ''}: ${[...codes.entries()].sort((x, y) => y[1] - x[1]).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}`,
  ];
  return lines.join('\n') + '\n';
}
