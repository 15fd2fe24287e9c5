// A/B of the batch's chunk scoring (engine/chunk.ts scoreChunk) in process, between builds (each a tree with dist/ built):
// per build its own platform side and token cache, chunks of 2,000 talents as the batch (k 10, depth 30, PREFS or 50
// preferences), CPU per round, rounds alternating, output bytes compared across builds every round.
// Usage: node bench/chunk-ab.mjs DATA_DIR TALENTS ROUNDS BUILD_DIR [BUILD_DIR ...]
const [dir, nT, rounds, ...builds] = process.argv.slice(2);
const mods = [];
for (const b of builds) {
  mods.push({
    b,
    ds: await import(`${b}/dist/adapters/files/dataset.js`),
    eng: await import(`${b}/dist/engine/engine.js`),
    chunk: await import(`${b}/dist/engine/chunk.js`),
    tok: await import(`${b}/dist/text/tokenize.js`),
    cache: await import(`${b}/dist/text/cache.js`),
    rows: await import(`${b}/dist/ranking/rows.js`),
  });
}
const loaded = await mods[0].ds.loadDataset({ data: dir }, { needTalents: true, needOutcomes: false, skipInvalid: false });
const data = loaded.dataset;
const talents = data.talents.slice(0, Number(nT));
for (const x of mods) {
  x.side = x.eng.planSide(data);
  x.tokens = new x.cache.TokenCache(new x.tok.Tokenizer(), 200000).source();
}
const CH = 2000;
const tasks = [];
for (let s = 0, id = 0; s < talents.length; s += CH, id++) tasks.push({ runId: 1, chunkId: id, startLine: s + 1, endLine: Math.min(talents.length, s + CH), startByte: 0, endByte: 0, skipLines: [], talents: talents.slice(s, s + CH), k: 10, kPlatform: 30, maxPrefs: Number(process.env.PREFS ?? 50) });
const times = mods.map(() => []);
let ref;
for (let r = 0; r < Number(rounds); r++) {
  for (let i = 0; i < mods.length; i++) {
    const x = mods[(i + r) % mods.length];
    const c0 = process.cpuUsage();
    const outs = tasks.map((t) => x.chunk.scoreChunk(x.side, t, x.tokens));
    const c = process.cpuUsage(c0);
    times[(i + r) % mods.length].push((c.user + c.system) / 1000);
    const sig = outs.map((o) => Buffer.from(o.rows).toString('base64') + '|' + Buffer.from(o.candidates).toString('base64') + '|' + o.pairs).join('#');
    if (ref === undefined) ref = sig;
    else if (sig !== ref) { console.log('DIFFERENT OUTPUT', x.b); process.exit(1); }
  }
}
for (let i = 0; i < mods.length; i++) {
  const t = [...times[i]].sort((a, b) => a - b);
  console.log(`${mods[i].b}: chunk CPU ms min ${t[0].toFixed(0)} median ${t[t.length >> 1].toFixed(0)} all ${times[i].map((v) => v.toFixed(0)).join(' ')}`);
}
