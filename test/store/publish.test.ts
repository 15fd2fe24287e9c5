/**
 * The batch's publication on the SQLite writer thread (store/writer.ts complete, Store's
 * beginComplete / completeParts / endComplete / abortComplete): the artifacts' parts are
 * stored as the caller formats them, each message in a transaction of its own, and the run
 * turns complete in the last. Oracle: Store.complete, one transaction on one connection.
 * Invariants: no reader sees the run complete before every part is stored; a publication
 * that fails (formatting, a step the database refuses, a writer that dies) leaves the run
 * running (resumable) and, where the writer lives to clean up, none of its rows; a
 * publication started again stores exactly the oracle's rows.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { TalentmatchError } from '../../src/errors.js';
import { Store } from '../../src/store/store.js';
import { SqliteWriterThread } from '../../src/store/writer.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tm-publish-'));

function newRun(db: string): number {
  const s = new Store(db);
  const id = s.createRun({ startedAt: 't', fingerprint: 'f', platformFingerprint: 'p', options: '{}', weights: '{}' });
  s.close();
  return id;
}

const platformLines = [
  { id: 'p-1', line: '{"side":"platform","id":"p-1","items":[]}' },
  { id: '平台-二', line: '{"side":"platform","id":"平台-二","items":["é"]}' },
];

/** Parts of many sizes, ~3.5 M characters in all: several messages of parts (~0.5 M characters each), part numbers running across them. */
function* bigParts(name: string, n: number, onPart?: (i: number) => void): Generator<string> {
  for (let i = 0; i < n; i++) {
    onPart?.(i);
    yield `${i === 0 ? '' : '\n'}{"${name}":${i},"pad":"${'x'.repeat((i * 7919) % 3000)}","名":"é😀"}`;
  }
}

const artifacts = (onPart?: (name: string, i: number) => void): Record<string, Iterable<string>> => ({
  'assignment.json': bigParts('a', 1500, (i) => onPart?.('assignment.json', i)),
  'referrals.jsonl': bigParts('r', 900, (i) => onPart?.('referrals.jsonl', i)),
  'platform-reserve': ['AAAA', '', 'BBBB'], // an empty part is a part too
});

function dump(db: string, run: number) {
  const x = new Database(db, { readonly: true });
  const out = {
    run: x.prepare('SELECT status, finished_at, summary FROM runs WHERE id = ?').get(run),
    platforms: x.prepare('SELECT platform_id, line FROM platform_recs WHERE run_id = ? ORDER BY platform_id').all(run),
    artifacts: x.prepare('SELECT name, part, body FROM artifacts WHERE run_id = ? ORDER BY name, part').all(run) as { name: string; part: number; body: string }[],
  };
  x.close();
  return out;
}

/** What Store.complete writes in one transaction: the oracle. */
function oracle(): ReturnType<typeof dump> {
  const db = join(tmp(), 'oracle.db');
  const run = newRun(db);
  const s = new Store(db);
  s.complete(run, platformLines, artifacts(), 'done-at', '{"ok":1}');
  s.close();
  return dump(db, run);
}

/** Waits (this thread blocked, as while it formats) until the writer has committed some artifact rows of the run: they are stored while the caller formats. */
function waitForStoredParts(db: string, run: number): number {
  const x = new Database(db, { readonly: true });
  const count = () => (x.prepare('SELECT COUNT(*) AS n FROM artifacts WHERE run_id = ?').get(run) as { n: number }).n;
  const until = Date.now() + 60_000;
  let n = count();
  while (n === 0 && Date.now() < until) n = count();
  x.close();
  return n;
}

const writerOf = (w: SqliteWriterThread) => (w as unknown as { worker: { terminate(): Promise<number> } }).worker;

describe('publishing on the SQLite writer thread', () => {
  it('stores what Store.complete stores (part numbers across messages), and no reader sees the run complete before the last part', async () => {
    const want = oracle();
    expect(want.artifacts).toHaveLength(1500 + 900 + 3);
    expect(want.run).toEqual({ status: 'complete', finished_at: 'done-at', summary: '{"ok":1}' });
    const db = join(tmp(), 'thread.db');
    const run = newRun(db);
    const reader = new Store(db, { readonly: true });
    const seen: string[] = [];
    const w = await SqliteWriterThread.open(db);
    try {
      // while the last parts are formatted, earlier messages are stored (committed) already
      await w.complete(run, platformLines, artifacts((name, i) => {
        if (name === 'referrals.jsonl' && i === 899) seen.push(`${reader.latestComplete()?.id ?? 'none'} ${reader.run(run)!.status}`);
      }), 'done-at', '{"ok":1}');
    } finally {
      await w.close();
    }
    expect(seen).toEqual(['none running']);
    expect(reader.latestComplete()?.id).toBe(run);
    reader.close();
    expect(dump(db, run)).toEqual(want);
  });

  it('formatting that fails midway leaves the run running with none of its rows; published again, it stores exactly the oracle\'s', async () => {
    const db = join(tmp(), 'fails.db');
    const run = newRun(db);
    const w = await SqliteWriterThread.open(db);
    let stored = 0;
    try {
      const failing = artifacts((name, i) => {
        if (name !== 'referrals.jsonl' || i !== 600) return;
        stored = waitForStoredParts(db, run);
        throw new TalentmatchError('E_INTERNAL', 'formatting broke');
      });
      await expect(w.complete(run, platformLines, failing, 'x', '{}')).rejects.toThrow('formatting broke');
      // parts had been stored while the rest was formatted: the abort deleted them
      expect(stored).toBeGreaterThan(0);
      expect(dump(db, run)).toEqual({ run: { status: 'running', finished_at: null, summary: null }, platforms: [], artifacts: [] });
      await w.complete(run, platformLines, artifacts(), 'done-at', '{"ok":1}');
    } finally {
      await w.close();
    }
    expect(dump(db, run)).toEqual(oracle());
  });

  it("an artifact whose parts come asynchronously (the batch's referral lines wait for the threads): the artifacts before it are stored meanwhile; the same rows as the oracle; its failure leaves none", async () => {
    const db = join(tmp(), 'async.db');
    const run = newRun(db);
    const w = await SqliteWriterThread.open(db);
    let storedBefore = 0;
    const later = (fail: boolean) =>
      async function* (): AsyncGenerator<string> {
        // the parts wait on something settled elsewhere: the assignment's parts are stored by then
        await new Promise((r) => setTimeout(r, 10));
        storedBefore = waitForStoredParts(db, run);
        if (fail) throw new TalentmatchError('E_IO', 'a line changed');
        yield* bigParts('r', 900);
      };
    try {
      const a = artifacts();
      await expect(w.complete(run, platformLines, { ...a, 'referrals.jsonl': later(true)() }, 'x', '{}')).rejects.toThrow('a line changed');
      expect(storedBefore).toBeGreaterThan(0);
      expect(dump(db, run)).toEqual({ run: { status: 'running', finished_at: null, summary: null }, platforms: [], artifacts: [] });
      storedBefore = 0;
      const b = artifacts();
      await w.complete(run, platformLines, { ...b, 'referrals.jsonl': later(false)() }, 'done-at', '{"ok":1}');
      expect(storedBefore).toBeGreaterThan(0);
    } finally {
      await w.close();
    }
    expect(dump(db, run)).toEqual(oracle());
  });

  it('a part the database refuses fails the publication with E_STORE: the steps after it are refused, the run stays running with none of its rows', async () => {
    const db = join(tmp(), 'refused.db');
    const run = newRun(db);
    const raw = new Database(db);
    // one part in the middle of the referrals (a message of its own among several)
    raw.exec(`CREATE TRIGGER refuse BEFORE INSERT ON artifacts WHEN NEW.name = 'referrals.jsonl' AND NEW.part = 450 BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    raw.close();
    const w = await SqliteWriterThread.open(db);
    try {
      const err = await w.complete(run, platformLines, artifacts(), 'x', '{}').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TalentmatchError);
      expect((err as TalentmatchError).code).toBe('E_STORE');
      expect((err as Error).message).toBe(`${db}: cannot publish (parts) (disk says no)`);
    } finally {
      await w.close();
    }
    expect(dump(db, run)).toEqual({ run: { status: 'running', finished_at: null, summary: null }, platforms: [], artifacts: [] });
  });

  it('a writer that dies midway (a crash) leaves the run running and invisible; a new publication replaces what it stored', async () => {
    const db = join(tmp(), 'crash.db');
    const run = newRun(db);
    const w = await SqliteWriterThread.open(db);
    let killed: Promise<number> | undefined;
    const dying = artifacts((name, i) => {
      if (name !== 'referrals.jsonl' || i !== 300) return;
      waitForStoredParts(db, run);
      killed = writerOf(w).terminate();
    });
    const err = await w.complete(run, platformLines, dying, 'x', '{}').catch((e: unknown) => e);
    await killed;
    await w.close();
    expect((err as TalentmatchError).code).toBe('E_STORE');
    const left = dump(db, run);
    expect(left.run).toEqual({ status: 'running', finished_at: null, summary: null });
    // what the dead writer had committed is there but invisible (the run is not complete) ...
    expect(left.artifacts.length).toBeGreaterThan(0);
    const reader = new Store(db, { readonly: true });
    expect(reader.latestComplete()).toBeUndefined();
    reader.close();
    // ... and the publication started again (a resumed run) replaces it
    const again = await SqliteWriterThread.open(db);
    try {
      await again.complete(run, platformLines, artifacts(), 'done-at', '{"ok":1}');
    } finally {
      await again.close();
    }
    expect(dump(db, run)).toEqual(oracle());
  });

  it('never writes into a run that is not running (a complete snapshot stays as published)', async () => {
    const db = join(tmp(), 'twice.db');
    const run = newRun(db);
    const w = await SqliteWriterThread.open(db);
    try {
      await w.complete(run, platformLines, artifacts(), 'done-at', '{"ok":1}');
      const err = await w.complete(run, [], { 'assignment.json': ['{}'] }, 'later', '{}').catch((e: unknown) => e);
      expect((err as TalentmatchError).code).toBe('E_INTERNAL');
      expect((err as Error).message).toMatch(/is complete: only a running run is published/);
    } finally {
      await w.close();
    }
    expect(dump(db, run)).toEqual(oracle());
  });
});
