// The heap that recommend's output formatting allocates per listed item (engine/format.ts: the
// talent lines of ranges of 2,000, as a worker writes them, and the platform lines), by the
// sampling heap profiler with the objects scavenges collect included, after 5 rounds of
// warm-up; the largest allocating call sites. For this checkout's dist/ and, with ROOT_B, another's.
//   node bench/format-alloc.mjs DATA_DIR [N=4000] [ROUNDS=3]                  # after npm run build
//   ROOT_B=/path/to/main node bench/format-alloc.mjs DATA_DIR 4000 3
import { Session } from 'node:inspector/promises';
import { abInputs } from './ab-inputs.mjs';
const { ROUNDS, roots, industries, policy, platforms, talents: read } = abInputs('format-alloc.mjs', 4000);
const talents = read.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const session = new Session();
session.connect();
for (const root of roots) {
  const { createEngine } = await import(`${root}/dist/engine/engine.js`);
  const f = await import(`${root}/dist/engine/format.js`);
  const engine = createEngine({ industries: industries.industries ?? industries, platforms, talents, policy }, { trusted: true, topK: 10, topKPlatform: 10 });
  const m = engine.model;
  const rec = engine.recommend({ k: 10, kPlatform: 10 });
  const RANGE = 2000;
  let items = 0;
  const format = () => {
    for (let s = 0; s < m.talents.count; s += RANGE) {
      const e = Math.min(m.talents.count, s + RANGE);
      const k = rec.talent.k;
      const top = { k, rows: e - s, ids: rec.talent.ids.subarray(s * k, e * k), sizes: rec.talent.sizes.subarray(s, e), scores: rec.talent.scores.subarray(s * k, e * k) };
      f.talentLinesBytes(m, s, m.talents.ids.slice(s, e), top);
      for (let i = s; i < e; i++) items += rec.talent.sizes[i];
    }
    f.platformLinesBytes(m, rec, 0, m.platforms.count);
    for (let p = 0; p < m.platforms.count; p++) items += rec.platform.sizes[p];
  };
  for (let r = 0; r < 5; r++) format();
  items = 0;
  await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  for (let r = 0; r < ROUNDS; r++) format();
  const { profile } = await session.post('HeapProfiler.stopSampling');
  const by = new Map();
  let total = 0;
  const walk = (n, stack) => {
    const name = n.callFrame.functionName || '(anonymous)';
    total += n.selfSize;
    if (n.selfSize) {
      const key = [name, ...stack.slice(-2).reverse()].join(' <- ');
      by.set(key, (by.get(key) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, [...stack, name]);
  };
  walk(profile.head, []);
  console.log(`${root}: ${items} items in ${ROUNDS} rounds, ${(total / 1e6).toFixed(2)} MB sampled, ${(total / items).toFixed(1)} B per item`);
  for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(`  ${(v / items).toFixed(1).padStart(6)} B/item  ${k}`);
}
