/**
 * The nightly batch's defaults (adapters/batch/run.ts and the CLI's `batch` read them).
 */
export const defaultBatchOptions = {
  /** talents per chunk: the unit of work and of checkpointing */
  chunkSize: 2000,
  /** each talent's best N platforms kept for the assignment (0 would keep every acceptable pair) */
  maxPrefs: 50,
  /** how long a distributed worker holds a queued chunk before another may take it (ms) */
  lockMs: 30_000,
  /**
   * complete snapshots kept in the database after a run publishes (older complete runs and
   * failed runs are deleted; running runs are never touched). 7: a week of nightly runs to
   * diff against or serve from, at ~14 MB per fixture-sized run. `--keep N` overrides.
   */
  keep: 7,
  /**
   * reserve depth of each platform's talent list, as a multiple of the talents a platform
   * line shows: the deeper list lets the next run reuse unchanged talents' candidates when
   * some listed talents changed or left (engine/candidates.ts).
   */
  reserveFactor: 3,
  /** progress lines: at most one every this many ms (plain, non-terminal output) */
  progressEveryMs: 2_000,
  /**
   * with --queue: after this long (ms) without a chunk taken or finished, the progress says
   * "waiting for workers" (and repeats it at this interval). `--idle-warn-ms` overrides.
   */
  idleWarnMs: 30_000,
  /**
   * a run that scored at least this many talents releases its scoring threads before the
   * final assembly (their heaps, ~0.2 GB each at 5,000-talent chunks, would stack on the
   * assembly's preference lists) and starts fresh ones only for the placed talents'
   * vectorization; a smaller run keeps them (starting threads again costs more than their
   * memory matters there).
   */
  releaseScorersAt: 100_000,
  /**
   * the young generation of the batch's scoring threads (MB; V8 splits it in three: two
   * semi-spaces of a third each and the large-object space). Node's default, 48 MB, was
   * ~25 MB of each worker's resident memory for no measured CPU gain over 8 MB semi-spaces.
   */
  scorerYoungGenMb: 24,
} as const;

/** Entries kept per platform in the batch's reserve for a platform line of `kPlatform` talents. */
export function reserveDepth(kPlatform: number): number {
  return Math.max(1, kPlatform) * defaultBatchOptions.reserveFactor;
}

/**
 * A queued chunk's retries (`batch --queue` and `worker`): BullMQ attempts per job, the
 * fixed delay between them, and how often a job whose worker stopped answering (a stalled
 * lock) is handed to another worker before it fails.
 */
export const QUEUE_RETRIES = { attempts: 3, backoffMs: 500, maxStalledCount: 3 } as const;

/**
 * The distributed batch's traffic (adapters/queue): a worker writes each chunk's result as
 * one binary value under its own Redis key, kept `resultTtlSeconds` (3 days: a run that died
 * on Friday night can still be resumed on Monday; the coordinator deletes a result as soon
 * as it has it); the coordinator, woken by the queue's events, also asks for the state of
 * the chunks it waits for every `fallbackPollMs` (a job lost with Redis' data); a worker
 * takes `prefetch` chunks beyond its threads, read and checked while its threads score
 * (`talentmatch worker --prefetch` overrides). A worker with one thread scores on its main
 * thread, which holds off the job lock's renewals meanwhile: before scoring it extends the
 * lock to `inProcessUsPerPair` microseconds per pair of the chunk when that is longer than
 * half the lock (~70x the measured ~0.7 us per pair on this project's 2-core machine: room for a loaded one).
 */
export const QUEUE_TRAFFIC = { resultTtlSeconds: 3 * 24 * 3600, fallbackPollMs: 2_000, prefetch: 1, inProcessUsPerPair: 50 } as const;

/** How long a SQLite connection waits for another writer's lock before failing (ms). */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * WAL bytes the batch's chunk writer lets accumulate before a checkpoint (SQLite's default
 * is 1,000 pages, 4 MB at 4 kB pages: every 2,000-talent chunk, ~12 MB, checkpointed and
 * synced the file). 64 MB: the WAL stays under ~64 MB plus one chunk, whatever the page size.
 */
export const SQLITE_BULK_CHECKPOINT_BYTES = 64 * 1024 * 1024;

/**
 * The page size of a SQLite database the store creates (an existing file keeps its own):
 * 8 kB holds a talent's ~4 kB line whole (store/store.ts).
 */
export const SQLITE_PAGE_BYTES = 8192;

/**
 * Talents per multi-row INSERT when the SQLite store writes a chunk (store/store.ts
 * writeChunk): one JS -> native call and one statement per table for this many talents
 * (a 100,000-talent batch made 300,000 single-row calls). Each statement's bound values are
 * copied by SQLite (~0.6 MB at 100 rows of ~6 kB); its statement journal stays in memory.
 */
export const SQLITE_INSERT_ROWS = 100;
