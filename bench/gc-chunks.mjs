// The batch's chunk phase alone, on a build's real scoring pool (workers/dispatch.ts localDispatcher: the
// scorers' heap limits, the tasks cloned to the workers as the batch sends them, no hashes: the scorers
// hash), for counting what the scorers' isolates collect (run under `node --trace-gc`) and the process's
// CPU over the phase (V8's helper threads included). Prints CPU, the chunks' output digest, and per
// thread name the CPU of the phase (/proc/self/task).
// Usage: node [--trace-gc] bench/gc-chunks.mjs BUILD_DIR DATA_DIR [TALENTS] [THREADS]
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
const [given, dir, nT = 'Infinity', nThreads = '2'] = process.argv.slice(2);
const b = resolve(given);
const ds = await import(`${b}/dist/adapters/files/dataset.js`);
const eng = await import(`${b}/dist/engine/engine.js`);
const pack = await import(`${b}/dist/workers/pack.js`);
const disp = await import(`${b}/dist/workers/dispatch.js`);
const poolMod = await import(`${b}/dist/workers/pool.js`);
const loaded = await ds.loadDataset({ data: dir }, { needTalents: true, needOutcomes: false, skipInvalid: false });
const data = loaded.dataset;
const talents = data.talents.slice(0, Number(nT));
const side = eng.planSide(data);
const threads = Number(nThreads);
const threadCpu = () => {
  const m = new Map();
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const st = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      m.set(`${t} ${name}`, (Number(f[11]) + Number(f[12])) * 10);
    } catch {}
  }
  return m;
};
const CH = 2000;
const tasks = [];
for (let s = 0, id = 0; s < talents.length; s += CH, id++) tasks.push({ runId: 1, chunkId: id, startLine: s + 1, endLine: Math.min(talents.length, s + CH), startByte: 0, endByte: 0, skipLines: [], talents: talents.slice(s, s + CH), k: 10, kPlatform: 30, maxPrefs: 50 });
// GC_OLD_MB / GC_YOUNG_MB: the scorers' heap limits instead of the batch's (an experiment's knob)
const heapEnv = process.env.GC_OLD_MB || process.env.GC_YOUNG_MB;
const pool = threads <= 1
  ? disp.inProcessDispatcher(side)
  : heapEnv
    ? poolMod.createChunkPool(pack.packPlatformSide(side), threads, undefined, { heap: { ...(process.env.GC_OLD_MB ? { oldGenMb: Number(process.env.GC_OLD_MB) } : {}), youngGenMb: Number(process.env.GC_YOUNG_MB ?? 24) } })
    : disp.localDispatcher(pack.packPlatformSide(side), threads);
const t0 = threadCpu();
const c0 = process.cpuUsage();
const w0 = Date.now();
const digest = createHash('sha256');
const outs = new Array(tasks.length);
let next = 0;
await Promise.all(Array.from({ length: threads }, async () => {
  while (next < tasks.length) {
    const i = next++;
    const r = await pool.run(tasks[i]);
    outs[i] = createHash('sha256').update(r.rows).update(r.candidates).update(String(r.pairs)).update(r.key ?? '').digest('hex');
  }
}));
const c = process.cpuUsage(c0);
const t1 = threadCpu();
for (const o of outs) digest.update(o);
const byName = new Map();
for (const [k, v] of t1) {
  const name = k.slice(k.indexOf(' ') + 1).replace(/[0-9]+$/, '');
  byName.set(name, (byName.get(name) ?? 0) + v - (t0.get(k) ?? 0));
}
await pool.destroy();
console.log(`chunks ${tasks.length} threads ${threads} cpu ${((c.user + c.system) / 1000).toFixed(0)} ms wall ${Date.now() - w0} ms digest ${digest.digest('hex').slice(0, 16)}`);
console.log([...byName].filter(([, v]) => v > 0).map(([n, v]) => `${n}: ${v} ms`).join(', '));
