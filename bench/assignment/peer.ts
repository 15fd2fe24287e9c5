/**
 * Optimal assignment against scipy, as users run them: the same generated instance written
 * as a scores CSV and a capacities CSV, then, each as a whole process (reading and writing
 * included), `talentmatch match --scores --capacities --mode optimal` and
 * bench/assignment/lsa_peer.py (scipy's linear_sum_assignment on the talent x slot
 * matrix). Checks that both totals agree and prints the medians, the ratio, and each
 * solver's own time (talentmatch: `solved in N ms` of its summary; scipy: the LSA call).
 *
 *   npm run build && npx tsx bench/assignment/peer.ts [talents=5000] [platforms=500] [slots=10] [runs=3]
 *
 * Each process's CPU time is printed beside its wall time (via /usr/bin/time, when present), and
 * `uptime` before and after: the machine is shared.
 *
 * Python with scipy is optional (apt-get install python3-scipy, or TM_PYTHON=/path/python3).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticPairSet } from '../pairsets.js';

const [N, M, slots, runs] = [5000, 500, 10, 3].map((d, i) => Number(process.argv[2 + i] ?? d));
const dir = mkdtempSync(join(tmpdir(), 'tm-lsa-'));
const ps = syntheticPairSet({ talents: N, platforms: M, prefs: M, slots });
const pid = (p: number) => `P${String(p).padStart(5, '0')}`;
const tid = (t: number) => `T${String(t).padStart(6, '0')}`;
const lines = ['talentId,platformId,talentScore,platformScore,score'];
for (let t = 0; t < N; t++) for (let e = ps.tPtr[t]; e < ps.tPtr[t + 1]; e++) lines.push(`${tid(t)},${pid(ps.plat[e])},${ps.f[e]},${ps.b[e]},${ps.s[e]}`);
writeFileSync(join(dir, 'scores.csv'), lines.join('\n') + '\n');
writeFileSync(join(dir, 'caps.csv'), ['platformId,slots,seats', ...Array.from({ length: M }, (_, p) => `${pid(p)},${slots},${slots * 100}`)].join('\n') + '\n');

/** Runs a command, with its CPU time (user + system) when /usr/bin/time is there: the machine is shared, so wall time alone misleads. */
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
function timed(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string; cpuMs: number } {
  const r = TIME ? spawnSync(TIME, ['-f', 'TM_CPU %U %S', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' });
  const m = /TM_CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN };
}
console.log(`load before: ${spawnSync('uptime', { encoding: 'utf8' }).stdout.trim()}`);
const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)];
const fmt = (x: number[]) => x.map((v) => (v / 1000).toFixed(2)).join(', ');
const tm: number[] = [];
const tmCpu: number[] = [];
const tmSolve: number[] = [];
let tmTotal = NaN;
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const r = timed(process.execPath, ['bin/talentmatch.js', 'match', '--scores', join(dir, 'scores.csv'), '--capacities', join(dir, 'caps.csv'), '--mode', 'optimal', '--out', join(dir, 'o.json')]);
  tm.push(performance.now() - t0);
  tmCpu.push(r.cpuMs);
  if (r.status !== 0) throw new Error(r.stderr);
  tmSolve.push(Number(/solved in (\d+) ms/.exec(r.stderr)?.[1] ?? NaN));
  tmTotal = JSON.parse(readFileSync(join(dir, 'o.json'), 'utf8')).totalScore;
}
console.log(`talentmatch match --mode optimal, ${N} x ${M} x ${slots}: whole process median ${(median(tm) / 1000).toFixed(2)} s (${fmt(tm)}; CPU ${fmt(tmCpu)} s), solver ${(median(tmSolve) / 1000).toFixed(2)} s (${fmt(tmSolve)}); total ${tmTotal}`);
const py = process.env.TM_PYTHON ?? 'python3';
const probe = spawnSync(py, ['-c', 'import scipy'], { encoding: 'utf8' });
if (probe.status !== 0) {
  console.log(`scipy peer skipped: ${py} cannot import scipy (apt-get install python3-scipy, or TM_PYTHON=/path/to/python3)`);
} else {
  const sp: number[] = [];
  const spCpu: number[] = [];
  const spSolve: number[] = [];
  let spTotal = NaN;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = timed(py, ['bench/assignment/lsa_peer.py', join(dir, 'scores.csv'), join(dir, 'caps.csv')]);
    sp.push(performance.now() - t0);
    spCpu.push(r.cpuMs);
    if (r.status !== 0) throw new Error(r.stderr);
    const o = JSON.parse(r.stdout) as { total: number; solveSeconds: number };
    spTotal = o.total;
    spSolve.push(o.solveSeconds * 1000);
  }
  console.log(`scipy linear_sum_assignment: whole process median ${(median(sp) / 1000).toFixed(2)} s (${fmt(sp)}; CPU ${fmt(spCpu)} s), solver ${(median(spSolve) / 1000).toFixed(2)} s (${fmt(spSolve)}); total ${spTotal}`);
  console.log(`same optimum: ${Math.abs(spTotal - tmTotal) < 1e-6 * Math.max(1, spTotal)}; talentmatch / scipy: whole process ${(median(tm) / median(sp)).toFixed(2)}, solver ${(median(tmSolve) / median(spSolve)).toFixed(2)}`);
}
console.log(`load after: ${spawnSync('uptime', { encoding: 'utf8' }).stdout.trim()}`);
