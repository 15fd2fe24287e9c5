// The first phase of `recommend --threads 2` alone, as the CLI runs it (adapters/cli/load.ts
// loadOnWorkers): module loading, the reference files, the platform side, the talents file
// read, validated and vectorized on two workers, the features stacked in shared memory.
// Prints the wall time since the process started and the process's CPU (all threads).
//   node bench/first-phase.mjs DATA_DIR            # this checkout's dist/ (npm run build)
//   ROOT=/path/to/other/checkout node bench/first-phase.mjs DATA_DIR   # an A/B against another build
import { fileURLToPath } from 'node:url';
const root = process.env.ROOT ?? fileURLToPath(new URL('..', import.meta.url));
const dir = process.argv[2];
if (!dir) {
  console.error('usage: [ROOT=checkout] node bench/first-phase.mjs DATA_DIR');
  process.exit(2);
}
const { loadOnWorkers } = await import(`${root}/dist/adapters/cli/load.js`);
const io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };
const w = await loadOnWorkers({ data: dir }, io, 2, { top: 10 });
const wall = performance.now();
const c = process.cpuUsage();
const rss = process.memoryUsage().rss;
if (!w.pool) {
  console.error('the talents were not read on the workers (see loadOnWorkers)');
  process.exit(1);
}
await w.pool.destroy();
console.log(`${root}: first phase ${(wall / 1000).toFixed(2)} s wall, ${((c.user + c.system) / 1e6).toFixed(2)} s cpu, ${w.model.talents.count} talents, rss ${(rss / 2 ** 20).toFixed(0)} MiB`);
process.exit(0);
