// Share of the acceptable pairs a batch chunk's ranker (k 10, depth 30, 50 preferences) scores in full, unpruned and
// pruned, without preference lists and with the list alone, in chunks of 2,000, and its CPU. Needs dist/.
// Usage: node bench/chunk-prune-fraction.mjs DATA_DIR TALENTS BUILD_DIR
const [dir, nT, b] = process.argv.slice(2);
const { loadDataset } = await import(`${b}/dist/adapters/files/dataset.js`);
const { createEngine } = await import(`${b}/dist/engine/engine.js`);
const { RowRanker } = await import(`${b}/dist/ranking/rows.js`);
const loaded = await loadDataset({ data: dir }, { needTalents: true, needOutcomes: false, skipInvalid: false });
loaded.dataset.talents = loaded.dataset.talents.slice(0, Number(nT));
const m = createEngine(loaded.dataset, { trusted: true }).model;
const N = m.talents.count;
for (const [name, o] of [['UNPRUNED chunk', { kTalent: 10, kPlatform: 30, prefs: 50, prune: false }], ['chunk (k10, depth30, prefs50)', { kTalent: 10, kPlatform: 30, prefs: 50 }], ['no prefs', { kTalent: 10, kPlatform: 30 }], ['prefs only 50', { prefs: 50 }], ['prefs only 10', { prefs: 10 }], ['k10 depth 30 prefs 10', { kTalent: 10, kPlatform: 30, prefs: 10 }]]) {
  let pairs = 0, scored = 0;
  const c0 = process.cpuUsage();
  for (let s = 0; s < N; s += 2000) {
    const r = new RowRanker(m, { start: s, end: Math.min(N, s + 2000), keepTalentRows: false, prune: true, ...o });
    for (let t = s; t < Math.min(N, s + 2000); t++) r.rank(t);
    pairs += r.pairs; scored += r.scored;
  }
  const c = process.cpuUsage(c0);
  console.log(`${name}: scored ${(100 * scored / pairs).toFixed(1)}% of ${pairs}, ${((c.user + c.system) / 1000).toFixed(0)} ms`);
}
