// The recommend ranking alone (ranking/rows.ts RowRanker, pruned, ranges of 2,000 as the workers rank them, the
// platform blocks built once), two builds alternating in one process so both see the same load: CPU ms per round
// for each, and the talent lists, platform heaps and pair counts compared between the builds (exactness).
// Usage: [CFG='{"kTalent":10,"kPlatform":10}'] node bench/rank-ab.mjs DATA_DIR TALENTS ROUNDS BUILD_A BUILD_B
import { chunkModel } from './chunk-model.mjs';
const [dir, nT, rounds, ...builds] = process.argv.slice(2);
const o = JSON.parse(process.env.CFG ?? '{"kTalent":10,"kPlatform":10}');
const CH = 2000;
const sides = [];
for (const b of builds) sides.push(await chunkModel(dir, nT, b));
const run = ({ RowRanker, m, N, blocks }) => {
  const out = [];
  const c0 = process.cpuUsage();
  for (let s = 0; s < N; s += CH) {
    const r = new RowRanker(m, { start: s, end: Math.min(N, s + CH), prune: true, blocks, ...o });
    for (let t = s; t < Math.min(N, s + CH); t++) r.rank(t);
    out.push(r);
  }
  const c = process.cpuUsage(c0);
  return { ms: (c.user + c.system) / 1000, out };
};
const same = (x, y) => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
const ms = builds.map(() => []);
for (let round = 0; round < Number(rounds); round++) {
  const res = sides.map((s, i) => (round % 2 === 0 ? s : sides[sides.length - 1 - i])).map(run);
  const ordered = round % 2 === 0 ? res : [...res].reverse();
  ordered.forEach((r, i) => ms[i].push(r.ms));
  if (round === 0) {
    const [a, b] = ordered.map((r) => r.out);
    for (let i = 0; i < a.length; i++) {
      for (const key of ['talentTop', 'platformTop']) for (const f of ['sizes', 'scores', 'ids']) if (!same(a[i][key][f], b[i][key][f])) throw new Error(`range ${i}: ${key}.${f} differ`);
      if (a[i].pairs !== b[i].pairs) throw new Error(`range ${i}: pairs differ`);
    }
    console.log(`identical heaps and pair counts over ${a.length} ranges; scored in full ${((100 * a.reduce((x, r) => x + r.scored, 0)) / a.reduce((x, r) => x + r.pairs, 0)).toFixed(1)}%`);
  }
}
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
builds.forEach((b, i) => console.log(`${b}: CPU ms per round ${ms[i].map((x) => x.toFixed(0)).join(' ')}; min ${Math.min(...ms[i]).toFixed(0)}, median ${med(ms[i]).toFixed(0)}`));
