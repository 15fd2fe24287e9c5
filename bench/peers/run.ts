/**
 * Side-by-side peer benchmark: one dataset per district kind, then the command a user runs
 * (`talentmatch recommend --top 10 --threads N`, the whole process: read, validate,
 * vectorize, score, both top-10 lists, JSON Lines with `why`) and the scikit-learn
 * pipeline (bench/peers/sklearn_recommend.py) on the same files, each timed as a whole
 * process with its peak RSS. Prints the ratio.
 *
 *   npm run bench:peers                       # 100k x 1k, rich and dense, 2 threads
 *   TM_PEER_SIZES=20k TM_PEER_KINDS=dense TM_PEER_THREADS=1 npm run bench:peers
 *
 * Python with scikit-learn is optional: without it the peer is skipped with a message
 * (`apt-get install python3-sklearn`, or TM_PYTHON=/path/to/python3).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePeerData, type PeerKind } from './data.js';
import { alignColumns } from '../compare.js';

const root = new URL('../..', import.meta.url).pathname;
const sizes = (process.env.TM_PEER_SIZES ?? '100k').split(',').map((s) => {
  const m = /^(\d+)(k)?$/.exec(s.trim());
  if (!m) throw new Error(`TM_PEER_SIZES: expected sizes like 20k,100k, got ${JSON.stringify(s)}`);
  return { label: s.trim(), talents: Number(m[1]) * (m[2] ? 1000 : 1) };
});
const kinds = (process.env.TM_PEER_KINDS ?? 'rich,dense').split(',').map((k) => k.trim() as PeerKind);
const threads = process.env.TM_PEER_THREADS ?? '2';
const platforms = Number(process.env.TM_PEER_PLATFORMS ?? 1000);
const dataRoot = process.env.TM_PEER_DATA ?? join(tmpdir(), 'talentmatch-peers');

function findPython(): string | undefined {
  for (const py of [process.env.TM_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean) as string[]) {
    const r = spawnSync(py, ['-c', 'import sklearn, numpy'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

const hasTime = existsSync('/usr/bin/time');

interface Measured { seconds: number; peakMiB: number | undefined; ok: boolean; err?: string }

/** Runs a command as a whole process: wall time, and peak RSS from /usr/bin/time when present. */
function measure(cmd: string, args: string[]): Measured {
  const t0 = process.hrtime.bigint();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', '__PEAK_KB=%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const peak = /__PEAK_KB=(\d+)/.exec(r.stderr ?? '');
  const ok = r.status === 0;
  return { seconds, peakMiB: peak ? Number(peak[1]) / 1024 : undefined, ok, err: ok ? undefined : (r.stderr ?? '').slice(-2000) };
}

const python = findPython();
if (!python) console.log('bench:peers: scikit-learn not found (tried $TM_PYTHON, python3, /usr/bin/python3): the peer is skipped. Install it with `apt-get install python3-sklearn` or point TM_PYTHON at a Python that has it.');
if (!existsSync(join(root, 'dist/adapters/cli/main.js'))) throw new Error('bench:peers: dist/ is missing; run `npm run build` first');

const head = ['district', 'size', 'talentmatch (s)', 'peak RSS', 'scikit-learn (s)', 'peak RSS', 'speed-up'];
const rows: string[][] = [];
const fmtMiB = (m: number | undefined) => (m === undefined ? '-' : `${Math.round(m)} MiB`);
for (const size of sizes) {
  for (const kind of kinds) {
    const dir = join(dataRoot, `${kind}-${size.label}x${platforms}`);
    if (!existsSync(join(dir, 'talents.jsonl'))) {
      console.log(`generating ${kind} ${size.label} x ${platforms} in ${dir} ...`);
      await writePeerData(dir, kind, size.talents, platforms);
    }
    const mb = (statSync(join(dir, 'talents.jsonl')).size / 1048576).toFixed(0);
    const outDir = join(dataRoot, 'out');
    mkdirSync(outDir, { recursive: true });
    const tm = measure(process.execPath, [join(root, 'bin/talentmatch.js'), 'recommend', '--data', dir, '--top', '10', '--threads', threads, '--out', join(outDir, `tm-${kind}.jsonl`)]);
    if (!tm.ok) throw new Error(`talentmatch recommend failed on ${dir}:\n${tm.err}`);
    let sk: Measured | undefined;
    if (python) {
      sk = measure(python, [join(root, 'bench/peers/sklearn_recommend.py'), dir, join(outDir, `sk-${kind}.jsonl`), '10']);
      if (!sk.ok) throw new Error(`scikit-learn pipeline failed on ${dir}:\n${sk.err}`);
    }
    const row = [kind, `${size.label} x ${platforms / 1000}k (${mb} MB)`, tm.seconds.toFixed(2), fmtMiB(tm.peakMiB), sk ? sk.seconds.toFixed(2) : 'skipped', sk ? fmtMiB(sk.peakMiB) : '-', sk ? `${(sk.seconds / tm.seconds).toFixed(2)}x` : '-'];
    rows.push(row);
    console.log(row.join('  '));
  }
}
const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, --threads ${threads}`;
const table = alignColumns(head, rows);
console.log(`\n${table}\n\nmachine: ${machine}`);
const resultsDir = join(root, 'bench/results');
mkdirSync(resultsDir, { recursive: true });
// one file per day and machine (as bench/run.ts names its results): a run on another machine the same day keeps the first
const slug = (cpus()[0]?.model ?? 'unknown').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
writeFileSync(join(resultsDir, `peers-${new Date().toISOString().slice(0, 10)}-${slug}.md`), `${table}\n\nmachine: ${machine}\n`);
