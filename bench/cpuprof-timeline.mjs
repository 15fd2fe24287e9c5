// Per-thread timeline of a --cpu-prof run: for each .cpuprofile of a folder (one per thread:
// the main thread and each worker), when it started and ended relative to the first, and per
// time bin its busy and idle samples and top three frames. Shows serial phases (one thread
// busy while the others wait) that a top-by-self-time list hides.
//   node --cpu-prof --cpu-prof-dir=prof bin/talentmatch.js recommend ... --threads 2
//   node bench/cpuprof-timeline.mjs prof [binMs=1000]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, binArg = '1000'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/cpuprof-timeline.mjs DIR [binMs]');
  process.exit(2);
}
const binMs = Number(binArg);
const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
const profiles = files.map((f) => ({ f, p: JSON.parse(readFileSync(join(dir, f), 'utf8')) }));
const t0 = Math.min(...profiles.map(({ p }) => p.startTime));
const waiting = (name) => name === '(idle)' || name.includes('atomicsWait');
for (const { f, p } of profiles) {
  const name = new Map(p.nodes.map((n) => [n.id, n.callFrame.functionName || '(anonymous)']));
  const bins = new Map();
  let t = p.startTime;
  let busy = 0;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i];
    const fn = name.get(p.samples[i]);
    const b = Math.floor((t - t0) / 1000 / binMs);
    const m = bins.get(b) ?? { busy: 0, idle: 0, top: new Map() };
    if (waiting(fn)) m.idle++;
    else {
      m.busy++;
      busy++;
      m.top.set(fn, (m.top.get(fn) ?? 0) + 1);
    }
    bins.set(b, m);
  }
  console.log(`== ${f}: ${((p.startTime - t0) / 1e6).toFixed(2)} s .. ${((p.endTime - t0) / 1e6).toFixed(2)} s, ${busy} busy samples of ${p.samples.length}`);
  for (const [b, m] of [...bins].sort((x, y) => x[0] - y[0])) {
    const top = [...m.top].sort((x, y) => y[1] - x[1]).slice(0, 3).map(([k, v]) => `${k}:${v}`).join(' ');
    console.log(`${String((b * binMs) / 1000).padStart(7)} s  busy ${String(m.busy).padStart(5)}  idle ${String(m.idle).padStart(5)}  ${top}`);
  }
}
