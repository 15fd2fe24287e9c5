// The start and the end of a `recommend --threads N` run from its --cpu-prof folder (one
// .cpuprofile per thread, the main thread's first): per worker, when its first range began
// (its first lineRangeTask/parseRecordLine sample) and how long it waited before it, each
// worker's last work sample, the main thread's busy time after both workers' last work (a
// serial tail), and the end. Complements cpuprof-timeline.mjs (bins) with the figures the
// tenth pass compared (docs/PERFORMANCE.md, issue 12).
//   node --cpu-prof --cpu-prof-dir=prof bin/talentmatch.js recommend ... --threads 2
//   node bench/cpuprof-phases.mjs prof [prof2 ...]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
const idle = (n) => n === '(idle)' || n.includes('atomicsWait') || n === '(program)' || n === '(garbage collector)' || n === 'stopThread';
for (const dir of process.argv.slice(2)) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  const ps = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
  const t0 = Math.min(...ps.map((p) => p.startTime));
  const runs = ps.map((p) => {
    const name = new Map(p.nodes.map((n) => [n.id, n.callFrame.functionName]));
    let t = p.startTime; const s = [];
    for (let i = 0; i < p.samples.length; i++) { t += p.timeDeltas[i]; const d = i + 1 < p.timeDeltas.length ? p.timeDeltas[i + 1] : 0; s.push([(t - t0) / 1e6, d / 1e6, name.get(p.samples[i])]); }
    return { s, end: (p.endTime - t0) / 1e6 };
  });
  const workers = runs.slice(1).map((r) => {
    const first = r.s.find(([, , n]) => n === 'lineRangeTask' || n === 'parseRecordLine')?.[0] ?? NaN;
    const waitBefore = r.s.filter(([t, , n]) => t < first && (n === '(idle)' || n.includes('atomicsWait'))).reduce((a, [, d]) => a + d, 0);
    const last = r.s.filter(([, , n]) => !idle(n)).at(-1)[0];
    return { first, waitBefore, last };
  });
  const lastW = Math.max(...workers.map((w) => w.last));
  const mainAfter = runs[0].s.filter(([t, , n]) => t > lastW && !idle(n)).reduce((a, [, d]) => a + d, 0);
  console.log(`${dir}: first range at ${workers.map((w) => w.first.toFixed(2)).join(', ')} s (idle before it ${workers.map((w) => w.waitBefore.toFixed(2)).join(', ')} s); workers' last work ${workers.map((w) => w.last.toFixed(2)).join(', ')} s; main busy after ${mainAfter.toFixed(3)} s; end ${runs[0].end.toFixed(2)} s`);
}
