/**
 * Persistent snapshots in one SQLite file (better-sqlite3, WAL).
 *
 * A run is a versioned snapshot: its row in `runs` (status running | complete | failed,
 * started/finished times, fingerprints of the inputs, options, weights, summary), its
 * chunks (each chunk's checkpoint and its platform-side candidates, written in the same
 * transaction as the chunk's talent rows), its talent lines and preference lists, its
 * platform lines, and its artifacts (assignment JSON, referral lines).
 *
 * Readers only ever see complete runs: `latestComplete()` and every read take a run id
 * whose status is `complete`, and a run becomes complete in the transaction that writes its
 * last rows (`complete`; the batch's writer thread publishes in steps, `beginComplete`, the
 * status last). A killed run stays `running` (resumable) and is invisible.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { TalentmatchError } from '../errors.js';
import type { ChunkRowIn, DoneChunk, DoneChunkRow, RunRow, SnapshotStore } from './types.js';
import { doneChunkMap } from './types.js';
import { unpackRowBytes } from '../engine/rows.js';
import { checkReadable, prepareSchema, talentSources } from './sqliteSchema.js';
import { SQLITE_BULK_CHECKPOINT_BYTES, SQLITE_BUSY_TIMEOUT_MS, SQLITE_INSERT_ROWS, SQLITE_PAGE_BYTES } from '../config/batch.js';

export type { RunRow, ChunkRowIn } from './types.js';

export class Store implements SnapshotStore {
  /** The handle stays inside: callers use the named queries below, never SQL. */
  private readonly db: Database.Database;
  /** where talent rows are read: the view over shared rows, or a version-1 file's own table (read-only opens) */
  private readonly talents: { lines: string; rows: string };
  /** statements of the serving path, prepared once (a prepare per request cost more than the read) */
  private readonly prepared = new Map<string, Database.Statement>();
  /** writeChunk's multi-row INSERTs by the rows they take */
  private readonly groups = new Map<number, { rows: Database.Statement; lines: Database.Statement; recs: Database.Statement }>();
  private prep(sql: string): Database.Statement {
    let st = this.prepared.get(sql);
    if (!st) this.prepared.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  /**
   * Opens (read-write: creates) the snapshot database. Fails with E_IO naming the file when
   * it cannot be opened, or (read-only) when it is not a talentmatch database: missing,
   * corrupt, or a SQLite file without the `runs` table. A reader learns this at start, not
   * on its first query. `bulk`: a connection that writes chunk after chunk (the batch's
   * writer thread, store/writer.ts) checkpoints the WAL less often.
   */
  constructor(path: string, options: { readonly?: boolean; bulk?: boolean } = {}) {
    if (options.readonly && !existsSync(path)) throw new TalentmatchError('E_IO', `${path}: no such database; \`talentmatch batch --db ${path}\` writes it`);
    let db: Database.Database | undefined;
    try {
      if (!options.readonly) mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
      db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
      if (!options.readonly) {
        // rows are bound as UTF-8 bytes read as TEXT (CAST(? AS TEXT) reads them in the file's
        // encoding): a file in UTF-16 (made by another tool) would store them garbled
        const encoding = db.pragma('encoding', { simple: true });
        if (encoding !== 'UTF-8') throw new TalentmatchError('E_IO', `its text encoding is ${String(encoding)}; talentmatch writes UTF-8 databases only`);
        // a new file's page size, fixed once it holds a page: a talent's line (~4 kB of JSON)
        // fits one 8 kB page whole (4 kB pages spilled the longer ones onto overflow pages and
        // left a quarter of talent_rows' pages empty), and every write, WAL frame and
        // checkpoint moves half as many pages; an existing file keeps its own
        if (db.pragma('page_count', { simple: true }) === 0) db.pragma(`page_size = ${SQLITE_PAGE_BYTES}`);
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
        // the batch's chunk writer: fewer, larger WAL checkpoints (each one syncs the file)
        if (options.bulk) db.pragma(`wal_autocheckpoint = ${Math.ceil(SQLITE_BULK_CHECKPOINT_BYTES / (db.pragma('page_size', { simple: true }) as number))}`);
        // writeChunk's multi-row INSERTs keep a statement journal (the pages a failing statement
        // would restore): in memory, not in a temporary file (~15% more page writes at 100 rows)
        if (options.bulk) db.pragma('temp_store = MEMORY');
      }
    } catch (e) {
      db?.close();
      throw new TalentmatchError('E_IO', `${path}: cannot open the database (${(e as Error).message})`);
    }
    if (!options.readonly) prepareSchema(db, path);
    try {
      db.prepare('SELECT id FROM runs LIMIT 1').get();
    } catch (e) {
      db.close();
      throw new TalentmatchError('E_IO', `${path}: not a talentmatch snapshot database (${(e as Error).message}); give --db the file \`talentmatch batch\` writes`);
    }
    if (options.readonly) checkReadable(db, path);
    this.db = db;
    this.talents = talentSources(db);
  }

  close(): void {
    this.db.close();
  }

  /** Copies the write-ahead log's committed pages into the database file as far as readers allow (PASSIVE: never waits for them). */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /** Runs synchronous reads in one read transaction: one consistent snapshot even while a writer prunes. */
  read<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Opens a read transaction for reads that span awaits (export); close it with endRead(). */
  beginRead(): void {
    this.db.exec('BEGIN');
  }

  endRead(): void {
    if (this.db.inTransaction) this.db.exec('COMMIT');
  }

  createRun(r: { startedAt: string; fingerprint: string; platformFingerprint: string; options: string; weights: string }): number {
    const info = this.db
      .prepare(`INSERT INTO runs (status, started_at, fingerprint, platform_fingerprint, options, weights) VALUES ('running', ?, ?, ?, ?, ?)`)
      .run(r.startedAt, r.fingerprint, r.platformFingerprint, r.options, r.weights);
    return Number(info.lastInsertRowid);
  }

  run(id: number): RunRow | undefined {
    return this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  }

  runs(): RunRow[] {
    return this.db.prepare('SELECT * FROM runs ORDER BY id').all() as RunRow[];
  }

  /** PRAGMA data_version: changes when another connection (the batch, a prune) commits; this connection's own writes leave it. */
  changeToken(): number {
    return this.prep('PRAGMA data_version').pluck().get() as number;
  }

  latestComplete(): RunRow | undefined {
    return this.prep(`SELECT * FROM runs WHERE status = 'complete' ORDER BY id DESC LIMIT 1`).get() as RunRow | undefined;
  }

  /** The run to resume: the newest run still marked running, with the same fingerprint. */
  resumable(fingerprint: string): RunRow | undefined {
    return this.db.prepare(`SELECT * FROM runs WHERE status = 'running' AND fingerprint = ? ORDER BY id DESC LIMIT 1`).get(fingerprint) as RunRow | undefined;
  }

  /** The newest complete run scored against the same platform side and options (for reuse). */
  reuseBase(platformFingerprint: string, options: string): RunRow | undefined {
    return this.db
      .prepare(`SELECT * FROM runs WHERE status = 'complete' AND platform_fingerprint = ? AND options = ? ORDER BY id DESC LIMIT 1`)
      .get(platformFingerprint, options) as RunRow | undefined;
  }

  doneChunks(runId: number): Map<number, DoneChunk> {
    return doneChunkMap(this.db.prepare('SELECT chunk_id, start_line, end_line, talents FROM chunks WHERE run_id = ?').all(runId) as DoneChunkRow[]);
  }

  /**
   * Writes a chunk's results and its checkpoint in one transaction. Idempotent: a chunk
   * already checkpointed in this run is left as it is (duplicate deliveries of a queued job).
   * Returns whether it wrote.
   */
  writeChunk(c: ChunkRowIn): boolean {
    const chunk = this.db.prepare(
      'INSERT INTO chunks (run_id, chunk_id, chunk_key, start_line, end_line, talents, pairs, reused, candidates) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const exists = this.db.prepare('SELECT 1 FROM chunks WHERE run_id = ? AND chunk_id = ?');
    // per-talent reuse shares the base run's row: one statement per chunk, ~40 bytes per talent
    const share = this.prep('INSERT INTO talent_recs (run_id, talent_id, chunk_id, row_id) SELECT ?, talent_id, ?, row_id FROM talent_recs WHERE run_id = ? AND talent_id IN (SELECT value FROM json_each(?))');
    return this.db.transaction(() => {
      if (exists.get(c.runId, c.chunkId)) return false;
      const rows = c.rows instanceof Uint8Array ? [...unpackRowBytes(c.rows)] : c.rows;
      // the new rows' ids, as SQLite would give them one by one (the largest id + 1), set here so
      // that a group of rows goes in one statement per table and its lines and references can name them
      let id = (this.prep('SELECT COALESCE(MAX(id), 0) FROM talent_rows').pluck().get() as number) + 1;
      for (let at = 0, n = 0; at < rows.length; at += n) {
        // whole groups, then the rest in powers of two: at most 8 statement sizes prepared (not one per chunk length)
        const left = rows.length - at;
        n = left >= SQLITE_INSERT_ROWS ? SQLITE_INSERT_ROWS : 1 << (31 - Math.clz32(left));
        const g = this.insertGroup(n);
        const w: unknown[] = [], l: unknown[] = [], r: unknown[] = [];
        for (let i = at; i < at + n; i++, id++) {
          const x = rows[i];
          w.push(id, x.hash, x.prefs, x.meta);
          l.push(id, x.line);
          r.push(c.runId, x.talentId, c.chunkId, id);
        }
        g.rows.run(w);
        g.lines.run(l);
        g.recs.run(r);
      }
      const reused = c.reusedFrom?.talentIds ?? [];
      if (reused.length > 0) share.run(c.runId, c.chunkId, c.reusedFrom!.runId, JSON.stringify(reused));
      chunk.run(c.runId, c.chunkId, c.key, c.startLine, c.endLine, c.talents, c.pairs, c.reused ? 1 : 0, c.candidates);
      return true;
    })();
  }

  /** The three INSERTs of `n` talents' rows, prepared once per size (SQLITE_INSERT_ROWS and the powers of two below it). */
  private insertGroup(n: number): { rows: Database.Statement; lines: Database.Statement; recs: Database.Statement } {
    let g = this.groups.get(n);
    if (!g) {
      // text columns take strings or their UTF-8 bytes (a packed chunk's fields, bound as they
      // are: CAST stores the bytes as TEXT, the same value a string gives, never decoded here)
      const values = (one: string): string => Array.from({ length: n }, () => one).join(', ');
      g = {
        rows: this.db.prepare(`INSERT INTO talent_rows (id, hash, prefs, meta) VALUES ${values('(?, CAST(? AS TEXT), ?, CAST(? AS TEXT))')}`),
        lines: this.db.prepare(`INSERT INTO talent_lines (id, line) VALUES ${values('(?, CAST(? AS TEXT))')}`),
        recs: this.db.prepare(`INSERT INTO talent_recs (run_id, talent_id, chunk_id, row_id) VALUES ${values('(?, CAST(? AS TEXT), ?, ?)')}`),
      };
      this.groups.set(n, g);
    }
    return g;
  }

  /** The content hashes of these talents' rows in a run (absent: no row), in one query. */
  talentHashes(runId: number, talentIds: readonly string[]): Map<string, string> {
    const rows = this.prep(`SELECT talent_id, hash FROM ${this.talents.rows} WHERE run_id = ? AND talent_id IN (SELECT value FROM json_each(?))`).raw().all(runId, JSON.stringify(talentIds)) as [string, string][];
    return new Map(rows);
  }

  /** Empties a complete run's chunk checkpoints' candidates (needed only to finish or resume it; the run keeps its merged reserve). */
  dropChunkCandidates(runId: number): void {
    this.db.prepare(`UPDATE chunks SET candidates = x'' WHERE run_id = ?`).run(runId);
  }

  /** Totals over a run's checkpointed chunks. */
  chunkStats(runId: number): { chunks: number; talents: number; pairs: number; reused: number; reusedTalents: number } {
    return this.db
      .prepare('SELECT COUNT(*) AS chunks, COALESCE(SUM(talents), 0) AS talents, COALESCE(SUM(pairs), 0) AS pairs, COALESCE(SUM(reused), 0) AS reused, COALESCE(SUM(reused * talents), 0) AS reusedTalents FROM chunks WHERE run_id = ?')
      .get(runId) as { chunks: number; talents: number; pairs: number; reused: number; reusedTalents: number };
  }

  *candidateBlobs(runId: number): Generator<Buffer> {
    for (const r of this.db.prepare('SELECT candidates FROM chunks WHERE run_id = ? ORDER BY chunk_id').iterate(runId) as Iterable<{ candidates: Buffer }>) yield r.candidates;
  }

  /**
   * What the final assembly needs of every talent, in id order: its preference lists and
   * metadata, not its output line (reading 1M lines of JSON only to drop them was the
   * batch's memory peak).
   */
  *talentPrefs(runId: number): Generator<{ talent_id: string; prefs: Buffer; meta: string }> {
    yield* this.db.prepare(`SELECT talent_id, prefs, meta FROM ${this.talents.rows} WHERE run_id = ? ORDER BY talent_id`).iterate(runId) as Iterable<{
      talent_id: string;
      prefs: Buffer;
      meta: string;
    }>;
  }

  *talentLines(runId: number): Generator<string> {
    for (const r of this.db.prepare(`SELECT line FROM ${this.talents.lines} WHERE run_id = ? ORDER BY talent_id`).pluck().iterate(runId) as Iterable<string>) yield r;
  }

  *platformLines(runId: number): Generator<string> {
    for (const r of this.db.prepare('SELECT line FROM platform_recs WHERE run_id = ? ORDER BY platform_id').pluck().iterate(runId) as Iterable<string>) yield r;
  }

  /** One entity's stored recommendation line (contract JSON) in a run, or undefined for an unknown id. */
  recommendationLine(runId: number, side: 'talent' | 'platform', id: string): string | undefined {
    const sql = side === 'talent' ? `SELECT line FROM ${this.talents.lines} WHERE run_id = ? AND talent_id = ?` : 'SELECT line FROM platform_recs WHERE run_id = ? AND platform_id = ?';
    return this.prep(sql).pluck().get(runId, id) as string | undefined;
  }

  /** An artifact's parts in order (large artifacts are stored in parts, never as one string). */
  *artifactParts(runId: number, name: string): Generator<string> {
    yield* this.db.prepare('SELECT body FROM artifacts WHERE run_id = ? AND name = ? ORDER BY part').pluck().iterate(runId, name) as Iterable<string>;
  }

  /** A whole artifact as one string (small artifacts, the API), or undefined. */
  artifact(runId: number, name: string): string | undefined {
    const parts = [...this.artifactParts(runId, name)];
    return parts.length === 0 ? undefined : parts.join('');
  }

  /** Platform lines, artifacts and the `complete` status in one transaction: the snapshot appears whole. */
  complete(runId: number, platformLines: { id: string; line: string }[], artifacts: Record<string, Iterable<string>>, finishedAt: string, summary: string): void {
    this.db.transaction(() => {
      this.publishLines(runId, platformLines);
      for (const [name, parts] of Object.entries(artifacts)) this.publishParts(runId, name, 0, parts);
      this.publishStatus(runId, finishedAt, summary);
    })();
  }

  /**
   * `complete` in steps, for a writer that is handed the artifacts' parts as they are
   * formatted (store/writer.ts, the batch's writer thread), each step its own transaction:
   * `beginComplete` drops what an earlier attempt left and writes the platform lines,
   * `completeParts` adds parts, `endComplete` sets the status. Readers read complete runs
   * only, so the snapshot still appears whole, at `endComplete`'s commit; the steps' pages
   * can be checkpointed meanwhile (by the writer, while the batch formats the next parts),
   * not all in one commit at the end. A run killed before `endComplete` stays running, its
   * partial rows invisible, resumable: its publication starts again with `beginComplete`;
   * `abortComplete` deletes them (a publication that failed).
   */
  beginComplete(runId: number, platformLines: readonly { id: string; line: string }[]): void {
    this.db.transaction(() => {
      this.unfinished(runId);
      this.publishLines(runId, platformLines);
    })();
  }

  completeParts(runId: number, name: string, from: number, parts: Iterable<string>): void {
    this.db.transaction(() => {
      this.unfinished(runId);
      this.publishParts(runId, name, from, parts);
    })();
  }

  endComplete(runId: number, finishedAt: string, summary: string): void {
    this.db.transaction(() => {
      this.unfinished(runId);
      this.publishStatus(runId, finishedAt, summary);
    })();
  }

  abortComplete(runId: number): void {
    this.db.transaction(() => {
      if (this.run(runId)?.status !== 'running') return;
      this.dropPublished(runId);
    })();
  }

  /** A publication's steps write to a running run only (never to a complete run's snapshot). */
  private unfinished(runId: number): void {
    const status = this.run(runId)?.status;
    if (status !== 'running') throw new TalentmatchError('E_INTERNAL', `run ${runId} is ${status ?? 'absent'}: only a running run is published`);
  }

  /** complete's first writes: the run's platform lines and artifacts of an earlier attempt dropped, its platform lines inserted. */
  private publishLines(runId: number, platformLines: readonly { id: string; line: string }[]): void {
    this.dropPublished(runId);
    const pl = this.prep('INSERT INTO platform_recs (run_id, platform_id, line) VALUES (?, ?, ?)');
    for (const p of platformLines) pl.run(runId, p.id, p.line);
  }

  /** The run's platform lines and artifacts, as far as a publication wrote them. */
  private dropPublished(runId: number): void {
    this.prep('DELETE FROM platform_recs WHERE run_id = ?').run(runId);
    this.prep('DELETE FROM artifacts WHERE run_id = ?').run(runId);
  }

  /** An artifact's parts, numbered from `from`. */
  private publishParts(runId: number, name: string, from: number, parts: Iterable<string>): void {
    const ar = this.prep('INSERT INTO artifacts (run_id, name, part, body) VALUES (?, ?, ?, ?)');
    let i = from;
    for (const body of parts) ar.run(runId, name, i++, body);
  }

  private publishStatus(runId: number, finishedAt: string, summary: string): void {
    this.prep(`UPDATE runs SET status = 'complete', finished_at = ?, summary = ? WHERE id = ?`).run(finishedAt, summary, runId);
  }

  fail(runId: number, finishedAt: string, why: string): void {
    this.deleteRunData(runId);
    this.db.prepare(`UPDATE runs SET status = 'failed', finished_at = ?, summary = ? WHERE id = ?`).run(finishedAt, JSON.stringify({ error: why }), runId);
  }

  /** Deletes a run that is not complete, rows and all (a batch attempt redone at once). */
  discard(runId: number): void {
    if (this.run(runId)?.status === 'complete') throw new TalentmatchError('E_INTERNAL', `run ${runId} is complete: discard() deletes only unfinished runs`);
    this.deleteRunData(runId);
    this.db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
  }

  /** A run's rows, and the talent rows no other run shares (per-talent reuse shares them). */
  private deleteRunData(runId: number): void {
    this.db.transaction(() => {
      this.db.exec('CREATE TEMP TABLE IF NOT EXISTS gone_rows (id INTEGER PRIMARY KEY); DELETE FROM gone_rows');
      this.db.prepare('INSERT OR IGNORE INTO gone_rows SELECT row_id FROM talent_recs WHERE run_id = ?').run(runId);
      for (const t of ['talent_recs', 'chunks', 'platform_recs', 'artifacts']) this.db.prepare(`DELETE FROM ${t} WHERE run_id = ?`).run(runId);
      this.db.exec('DELETE FROM gone_rows WHERE EXISTS (SELECT 1 FROM talent_recs WHERE row_id = gone_rows.id)');
      this.db.exec('DELETE FROM talent_lines WHERE id IN (SELECT id FROM gone_rows); DELETE FROM talent_rows WHERE id IN (SELECT id FROM gone_rows)');
    })();
  }

  /**
   * Retention: keeps the newest `keep` complete runs (by id) and the runs in `protect` (the
   * run just published, which an older resumed run may be); deletes older complete runs,
   * and failed runs older than the oldest complete run kept (a failed run holds only its
   * error). Never touches running runs (an interrupted run stays resumable).
   */
  prune(keep: number, protect: readonly number[] = []): number[] {
    const complete = this.db.prepare(`SELECT id FROM runs WHERE status = 'complete' ORDER BY id DESC`).pluck().all() as number[];
    const kept = [...complete.slice(0, keep), ...protect];
    const oldestKept = kept.length > 0 ? Math.min(...kept) : Infinity;
    const failed = this.db.prepare(`SELECT id FROM runs WHERE status = 'failed' AND id < ?`).pluck().all(oldestKept === Infinity ? Number.MAX_SAFE_INTEGER : oldestKept) as number[];
    const gone = [...complete.slice(keep), ...failed].filter((id) => !protect.includes(id));
    for (const id of gone) {
      this.deleteRunData(id);
      this.db.prepare('DELETE FROM runs WHERE id = ?').run(id);
    }
    return gone.sort((a, b) => a - b);
  }
}
