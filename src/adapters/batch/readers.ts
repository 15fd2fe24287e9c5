/** Reading snapshots back: export in the contract's formats, and diffs between runs. */
import { join } from 'node:path';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { TalentmatchError } from '../../errors.js';
import type { RunRow } from '../../store/store.js';
import { Store } from '../../store/store.js';
import { writeChunks, writeLines, writeParts } from '../files/write.js';

export function pickRun(store: Store, id: number | undefined, what = '--run'): RunRow {
  if (id === undefined) {
    const r = store.latestComplete();
    if (!r) throw new TalentmatchError('E_UNKNOWN_ID', 'no complete snapshot in the database');
    return r;
  }
  const r = store.run(id);
  if (!r || r.status !== 'complete') throw new TalentmatchError('E_UNKNOWN_ID', `${what} ${id}: no complete run with that id`);
  return r;
}

/**
 * Writes recommendations.jsonl, assignment.json and referrals.jsonl of a snapshot into dir.
 * All three are written into a temporary folder inside dir first and renamed into place only
 * when every one is complete: an export that fails midway leaves the previous files as they
 * were and no partial ones.
 */
export async function exportRun(store: Store, run: RunRow, dir: string): Promise<string[]> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new TalentmatchError('E_IO', `${dir}: cannot create the export folder (${(e as Error).message})`);
  }
  const tmp = await mkdtemp(join(dir, '.export-'));
  const names = ['recommendations.jsonl', 'assignment.json', 'referrals.jsonl'] as const;
  try {
    await writeLines(join(tmp, names[0]), (function* () {
      yield* store.talentLines(run.id);
      yield* store.platformLines(run.id);
    })());
    await writeParts(join(tmp, names[1]), store.artifactParts(run.id, 'assignment.json'));
    await writeChunks(join(tmp, names[2]), (function* () {
      let any = false;
      for (const p of store.artifactParts(run.id, 'referrals.jsonl')) {
        any = true;
        yield p;
      }
      if (any) yield '\n';
    })());
    for (const n of names) await rename(join(tmp, n), join(dir, n));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return names.map((n) => join(dir, n));
}

export interface Move {
  side: 'talent' | 'platform';
  id: string;
  entered: string[];
  left: string[];
  /** sum of rank changes of the items in both lists */
  rankShift: number;
  assignment?: { from: string | null; to: string | null };
  size: number;
}

function items(line: string): string[] {
  return (JSON.parse(line) as { items: { id: string }[] }).items.map((i) => i.id);
}

function compareLists(side: 'talent' | 'platform', id: string, a: string[], b: string[]): Move | undefined {
  const setA = new Set(a);
  const setB = new Set(b);
  const entered = b.filter((x) => !setA.has(x));
  const left = a.filter((x) => !setB.has(x));
  let rankShift = 0;
  b.forEach((x, i) => {
    const j = a.indexOf(x);
    if (j >= 0) rankShift += Math.abs(i - j);
  });
  if (entered.length === 0 && left.length === 0 && rankShift === 0) return undefined;
  return { side, id, entered, left, rankShift, size: 0 };
}

/**
 * Talents and platforms whose top-k or assignment changed between two snapshots, largest
 * moves first. Move size: 10 per item that entered or left a list, 1 per rank step of the
 * items kept, 25 for a changed assignment.
 */
export function diffRuns(store: Store, from: RunRow, to: RunRow): Move[] {
  const moves = new Map<string, Move>();
  const key = (side: string, id: string) => `${side}\u0000${id}`;
  const mergeJoin = (side: 'talent' | 'platform', a: Iterable<string>, b: Iterable<string>) => {
    const ia = a[Symbol.iterator]();
    const ib = b[Symbol.iterator]();
    let x = ia.next();
    let y = ib.next();
    const idOf = (l: string) => (JSON.parse(l) as { id: string }).id;
    while (!x.done || !y.done) {
      const ix = x.done ? undefined : idOf(x.value);
      const iy = y.done ? undefined : idOf(y.value);
      if (ix !== undefined && (iy === undefined || ix < iy)) {
        const m = compareLists(side, ix, items(x.value), []);
        if (m) moves.set(key(side, ix), m);
        x = ia.next();
      } else if (iy !== undefined && (ix === undefined || iy < ix)) {
        const m = compareLists(side, iy, [], items(y.value));
        if (m) moves.set(key(side, iy), m);
        y = ib.next();
      } else {
        const m = compareLists(side, ix!, items(x.value), items(y!.value));
        if (m) moves.set(key(side, ix!), m);
        x = ia.next();
        y = ib.next();
      }
    }
  };
  mergeJoin('talent', store.talentLines(from.id), store.talentLines(to.id));
  mergeJoin('platform', store.platformLines(from.id), store.platformLines(to.id));
  const placed = (run: RowId) => {
    const a = JSON.parse(store.artifact(run.id, 'assignment.json') ?? '{"assignments":[]}') as { assignments: { talentId: string; platformId: string }[] };
    return new Map(a.assignments.map((x) => [x.talentId, x.platformId]));
  };
  const pa = placed(from);
  const pb = placed(to);
  for (const id of new Set([...pa.keys(), ...pb.keys()])) {
    const a = pa.get(id) ?? null;
    const b = pb.get(id) ?? null;
    if (a === b) continue;
    const m = moves.get(key('talent', id)) ?? { side: 'talent' as const, id, entered: [], left: [], rankShift: 0, size: 0 };
    m.assignment = { from: a, to: b };
    moves.set(key('talent', id), m);
  }
  const out = [...moves.values()];
  for (const m of out) m.size = 10 * (m.entered.length + m.left.length) + m.rankShift + (m.assignment ? 25 : 0);
  return out.sort((p, q) => q.size - p.size || (p.side < q.side ? -1 : p.side > q.side ? 1 : p.id < q.id ? -1 : p.id > q.id ? 1 : 0));
}

type RowId = { id: number };
