// What the chunk ranker scripts (bench/chunk-rank-rounds.mjs, bench/chunk-rank-configs.mjs)
// share: a build's RowRanker, the model of the first `talents` talents of DATA_DIR, and the
// platforms' blocks built once.
import { resolve } from 'node:path';

/** `given`: the build's checkout (a relative path is the shell's, not this file's). */
export async function chunkModel(dir, talents, given) {
  const b = resolve(given);
  const { loadDataset } = await import(`${b}/dist/adapters/files/dataset.js`);
  const { createEngine } = await import(`${b}/dist/engine/engine.js`);
  const { RowRanker } = await import(`${b}/dist/ranking/rows.js`);
  const { platformBlocks } = await import(`${b}/dist/scoring/bounds.js`);
  const loaded = await loadDataset({ data: dir }, { needTalents: true, needOutcomes: false, skipInvalid: false });
  loaded.dataset.talents = loaded.dataset.talents.slice(0, Number(talents));
  const m = createEngine(loaded.dataset, { trusted: true }).model;
  return { RowRanker, m, N: m.talents.count, blocks: platformBlocks(m.platforms, m.ctx.dims) };
}
