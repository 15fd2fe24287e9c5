/** Reading snapshots back: export in the contract's formats, and diffs between runs. */
import { join } from 'node:path';
import { TalentmatchError } from '../../errors.js';
import type { Rows, RunRow, SnapshotStore } from '../../store/types.js';
import { writeChunks, writeFolder, writeLines, writeParts } from '../files/write.js';

export async function pickRun(store: SnapshotStore, id: number | undefined, what = '--run'): Promise<RunRow> {
  if (id === undefined) {
    const r = await store.latestComplete();
    if (!r) throw new TalentmatchError('E_UNKNOWN_ID', 'no complete snapshot in the database');
    return r;
  }
  const r = await store.run(id);
  if (!r || r.status !== 'complete') throw new TalentmatchError('E_UNKNOWN_ID', `${what} ${id}: no complete run with that id`);
  return r;
}

/**
 * Writes recommendations.jsonl, assignment.json and referrals.jsonl of a snapshot into dir.
 * All three are written into a temporary folder inside dir first and renamed into place only
 * when every one is complete: an export that fails midway leaves the previous files as they
 * were and no partial ones.
 */
export async function exportRun(store: SnapshotStore, run: RunRow, dir: string): Promise<string[]> {
  const names = ['recommendations.jsonl', 'assignment.json', 'referrals.jsonl'] as const;
  await writeFolder(dir, async (tmp) => {
    await writeLines(join(tmp, names[0]), (async function* () {
      yield* store.talentLines(run.id);
      yield* store.platformLines(run.id);
    })());
    await writeParts(join(tmp, names[1]), store.artifactParts(run.id, 'assignment.json'));
    await writeChunks(join(tmp, names[2]), (async function* () {
      let any = false;
      for await (const p of store.artifactParts(run.id, 'referrals.jsonl')) {
        any = true;
        yield p;
      }
      if (any) yield '\n';
    })());
  });
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
export async function diffRuns(store: SnapshotStore, from: RunRow, to: RunRow): Promise<Move[]> {
  const moves = new Map<string, Move>();
  const key = (side: string, id: string) => `${side}\u0000${id}`;
  const mergeJoin = async (side: 'talent' | 'platform', a: Rows<string>, b: Rows<string>) => {
    const ia = iterate(a);
    const ib = iterate(b);
    let x = await ia.next();
    let y = await ib.next();
    const idOf = (l: string) => (JSON.parse(l) as { id: string }).id;
    while (!x.done || !y.done) {
      const ix = x.done ? undefined : idOf(x.value);
      const iy = y.done ? undefined : idOf(y.value);
      if (ix !== undefined && (iy === undefined || ix < iy)) {
        const m = compareLists(side, ix, items(x.value), []);
        if (m) moves.set(key(side, ix), m);
        x = await ia.next();
      } else if (iy !== undefined && (ix === undefined || iy < ix)) {
        const m = compareLists(side, iy, [], items(y.value));
        if (m) moves.set(key(side, iy), m);
        y = await ib.next();
      } else {
        const m = compareLists(side, ix!, items(x.value), items(y!.value));
        if (m) moves.set(key(side, ix!), m);
        x = await ia.next();
        y = await ib.next();
      }
    }
  };
  await mergeJoin('talent', store.talentLines(from.id), store.talentLines(to.id));
  await mergeJoin('platform', store.platformLines(from.id), store.platformLines(to.id));
  const placed = async (run: RowId) => {
    const a = JSON.parse((await store.artifact(run.id, 'assignment.json')) ?? '{"assignments":[]}') as { assignments: { talentId: string; platformId: string }[] };
    return new Map(a.assignments.map((x) => [x.talentId, x.platformId]));
  };
  const pa = await placed(from);
  const pb = await placed(to);
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

/** One iterator over a sync or async row stream (the SQLite store's or PostgreSQL's). */
function iterate<T>(rows: Rows<T>): Iterator<T> | AsyncIterator<T> {
  return Symbol.asyncIterator in rows ? (rows as AsyncIterable<T>)[Symbol.asyncIterator]() : (rows as Iterable<T>)[Symbol.iterator]();
}
