// What the recommend ranking (ranking/rows.ts RowRanker, pruned, ranges of 2,000 as the workers rank them) allocates,
// by function: V8's sampling heap profiler with the objects collected by scavenges and mark-compacts included, over
// one pass after WARM passes (the code optimized). A typed-array kernel should allocate nothing per row or pair.
// Usage: [CFG='{"kTalent":10,"kPlatform":10}'] node bench/rank-alloc.mjs DATA_DIR TALENTS BUILD [WARM=1]
import { Session } from 'node:inspector/promises';
import { chunkModel } from './chunk-model.mjs';
const [dir, nT, build, warm] = process.argv.slice(2);
const o = JSON.parse(process.env.CFG ?? '{"kTalent":10,"kPlatform":10}');
const { RowRanker, m, N, blocks } = await chunkModel(dir, nT, build);
const CH = 2000;
const run = () => {
  for (let s = 0; s < N; s += CH) {
    const r = new RowRanker(m, { start: s, end: Math.min(N, s + CH), prune: true, blocks, ...o });
    for (let t = s; t < Math.min(N, s + CH); t++) r.rank(t);
  }
};
for (let i = 0; i < Number(warm ?? 1); i++) run();
const ss = new Session();
ss.connect();
await ss.post('HeapProfiler.enable');
await ss.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
run();
const { profile } = await ss.post('HeapProfiler.stopSampling');
const by = new Map();
const walk = (n) => {
  const k = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
  by.set(k, (by.get(k) ?? 0) + n.selfSize);
  for (const c of n.children) walk(c);
};
walk(profile.head);
const total = [...by.values()].reduce((a, b) => a + b, 0);
console.log(`${build}: ${N} talents, sampled allocation ${(total / 1e6).toFixed(2)} MB`);
for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`${(v / 1e6).toFixed(2).padStart(8)} MB  ${k}`);
