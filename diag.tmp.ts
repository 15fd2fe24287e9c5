import { createEngine } from './src/engine/engine.js';
import { generateDistrict } from './src/synth/generate.js';
import { JIANGDONG_POLICY } from './src/synth/taxonomy.js';
const [seed, P, N, tz, pz] = process.argv.slice(2).map(Number);
const d = generateDistrict({ seed, platforms: P, talents: N, planted: true, outcomes: false, languages: { talentZh: tz, platformZh: pz } });
const engine = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: JIANGDONG_POLICY }, { trusted: true });
const rec = engine.recommend({ k: 5, kPlatform: 5 });
const pt = new Map(d.truth!.platforms.map((x) => [x.id, x]));
const tt = new Map(d.truth!.talents.map((x) => [x.id, x]));
const cause = new Map<string, number>();
let shown = 0;
for (let t = 0; t < engine.model.talents.count; t++) {
  const tid = engine.model.talents.ids[t];
  const tr = tt.get(tid)!;
  if (tr.fits.length === 0) continue;
  const fits = new Set(tr.fits);
  const top = Array.from(rec.talent.ids.subarray(t * 5, t * 5 + rec.talent.sizes[t])).map((p) => engine.model.platforms.ids[p]);
  const hits = top.filter((p) => fits.has(p)).length;
  if (hits >= Math.min(5, fits.size)) continue;
  for (const pid of top) {
    if (fits.has(pid)) continue;
    const p = pt.get(pid)!;
    const c = `${p.industry === tr.industry ? 'same-ind' : 'other-ind'} ${p.modes.includes(tr.mode) ? 'has-mode(no room?)' : 'no-mode'} ${p.language === tr.language ? 'same-lang' : 'cross-lang'}`;
    cause.set(c, (cause.get(c) ?? 0) + 1);
  }
  if (shown++ < 3) {
    const tal = d.talents.find((x) => x.id === tid)!;
    console.log(tid, tr.language, tr.industry, tr.mode, 'fits', tr.fits.length, JSON.stringify(tal.industries), tal.description.slice(0, 150));
    for (const pid of top) { const e = engine.explain(tid, pid); console.log('  top', pid, fits.has(pid), JSON.stringify(pt.get(pid)), e.score.toFixed(3), JSON.stringify(Object.fromEntries(Object.entries(e.terms).map(([a, b]) => [a, +b.toFixed(2)])))); }
    const bestMissing = tr.fits.filter((f) => !top.includes(f)).map((f) => ({ f, e: engine.explain(tid, f) })).sort((a, b) => b.e.score - a.e.score)[0];
    console.log('  miss', bestMissing.f, JSON.stringify(pt.get(bestMissing.f)), bestMissing.e.score.toFixed(3), bestMissing.e.acceptable, JSON.stringify(Object.fromEntries(Object.entries(bestMissing.e.terms).map(([a, b]) => [a, +b.toFixed(2)]))));
  }
}
console.log([...cause.entries()].sort((a, b) => b[1] - a[1]));
