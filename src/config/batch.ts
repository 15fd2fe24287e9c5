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
} as const;
