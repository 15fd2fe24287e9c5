/**
 * Snapshots in PostgreSQL (node-postgres `pg`, one connection pool per process): the store
 * that batch coordinators, queue workers' coordinator and API replicas on several hosts share.
 * Same tables as the SQLite store, prefixed `tm_` so the tool can live in a database other
 * applications use; the schema is the first one on the connection's search_path (set it
 * with `?options=-c%20search_path%3Dname` or PGOPTIONS).
 *
 *  - Visibility: a run's platform lines, artifacts and its `complete` status are written in
 *    one transaction; readers (READ COMMITTED) see the previous complete run until it commits.
 *  - Bulk writes: a chunk is one transaction of two statements, its checkpoint row and all
 *    its talent rows as one multi-row INSERT over unnest() of arrays.
 *  - Order: id columns use the "C" collation (byte order), as SQLite's BINARY does, so the
 *    two stores stream rows, and export files, in the same order.
 *  - Streams page by key (never one result set of a whole run in memory); export pins one
 *    REPEATABLE READ transaction so a concurrent prune cannot cut it short.
 *  - Faults: any connection or server failure becomes E_UNAVAILABLE naming host, port and
 *    database (never the password); a batch run it interrupts stays `running` for --resume.
 *  - One coordinator at a time: the advisory lock in pgLock.ts.
 */
import pg from 'pg';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { hostname } from 'node:os';
import { TalentmatchError } from '../errors.js';
import type { ChunkRowIn, ChunkStats, DoneChunk, DoneChunkRow, RunRow, SnapshotStore, TalentPrefsRow } from './types.js';
import { chunkRows, doneChunkMap } from './types.js';
import { describePg, noNul, unavailable } from './pgErrors.js';
import { LOCK_KEY, preparePgSchema } from './pgSchema.js';

export { describePg, unavailable, LOCK_KEY };

/** rows per page of a stream (talent lines are ~1-2 kB: a page is a few MB) */
const PAGE = 2000;
/** candidate blobs per page (each is a chunk's platform-side candidates) */
const BLOB_PAGE = 16;
/** talent rows per INSERT of a chunk (5 parameters each; PostgreSQL allows 65,535 per statement), and talent ids per hash query */
const ROWS_PER_INSERT = 1000;
/** platform lines or artifact parts per INSERT when publishing */
const PUBLISH_BATCH = 1000;
/** how long a connection attempt may take before the command fails (ms) */
export const PG_CONNECT_TIMEOUT_MS = 10_000;
/** connections per process */
export const PG_POOL_MAX = 8;

interface Conn {
  query<R extends QueryResultRow>(sql: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

export class PostgresStore implements SnapshotStore {
  /** a REPEATABLE READ connection while an export reads (beginRead .. endRead) */
  private pinned: PoolClient | undefined;
  /** where talent rows are read: the view over shared rows, or a version-1 schema's own table (readers) */
  private talents = 'tm_talent_view';

  private constructor(
    private readonly pool: Pool,
    /** "PostgreSQL at host:port/db", in every error */
    readonly where: string,
  ) {}

  /**
   * Connects and checks the schema: a writer creates or migrates it (under an advisory lock,
   * so two processes starting at once do not race), a reader requires it. Fails with
   * E_UNAVAILABLE naming host and port when PostgreSQL cannot be reached, E_IO when the
   * database holds no talentmatch snapshots (reader), E_SCHEMA when its schema is newer.
   */
  static async open(url: string, o: { readonly?: boolean; applicationName?: string } = {}): Promise<PostgresStore> {
    const where = describePg(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: PG_POOL_MAX,
      connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
      application_name: o.applicationName ?? `talentmatch ${o.readonly ? 'reader' : 'writer'} (pid ${process.pid} on ${hostname()})`,
    });
    const store = new PostgresStore(pool, where);
    // a connection dropped by the server (restart, failover), idle or checked out between two
    // queries, must not crash the process: the next query reconnects, or fails and is reported
    pool.on('error', (e) => (store.dropped = e));
    pool.on('connect', (client) => client.on('error', (e) => (store.dropped = e)));
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw unavailable(where, e, 'cannot connect');
    }
    try {
      store.talents = await preparePgSchema(client, where, o.readonly ?? false);
    } catch (e) {
      client.release();
      await pool.end().catch(() => undefined);
      throw unavailable(where, e, 'cannot read the schema');
    }
    client.release();
    return store;
  }

  /** the last error a pooled connection emitted: why it dropped (the server's code, e.g. 57P01) */
  private dropped: Error | undefined;

  /** pg's "... is not queryable" (a query on a connection dropped between two queries) hides why: report the drop */
  private cause(e: unknown): unknown {
    return e instanceof Error && /not queryable/.test(e.message) && this.dropped ? this.dropped : e;
  }

  private conn(): Conn {
    return this.pinned ?? this.pool;
  }

  private async q<R extends QueryResultRow>(sql: string, params: unknown[] = [], c: Conn = this.conn()): Promise<R[]> {
    try {
      return (await c.query<R>(sql, params)).rows;
    } catch (e) {
      throw unavailable(this.where, this.cause(e), 'query failed');
    }
  }

  /** Runs fn in one transaction on one pooled connection. */
  private async tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    let c: PoolClient;
    try {
      c = await this.pool.connect();
    } catch (e) {
      throw unavailable(this.where, this.cause(e), 'cannot connect');
    }
    let broken: unknown;
    try {
      await c.query('BEGIN');
      const v = await fn(c);
      await c.query('COMMIT');
      return v;
    } catch (e) {
      broken = e;
      await c.query('ROLLBACK').catch(() => undefined);
      throw unavailable(this.where, this.cause(e), 'transaction failed');
    } finally {
      c.release(broken instanceof Error && !(broken instanceof TalentmatchError) ? broken : undefined);
    }
  }

  async close(): Promise<void> {
    await this.endRead();
    await this.pool.end();
  }

  async beginRead(): Promise<void> {
    if (this.pinned) return;
    try {
      this.pinned = await this.pool.connect();
      await this.pinned.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    } catch (e) {
      this.pinned?.release(true);
      this.pinned = undefined;
      throw unavailable(this.where, this.cause(e), 'cannot start a read');
    }
  }

  async endRead(): Promise<void> {
    const c = this.pinned;
    if (!c) return;
    this.pinned = undefined;
    try {
      await c.query('COMMIT');
      c.release();
    } catch {
      c.release(true);
    }
  }

  // ---- runs ----
  async createRun(r: { startedAt: string; fingerprint: string; platformFingerprint: string; options: string; weights: string }): Promise<number> {
    const rows = await this.q<{ id: number }>(
      `INSERT INTO tm_runs (status, started_at, fingerprint, platform_fingerprint, options, weights) VALUES ('running', $1, $2, $3, $4, $5) RETURNING id`,
      [r.startedAt, r.fingerprint, r.platformFingerprint, r.options, r.weights],
    );
    return rows[0].id;
  }

  async run(id: number): Promise<RunRow | undefined> {
    return (await this.q<RunRow>('SELECT * FROM tm_runs WHERE id = $1', [id]))[0];
  }

  async runs(): Promise<RunRow[]> {
    return this.q<RunRow>('SELECT * FROM tm_runs ORDER BY id');
  }

  async latestComplete(): Promise<RunRow | undefined> {
    return (await this.q<RunRow>(`SELECT * FROM tm_runs WHERE status = 'complete' ORDER BY id DESC LIMIT 1`))[0];
  }

  async resumable(fingerprint: string): Promise<RunRow | undefined> {
    return (await this.q<RunRow>(`SELECT * FROM tm_runs WHERE status = 'running' AND fingerprint = $1 ORDER BY id DESC LIMIT 1`, [fingerprint]))[0];
  }

  async reuseBase(platformFingerprint: string, options: string): Promise<RunRow | undefined> {
    return (await this.q<RunRow>(`SELECT * FROM tm_runs WHERE status = 'complete' AND platform_fingerprint = $1 AND options = $2 ORDER BY id DESC LIMIT 1`, [platformFingerprint, options]))[0];
  }

  // ---- chunks ----
  async doneChunks(runId: number): Promise<Map<number, DoneChunk>> {
    return doneChunkMap(await this.q<DoneChunkRow>('SELECT chunk_id, start_line, end_line, talents FROM tm_chunks WHERE run_id = $1', [runId]));
  }

  /** The checkpoint row first (a duplicate delivery stops there), then every talent row in one INSERT. */
  async writeChunk(c: ChunkRowIn): Promise<boolean> {
    const all = [...chunkRows(c)];
    noNul('talent', all.map((r) => r.talentId));
    return this.tx(async (db) => {
      const ins = await db.query(
        'INSERT INTO tm_chunks (run_id, chunk_id, chunk_key, start_line, end_line, talents, pairs, reused, candidates) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING',
        [c.runId, c.chunkId, c.key, c.startLine, c.endLine, c.talents, c.pairs, c.reused ? 1 : 0, c.candidates],
      );
      if (ins.rowCount === 0) return false;
      // multi-row VALUES with one parameter per value: the driver sends the preference
      // Buffers as binary parameters and the lines as they are (arrays of them, through
      // unnest(), cost hex-encoding and escaping every line: 1.5x the chunk's write time);
      // each row is stored once and the run points at it
      for (let i = 0; i < all.length; i += ROWS_PER_INSERT) {
        const rows = all.slice(i, i + ROWS_PER_INSERT);
        const params: unknown[] = [c.runId, c.chunkId];
        const values = rows.map((r) => {
          const at = params.push(r.talentId, r.hash, r.prefs, r.meta, r.line) - 4;
          return `($${at}, $${at + 1}, $${at + 2}, $${at + 3}, $${at + 4})`;
        });
        await db.query(
          `WITH ins AS (INSERT INTO tm_talent_rows (talent_id, hash, prefs, meta, line) VALUES ${values.join(', ')} RETURNING id, talent_id) INSERT INTO tm_talent_recs (run_id, talent_id, chunk_id, row_id) SELECT $1, talent_id, $2, id FROM ins`,
          params,
        );
      }
      // per-talent reuse: the unchanged talents point at the base run's rows, in this transaction
      const reused = c.reusedFrom?.talentIds ?? [];
      for (let i = 0; i < reused.length; i += ROWS_PER_INSERT) {
        await db.query('INSERT INTO tm_talent_recs (run_id, talent_id, chunk_id, row_id) SELECT $1, talent_id, $2, row_id FROM tm_talent_recs WHERE run_id = $3 AND talent_id = ANY($4::text[])', [
          c.runId,
          c.chunkId,
          c.reusedFrom!.runId,
          reused.slice(i, i + ROWS_PER_INSERT),
        ]);
      }
      return true;
    });
  }

  /** The content hashes of these talents' rows in a run (absent: no row): one query per 1,000 ids. */
  async talentHashes(runId: number, talentIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < talentIds.length; i += ROWS_PER_INSERT) {
      const rows = await this.q<{ talent_id: string; hash: string }>(`SELECT talent_id, hash FROM ${this.talents} WHERE run_id = $1 AND talent_id = ANY($2::text[])`, [runId, talentIds.slice(i, i + ROWS_PER_INSERT)]);
      for (const r of rows) out.set(r.talent_id, r.hash);
    }
    return out;
  }

  /** Empties a complete run's chunk checkpoints' candidates (needed only to finish or resume it; the run keeps its merged reserve). */
  async dropChunkCandidates(runId: number): Promise<void> {
    await this.q(`UPDATE tm_chunks SET candidates = ''::bytea WHERE run_id = $1`, [runId]);
  }

  async chunkStats(runId: number): Promise<ChunkStats> {
    const r = (
      await this.q<Record<keyof ChunkStats, string>>(
        'SELECT COUNT(*) AS chunks, COALESCE(SUM(talents), 0) AS talents, COALESCE(SUM(pairs), 0) AS pairs, COALESCE(SUM(reused), 0) AS reused, COALESCE(SUM(reused * talents), 0) AS "reusedTalents" FROM tm_chunks WHERE run_id = $1',
        [runId],
      )
    )[0];
    // COUNT and SUM are bigint: pg hands them over as strings
    return { chunks: Number(r.chunks), talents: Number(r.talents), pairs: Number(r.pairs), reused: Number(r.reused), reusedTalents: Number(r.reusedTalents) };
  }

  async *candidateBlobs(runId: number): AsyncGenerator<Buffer> {
    let after = -1;
    for (;;) {
      const rows = await this.q<{ chunk_id: number; candidates: Buffer }>('SELECT chunk_id, candidates FROM tm_chunks WHERE run_id = $1 AND chunk_id > $2 ORDER BY chunk_id LIMIT $3', [runId, after, BLOB_PAGE]);
      for (const r of rows) yield r.candidates;
      if (rows.length < BLOB_PAGE) return;
      after = rows[rows.length - 1].chunk_id;
    }
  }

  /** Keyset pages over one run's rows in id order (byte order: the columns are COLLATE "C"). */
  private async *byId<R extends QueryResultRow>(table: string, idCol: string, cols: string, runId: number): AsyncGenerator<R> {
    let after: string | undefined;
    for (;;) {
      const rows =
        after === undefined
          ? await this.q<R>(`SELECT ${idCol}, ${cols} FROM ${table} WHERE run_id = $1 ORDER BY ${idCol} LIMIT $2`, [runId, PAGE])
          : await this.q<R>(`SELECT ${idCol}, ${cols} FROM ${table} WHERE run_id = $1 AND ${idCol} > $2 ORDER BY ${idCol} LIMIT $3`, [runId, after, PAGE]);
      yield* rows;
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1][idCol] as string;
    }
  }

  async *talentPrefs(runId: number): AsyncGenerator<TalentPrefsRow> {
    yield* this.byId<TalentPrefsRow>(this.talents, 'talent_id', 'prefs, meta', runId);
  }

  async *talentLines(runId: number): AsyncGenerator<string> {
    for await (const r of this.byId<{ line: string }>(this.talents, 'talent_id', 'line', runId)) yield r.line;
  }

  async *platformLines(runId: number): AsyncGenerator<string> {
    for await (const r of this.byId<{ line: string }>('tm_platform_recs', 'platform_id', 'line', runId)) yield r.line;
  }

  async recommendationLine(runId: number, side: 'talent' | 'platform', id: string): Promise<string | undefined> {
    const sql = side === 'talent' ? `SELECT line FROM ${this.talents} WHERE run_id = $1 AND talent_id = $2` : 'SELECT line FROM tm_platform_recs WHERE run_id = $1 AND platform_id = $2';
    return (await this.q<{ line: string }>(sql, [runId, id]))[0]?.line;
  }

  async *artifactParts(runId: number, name: string): AsyncGenerator<string> {
    let after = -1;
    for (;;) {
      const rows = await this.q<{ part: number; body: string }>('SELECT part, body FROM tm_artifacts WHERE run_id = $1 AND name = $2 AND part > $3 ORDER BY part LIMIT $4', [runId, name, after, PAGE]);
      for (const r of rows) yield r.body;
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1].part;
    }
  }

  /** One statement: atomic even while a writer prunes. */
  async artifact(runId: number, name: string): Promise<string | undefined> {
    const rows = await this.q<{ body: string }>('SELECT body FROM tm_artifacts WHERE run_id = $1 AND name = $2 ORDER BY part', [runId, name]);
    return rows.length === 0 ? undefined : rows.map((r) => r.body).join('');
  }

  // ---- publishing and retention ----
  async complete(runId: number, platformLines: { id: string; line: string }[], artifacts: Record<string, Iterable<string>>, finishedAt: string, summary: string): Promise<void> {
    noNul('platform', platformLines.map((p) => p.id));
    await this.tx(async (db) => {
      await db.query('DELETE FROM tm_platform_recs WHERE run_id = $1', [runId]);
      await db.query('DELETE FROM tm_artifacts WHERE run_id = $1', [runId]);
      for (let i = 0; i < platformLines.length; i += PUBLISH_BATCH) {
        const batch = platformLines.slice(i, i + PUBLISH_BATCH);
        await db.query('INSERT INTO tm_platform_recs (run_id, platform_id, line) SELECT $1, t.id, t.line FROM unnest($2::text[], $3::text[]) AS t(id, line)', [runId, batch.map((p) => p.id), batch.map((p) => p.line)]);
      }
      for (const [name, parts] of Object.entries(artifacts)) {
        let part = 0;
        let batch: string[] = [];
        const flush = async () => {
          if (batch.length === 0) return;
          const first = part - batch.length;
          await db.query('INSERT INTO tm_artifacts (run_id, name, part, body) SELECT $1, $2, $3 + t.i - 1, t.body FROM unnest($4::text[]) WITH ORDINALITY AS t(body, i)', [runId, name, first, batch]);
          batch = [];
        };
        for (const body of parts) {
          batch.push(body);
          part++;
          if (batch.length >= PUBLISH_BATCH) await flush();
        }
        await flush();
      }
      await db.query(`UPDATE tm_runs SET status = 'complete', finished_at = $1, summary = $2 WHERE id = $3`, [finishedAt, summary, runId]);
    });
  }

  async fail(runId: number, finishedAt: string, why: string): Promise<void> {
    await this.tx(async (db) => {
      await deleteRuns(db, [runId]);
      await db.query(`UPDATE tm_runs SET status = 'failed', finished_at = $1, summary = $2 WHERE id = $3`, [finishedAt, JSON.stringify({ error: why }), runId]);
    });
  }

  /** Deletes a run that is not complete, rows and all (a batch attempt redone at once). */
  async discard(runId: number): Promise<void> {
    if ((await this.run(runId))?.status === 'complete') throw new TalentmatchError('E_INTERNAL', `run ${runId} is complete: discard() deletes only unfinished runs`);
    await this.tx(async (db) => {
      await deleteRuns(db, [runId]);
      await db.query(`DELETE FROM tm_runs WHERE id = $1 AND status <> 'complete'`, [runId]);
    });
  }

  /**
   * Retention, as the SQLite store: keeps the newest `keep` complete runs and the runs in
   * `protect`; deletes older complete runs and failed runs older than the oldest run kept.
   * Never touches running runs. One transaction.
   */
  async prune(keep: number, protect: readonly number[] = []): Promise<number[]> {
    return this.tx(async (db) => {
      const complete = (await db.query<{ id: number }>(`SELECT id FROM tm_runs WHERE status = 'complete' ORDER BY id DESC`)).rows.map((r) => r.id);
      const kept = [...complete.slice(0, keep), ...protect];
      const oldestKept = kept.length > 0 ? Math.min(...kept) : Number.MAX_SAFE_INTEGER;
      const failed = (await db.query<{ id: number }>(`SELECT id FROM tm_runs WHERE status = 'failed' AND id < $1`, [Math.min(oldestKept, 2_147_483_647)])).rows.map((r) => r.id);
      const gone = [...complete.slice(keep), ...failed].filter((id) => !protect.includes(id)).sort((a, b) => a - b);
      if (gone.length > 0) {
        await deleteRuns(db, gone);
        await db.query('DELETE FROM tm_runs WHERE id = ANY($1::int[])', [gone]);
      }
      return gone;
    });
  }
}

/** The runs' rows, and the talent rows no other run points at (per-talent reuse shares them), in the caller's transaction. */
async function deleteRuns(db: PoolClient, runs: number[]): Promise<void> {
  await db.query('CREATE TEMP TABLE IF NOT EXISTS tm_gone_rows (id bigint PRIMARY KEY) ON COMMIT DELETE ROWS');
  await db.query('INSERT INTO tm_gone_rows SELECT DISTINCT row_id FROM tm_talent_recs WHERE run_id = ANY($1::int[]) ON CONFLICT DO NOTHING', [runs]);
  for (const t of ['tm_talent_recs', 'tm_chunks', 'tm_platform_recs', 'tm_artifacts']) await db.query(`DELETE FROM ${t} WHERE run_id = ANY($1::int[])`, [runs]);
  await db.query('DELETE FROM tm_talent_rows w USING tm_gone_rows g WHERE w.id = g.id AND NOT EXISTS (SELECT 1 FROM tm_talent_recs r WHERE r.row_id = w.id)');
}
