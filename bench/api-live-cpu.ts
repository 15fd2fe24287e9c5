/**
 * The live route's engine part, without HTTP: CPU per LiveScorer.recommendJson call (what
 * POST /v1/talents/recommendations runs after its body is parsed and validated), k = 10,
 * against the api benchmark's 1k platforms — a new profile each call (2,000 in turn, more
 * than the LRU keeps) and the same profile each call — and how many pairs exact pruning
 * scored in full. CPU time, medians of 10 rounds after 2 warm-up rounds, so far less moved by
 * other processes than the autocannon benchmark (docs/PERFORMANCE.md, "API, fifth pass").
 *   npx tsx bench/api-live-cpu.ts [dataDir]    (without one: 2k x 1k, seeded, written first)
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBigData } from './bigdata.js';
import { loadDataset } from '../src/adapters/files/dataset.js';
import { createEngine } from '../src/engine/engine.js';
import { LiveScorer } from '../src/engine/live.js';
import { InlineRecommendRequest } from '../src/api/schemas.js';

let dir = process.argv[2];
if (!dir) {
  dir = mkdtempSync(join(tmpdir(), 'tm-bench-live-cpu-'));
  await writeBigData(dir, 2000, 1000);
}
const { dataset } = await loadDataset({ data: dir }, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['outcomes'] });
const engine = createEngine(dataset, { trusted: true });
const lines = readFileSync(join(dir, 'talents.jsonl'), 'utf8').split('\n').filter(Boolean);
// validated as the route's schema does, outside the timed loop
const requests = lines.map((l, j) => InlineRecommendRequest.parse({ talent: { ...(JSON.parse(l) as object), id: `inline-${j}` }, k: 10 }));
const live = new LiveScorer(engine);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
for (const mode of ['new profile', 'same profile'] as const) {
  const per: number[] = [];
  let scored = 0;
  let calls = 0;
  for (let r = 0; r < 12; r++) {
    const c0 = cpuMs();
    for (let i = 0; i < requests.length; i++) {
      const q = requests[mode === 'same profile' ? 0 : i]!;
      live.recommendJson(q.talent, q.k, 'request body talent', true);
      scored += live.last.scored;
      calls++;
    }
    if (r >= 2) per.push((cpuMs() - c0) / requests.length);
  }
  console.log(`${mode}: ${median(per).toFixed(4)} ms CPU per call (median of 10 x ${requests.length}); pairs scored in full ${(scored / calls).toFixed(0)} of ${engine.model.platforms.count} per call`);
}
