import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { packRows, packedRowCount, unpackAssemblyRows, unpackRowBytes, unpackRows } from '../../src/engine/rows.js';
import type { TalentRow } from '../../src/engine/rows.js';
import { TalentmatchError } from '../../src/errors.js';
import { Store } from '../../src/store/store.js';
import type { ChunkRowIn } from '../../src/store/types.js';
import { SqliteWriterThread } from '../../src/store/writer.js';
import { SQLITE_INSERT_ROWS } from '../../src/config/batch.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tm-writer-'));

const row = (id: string, prefs: number[] = [1, 2, 3]): TalentRow => ({ talentId: id, hash: `h-${id}`, line: JSON.stringify({ side: 'talent', id, items: [] }), prefs: Buffer.from(prefs), meta: `{"seats":${id.length}}` });

function chunk(runId: number, chunkId: number, rows: TalentRow[]): ChunkRowIn {
  return { runId, chunkId, key: `k${chunkId}`, startLine: 1 + chunkId * 10, endLine: 10 + chunkId * 10, talents: rows.length, pairs: 3 * rows.length, reused: false, candidates: Buffer.from([chunkId, 7]), rows: packRows(rows) };
}

function newRun(db: string): number {
  const s = new Store(db);
  const id = s.createRun({ startedAt: 't', fingerprint: 'f', platformFingerprint: 'p', options: '{}', weights: '{}' });
  s.close();
  return id;
}

describe('packed talent rows', () => {
  it('round-trip every field byte for byte (non-ASCII text, empty preference lists, no rows)', () => {
    const rows = [row('t-1'), { ...row('人才-二'), line: '{"id":"人才-二","why":"é\\u2028"}' }, row('t-3', [])];
    const packed = packRows(rows);
    expect(packedRowCount(packed)).toBe(3);
    const back = [...unpackRows(packed)];
    expect(back.map((r) => ({ ...r, prefs: [...r.prefs] }))).toEqual(rows.map((r) => ({ ...r, prefs: [...r.prefs] })));
    expect([...unpackRows(packRows([]))]).toEqual([]);
    // the buffer owns its memory (it can be moved to another thread)
    expect(packed.byteOffset).toBe(0);
    expect(packed.byteLength).toBe(packed.buffer.byteLength);
  });

  it('refuse a buffer that is not packed rows, or is cut short, with E_INTERNAL', () => {
    expect(() => packedRowCount(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(TalentmatchError);
    const packed = packRows([row('t-1'), row('t-2')]);
    expect(() => [...unpackRows(packed.subarray(0, packed.length - 1))]).toThrow(/runs past the end/);
    const longer = Buffer.concat([packed, Buffer.from([0])]);
    expect(() => [...unpackRows(longer)]).toThrow(/1 bytes left after 2 rows/);
  });

  it("the assembly's reading gives each row's id, meta and prefs as the full reading does, the hash and line stepped over", () => {
    // fields of different lengths in every row (a field skipped one too many or too few reads another's bytes)
    const rows = [
      row('t-1'),
      { ...row('人才-二'), hash: '', line: '{"id":"人才-二","why":"é\\u2028"}', meta: '{"seats":2,"noPairs":"没有"}' },
      { ...row('t-3', []), hash: 'h'.repeat(70), line: '' },
      { ...row('t-4', [9, 8, 7, 6, 5]), meta: '' },
    ];
    const packed = packRows(rows);
    const lean = [...unpackAssemblyRows(packed)].map((r) => ({ ...r, prefs: [...r.prefs] }));
    expect(lean).toEqual([...unpackRows(packed)].map((r) => ({ talentId: r.talentId, meta: r.meta, prefs: [...r.prefs] })));
    expect(lean.map((r) => Object.keys(r).sort())).toEqual(rows.map(() => ['meta', 'prefs', 'talentId']));
    expect(lean[1]).toEqual({ talentId: '人才-二', meta: '{"seats":2,"noPairs":"没有"}', prefs: [1, 2, 3] });
    expect(lean[2].prefs).toEqual([]);
    expect([...unpackAssemblyRows(packRows([]))]).toEqual([]);
    // the same checks as the full reading
    expect(() => [...unpackAssemblyRows(packed.subarray(0, packed.length - 1))]).toThrow(/runs past the end/);
    expect(() => [...unpackAssemblyRows(Buffer.concat([packed, Buffer.from([0])]))]).toThrow(/1 bytes left after 4 rows/);
  });
  it("the writer's reading gives each field's UTF-8 bytes as views into the buffer, the full reading's strings encoded", () => {
    // fields of different lengths in every row, empty ones and non-ASCII text (a field taken from the wrong offsets reads another's bytes)
    const rows = [
      row('t-1'),
      { ...row('人才-二'), hash: '', line: '{"id":"人才-二","why":"é\\u2028 😀"}', meta: '{"seats":2,"noPairs":"没有"}' },
      { ...row('t-3', []), hash: 'h'.repeat(70), line: '' },
      { ...row('t-4', [9, 8, 7, 6, 5]), meta: '' },
    ];
    const packed = packRows(rows);
    const bytes = [...unpackRowBytes(packed)];
    const utf8 = (r: TalentRow) => ({ talentId: Buffer.from(r.talentId), hash: Buffer.from(r.hash), line: Buffer.from(r.line), meta: Buffer.from(r.meta), prefs: Buffer.from(r.prefs) });
    expect(bytes.map((r) => ({ ...r }))).toEqual([...unpackRows(packed)].map(utf8));
    expect(bytes.map((r) => ({ ...r }))).toEqual(rows.map(utf8));
    for (const r of bytes) for (const f of Object.values(r)) expect(f.buffer).toBe(packed.buffer); // views, not copies
    expect([...unpackRowBytes(packRows([]))]).toEqual([]);
    expect(() => [...unpackRowBytes(packed.subarray(0, packed.length - 1))]).toThrow(/runs past the end/);
    expect(() => [...unpackRowBytes(Buffer.concat([packed, Buffer.from([0])]))]).toThrow(/1 bytes left after 4 rows/);
  });
});

describe('the SQLite store writing a chunk', () => {
  it('stores packed rows (their text bound as bytes) as the same values, of the same SQLite types, as row objects', () => {
    const db = join(tmp(), 'types.db');
    const rows = [row('t-1'), { ...row('人才-二'), hash: '', line: '{"id":"人才-二","why":"é\\u2028 😀"}', meta: '{"seats":2,"noPairs":"没有"}' }, { ...row('t-3', []), line: '' }];
    const [asObjects, asPacked] = [newRun(db), newRun(db)];
    const s = new Store(db);
    s.writeChunk({ ...chunk(asObjects, 0, []), rows });
    s.writeChunk(chunk(asPacked, 0, rows));
    const lines = (run: number) => [...s.talentLines(run)];
    expect(lines(asPacked)).toEqual(lines(asObjects));
    expect(lines(asPacked)).toEqual(['{"side":"talent","id":"t-1","items":[]}', '', rows[1].line]); // strings, in id (byte) order
    expect(s.recommendationLine(asPacked, 'talent', '人才-二')).toBe(rows[1].line);
    s.close();
    const x = new Database(db, { readonly: true });
    const dump = (run: number) =>
      x.prepare('SELECT talent_id, typeof(talent_id) ti, hash, typeof(hash) th, meta, typeof(meta) tm, line, typeof(line) tl, prefs, typeof(prefs) tp FROM talent_view WHERE run_id = ? ORDER BY talent_id').all(run);
    expect(dump(asPacked)).toEqual(dump(asObjects));
    expect(dump(asPacked).map((r) => Object.entries(r as object).filter(([k]) => /^t.$/.test(k)).map(([, v]) => v as string))).toEqual(rows.map(() => ['text', 'text', 'text', 'text', 'blob']));
    // the talent ids compare as text: the point read above and the reuse lookup find them
    expect(x.prepare("SELECT COUNT(*) FROM talent_recs WHERE run_id = ? AND talent_id = '人才-二'").pluck().get(asPacked)).toBe(1);
    x.close();
  });

  it('writes rows in multi-row INSERTs: the same ids, values and references as one INSERT per row (the oracle), at every group boundary, after deletes and with shared rows', () => {
    const G = SQLITE_INSERT_ROWS;
    const d = tmp();
    const [grouped, single] = [new Store(join(d, 'grouped.db'), { bulk: true }), new Store(join(d, 'single.db'))];
    const dbOf = (s: Store) => (s as unknown as { db: Database.Database }).db;
    // the oracle: the writer as it was, one INSERT per table and row, ids from SQLite
    const one = dbOf(single);
    single.writeChunk = (c: ChunkRowIn): boolean =>
      one.transaction(() => {
        if (one.prepare('SELECT 1 FROM chunks WHERE run_id = ? AND chunk_id = ?').get(c.runId, c.chunkId)) return false;
        for (const r of c.rows instanceof Uint8Array ? unpackRowBytes(c.rows) : c.rows) {
          const id = one.prepare('INSERT INTO talent_rows (hash, prefs, meta) VALUES (CAST(? AS TEXT), ?, CAST(? AS TEXT))').run(r.hash, r.prefs, r.meta).lastInsertRowid;
          one.prepare('INSERT INTO talent_lines (id, line) VALUES (?, CAST(? AS TEXT))').run(id, r.line);
          one.prepare('INSERT INTO talent_recs (run_id, talent_id, chunk_id, row_id) VALUES (?, CAST(? AS TEXT), ?, ?)').run(c.runId, r.talentId, c.chunkId, id);
        }
        if (c.reusedFrom) one.prepare('INSERT INTO talent_recs (run_id, talent_id, chunk_id, row_id) SELECT ?, talent_id, ?, row_id FROM talent_recs WHERE run_id = ? AND talent_id IN (SELECT value FROM json_each(?))').run(c.runId, c.chunkId, c.reusedFrom.runId, JSON.stringify(c.reusedFrom.talentIds));
        one.prepare('INSERT INTO chunks (run_id, chunk_id, chunk_key, start_line, end_line, talents, pairs, reused, candidates) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(c.runId, c.chunkId, c.key, c.startLine, c.endLine, c.talents, c.pairs, c.reused ? 1 : 0, c.candidates);
        return true;
      })();
    // rows of different lengths and prefs; ids unique per run
    const rows = (run: string, n: number): TalentRow[] => Array.from({ length: n }, (_, i) => ({ ...row(`t-${run}-${String(i).padStart(4, '0')}`, [i % 7, i % 3]), line: `{"id":${i},"pad":"${'x'.repeat(i % 50)}"}` }));
    const lengths = [0, 1, G - 1, G, G + 1, 2 * G + 1];
    for (const s of [grouped, single]) {
      const run = () => s.createRun({ startedAt: 't', fingerprint: 'f', platformFingerprint: 'p', options: '{}', weights: '{}' });
      const r1 = run();
      lengths.forEach((n, k) => expect(s.writeChunk(k % 2 ? { ...chunk(r1, k, []), rows: rows(`a${k}`, n) } : chunk(r1, k, rows(`a${k}`, n)))).toBe(true));
      expect(s.writeChunk(chunk(r1, 1, rows('a1', 1)))).toBe(false); // a duplicate delivery writes nothing
      s.complete(r1, [], {}, 't', '{}');
      // a run that shares some of run 1's rows, then is discarded: its own rows (the largest ids) go, and the next run's ids follow the largest left
      const r2 = run();
      s.writeChunk({ ...chunk(r2, 0, rows('b', G + 1)), reusedFrom: { runId: r1, talentIds: ['t-a3-0000', 't-a5-0007'] } });
      s.discard(r2);
      const r3 = run();
      s.writeChunk({ ...chunk(r3, 0, rows('c', 2 * G)), reusedFrom: { runId: r1, talentIds: ['t-a4-0000'] } });
      s.complete(r3, [], {}, 't', '{}');
      // retention deletes run 1's rows but the one run 3 shares: the ids left have gaps, the next ones follow the largest
      expect(s.prune(1)).toEqual([r1]);
      s.writeChunk(chunk(run(), 0, rows('d', G + 2)));
    }
    const dump = (s: Store) => {
      const x = dbOf(s);
      return {
        rows: x.prepare('SELECT id, hash, typeof(hash), prefs, typeof(prefs), meta, typeof(meta) FROM talent_rows ORDER BY id').all(),
        lines: x.prepare('SELECT id, line, typeof(line) FROM talent_lines ORDER BY id').all(),
        recs: x.prepare('SELECT run_id, talent_id, typeof(talent_id), chunk_id, row_id FROM talent_recs ORDER BY run_id, talent_id').all(),
        chunks: x.prepare('SELECT * FROM chunks ORDER BY run_id, chunk_id').all(),
      };
    };
    const got = dump(grouped);
    expect(got.rows).toHaveLength(1 + 2 * G + G + 2); // run 1's shared row, run 3's, the last run's
    expect(got.recs).toHaveLength(got.rows.length);
    expect(got).toEqual(dump(single));
    expect(dbOf(grouped).pragma('temp_store', { simple: true })).toBe(2); // the statement journals in memory
    // statements prepared for whole groups and powers of two only, whatever the chunks' lengths
    const sizes = [...(grouped as unknown as { groups: Map<number, unknown> }).groups.keys()];
    expect(sizes).toContain(G);
    expect(sizes.filter((n) => n !== G && !(n < G && (n & (n - 1)) === 0))).toEqual([]);
    grouped.close();
    single.close();
  });

  it('gives a new file 8 kB pages and keeps an existing file\'s page size; the bulk writer checkpoints every 64 MB of WAL either way', () => {
    const d = tmp();
    const fresh = join(d, 'fresh.db');
    const old = join(d, 'old.db');
    const raw = new Database(old);
    raw.pragma('page_size = 4096');
    raw.exec('CREATE TABLE other (x)');
    raw.close();
    const pages = (s: Store) => (s as unknown as { db: Database.Database }).db.pragma('wal_autocheckpoint', { simple: true });
    for (const [file, size] of [[fresh, 8192], [old, 4096]] as const) {
      const run = newRun(file);
      const s = new Store(file, { bulk: true });
      expect(pages(s)).toBe((64 * 1024 * 1024) / size);
      expect(s.writeChunk(chunk(run, 0, [row('t-1'), row('t-2')]))).toBe(true);
      expect([...s.talentLines(run)]).toHaveLength(2);
      s.close();
      const x = new Database(file, { readonly: true });
      expect(x.pragma('page_size', { simple: true })).toBe(size);
      x.close();
    }
    const plain = new Store(fresh);
    expect(pages(plain)).toBe(1000); // only the batch's writer defers checkpoints (SQLite's default otherwise)
    plain.close();
  });
});

describe('the SQLite chunk writer thread', () => {
  it('writes what Store.writeChunk writes, idempotently, and moves the packed rows instead of copying them', async () => {
    const d = tmp();
    const [viaThread, direct] = [join(d, 'thread.db'), join(d, 'direct.db')];
    const runA = newRun(viaThread);
    const runB = newRun(direct);
    const w = await SqliteWriterThread.open(viaThread);
    try {
      const c0 = chunk(runA, 0, [row('t-2'), row('t-1')]);
      const packed = c0.rows as Uint8Array;
      expect(await w.write(c0)).toBe(true);
      expect(packed.byteLength).toBe(0); // moved to the writer thread
      expect(await w.write(chunk(runA, 1, [row('t-3')]))).toBe(true);
      expect(await w.write(chunk(runA, 1, [row('t-3')]))).toBe(false); // a duplicate delivery
    } finally {
      await w.close();
    }
    await w.close(); // idempotent
    const s = new Store(direct);
    s.writeChunk(chunk(runB, 0, [row('t-2'), row('t-1')]));
    s.writeChunk(chunk(runB, 1, [row('t-3')]));
    s.close();
    const dump = (db: string, run: number) => {
      const x = new Database(db, { readonly: true });
      const out = {
        rows: x.prepare('SELECT talent_id, chunk_id, hash, prefs, meta, line FROM talent_view WHERE run_id = ? ORDER BY talent_id').all(run),
        chunks: x.prepare('SELECT chunk_id, chunk_key, start_line, end_line, talents, pairs, reused, candidates FROM chunks WHERE run_id = ? ORDER BY chunk_id').all(run),
      };
      x.close();
      return out;
    };
    const got = dump(viaThread, runA);
    expect(got.rows).toHaveLength(3);
    expect(got.chunks).toHaveLength(2);
    expect(got).toEqual(dump(direct, runB));
  });

  it('rejects a write the database refuses with E_STORE naming the file, chunk, run and reason; the chunk leaves nothing and the writer goes on', async () => {
    const db = join(tmp(), 'refusing.db');
    const run = newRun(db);
    const raw = new Database(db);
    raw.exec("CREATE TRIGGER refuse BEFORE INSERT ON talent_lines WHEN NEW.line LIKE '%t-bad%' BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    raw.close();
    const w = await SqliteWriterThread.open(db);
    try {
      const err = await w.write(chunk(run, 4, [row('t-ok'), row('t-bad')])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TalentmatchError);
      expect((err as TalentmatchError).code).toBe('E_STORE');
      expect((err as Error).message).toBe(`${db}: cannot write chunk 4 of run ${run} (disk says no)`);
      expect(await w.write(chunk(run, 5, [row('t-fine')]))).toBe(true);
    } finally {
      await w.close();
    }
    const s = new Store(db);
    expect([...s.doneChunks(run).keys()]).toEqual([5]);
    expect([...s.talentHashes(run, ['t-ok', 't-bad', 't-fine']).keys()]).toEqual(['t-fine']);
    s.close();
  });

  it('fails to open with a coded error, and rejects writes after close instead of hanging', async () => {
    const dir = join(tmp(), 'a-directory.db');
    mkdirSync(dir);
    const err = await SqliteWriterThread.open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TalentmatchError);
    expect((err as TalentmatchError).code).toBe('E_IO');
    expect((err as Error).message).toContain(dir);
    const db = join(tmp(), 'ok.db');
    const run = newRun(db);
    const w = await SqliteWriterThread.open(db);
    await w.close();
    await expect(w.write(chunk(run, 0, [row('t-1')]))).rejects.toMatchObject({ code: 'E_INTERNAL' });
  });

  it('a writer thread that dies rejects every later write with E_STORE (never a hang)', async () => {
    const db = join(tmp(), 'dies.db');
    const run = newRun(db);
    const w = await SqliteWriterThread.open(db);
    // the thread stops without being asked (as a crash would)
    await (w as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const err = await w.write(chunk(run, 0, [row('t-1')])).catch((e: unknown) => e);
    expect((err as TalentmatchError).code).toBe('E_STORE');
    expect((err as Error).message).toMatch(/dies\.db: the chunk writer thread stopped \(exit code 1\)/);
    await w.close();
  });
});
