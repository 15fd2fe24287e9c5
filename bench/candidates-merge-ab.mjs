// CPU of the batch main thread's merge of chunk candidates (engine/candidates.ts CandidateMerger.add: 5 fresh mergers per
// round over chunks of 2,000 that the first build scores in process), builds alternating, reserve bytes compared. Needs dist/.
// Usage: node bench/candidates-merge-ab.mjs DATA_DIR TALENTS ROUNDS BUILD_DIR [BUILD_DIR ...]
import { resolve } from 'node:path';
const [dir, nT, rounds, ...given] = process.argv.slice(2);
const builds = given.map((b) => resolve(b)); // a relative build dir is the shell's, not this file's
const b0 = builds[0];
const ds = await import(`${b0}/dist/adapters/files/dataset.js`);
const eng = await import(`${b0}/dist/engine/engine.js`);
const chunk = await import(`${b0}/dist/engine/chunk.js`);
const tok = await import(`${b0}/dist/text/tokenize.js`);
const cache = await import(`${b0}/dist/text/cache.js`);
const data = (await ds.loadDataset({ data: dir }, { needTalents: true, needOutcomes: false, skipInvalid: false })).dataset;
const talents = data.talents.slice(0, Number(nT));
const side = eng.planSide(data);
const tokens = new cache.TokenCache(new tok.Tokenizer(), 200000).source();
const blobs = [];
for (let s = 0, id = 0; s < talents.length; s += 2000, id++) blobs.push(Buffer.from(chunk.scoreChunk(side, { runId: 1, chunkId: id, startLine: s + 1, endLine: s + 2000, startByte: 0, endByte: 0, skipLines: [], talents: talents.slice(s, s + 2000), k: 10, kPlatform: 30, maxPrefs: 50 }, tokens).candidates));
const mods = [];
for (const b of builds) mods.push({ b, c: await import(`${b}/dist/engine/candidates.js`), t: [] });
const M = side.platforms.count;
let ref;
for (let r = 0; r < Number(rounds); r++) for (let i = 0; i < mods.length; i++) {
  const x = mods[(i + r) % mods.length];
  const c0 = process.cpuUsage();
  let out;
  for (let k = 0; k < 5; k++) { const m = new x.c.CandidateMerger(M, 30); for (const bl of blobs) m.add(bl); out = m.encodeReserve(); }
  const c = process.cpuUsage(c0);
  x.t.push((c.user + c.system) / 1000 / 5);
  const h = out.toString('base64');
  if (ref === undefined) ref = h; else if (h !== ref) { console.log('DIFFERENT', x.b); process.exit(1); }
}
for (const x of mods) { const t = [...x.t].sort((a, b) => a - b); console.log(`${x.b}: merge of ${blobs.length} chunks, CPU ms min ${t[0].toFixed(1)} median ${t[t.length >> 1].toFixed(1)}`); }
