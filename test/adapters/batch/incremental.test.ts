/**
 * Per-talent incremental runs: on random deltas (talent edits, additions, removals, line
 * order, occupancy and mode changes), chained run after run on one database, the snapshot
 * is byte-identical to a full run on the new input in a fresh database, and exactly the
 * unchanged talents are reused.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { loadDataset } from '../../../src/adapters/files/dataset.js';
import { runBatch } from '../../../src/adapters/batch/run.js';
import type { BatchOptions } from '../../../src/adapters/batch/run.js';
import { exportRun, pickRun } from '../../../src/adapters/batch/readers.js';
import type { Platform } from '../../../src/domain/schemas.js';
import { Store } from '../../../src/store/store.js';
// seeded, so a failure can be replayed
import { rng } from '../../../src/util/rng.js';
import { TERMS } from '../../../src/config/weights.js';
import { EarlyAssembly } from '../../../src/engine/assembly.js';
import type { EncodedReserve as Reserve } from '../../../src/engine/candidates.js';

const FIX = 'fixtures/jiangdong';
const tmp = () => mkdtempSync(join(tmpdir(), 'tm-inc-'));

interface Input {
  talents: string[];
  platforms: Platform[];
}

function write(input: Input): string {
  const d = tmp();
  for (const f of ['industries.json', 'policy.json', 'weights.json']) writeFileSync(join(d, f), readFileSync(join(FIX, f)));
  writeFileSync(join(d, 'platforms.jsonl'), input.platforms.map((p) => JSON.stringify(p)).join('\n') + '\n');
  writeFileSync(join(d, 'talents.jsonl'), input.talents.join('\n') + '\n');
  return d;
}

async function batch(dir: string, db: string, o: Partial<BatchOptions> = {}) {
  const { dataset } = await loadDataset({ data: dir }, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['talents', 'outcomes'] });
  return runBatch(
    { industries: dataset.industries, platforms: dataset.platforms, policy: dataset.policy, ...(dataset.weights ? { weights: dataset.weights } : {}), talentsPath: join(dir, 'talents.jsonl') },
    { db, threads: 1, chunkSize: 60, allowShrink: true, ...o },
  );
}

async function exported(db: string): Promise<Record<string, string>> {
  const out = tmp();
  const store = new Store(db);
  try {
    await exportRun(store, await pickRun(store, undefined), out);
  } finally {
    store.close();
  }
  return Object.fromEntries(['recommendations.jsonl', 'assignment.json', 'referrals.jsonl'].map((f) => [f, readFileSync(join(out, f), 'utf8')]));
}

const idOf = (line: string) => (JSON.parse(line) as { id: string }).id;

function edit(line: string, r: () => number): string {
  const t = JSON.parse(line) as { description?: string };
  t.description = `${t.description ?? ''} Also exploring ${['cross-border logistics', 'battery recycling', 'robotic welding', 'biotech assays'][Math.floor(r() * 4)]}.`;
  return JSON.stringify(t);
}

/** Occupancy of a platform moved by one (within its totals and above what its hosted projects take). */
function moveOccupancy(p: Platform, hosted: number): Platform {
  const c = { ...p.capacity };
  if (c.slotsUsed < c.slots) c.slotsUsed++;
  else if (c.slotsUsed > hosted) c.slotsUsed--;
  return { ...p, capacity: c };
}

/** The newest snapshot's platform reserve artifact replaced by what `f` makes of it (serialized as the store keeps it). */
function rewriteReserve(db: string, f: (now: Reserve) => object): void {
  const sql = new Database(db);
  const runId = (sql.prepare("SELECT max(run_id) AS id FROM artifacts WHERE name = 'platform-reserve'").get() as { id: number }).id;
  const text = (sql.prepare("SELECT body FROM artifacts WHERE run_id = ? AND name = 'platform-reserve' ORDER BY part").all(runId) as { body: string }[]).map((x) => x.body).join('');
  const next = serialize(f(deserialize(Buffer.from(text, 'base64')) as Reserve)).toString('base64');
  sql.prepare("DELETE FROM artifacts WHERE run_id = ? AND name = 'platform-reserve'").run(runId);
  sql.prepare("INSERT INTO artifacts (run_id, name, part, body) VALUES (?, 'platform-reserve', 0, ?)").run(runId, next);
  sql.close();
}

describe('incremental batch, per talent', () => {
  it('equals a full run byte for byte on chained random deltas, reusing exactly the unchanged talents', async () => {
    const r = rng(20261127);
    const all = readFileSync(join(FIX, 'talents.jsonl'), 'utf8').trim().split('\n');
    const platforms = readFileSync(join(FIX, 'platforms.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Platform);
    const hostedCount = new Map<string, number>();
    let cur: Input = { talents: all.slice(0, 420), platforms };
    for (const l of cur.talents) {
      const h = (JSON.parse(l) as { hostedBy?: string }).hostedBy;
      if (h) hostedCount.set(h, (hostedCount.get(h) ?? 0) + 1);
    }
    let spare = all.slice(420).filter((l) => !(JSON.parse(l) as { hostedBy?: string }).hostedBy);
    const db = join(tmp(), 'inc.db');
    const first = await batch(write(cur), db);
    expect(first.talentsReused).toBe(0);

    type Delta = { name: string; apply: (x: Input) => { next: Input; changed: Set<string> }; mode?: 'optimal'; occupancy?: boolean };
    const deltas: Delta[] = [
      {
        name: '3% of talents edited at random positions',
        apply: (x) => {
          const talents = [...x.talents];
          const changed = new Set<string>();
          while (changed.size < Math.ceil(0.03 * talents.length)) {
            const i = Math.floor(r() * talents.length);
            talents[i] = edit(talents[i], r);
            changed.add(idOf(talents[i]));
          }
          return { next: { ...x, talents }, changed };
        },
      },
      {
        name: 'additions, removals and a shuffled line order',
        apply: (x) => {
          const removed = new Set(x.talents.filter(() => r() < 0.04).filter((l) => !(JSON.parse(l) as { hostedBy?: string }).hostedBy).map(idOf));
          const added = spare.slice(0, 15);
          spare = spare.slice(15);
          const talents = [...x.talents.filter((l) => !removed.has(idOf(l))), ...added];
          for (let i = talents.length - 1; i > 0; i--) {
            const j = Math.floor(r() * (i + 1));
            [talents[i], talents[j]] = [talents[j], talents[i]];
          }
          return { next: { ...x, talents }, changed: new Set(added.map(idOf)) };
        },
      },
      {
        name: 'the assignment mode changes (optimal): every talent reused',
        mode: 'optimal',
        apply: (x) => ({ next: x, changed: new Set() }),
      },
      {
        name: "5% of platforms' occupancy changes",
        occupancy: true,
        apply: (x) => {
          const moved = new Set(x.platforms.filter(() => r() < 0.05).map((p) => p.id));
          if (moved.size === 0) moved.add(x.platforms[0].id);
          return { next: { ...x, platforms: x.platforms.map((p) => (moved.has(p.id) ? moveOccupancy(p, hostedCount.get(p.id) ?? 0) : p)) }, changed: new Set() };
        },
      },
      {
        name: 'edits, removals and additions together',
        apply: (x) => {
          const changed = new Set<string>();
          let talents = x.talents.map((l) => {
            if (r() < 0.02) {
              const e = edit(l, r);
              changed.add(idOf(e));
              return e;
            }
            return l;
          });
          talents = talents.filter((l) => r() >= 0.02 || changed.has(idOf(l)) || (JSON.parse(l) as { hostedBy?: string }).hostedBy !== undefined);
          const added = spare.slice(0, 8);
          spare = spare.slice(8);
          for (const a of added) changed.add(idOf(a));
          return { next: { ...x, talents: [...talents, ...added] }, changed };
        },
      },
    ];
    for (const d of deltas) {
      const { next, changed } = d.apply(cur);
      const dir = write(next);
      const assign = d.mode ? { assign: { mode: d.mode } } : {};
      const inc = await batch(dir, db, assign);
      const full = join(tmp(), 'full.db');
      const fresh = await batch(dir, full, assign);
      expect(fresh.talentsReused, d.name).toBe(0);
      expect(await exported(db), d.name).toEqual(await exported(full));
      // the platform side includes occupancy (a pair's score has a capacity term): nothing is reused then
      const expectReused = d.occupancy ? 0 : next.talents.length - changed.size;
      expect(inc.talentsReused, d.name).toBe(expectReused);
      expect(inc.scoredPairs, d.name).toBe((next.talents.length - expectReused) * next.platforms.length);
      expect(inc.reserveExhausted, d.name).toBeUndefined();
      cur = next;
    }
  }, 300_000);

  it('scores the changed talents with the floors of the chunks it scored (reused talents in the first chunk): the reserve is that of the run without floors, the exports a full run\'s', async () => {
    const r = rng(20261128);
    const all = readFileSync(join(FIX, 'talents.jsonl'), 'utf8').trim().split('\n');
    const platforms = readFileSync(join(FIX, 'platforms.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Platform);
    const reserveOf = (db: string) => {
      const store = new Store(db, { readonly: true });
      try {
        return store.artifact(store.latestComplete()!.id, 'platform-reserve')!;
      } finally {
        store.close();
      }
    };
    for (const k of [2, 10]) {
      const input: Input = { talents: all.slice(0, 600), platforms };
      const [db, oracle] = [join(tmp(), 'inc.db'), join(tmp(), 'oracle.db')];
      await batch(write(input), db, { k });
      await batch(write(input), oracle, { k });
      // most talents edited, none of the first chunk's: the assembly is unusable from chunk 0 on, the floors go on
      const talents = input.talents.map((l, i) => (i >= 60 && r() < 0.8 ? edit(l, r) : l));
      const changed = talents.filter((l, i) => l !== input.talents[i]).length;
      const dir = write({ ...input, talents });
      const floors = vi.spyOn(EarlyAssembly.prototype, 'floor');
      const inc = await batch(dir, db, { k });
      const finite = floors.mock.results.filter((x) => x.value instanceof Float64Array && x.value.some((f: number) => f > -Infinity)).length;
      // the oracle: the same incremental run, every chunk sent without floors
      floors.mockReturnValue(undefined);
      const bare = await batch(dir, oracle, { k });
      floors.mockRestore();
      expect(inc.talentsReused, `k ${k}`).toBe(600 - changed);
      expect(bare.talentsReused, `k ${k}`).toBe(600 - changed);
      expect(inc.reserveExhausted, `k ${k}`).toBeUndefined();
      // most of the chunks were sent with finite floors
      expect(finite, `k ${k}`).toBeGreaterThan(5);
      expect(reserveOf(db), `k ${k}`).toBe(reserveOf(oracle));
      const full = join(tmp(), 'full.db');
      await batch(dir, full, { k });
      expect(await exported(db), `k ${k}`).toEqual(await exported(full));
      expect(await exported(oracle), `k ${k}`).toEqual(await exported(full));
    }
  }, 180_000);

  it("redoes the run scoring every talent when a platform's reserve cannot answer its line, still equal to a full run", async () => {
    const all = readFileSync(join(FIX, 'talents.jsonl'), 'utf8').trim().split('\n');
    const platforms = readFileSync(join(FIX, 'platforms.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Platform);
    const input: Input = { talents: all.slice(0, 300).filter((l) => !(JSON.parse(l) as { hostedBy?: string }).hostedBy), platforms };
    const db = join(tmp(), 'inc.db');
    await batch(write(input), db, { k: 2 });
    // the reserve of the snapshot: remove every talent listed for the first platform whose list is full
    const store = new Store(db, { readonly: true });
    const text = store.artifact(store.latestComplete()!.id, 'platform-reserve')!;
    store.close();
    const reserve = deserialize(Buffer.from(text, 'base64')) as { count: Int32Array; ids: string[]; boundScore: Float64Array };
    let p = 0;
    let at = 0;
    while (Number.isNaN(reserve.boundScore[p])) at += reserve.count[p++];
    const gone = new Set(reserve.ids.slice(at, at + reserve.count[p]));
    expect(gone.size).toBe(6); // depth: 3 x the 2 talents a platform line shows
    const next = { ...input, talents: input.talents.filter((l) => !gone.has(idOf(l))) };
    const dir = write(next);
    const inc = await batch(dir, db, { k: 2 });
    expect(inc.reserveExhausted).toBeDefined();
    expect(inc.talentsReused).toBe(0);
    const full = join(tmp(), 'full.db');
    await batch(dir, full, { k: 2 });
    expect(await exported(db)).toEqual(await exported(full));
  }, 120_000);
  it("fails with E_INTERNAL, keeping the served snapshot, when a reserve's scores disagree with this build's kernel (a reserve another build wrote)", async () => {
    const all = readFileSync(join(FIX, 'talents.jsonl'), 'utf8').trim().split('\n');
    const platforms = readFileSync(join(FIX, 'platforms.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Platform);
    const input: Input = { talents: all.slice(0, 300), platforms };
    const db = join(tmp(), 'other.db');
    await batch(write(input), db, { k: 2 });
    // every reserve score moved by a few ulps, as a build with other last bits would have stored it
    rewriteReserve(db, (now) => ({ ...now, scores: now.scores.map((s) => s * (1 + 4 * Number.EPSILON)) }));
    const before = await exported(db);
    // one talent edited: the others, and their reserve entries, come from that snapshot
    const talents = [...input.talents];
    talents[7] = edit(talents[7], rng(7));
    await expect(batch(write({ ...input, talents }), db, { k: 2 })).rejects.toMatchObject({ code: 'E_INTERNAL', message: expect.stringMatching(/was ranked by score .* but explains as .*another build or Node version/) });
    // nothing published: the snapshot served is the one before
    expect(await exported(db)).toEqual(before);
  }, 120_000);
  it('reuses a snapshot whose reserve is in the format before the thirteenth pass (13 explanation numbers per entry): the same bytes as a full run', async () => {
    const r = rng(1313);
    const all = readFileSync(join(FIX, 'talents.jsonl'), 'utf8').trim().split('\n');
    const platforms = readFileSync(join(FIX, 'platforms.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Platform);
    const input: Input = { talents: all.slice(0, 300), platforms };
    const db = join(tmp(), 'old.db');
    await batch(write(input), db, { k: 2 });
    // the reserve rewritten as an older build stored it: one id per entry, the score first of 13 numbers (the rest are not read)
    rewriteReserve(db, (now) => {
      expect(now.scores.length).toBe(now.ids.length);
      const values = Float64Array.from([...now.scores].flatMap((s) => [s, ...Array.from({ length: 2 + TERMS.length }, () => r())]));
      return { count: now.count, ids: now.ids, values, boundScore: now.boundScore, boundId: now.boundId };
    });
    // 3% of the talents edited: the rest come from the old snapshot, its reserve answering every platform line
    const talents = [...input.talents];
    const changed = new Set<number>();
    while (changed.size < 9) changed.add(Math.floor(r() * talents.length));
    for (const i of changed) talents[i] = edit(talents[i], r);
    const dir = write({ ...input, talents });
    const inc = await batch(dir, db, { k: 2 });
    expect(inc.reserveExhausted).toBeUndefined();
    expect(inc.talentsReused).toBe(talents.length - changed.size);
    const full = join(tmp(), 'full.db');
    await batch(dir, full, { k: 2 });
    expect(await exported(db)).toEqual(await exported(full));
  }, 120_000);
});
