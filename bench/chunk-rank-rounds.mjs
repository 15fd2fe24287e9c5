// A batch chunk's ranker alone (ranking/rows.ts RowRanker, pruned, chunks of 2,000, the platform blocks built once) under
// the options in CFG (JSON; default the chunk's: k 10, depth 30, 50 preferences), ROUNDS rounds: pairs scored in full
// (round 0) and CPU per round. Run it on two builds alternately for an A/B of a ranking change.
// Usage: [CFG='{"kTalent":10}'] node bench/chunk-rank-rounds.mjs DATA_DIR TALENTS ROUNDS BUILD_DIR
import { chunkModel } from './chunk-model.mjs';
const [dir, nT, rounds, given] = process.argv.slice(2);
const { RowRanker, m, N, blocks } = await chunkModel(dir, nT, given);
const o = JSON.parse(process.env.CFG ?? '{"kTalent":10,"kPlatform":30,"prefs":50}');
const CH = 2000;
const ms = [];
for (let round = 0; round < Number(rounds); round++) {
  let pairs = 0;
  let scored = 0;
  const c0 = process.cpuUsage();
  for (let s = 0; s < N; s += CH) {
    const r = new RowRanker(m, { start: s, end: Math.min(N, s + CH), keepTalentRows: false, prune: true, blocks, ...o });
    for (let t = s; t < Math.min(N, s + CH); t++) r.rank(t);
    pairs += r.pairs;
    scored += r.scored;
  }
  const c = process.cpuUsage(c0);
  ms.push(((c.user + c.system) / 1000).toFixed(0));
  if (round === 0) console.log(`scored in full ${((100 * scored) / pairs).toFixed(1)}% of ${pairs} acceptable pairs`);
}
console.log(`${given}: CPU ms per round ${ms.join(' ')}`);
