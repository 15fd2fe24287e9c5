// The batch's chunk scoring (engine/chunk.ts scoreChunk) on real chunks of one build, for `node --cpu-prof`: the first
// TALENTS talents of DATA_DIR in chunks of 2,000 (k 10, depth 30, PREFS or 50 preferences), ROUNDS rounds, CPU per round.
// Usage: node [--cpu-prof --cpu-prof-dir=DIR] bench/chunk-rounds.mjs DATA_DIR TALENTS ROUNDS BUILD_DIR
import { resolve } from 'node:path';
const [dir, nT, rounds, given] = process.argv.slice(2);
const b = resolve(given);
const ds = await import(`${b}/dist/adapters/files/dataset.js`);
const eng = await import(`${b}/dist/engine/engine.js`);
const chunk = await import(`${b}/dist/engine/chunk.js`);
const tok = await import(`${b}/dist/text/tokenize.js`);
const cache = await import(`${b}/dist/text/cache.js`);
const data = (await ds.loadDataset({ data: dir }, { needTalents: true, needOutcomes: false, skipInvalid: false })).dataset;
const talents = data.talents.slice(0, Number(nT));
const side = eng.planSide(data);
const tokens = new cache.TokenCache(new tok.Tokenizer(), 200000).source();
const CH = 2000;
const tasks = [];
for (let s = 0, id = 0; s < talents.length; s += CH, id++) tasks.push({ runId: 1, chunkId: id, startLine: s + 1, endLine: Math.min(talents.length, s + CH), startByte: 0, endByte: 0, skipLines: [], talents: talents.slice(s, s + CH), k: 10, kPlatform: 30, maxPrefs: Number(process.env.PREFS ?? 50) });
for (let r = 0; r < Number(rounds); r++) {
  const c0 = process.cpuUsage();
  let pairs = 0;
  for (const t of tasks) pairs += chunk.scoreChunk(side, t, tokens).pairs;
  const c = process.cpuUsage(c0);
  console.log(`round ${r}: ${((c.user + c.system) / 1000).toFixed(0)} ms CPU, ${pairs} acceptable pairs`);
}
