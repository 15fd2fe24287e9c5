// Vectorizing talents as a worker does (engine/platformSide.ts talentFeatures over ranges of
// 2,000 records, one tokenizer kept across ranges), in process, for two builds at once: this
// checkout's dist/ and another's (ROOT_B), alternating rounds; CPU medians, and the features
// of both compared bit for bit (they must be equal).
//   node bench/vectorize-ranges.mjs DATA_DIR [N=10000] [ROUNDS=7]              # after npm run build
//   ROOT_B=/path/to/main node bench/vectorize-ranges.mjs DATA_DIR 10000 7     # A/B against main's build
import { abInputs } from './ab-inputs.mjs';
const { N, ROUNDS, roots, industries, policy, platforms, talents: read } = abInputs('vectorize-ranges.mjs', 10000);
const talents = read;
const builds = [];
for (const root of roots) {
  const { planSide } = await import(`${root}/dist/engine/engine.js`);
  const { talentFeatures } = await import(`${root}/dist/engine/platformSide.js`);
  const { Tokenizer } = await import(`${root}/dist/text/tokenize.js`);
  const { TokenCache } = await import(`${root}/dist/text/cache.js`);
  const side = planSide({ industries: industries.industries ?? industries, platforms, policy }, { trusted: true });
  const tokens = new TokenCache(new Tokenizer(), 10000).source();
  const run = () => {
    const parts = [];
    for (let s = 0; s < talents.length; s += 2000) parts.push(talentFeatures(side, talents.slice(s, s + 2000), tokens));
    return parts;
  };
  builds.push({ root, run, cpu: [], last: undefined });
}
const cpu = (f) => {
  const c = process.cpuUsage();
  const r = f();
  const d = process.cpuUsage(c);
  return [(d.user + d.system) / 1000, r];
};
for (let r = 0; r < ROUNDS; r++) {
  for (const b of r % 2 === 0 ? builds : [...builds].reverse()) {
    const [ms, parts] = cpu(b.run);
    b.cpu.push(ms);
    b.last = parts;
  }
}
const bytesOf = (a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const sameBits = (x, y) => {
  for (const key of Object.keys(x)) {
    if (key === 'ids') continue;
    const a = x[key];
    const b = y[key];
    if (ArrayBuffer.isView(a)) {
      if (Buffer.compare(bytesOf(a), bytesOf(b)) !== 0) return key;
    } else if (a && typeof a === 'object') {
      const k = sameBits(a, b);
      if (k) return `${key}.${k}`;
    } else if (a !== b) return key;
  }
  return undefined;
};
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
for (const b of builds) console.log(`${b.root}: ${talents.length} talents, CPU median ${med(b.cpu).toFixed(0)} ms of ${ROUNDS} (${b.cpu.map((x) => x.toFixed(0)).join(' ')})`);
if (builds.length === 2) {
  const diff = builds[0].last.map((p, i) => sameBits(p, builds[1].last[i])).find((k) => k !== undefined);
  console.log(diff === undefined ? 'features: identical bits' : `features DIFFER at ${diff}`);
  console.log(`ratio B/A: ${(med(builds[1].cpu) / med(builds[0].cpu)).toFixed(2)}x`);
  if (diff !== undefined) process.exit(1);
}
