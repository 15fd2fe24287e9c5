/**
 * The snapshot store behind one interface, with two implementations: SQLite (`store.ts`,
 * better-sqlite3, the embedded default) and PostgreSQL (`postgres.ts`, for deployments whose
 * batch workers and API replicas run on several hosts). `open.ts` picks one by the `--db`
 * value.
 *
 * SQLite answers synchronously and PostgreSQL asynchronously, so every method may return a
 * value or a promise (`Awaitable`) and every row stream may be sync or async (`Rows`):
 * callers always `await` and `for await`. That keeps the SQLite store's hot paths free of
 * promise overhead and lets one caller drive either store.
 *
 * What both promise (the contract the batch, export, diff and serve rely on):
 *  - readers see complete runs only: a run becomes `complete` in the transaction that writes
 *    its last rows (platform lines, artifacts), so a snapshot appears whole or not at all
 *    (the SQLite batch's writer thread stores them in several transactions, store/writer.ts,
 *    and sets the status in the last: a running run's rows are never read);
 *  - a chunk's rows and its checkpoint are one transaction, and writing a chunk twice is a
 *    no-op (duplicate deliveries of a queued job, a resumed run);
 *  - row streams come in id order, compared byte by byte (SQLite's BINARY, PostgreSQL's
 *    "C" collation), so both stores export the same bytes.
 */
import { TalentmatchError } from '../errors.js';
import { unpackRows } from '../engine/rows.js';

export type Awaitable<T> = T | Promise<T>;
export type Rows<T> = Iterable<T> | AsyncIterable<T>;

/** The schema version this build writes and reads. A database with a newer one is refused. */
export const SCHEMA_VERSION = 2;

export interface RunRow {
  id: number;
  status: 'running' | 'complete' | 'failed';
  started_at: string;
  finished_at: string | null;
  fingerprint: string;
  platform_fingerprint: string;
  options: string;
  weights: string;
  summary: string | null;
}

/** A chunk checkpointed done: its first and last talent's line and its talents (reused ones included), as written. */
export interface DoneChunk {
  startLine: number;
  endLine: number;
  talents: number;
}

/** A checkpoint row as both stores select it (chunk_id, start_line, end_line, talents). */
export interface DoneChunkRow {
  chunk_id: number;
  start_line: number;
  end_line: number;
  talents: number;
}

export const doneChunkMap = (rows: readonly DoneChunkRow[]): Map<number, DoneChunk> =>
  new Map(rows.map((r) => [Number(r.chunk_id), { startLine: Number(r.start_line), endLine: Number(r.end_line), talents: Number(r.talents) }]));

export interface ChunkRowIn {
  runId: number;
  chunkId: number;
  key: string;
  startLine: number;
  endLine: number;
  talents: number;
  pairs: number;
  reused: boolean;
  candidates: Buffer;
  /** the scored talents' rows: objects, or packed in one buffer as a worker hands them on (engine/rows.ts packRows) */
  rows: readonly TalentRowIn[] | Uint8Array;
  /** talents of the chunk unchanged since an earlier complete run (per-talent reuse): their rows are shared with it, in the same transaction */
  reusedFrom?: { runId: number; talentIds: readonly string[] };
}

export interface TalentRowIn {
  talentId: string;
  hash: string;
  line: string;
  prefs: Uint8Array;
  meta: string;
}

/** A chunk's rows, whichever form they came in. */
export function chunkRows(c: ChunkRowIn): Iterable<TalentRowIn> {
  return c.rows instanceof Uint8Array ? unpackRows(c.rows) : c.rows;
}

export interface ChunkStats {
  chunks: number;
  talents: number;
  pairs: number;
  reused: number;
  reusedTalents: number;
}

export interface TalentPrefsRow {
  talent_id: string;
  prefs: Buffer;
  meta: string;
}

export interface SnapshotStore {
  close(): Awaitable<void>;

  /** Pins one consistent view for reads that span awaits (export); end it with endRead(). */
  beginRead(): Awaitable<void>;
  endRead(): Awaitable<void>;

  // ---- runs ----
  createRun(r: { startedAt: string; fingerprint: string; platformFingerprint: string; options: string; weights: string }): Awaitable<number>;
  run(id: number): Awaitable<RunRow | undefined>;
  runs(): Awaitable<RunRow[]>;
  latestComplete(): Awaitable<RunRow | undefined>;
  /**
   * Optional, synchronous: a number that changes whenever another connection commits to the
   * store (SQLite's PRAGMA data_version). A reader that sees the same number as at its last
   * `latestComplete()` knows the runs are unchanged without querying them (the API's cached reads).
   */
  changeToken?(): number;
  /** The newest run still marked running with this fingerprint (for --resume). */
  resumable(fingerprint: string): Awaitable<RunRow | undefined>;
  /** The newest complete run scored against the same platform side and options (for reuse). */
  reuseBase(platformFingerprint: string, options: string): Awaitable<RunRow | undefined>;

  // ---- chunks (the batch's checkpoints) ----
  /** The run's checkpointed chunks by id, with the lines and talents each covered (a resume checks them against its own chunking). */
  doneChunks(runId: number): Awaitable<Map<number, DoneChunk>>;
  writeChunk(c: ChunkRowIn): Awaitable<boolean>;
  /**
   * The content hashes of these talents' rows in a run (a talent without a row is absent),
   * in one query: per-talent reuse asks once per chunk, never once per talent.
   */
  talentHashes(runId: number, talentIds: readonly string[]): Awaitable<Map<string, string>>;
  /** Empties a complete run's chunk checkpoints' candidates (needed only to finish or resume it; the run keeps its merged reserve). */
  dropChunkCandidates(runId: number): Awaitable<void>;
  chunkStats(runId: number): Awaitable<ChunkStats>;
  candidateBlobs(runId: number): Rows<Buffer>;
  talentPrefs(runId: number): Rows<TalentPrefsRow>;

  // ---- snapshot reads ----
  talentLines(runId: number): Rows<string>;
  platformLines(runId: number): Rows<string>;
  recommendationLine(runId: number, side: 'talent' | 'platform', id: string): Awaitable<string | undefined>;
  artifactParts(runId: number, name: string): Rows<string>;
  artifact(runId: number, name: string): Awaitable<string | undefined>;

  // ---- publishing and retention ----
  /** Platform lines, artifacts and the `complete` status in one transaction: the snapshot appears whole. */
  complete(runId: number, platformLines: { id: string; line: string }[], artifacts: Record<string, Iterable<string>>, finishedAt: string, summary: string): Awaitable<void>;
  fail(runId: number, finishedAt: string, why: string): Awaitable<void>;
  /** Deletes a run that is not complete, rows and all (a batch attempt redone at once); refuses a complete run. */
  discard(runId: number): Awaitable<void>;
  /**
   * Retention: keeps the newest `keep` complete runs and the runs in `protect`; deletes older
   * complete runs, and failed runs older than the oldest complete run kept. Never touches
   * running runs. Returns the deleted ids, ascending.
   */
  prune(keep: number, protect?: readonly number[]): Awaitable<number[]>;
}

/** A database written by a newer talentmatch: refused, never guessed at. */
export function newerSchemaError(where: string, found: number): TalentmatchError {
  return new TalentmatchError(
    'E_SCHEMA',
    `${where}: the database has schema version ${found}, newer than this talentmatch understands (${SCHEMA_VERSION}); upgrade talentmatch, or point --db at another database`,
  );
}
