/**
 * The SQLite store's schema and its versions.
 *
 *  - Version 1 kept each run's talent rows (line, preference list, metadata) in
 *    `talent_recs`; a run that reused a talent copied its row (~6 kB).
 *  - Version 2 stores each row once and has `talent_recs` point at it: a run reusing an
 *    unchanged talent adds a reference, and retention deletes a row when the last run
 *    pointing at it goes. The line (~4 kB of JSON) is in `talent_lines`, apart from the hash,
 *    preference list and metadata in `talent_rows` (~1.5 kB): the final assembly reads the
 *    latter for every talent, and a 6 kB record would put them on overflow pages. Readers
 *    read `talent_view` (the three joined).
 *
 * A writer migrates a version-1 file in one transaction when it opens it; a read-only open
 * of a version-1 file reads its own table. A newer version is refused (E_SCHEMA).
 */
import type Database from 'better-sqlite3';
import { TalentmatchError } from '../errors.js';
import { SCHEMA_VERSION, newerSchemaError } from './types.js';

/*
 * The tables in SQLite's dialect. store/pgSchema.ts writes the same tables in PostgreSQL's
 * (tm_ tables, identity ids, bytea, "C" collation): two dialects of one schema, side by side
 * on purpose, so each file shows exactly the DDL its database runs; SCHEMA_VERSION
 * (./types.ts) is the one version both check.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed')),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  fingerprint TEXT NOT NULL,
  platform_fingerprint TEXT NOT NULL,
  options TEXT NOT NULL,
  weights TEXT NOT NULL,
  summary TEXT
);
CREATE TABLE IF NOT EXISTS chunks (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  chunk_id INTEGER NOT NULL,
  chunk_key TEXT NOT NULL,
  start_line INTEGER NOT NULL,
  end_line INTEGER NOT NULL,
  talents INTEGER NOT NULL,
  pairs INTEGER NOT NULL,
  reused INTEGER NOT NULL,
  candidates BLOB NOT NULL,
  PRIMARY KEY (run_id, chunk_id)
);
CREATE INDEX IF NOT EXISTS chunks_key ON chunks (run_id, chunk_key);
CREATE TABLE IF NOT EXISTS talent_rows (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  prefs BLOB NOT NULL,
  meta TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS talent_lines (
  id INTEGER PRIMARY KEY REFERENCES talent_rows(id),
  line TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS talent_recs (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  talent_id TEXT NOT NULL,
  chunk_id INTEGER NOT NULL,
  row_id INTEGER NOT NULL REFERENCES talent_rows(id),
  PRIMARY KEY (run_id, talent_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS talent_recs_chunk ON talent_recs (run_id, chunk_id);
CREATE INDEX IF NOT EXISTS talent_recs_row ON talent_recs (row_id);
CREATE VIEW IF NOT EXISTS talent_view AS
  SELECT r.run_id, r.talent_id, r.chunk_id, r.row_id, w.hash, w.prefs, w.meta, l.line FROM talent_recs r JOIN talent_rows w ON w.id = r.row_id JOIN talent_lines l ON l.id = r.row_id;
CREATE TABLE IF NOT EXISTS platform_recs (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  platform_id TEXT NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY (run_id, platform_id)
);
CREATE TABLE IF NOT EXISTS artifacts (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  part INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, name, part)
);
`;

/** Version 1's talent table holds the rows itself (a `line` column). */
function legacyLayout(db: Database.Database): boolean {
  return db.prepare(`SELECT 1 FROM pragma_table_info('talent_recs') WHERE name = 'line'`).get() !== undefined;
}

/**
 * Where readers take talent rows from: `lines` has every column (line included), `rows`
 * everything but the line (hashes, preference lists: no lookup in talent_lines). Column names
 * are unambiguous in both, so queries name them bare.
 */
export function talentSources(db: Database.Database): { lines: string; rows: string } {
  return legacyLayout(db) ? { lines: 'talent_recs', rows: 'talent_recs' } : { lines: 'talent_view', rows: 'talent_recs JOIN talent_rows ON talent_rows.id = talent_recs.row_id' };
}

function versionOf(db: Database.Database): number | undefined {
  try {
    return (db.prepare('SELECT MAX(version) FROM schema_version').pluck().get() as number | null) ?? undefined;
  } catch {
    return undefined; // a database written before the version table: version 1
  }
}

/** Read-only opens: refuses a newer version. */
export function checkReadable(db: Database.Database, path: string): void {
  const v = versionOf(db);
  if (v !== undefined && v > SCHEMA_VERSION) {
    db.close();
    throw newerSchemaError(path, v);
  }
}

/**
 * Read-write opens: refuses a newer version (E_SCHEMA), migrates version 1, creates what is
 * missing and records SCHEMA_VERSION. Other failures are E_IO naming the file.
 */
export function prepareSchema(db: Database.Database, path: string): void {
  let v: number | undefined;
  try {
    v = versionOf(db);
  } catch (e) {
    db.close();
    throw new TalentmatchError('E_IO', `${path}: cannot open the database (${(e as Error).message})`);
  }
  if (v !== undefined && v > SCHEMA_VERSION) {
    db.close();
    throw newerSchemaError(path, v);
  }
  try {
    db.transaction(() => {
      if (legacyLayout(db)) migrateV1(db);
      db.exec(SCHEMA);
      if (v === undefined && versionOf(db) === undefined) db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
      else db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION);
    })();
  } catch (e) {
    db.close();
    throw new TalentmatchError('E_IO', `${path}: cannot open the database (${(e as Error).message})`);
  }
}

/** Version 1 -> 2: every stored row moves to talent_rows once, each run's talent_recs points at it. */
function migrateV1(db: Database.Database): void {
  db.exec(`
    DROP INDEX IF EXISTS talent_recs_chunk;
    ALTER TABLE talent_recs RENAME TO talent_recs_v1;
  `);
  db.exec(SCHEMA);
  db.exec(`
    INSERT INTO talent_rows (id, hash, prefs, meta) SELECT rowid, hash, prefs, meta FROM talent_recs_v1;
    INSERT INTO talent_lines (id, line) SELECT rowid, line FROM talent_recs_v1;
    INSERT INTO talent_recs (run_id, talent_id, chunk_id, row_id) SELECT run_id, talent_id, chunk_id, rowid FROM talent_recs_v1;
    DROP TABLE talent_recs_v1;
  `);
}
