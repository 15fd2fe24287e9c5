// CPU of a batch chunk's ranker (ranking/rows.ts RowRanker, chunks of 2,000 unless given) under what it keeps: the chunk's
// k 10, depth 30, 50 preferences, then without the list, recommend-like heaps, and the loose-bound switch forced; 2nd round shown.
// Usage: node bench/chunk-rank-configs.mjs DATA_DIR TALENTS BUILD_DIR
import { chunkModel } from './chunk-model.mjs';
const [dir, nT, given] = process.argv.slice(2);
const { RowRanker, m, N, blocks } = await chunkModel(dir, nT, given);
const cfgs = [['chunk', { kTalent: 10, kPlatform: 30, prefs: 50 }], ['chunk shared blocks', { kTalent: 10, kPlatform: 30, prefs: 50, blocks }], ['no prefs', { kTalent: 10, kPlatform: 30 }], ['k10 d10', { kTalent: 10, kPlatform: 10 }], ['k10 only', { kTalent: 10 }], ['prefs only', { prefs: 50 }], ['chunk loose never', { kTalent: 10, kPlatform: 30, prefs: 50, looseShare: -1 }], ['chunk loose always', { kTalent: 10, kPlatform: 30, prefs: 50, looseShare: 1 }], ['chunk 4000', { kTalent: 10, kPlatform: 30, prefs: 50 }, 4000]];
for (let round = 0; round < 2; round++) for (const [name, o, CH = 2000] of cfgs) {
  let pairs = 0, scored = 0;
  const c0 = process.cpuUsage();
  for (let s = 0; s < N; s += CH) {
    const r = new RowRanker(m, { start: s, end: Math.min(N, s + CH), keepTalentRows: false, prune: true, ...o });
    for (let t = s; t < Math.min(N, s + CH); t++) r.rank(t);
    pairs += r.pairs; scored += r.scored;
  }
  const c = process.cpuUsage(c0);
  if (round) console.log(`${name}: scored ${(100 * scored / pairs).toFixed(1)}% of ${pairs}, ${((c.user + c.system) / 1000).toFixed(0)} ms`);
}
