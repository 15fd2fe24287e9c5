// The library's threaded form against one thread, as a library user runs it: plain Node
// against a compiled build (dist/index.js), each mode in a fresh process, the dataset read
// with the library's own loader (dist/adapters/files/dataset.js loadDataset; the load is not
// timed). Per phase: wall (performance.now), CPU of the whole process, workers included
// (process.cpuUsage: getrusage over every thread), and of the main thread alone
// (process.threadCpuUsage). On a shared 2-core host the wall says little: the CPU split says
// what an idle machine's wall would be bounded by (the main thread's share, and the rest
// over the workers).
//   npm run build && node bench/async-lib.mjs [DIR] [ROOT ...]
// DIR: a dataset directory (default /tmp/talentmatch-peers/rich-100kx1000); each ROOT: a
// built checkout (default: this one), run alternately, 2 rounds (TM_ROUNDS). Modes:
//   one        createEngine + engine.recommend({ k: 10 })             (1 thread)
//   async      createEngine + recommendAsync(engine, { threads: 2 })  (ranking on 2 workers)
//   build      createEngineAsync(data, { threads: 2 }) + ranker.recommend(10, 10)
//              (vectorizing and ranking on 2 workers; roots that export createEngineAsync)
// One mode in one process: node bench/async-lib.mjs --child ROOT DIR MODE
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
if (args[0] === '--child') {
  const [, root, dir, mode] = args;
  const lib = await import(pathToFileURL(resolve(root, 'dist/index.js')).href);
  const { loadDataset } = await import(pathToFileURL(resolve(root, 'dist/adapters/files/dataset.js')).href);
  const { dataset } = await loadDataset({ data: dir }, { needTalents: true, needOutcomes: false, skipInvalid: false });
  const opts = { trusted: true };
  const phases = [];
  let c0 = process.cpuUsage();
  let m0 = process.threadCpuUsage();
  let t0 = performance.now();
  const lap = (name) => {
    const c = process.cpuUsage(c0);
    const m = process.threadCpuUsage(m0);
    phases.push({ name, wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, main: (m.user + m.system) / 1e6 });
    c0 = process.cpuUsage();
    m0 = process.threadCpuUsage();
    t0 = performance.now();
  };
  let rec;
  if (mode === 'one') {
    const engine = lib.createEngine(dataset, opts);
    lap('build');
    rec = engine.recommend({ k: 10 });
    lap('rank');
  } else if (mode === 'async') {
    const engine = lib.createEngine(dataset, opts);
    lap('build');
    rec = await lib.recommendAsync(engine, { threads: 2, k: 10 });
    lap('rank');
  } else if (mode === 'build') {
    if (!lib.createEngineAsync) {
      console.log(JSON.stringify({ mode, skipped: 'no createEngineAsync' }));
      process.exit(0);
    }
    const { ranker } = await lib.createEngineAsync(dataset, { ...opts, threads: 2 });
    lap('build');
    try {
      rec = await ranker.recommend(10, 10);
      lap('rank');
    } finally {
      await ranker.destroy();
    }
  } else throw new Error(`unknown mode ${mode}`);
  const total = phases.reduce((a, p) => ({ wall: a.wall + p.wall, cpu: a.cpu + p.cpu, main: a.main + p.main }), { wall: 0, cpu: 0, main: 0 });
  console.log(JSON.stringify({ mode, pairs: rec.pairs, phases, total }));
  process.exit(0);
}

const here = resolve(new URL('..', import.meta.url).pathname);
const dir = args[0] ?? '/tmp/talentmatch-peers/rich-100kx1000';
const roots = args.length > 1 ? args.slice(1) : [here];
const rounds = Number(process.env.TM_ROUNDS ?? 2);
const modes = (process.env.TM_MODES ?? 'one,async,build').split(',');
const f = (x) => x.toFixed(2).padStart(6);
for (let round = 1; round <= rounds; round++) {
  for (const mode of modes) {
    for (const root of roots) {
      const load = (await import('node:os')).loadavg()[0].toFixed(1);
      const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', root, dir, mode], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (r.status !== 0) {
        console.log(`${root} ${mode}: failed\n${r.stderr}`);
        continue;
      }
      const o = JSON.parse(r.stdout.trim().split('\n').pop());
      if (o.skipped) {
        console.log(`round ${round} ${mode.padEnd(5)} ${root}: skipped (${o.skipped})`);
        continue;
      }
      const ph = o.phases.map((p) => `${p.name} ${f(p.wall)} s wall ${f(p.cpu)} s cpu (main ${f(p.main)})`).join(' | ');
      console.log(`round ${round} ${mode.padEnd(5)} ${root}: total ${f(o.total.wall)} s wall ${f(o.total.cpu)} s cpu (main ${f(o.total.main)}) | ${ph} | pairs ${o.pairs} | load ${load}`);
    }
  }
}
