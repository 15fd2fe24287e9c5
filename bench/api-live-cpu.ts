/**
 * The live route's engine part, without HTTP: CPU and heap bytes allocated per
 * LiveScorer.recommendBytes call (what POST /v1/talents/recommendations runs after its body
 * is parsed and validated) and, beside it, per recommendJson call (the string the route sent
 * before), k = 10, against the api benchmark's 1k platforms — a new profile each call (2,000
 * in turn, more than the LRU keeps; their texts are in the token cache after the first
 * round, as in the HTTP benchmark), the same profile each call, and a new text each call (a
 * word of its own added to each description: tokenized, as a truly new profile is) — and
 * how many pairs exact pruning scored in full. CPU time, medians of 10 rounds per way after
 * 4 warm-up rounds, the two ways alternating, so far less moved by other processes than the
 * autocannon benchmark (docs/PERFORMANCE.md, "API, fifth pass"); heap bytes from V8's
 * sampling heap profiler over one more round each. Then the body's parse and validation, the
 * quick check (QUICK_CHECKS) against zod's parse alone, the same way.
 *   npx tsx bench/api-live-cpu.ts [dataDir]    (without one: 2k x 1k, seeded, written first)
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { writeBigData } from './bigdata.js';
import { loadDataset } from '../src/adapters/files/dataset.js';
import { createEngine } from '../src/engine/engine.js';
import { LiveScorer } from '../src/engine/live.js';
import { InlineRecommendRequest, LIMITS, QUICK_CHECKS } from '../src/api/schemas.js';
import { parseBody } from '../src/adapters/http/body.js';

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
type Way = 'bytes' | 'json';
// the route's call (recommendBytes: the answer's bytes from a reused writer) and, for comparison, the string it sent before
const call = (way: Way, q: (typeof requests)[number]) => (way === 'bytes' ? live.recommendBytes(q.talent, q.k, 'request body talent', true) : live.recommendJson(q.talent, q.k, 'request body talent', true));
// a new text each call: every profile's description gets a word of its own (a token-cache miss: tokenized, as a truly new profile is)
let novel = 0;
const pick = (mode: string, i: number) => {
  const q = requests[mode === 'same profile' ? 0 : i]!;
  return mode === 'new text' ? { ...q, talent: { ...q.talent, description: `${q.talent.description} novel${novel++}` } } : q;
};
for (const mode of ['new profile', 'same profile', 'new text'] as const) {
  const per: Record<Way, number[]> = { bytes: [], json: [] };
  let scored = 0;
  let calls = 0;
  // rounds alternate the two ways (bytes first in even rounds), so both see the same machine
  for (let r = 0; r < 24; r++) {
    const way: Way = (r >> 1) % 2 === 0 ? (r % 2 === 0 ? 'bytes' : 'json') : r % 2 === 0 ? 'json' : 'bytes';
    const c0 = cpuMs();
    for (let i = 0; i < requests.length; i++) {
      call(way, pick(mode, i));
      scored += live.last.scored;
      calls++;
    }
    if (r >= 4) per[way].push((cpuMs() - c0) / requests.length);
  }
  const heap = { bytes: await heapPerCall(mode, 'bytes'), json: await heapPerCall(mode, 'json') };
  console.log(
    `${mode}: recommendBytes ${median(per.bytes).toFixed(4)} ms CPU, ${heap.bytes.toFixed(1)} KB heap per call; recommendJson ${median(per.json).toFixed(4)} ms, ${heap.json.toFixed(1)} KB (medians of 10 x ${requests.length}, alternating; heap sampled); pairs scored in full ${(scored / calls).toFixed(0)} of ${engine.model.platforms.count} per call`,
  );
}

// the body as the route receives it: parsed (adapters/http/body.ts) and validated as the server's validator does — the
// quick check first (QUICK_CHECKS, domain/quick.ts quickTalent), zod when it declines — against zod's parse alone (the route before)
const bodies = lines.map((l, j) => JSON.stringify({ talent: { ...(JSON.parse(l) as object), id: `inline-${j}` }, k: 10 }));
const quick = QUICK_CHECKS.get(InlineRecommendRequest)!;
type Check = 'quick' | 'zod';
const validate = (way: Check, text: string): unknown => {
  const d = parseBody(text, LIMITS.bodyDepth);
  return (way === 'quick' ? quick(d) : undefined) ?? InlineRecommendRequest.parse(d);
};
const quickAnswered = bodies.filter((b) => quick(parseBody(b, LIMITS.bodyDepth)) !== undefined).length;
{
  const per: Record<Check, number[]> = { quick: [], zod: [] };
  for (let r = 0; r < 24; r++) {
    const way: Check = (r >> 1) % 2 === 0 ? (r % 2 === 0 ? 'quick' : 'zod') : r % 2 === 0 ? 'zod' : 'quick';
    const c0 = cpuMs();
    for (const b of bodies) validate(way, b);
    if (r >= 4) per[way].push((cpuMs() - c0) / bodies.length);
  }
  const heap = { quick: await heapPer(bodies.length, () => bodies.forEach((b) => validate('quick', b))), zod: await heapPer(bodies.length, () => bodies.forEach((b) => validate('zod', b))) };
  console.log(
    `body parse + validation: quick check ${median(per.quick).toFixed(4)} ms CPU, ${heap.quick.toFixed(1)} KB heap per body; zod's parse ${median(per.zod).toFixed(4)} ms, ${heap.zod.toFixed(1)} KB (medians of 10 x ${bodies.length}, alternating); the quick check answered ${quickAnswered} of ${bodies.length}`,
  );
}

/** Heap bytes allocated per call (V8's sampling heap profiler, every allocation collected or not, one sample per 1 KiB on average), over one round. */
async function heapPerCall(mode: string, way: Way): Promise<number> {
  return heapPer(requests.length, () => {
    for (let i = 0; i < requests.length; i++) call(way, pick(mode, i));
  });
}
/** Heap KB allocated by `run` per one of its `calls`, sampled. */
async function heapPer(calls: number, run: () => void): Promise<number> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  run();
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: HeapNode } };
  session.disconnect();
  let total = 0;
  const walk = (n: HeapNode) => {
    total += n.selfSize;
    for (const c of n.children) walk(c);
  };
  walk(profile.head);
  return total / calls / 1024;
}
interface HeapNode {
  selfSize: number;
  children: HeapNode[];
}
