/** The readable summary printed by `talentmatch run`. */
import type { Engine, Recommendations } from '../../engine/engine.js';
import type { RecommendationRecord } from '../../engine/format.js';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const fmt = (x: number) => x.toFixed(3);

export function summarize(
  engine: Engine,
  rec: Recommendations,
  records: readonly RecommendationRecord[],
  extra: { files: Record<string, string>; timings: Record<string, number> },
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
  const c = engine.cacheStats();
  lines.push(`  time       load ${extra.timings.load.toFixed(0)} ms, model ${extra.timings.model.toFixed(0)} ms, rank ${extra.timings.rank.toFixed(0)} ms, write ${extra.timings.write.toFixed(0)} ms (token cache ${c.hits} hits / ${c.misses} misses)`);
  for (const [k, v] of Object.entries(extra.files)) lines.push(`  wrote      ${k}: ${v}`);
  return lines.join('\n') + '\n';
}
