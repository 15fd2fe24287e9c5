// Share of the acceptable pairs that exact block-max pruning scores in full, ranking a data
// folder's talents in ranges of 2,000 as the workers do: with each range's own platform heaps
// only, and with the floors of the ranges merged before it (workers/threaded.ts). Needs the
// compiled build (npm run build). Usage: node bench/prune-fraction.mjs DATA_DIR [k]
import { loadDataset } from '../dist/adapters/files/dataset.js';
import { createEngine } from '../dist/engine/engine.js';
import { RowRanker } from '../dist/ranking/rows.js';
import { createTopK, mergeTopK } from '../dist/vector/topk.js';

const dir = process.argv[2];
const k = Number(process.argv[3] ?? 10);
if (!dir) {
  console.error('usage: node bench/prune-fraction.mjs DATA_DIR [k]');
  process.exit(2);
}
const loaded = await loadDataset({ data: dir }, { needTalents: true, needOutcomes: false, skipInvalid: false });
const m = createEngine(loaded.dataset, { trusted: true }).model;
const N = m.talents.count;
const M = m.platforms.count;
for (const useFloor of [false, true]) {
  const seen = createTopK(M, k);
  let pairs = 0;
  let scored = 0;
  const c0 = process.cpuUsage();
  for (let s = 0; s < N; s += 2000) {
    const floor = new Float64Array(M).fill(-Infinity);
    if (useFloor) for (let p = 0; p < M; p++) if (seen.sizes[p] === k) floor[p] = seen.scores[p * k];
    const r = new RowRanker(m, { start: s, end: Math.min(N, s + 2000), kTalent: k, kPlatform: k, prune: true, platformFloor: floor }).rankAll();
    mergeTopK(seen, r.platformTop);
    pairs += r.pairs;
    scored += r.scored;
  }
  const c = process.cpuUsage(c0);
  console.log(`${dir} ${useFloor ? 'with range floors' : 'range heaps only'}: scored ${(100 * scored / pairs).toFixed(1)}% of ${pairs} acceptable pairs, ${((c.user + c.system) / 1000).toFixed(0)} ms CPU`);
}
