// CPU of the batch's platform candidates, between builds (each a tree with dist/ built): per build, chunks of 2,000
// talents scored in process with its own platform side (engine/chunk.ts scoreChunk: the chunk's CPU, rows and
// candidates), their candidate blobs' bytes, and the main thread's merge of them (engine/candidates.ts
// CandidateMerger.add: 5 fresh mergers per round, each with encodeReserve). Builds alternate; the rows' bytes and the
// merged lists (ids and scores, decoded from either reserve format) are compared across builds.
// Usage: node bench/candidates-merge-ab.mjs DATA_DIR TALENTS ROUNDS BUILD_DIR [BUILD_DIR ...]
import { resolve } from 'node:path';
import { deserialize } from 'node:v8';
const [dir, nT, rounds, ...given] = process.argv.slice(2);
const builds = given.map((b) => resolve(b)); // a relative build dir is the shell's, not this file's
const ds = await import(`${builds[0]}/dist/adapters/files/dataset.js`);
const data = (await ds.loadDataset({ data: dir }, { needTalents: true, needOutcomes: false, skipInvalid: false })).dataset;
const talents = data.talents.slice(0, Number(nT));
const tasks = [];
for (let s = 0, id = 0; s < talents.length; s += 2000, id++) tasks.push({ runId: 1, chunkId: id, startLine: s + 1, endLine: s + 2000, startByte: 0, endByte: 0, skipLines: [], talents: talents.slice(s, s + 2000), k: 10, kPlatform: 30, maxPrefs: 50 });
const mods = [];
for (const b of builds) {
  const eng = await import(`${b}/dist/engine/engine.js`);
  const tok = await import(`${b}/dist/text/tokenize.js`);
  const cache = await import(`${b}/dist/text/cache.js`);
  mods.push({ b, chunk: await import(`${b}/dist/engine/chunk.js`), c: await import(`${b}/dist/engine/candidates.js`), side: eng.planSide(data), tokens: new cache.TokenCache(new tok.Tokenizer(), 200000).source(), score: [], merge: [] });
}
const M = mods[0].side.platforms.count;
/** the merged lists, whatever the reserve's format: ids, scores and bounds */
const lists = (blob) => {
  const r = deserialize(blob);
  const scores = r.scores ?? Float64Array.from(r.ids, (_, c) => r.values[c * (r.values.length / r.ids.length)]);
  return JSON.stringify([[...r.count], r.ids, [...scores], [...r.boundScore], r.boundId]);
};
let refRows;
let refLists;
for (let r = 0; r < Number(rounds); r++) for (let i = 0; i < mods.length; i++) {
  const x = mods[(i + r) % mods.length];
  let c0 = process.cpuUsage();
  const outs = tasks.map((t) => x.chunk.scoreChunk(x.side, t, x.tokens));
  let c = process.cpuUsage(c0);
  x.score.push((c.user + c.system) / 1000);
  x.bytes = outs.reduce((a, o) => a + o.candidates.byteLength, 0);
  const rows = outs.map((o) => Buffer.from(o.rows).toString('base64')).join('#');
  if (refRows === undefined) refRows = rows; else if (rows !== refRows) { console.log('DIFFERENT ROWS', x.b); process.exit(1); }
  const blobs = outs.map((o) => Buffer.from(o.candidates));
  c0 = process.cpuUsage();
  let out;
  for (let k = 0; k < 5; k++) { const m = new x.c.CandidateMerger(M, 30); for (const bl of blobs) m.add(bl); out = m.encodeReserve(); }
  c = process.cpuUsage(c0);
  x.merge.push((c.user + c.system) / 1000 / 5);
  const l = lists(out);
  if (refLists === undefined) refLists = l; else if (l !== refLists) { console.log('DIFFERENT LISTS', x.b); process.exit(1); }
}
const med = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
for (const x of mods) console.log(`${x.b}: ${tasks.length} chunks scored, CPU ms median ${med(x.score).toFixed(0)} (min ${Math.min(...x.score).toFixed(0)}); candidates ${(x.bytes / 1e6).toFixed(2)} MB; their merge, CPU ms median ${med(x.merge).toFixed(1)} (min ${Math.min(...x.merge).toFixed(1)})`);
