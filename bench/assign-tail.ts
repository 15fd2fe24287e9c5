/**
 * The batch's stable assignment (the serial tail's `assign` step) on the exact pair set of a
 * stored run, phase by phase, in process: CPU ms per phase, median of `rounds`.
 *
 *   npx tsx bench/assign-tail.ts DATA_DIR DB [rounds=5] [--dump FILE | --load FILE]
 *
 * DB: a batch database holding a complete run of DATA_DIR (`talentmatch batch --data DATA_DIR
 * --db DB`). The preference lists are gathered from it as `adapters/batch/publish.ts
 * buildSnapshot` gathers them (`store.talentPrefs` -> `PrefsGatherer`), so the pair set is the
 * one the batch's assignment sees. `--dump FILE` writes that pair set's columns and the
 * platforms' capacities to FILE; `--load FILE` reads them back instead of the database (a second
 * or so instead of ~10 s; pass any DATA_DIR and DB then, they are not read).
 * Prints each phase's median and the matching's signature (assigned, moves-free hash, settled),
 * which must be equal before and after any change to the matchers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { PairSet } from '../src/matching/pairs.js';
import { finishPairSet, platformTops, seatsBind } from '../src/matching/pairs.js';
import { talentProposing } from '../src/matching/stable.js';
import { resolveBlocking } from '../src/matching/repair.js';
import { countBlockingPairs } from '../src/matching/blocking.js';
import { assignPairs } from '../src/matching/assign.js';
import { explainUnassigned } from '../src/matching/whyNot.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const dump = flag('--dump');
const load = flag('--load');
const [data, db, roundsArg = '5'] = args;
if (!load && (!data || !db)) {
  console.error('usage: npx tsx bench/assign-tail.ts DATA_DIR DB [rounds=5] [--dump FILE | --load FILE]');
  process.exit(2);
}
const rounds = Number(roundsArg);

interface Columns {
  N: number;
  M: number;
  tPtr: Int32Array;
  plat: Int32Array;
  f: Float64Array;
  b: Float64Array;
  s: Float64Array;
  seats: Int32Array;
  freeSlots: Int32Array;
  freeSeats: Int32Array;
  hosted: number;
}

async function fromStore(): Promise<Columns> {
  const { loadDataset } = await import('../src/adapters/files/dataset.js');
  const { batchPlatformSide } = await import('../src/engine/platformSide.js');
  const { openStore } = await import('../src/store/open.js');
  const { PrefsGatherer } = await import('../src/engine/snapshot.js');
  const loaded = await loadDataset({ data: data! }, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['talents', 'outcomes'] });
  const { side } = batchPlatformSide({ industries: loaded.dataset.industries, platforms: loaded.dataset.platforms, policy: loaded.dataset.policy });
  const store = await openStore(db!);
  const run = await store.latestComplete();
  if (!run) throw new Error('no complete run in the database');
  const g = new PrefsGatherer();
  for await (const row of store.talentPrefs(run.id)) g.add(row);
  await store.close();
  const c = g.columns();
  const hosted = c.hostedBy.filter((h) => h !== undefined).length;
  return { N: c.talentIds.length, M: side.platforms.count, tPtr: c.tPtr, plat: c.plat, f: c.f, b: c.b, s: c.s, seats: c.seats, freeSlots: side.platforms.freeSlots, freeSeats: side.platforms.freeSeats, hosted };
}

const KEYS = ['tPtr', 'plat', 'f', 'b', 's', 'seats', 'freeSlots', 'freeSeats'] as const;

function writeDump(file: string, c: Columns): void {
  const head = Buffer.from(JSON.stringify({ N: c.N, M: c.M, hosted: c.hosted, lengths: KEYS.map((k) => c[k].byteLength) }) + '\n');
  writeFileSync(file, Buffer.concat([head, ...KEYS.map((k) => Buffer.from(c[k].buffer, c[k].byteOffset, c[k].byteLength))]));
}

function readDump(file: string): Columns {
  const buf = readFileSync(file);
  const nl = buf.indexOf(10);
  const head = JSON.parse(buf.subarray(0, nl).toString()) as { N: number; M: number; hosted: number; lengths: number[] };
  let at = nl + 1;
  const take = (i: number, F: Float64ArrayConstructor | Int32ArrayConstructor) => {
    const n = head.lengths[i]!;
    const ab = new ArrayBuffer(n);
    new Uint8Array(ab).set(buf.subarray(at, at + n));
    at += n;
    return new F(ab);
  };
  const i32 = (i: number) => take(i, Int32Array) as Int32Array;
  const f64 = (i: number) => take(i, Float64Array) as Float64Array;
  return { N: head.N, M: head.M, hosted: head.hosted, tPtr: i32(0), plat: i32(1), f: f64(2), b: f64(3), s: f64(4), seats: i32(5), freeSlots: i32(6), freeSeats: i32(7) };
}

const cols = load ? readDump(load) : await fromStore();
if (dump) writeDump(dump, cols);
if (cols.hosted > 0) console.log(`note: ${cols.hosted} hosted talents are in the pair set here (the batch takes them out first)`);

const cpu = <T>(f: () => T): [T, number] => {
  const c0 = process.cpuUsage();
  const r = f();
  const d = process.cpuUsage(c0);
  return [r, (d.user + d.system) / 1000];
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const phases: Record<string, number[]> = {};
const add = (name: string, ms: number) => (phases[name] ??= []).push(ms);
let signature = '';
for (let r = 0; r < rounds; r++) {
  const [ps, t0] = cpu((): PairSet => finishPairSet(cols.N, cols.M, cols.tPtr, cols.plat, cols.f, cols.b, cols.s, cols.seats, cols.freeSlots, cols.freeSeats));
  add('finishPairSet', t0);
  const [bind, t1] = cpu(() => seatsBind(ps));
  add('seatsBind', t1);
  const [m, t2] = cpu(() => talentProposing(ps));
  add('talentProposing', t2);
  const [x, t3] = cpu(() => resolveBlocking(ps, m));
  add('resolveBlocking', t3);
  const [bp, t4] = cpu(() => countBlockingPairs(ps, x));
  add('countBlockingPairs (skipped when settled)', t4);
  // the referrals' reserve (referrals.ts buildReferrals): each platform's best 10 pairs not placed
  const [tops, t7] = cpu(() => platformTops(ps, 10, (e) => x.pairOf[ps.talentOf[e]!] !== e));
  add('platformTops (referrals, 10 a platform)', t7);
  let hr = 0;
  for (const l of tops) for (const e of l) hr = (Math.imul(hr, 31) + e) | 0;
  const ids = Array.from({ length: cols.M }, (_, p) => `p${p}`);
  const [u, t5] = cpu(() => explainUnassigned(ps, x, 'stable', ids, () => ''));
  add('explainUnassigned', t5);
  const [a, t6] = cpu(() => assignPairs(ps, { mode: 'stable', proposer: 'talent' }, ids, () => ''));
  add('assignPairs (all but finishPairSet)', t6);
  let h = 0;
  let assigned = 0;
  for (let t = 0; t < x.pairOf.length; t++) {
    h = (Math.imul(h, 31) + x.pairOf[t]!) | 0;
    if (x.pairOf[t]! >= 0) assigned++;
  }
  let hp = 0;
  for (let t = 0; t < m.pairOf.length; t++) hp = (Math.imul(hp, 31) + m.pairOf[t]!) | 0;
  const same = a.matching.pairOf.every((e, t) => e === x.pairOf[t]);
  signature = `reserve hash ${hr}, seats bind ${bind}, proposing hash ${hp}, assigned ${assigned}, matching hash ${h}, settled ${x.settled}, blocking pairs ${bp} (assign says ${a.blockingPairs}), unassigned ${u.length}, assignPairs same matching ${same}`;
}
console.log(`${cols.N} talents x ${cols.M} platforms, ${cols.plat.length} pairs; CPU ms, median of ${rounds}:`);
for (const [name, xs] of Object.entries(phases)) console.log(`  ${name.padEnd(44)} ${median(xs).toFixed(1).padStart(8)}   (${xs.map((v) => v.toFixed(0)).join(' ')})`);
console.log(signature);
