// blockBounds alone (scoring/bounds.ts, all blocks of a row after its cosines, upper bounds only as recommend asks unless
// LOWER=1; F=1 adds the preference bound), two builds alternating in one process: µs a row (min / median over rounds).
// Usage: [LOWER=1] [F=1] node bench/bounds-ab.mjs DATA_DIR TALENTS ROUNDS BUILD_A BUILD_B
import { resolve } from 'node:path';
import { chunkModel } from './chunk-model.mjs';
const [dir, nT, rounds, ...builds] = process.argv.slice(2);
const lower = process.env.LOWER === '1';
const sides = [];
for (const given of builds) {
  const b = resolve(given);
  const c = await chunkModel(dir, nT, b);
  const K = await import(`${b}/dist/scoring/kernel.js`);
  const B = await import(`${b}/dist/scoring/bounds.js`);
  const R = await import(`${b}/dist/scoring/blockReads.js`);
  const s = K.createRowScratch(c.m.platforms.count);
  const n = c.blocks.count;
  sides.push({ ...c, K, B, R, s, lo: new Float64Array(n), hi: new Float64Array(n), f: process.env.F ? new Float64Array(n) : undefined, name: given });
}
const res = sides.map(() => []);
for (let r = 0; r < Number(rounds); r++) {
  for (const i of r % 2 ? [1, 0] : [0, 1]) {
    const { m, N, blocks: k, K, B, R, s, lo, hi, f } = sides[i];
    let ns = 0;
    for (let t = 0; t < N; t++) {
      const concept = K.beginRow(m, t, s, R.conceptFor(m, t, k));
      K.rowCosines(m, t, s, k.docPos);
      const a = process.hrtime.bigint();
      for (let rep = 0; rep < 4; rep++) B.blockBounds(m, t, s, k, concept, lo, hi, lower, 0, k.count, undefined, f);
      ns += Number(process.hrtime.bigint() - a);
      K.endRow(m, t, s);
    }
    res[i].push(ns / N / 4 / 1000);
  }
}
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
sides.forEach((sd, i) => console.log(sd.name, 'us/row min', Math.min(...res[i]).toFixed(2), 'median', med(res[i]).toFixed(2)));
