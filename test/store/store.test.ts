import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TalentmatchError } from '../../src/errors.js';
import Database from 'better-sqlite3';
import { Store } from '../../src/store/store.js';
import { SCHEMA_VERSION } from '../../src/store/types.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tm-store-'));

/** A store with one complete run: two talent lines and one platform line. */
function storeWithRun(): { path: string; runId: number } {
  const path = join(tmp(), 'db.sqlite');
  const s = new Store(path);
  const runId = s.createRun({ startedAt: '2026-01-01T00:00:00Z', fingerprint: 'f', platformFingerprint: 'p', options: '{}', weights: '{}' });
  const line = (side: string, id: string) => JSON.stringify({ side, id, items: [] });
  s.writeChunk({
    runId,
    chunkId: 0,
    key: 'k0',
    startLine: 1,
    endLine: 2,
    talents: 2,
    pairs: 0,
    reused: false,
    candidates: Buffer.alloc(0),
    rows: ['t-1', 't-2'].map((id, i) => ({ talentId: id, hash: `h${i}`, line: line('talent', id), prefs: Buffer.alloc(0), meta: '{}' })),
  });
  s.complete(runId, [{ id: 'p-1', line: line('platform', 'p-1') }], {}, '2026-01-01T00:00:01Z', '{}');
  s.close();
  return { path, runId };
}

describe('Store', () => {
  it('answers recommendationLine per side and id, undefined for an unknown id or run', () => {
    const { path, runId } = storeWithRun();
    const s = new Store(path, { readonly: true });
    try {
      expect(JSON.parse(s.recommendationLine(runId, 'talent', 't-2')!)).toEqual({ side: 'talent', id: 't-2', items: [] });
      expect(JSON.parse(s.recommendationLine(runId, 'platform', 'p-1')!)).toEqual({ side: 'platform', id: 'p-1', items: [] });
      expect(s.recommendationLine(runId, 'talent', 'p-1')).toBeUndefined(); // a platform id is not a talent
      expect(s.recommendationLine(runId, 'platform', 't-1')).toBeUndefined();
      expect(s.recommendationLine(runId + 1, 'talent', 't-1')).toBeUndefined();
    } finally {
      s.close();
    }
  });

  it("changeToken moves when another connection commits (a new run, a prune), and only then", () => {
    const { path, runId } = storeWithRun();
    const reader = new Store(path, { readonly: true });
    const writer = new Store(path);
    try {
      const t0 = reader.changeToken();
      expect(reader.changeToken()).toBe(t0); // reads move nothing
      reader.latestComplete();
      expect(reader.changeToken()).toBe(t0);
      const next = writer.createRun({ startedAt: '2026-01-02T00:00:00Z', fingerprint: 'f2', platformFingerprint: 'p', options: '{}', weights: '{}' });
      const t1 = reader.changeToken();
      expect(t1).not.toBe(t0); // a commit elsewhere, even of a run not yet complete
      expect(reader.latestComplete()?.id).toBe(runId);
      writer.complete(next, [], {}, '2026-01-02T00:00:01Z', '{}');
      const t2 = reader.changeToken();
      expect(t2).not.toBe(t1);
      expect(reader.latestComplete()?.id).toBe(next);
      writer.prune(1);
      expect(reader.changeToken()).not.toBe(t2);
    } finally {
      writer.close();
      reader.close();
    }
  });

  it('read-only open fails with E_IO naming the file: missing, corrupt, or not a snapshot store', () => {
    const d = tmp();
    const corrupt = join(d, 'c.sqlite');
    writeFileSync(corrupt, 'x'.repeat(4096));
    const empty = join(d, 'e.sqlite');
    writeFileSync(empty, '');
    for (const path of [join(d, 'missing.sqlite'), corrupt, empty]) {
      let err: unknown;
      try {
        new Store(path, { readonly: true }).close();
      } catch (e) {
        err = e;
      }
      expect(err, path).toBeInstanceOf(TalentmatchError);
      expect((err as TalentmatchError).code).toBe('E_IO');
      expect((err as TalentmatchError).message.startsWith(`${path}: `)).toBe(true);
    }
  });

  it('read-write open of a corrupt file is E_IO too (not an internal error)', () => {
    const corrupt = join(tmp(), 'c.sqlite');
    writeFileSync(corrupt, 'x'.repeat(4096));
    expect(() => new Store(corrupt)).toThrow(expect.objectContaining({ code: 'E_IO', message: expect.stringContaining(`${corrupt}: cannot open the database`) }));
  });

  it('refuses to write a database whose text encoding is not UTF-8 (rows are bound as UTF-8 bytes read as TEXT), and writes a UTF-8 one', () => {
    const dir = tmp();
    for (const [name, encoding, ok] of [['u16.sqlite', 'UTF-16le', false], ['u8.sqlite', 'UTF-8', true]] as const) {
      const file = join(dir, name);
      const raw = new Database(file);
      raw.pragma(`encoding = "${encoding}"`);
      raw.exec('CREATE TABLE other (x TEXT)'); // fixes the encoding
      raw.close();
      if (ok) new Store(file).close();
      else expect(() => new Store(file)).toThrow(expect.objectContaining({ code: 'E_IO', message: expect.stringContaining(`${file}: cannot open the database (its text encoding is UTF-16le`) }));
    }
  });

  it('writes its schema version once; refuses (E_SCHEMA) a database with a newer one; reads one from before the version table', () => {
    const { path } = storeWithRun();
    new Store(path).close(); // a second writer does not add a row
    const raw = new Database(path);
    expect(raw.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: SCHEMA_VERSION }]);
    raw.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1);
    raw.close();
    for (const o of [{}, { readonly: true }]) {
      expect(() => new Store(path, o)).toThrow(expect.objectContaining({ code: 'E_SCHEMA', message: `${path}: the database has schema version ${SCHEMA_VERSION + 1}, newer than this talentmatch understands (${SCHEMA_VERSION}); upgrade talentmatch, or point --db at another database` }));
    }
  });

  it('reads a version-1 file (rows kept per run, no version table) read-only, and migrates it when opened to write', () => {
    const { path, runId } = storeWithRun();
    // version 1's layout: each run's talent rows in talent_recs itself
    const old = new Database(path);
    old.exec(`
      DROP VIEW talent_view;
      CREATE TABLE v1 (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, talent_id TEXT NOT NULL, chunk_id INTEGER NOT NULL, hash TEXT NOT NULL, line TEXT NOT NULL, prefs BLOB NOT NULL, meta TEXT NOT NULL, PRIMARY KEY (run_id, talent_id));
      INSERT INTO v1 SELECT r.run_id, r.talent_id, r.chunk_id, w.hash, l.line, w.prefs, w.meta FROM talent_recs r JOIN talent_rows w ON w.id = r.row_id JOIN talent_lines l ON l.id = w.id;
      DROP TABLE talent_recs; DROP TABLE talent_lines; DROP TABLE talent_rows; ALTER TABLE v1 RENAME TO talent_recs;
      CREATE INDEX talent_recs_chunk ON talent_recs (run_id, chunk_id);
      DROP TABLE schema_version;
    `);
    old.close();
    const lines = ['{"side":"talent","id":"t-1","items":[]}', '{"side":"talent","id":"t-2","items":[]}'];
    const ro = new Store(path, { readonly: true });
    expect([...ro.talentLines(runId)]).toEqual(lines);
    expect(ro.talentHashes(runId, ['t-2', 't-9'])).toEqual(new Map([['t-2', 'h1']]));
    ro.close();
    const rw = new Store(path);
    expect([...rw.talentLines(runId)]).toEqual(lines);
    expect(rw.recommendationLine(runId, 'talent', 't-1')).toBe(lines[0]);
    rw.close();
    const after = new Database(path);
    expect(after.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: SCHEMA_VERSION }]);
    expect(after.prepare('SELECT (SELECT COUNT(*) FROM talent_rows) + (SELECT COUNT(*) FROM talent_lines)').pluck().get()).toBe(4);
    expect(after.prepare(`SELECT name FROM pragma_table_info('talent_recs') ORDER BY cid`).pluck().all()).toEqual(['run_id', 'talent_id', 'chunk_id', 'row_id']);
    after.close();
  });

  it('shares a reused talent row between runs and deletes a row with the last run pointing at it', () => {
    const { path, runId: r1 } = storeWithRun();
    const s = new Store(path);
    const count = () => {
      const raw = new Database(path, { readonly: true });
      const n = raw.prepare('SELECT (SELECT COUNT(*) FROM talent_rows) || \' \' || (SELECT COUNT(*) FROM talent_lines)').pluck().get() as string;
      raw.close();
      return n;
    };
    const r2 = s.createRun({ startedAt: 't', fingerprint: 'f2', platformFingerprint: 'p', options: '{}', weights: '{}' });
    const row = (id: string) => ({ talentId: id, hash: `h-${id}`, line: `{"id":"${id}"}`, prefs: Buffer.from(id), meta: '{}' });
    s.writeChunk({ runId: r2, chunkId: 0, key: 'k', startLine: 1, endLine: 2, talents: 2, pairs: 0, reused: false, candidates: Buffer.alloc(0), rows: [row('t-3')], reusedFrom: { runId: r1, talentIds: ['t-2'] } });
    s.complete(r2, [], {}, 't', '{}');
    expect(count()).toBe('3 3'); // t-1 and t-2 from run 1 (t-2 shared), t-3
    expect(s.talentHashes(r2, ['t-1', 't-2', 't-3'])).toEqual(new Map([['t-2', 'h1'], ['t-3', 'h-t-3']]));
    expect(s.prune(1)).toEqual([r1]);
    expect(count()).toBe('2 2'); // t-1 went with run 1; t-2 stays, run 2 points at it
    expect([...s.talentLines(r2)]).toEqual(['{"side":"talent","id":"t-2","items":[]}', '{"id":"t-3"}']);
    const r3 = s.createRun({ startedAt: 't', fingerprint: 'f3', platformFingerprint: 'p', options: '{}', weights: '{}' });
    s.writeChunk({ runId: r3, chunkId: 0, key: 'k', startLine: 1, endLine: 1, talents: 1, pairs: 0, reused: false, candidates: Buffer.alloc(0), rows: [], reusedFrom: { runId: r2, talentIds: ['t-3'] } });
    s.discard(r3);
    expect(count()).toBe('2 2'); // discarding a run that only pointed at rows deletes none
    s.close();
  });
});
