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
    // a database written before the table existed: the same tables, version 1
    const old = new Database(path);
    old.exec('DROP TABLE schema_version');
    old.close();
    const ro = new Store(path, { readonly: true });
    expect(ro.latestComplete()?.id).toBe(1);
    ro.close();
    new Store(path).close();
    const after = new Database(path);
    expect(after.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: 1 }]);
    after.close();
  });
});
