/**
 * Worker-thread options in three parts (options, defaults, resolved). Threads default to the
 * machine's available parallelism; the result does not depend on the count (same bytes).
 */
import { availableParallelism } from 'node:os';
import { optionError } from '../errors.js';
import { defaultCacheSizes } from './caches.js';
import { MAX_THREADS } from './limits.js';

export interface ThreadOptions {
  /** worker threads, 1..256, started at most threadCeiling() (4 x available parallelism); 1 ranks in process (no pool). Default: os.availableParallelism(). */
  threads?: number;
  /** talents per range task handed to a worker. Default 2,000. */
  rangeSize?: number;
}

export interface ResolvedThreadOptions {
  threads: number;
  rangeSize: number;
}

export const defaultWorkerOptions = {
  /** resolved at call time: the machine's available parallelism */
  threads: undefined as number | undefined,
  rangeSize: 2000,
  tokenCacheSize: defaultCacheSizes.workerTokens,
};

/**
 * The most worker threads started: 4 x the machine's available parallelism, at least 4. More
 * only add start-up time and memory (each thread loads the modules and holds its own platform
 * side: `--threads 256` on a 2-core machine took 88 s and 7.3 GB for 50 talents); a count
 * above it is served by this many, with the same output (it never depends on the count).
 */
export function threadCeiling(): number {
  return Math.max(4, 4 * availableParallelism());
}

/** The threads a request for `requested` starts: at most threadCeiling(). */
export const threadsStarted = (requested: number): number => Math.min(requested, threadCeiling());

export function resolveThreadOptions(o: ThreadOptions = {}): ResolvedThreadOptions {
  const threads = o.threads ?? defaultWorkerOptions.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) throw optionError(`threads must be an integer in [1, ${MAX_THREADS}], got ${JSON.stringify(o.threads)}`);
  const rangeSize = o.rangeSize ?? defaultWorkerOptions.rangeSize;
  if (!Number.isInteger(rangeSize) || rangeSize < 1) throw optionError(`rangeSize must be a positive integer, got ${JSON.stringify(o.rangeSize)}`);
  return { threads: threadsStarted(threads), rangeSize };
}
