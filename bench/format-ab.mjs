// recommend's output formatting alone (engine/format.ts: the talent lines of ranges of 2,000,
// as a worker writes them, and the platform lines), in process, for two builds at once: this
// checkout's dist/ and another's (ROOT_B), on one model and one two-way result, alternating
// rounds; CPU medians, and the bytes of both compared (they must be equal).
//   node bench/format-ab.mjs DATA_DIR [N=4000] [ROUNDS=7]                      # after npm run build
//   ROOT_B=/path/to/main node bench/format-ab.mjs DATA_DIR 4000 7             # A/B against main's build
import { abInputs } from './ab-inputs.mjs';
const { N, ROUNDS, roots, industries, policy, platforms, talents: read } = abInputs('format-ab.mjs', 4000);
const talents = read.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const { createEngine } = await import(`${roots[0]}/dist/engine/engine.js`);
const engine = createEngine({ industries: industries.industries ?? industries, platforms, talents, policy }, { trusted: true, topK: 10, topKPlatform: 10 });
const m = engine.model;
const rec = engine.recommend({ k: 10, kPlatform: 10 });
const builds = [];
for (const root of roots) builds.push({ root, f: await import(`${root}/dist/engine/format.js`) });
const RANGE = 2000;
function format(f) {
  const parts = [];
  for (let s = 0; s < m.talents.count; s += RANGE) {
    const e = Math.min(m.talents.count, s + RANGE);
    const k = rec.talent.k;
    const top = { k, rows: e - s, ids: rec.talent.ids.subarray(s * k, e * k), sizes: rec.talent.sizes.subarray(s, e), scores: rec.talent.scores.subarray(s * k, e * k) };
    parts.push(f.talentLinesBytes(m, s, m.talents.ids.slice(s, e), top));
  }
  parts.push(f.platformLinesBytes(m, rec, 0, m.platforms.count));
  return Buffer.concat(parts);
}
const cpu = builds.map(() => []);
let first;
for (let r = 0; r < ROUNDS; r++) {
  for (let b = 0; b < builds.length; b++) {
    const i = r % 2 === 0 ? b : builds.length - 1 - b;
    const t0 = process.cpuUsage();
    const bytes = format(builds[i].f);
    const t = process.cpuUsage(t0);
    cpu[i].push((t.user + t.system) / 1000);
    if (!first) first = bytes;
    else if (!first.equals(bytes)) throw new Error(`bytes differ: ${builds[i].root}`);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`${m.talents.count} talents x ${m.platforms.count} platforms, ${first.length} bytes, ${ROUNDS} rounds (the first warms up)`);
builds.forEach((b, i) => console.log(`${b.root}: CPU median ${median(cpu[i].slice(1)).toFixed(1)} ms, min ${Math.min(...cpu[i].slice(1)).toFixed(1)} ms (${cpu[i].map((x) => x.toFixed(0)).join(' ')})`));
