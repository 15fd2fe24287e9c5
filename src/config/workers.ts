/**
 * Worker-thread options in three parts (options, defaults, resolved). Threads default to the
 * machine's available parallelism; the result does not depend on the count (same bytes).
 */
import { availableParallelism } from 'node:os';
import { optionError } from '../errors.js';
import { defaultCacheSizes } from './caches.js';
import { MAX_THREADS } from './limits.js';

export interface ThreadOptions {
  /** worker threads, 1..256; 1 ranks in process (no pool). Default: os.availableParallelism(). */
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

export function resolveThreadOptions(o: ThreadOptions = {}): ResolvedThreadOptions {
  const threads = o.threads ?? defaultWorkerOptions.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) throw optionError(`threads must be an integer in [1, ${MAX_THREADS}], got ${JSON.stringify(o.threads)}`);
  const rangeSize = o.rangeSize ?? defaultWorkerOptions.rangeSize;
  if (!Number.isInteger(rangeSize) || rangeSize < 1) throw optionError(`rangeSize must be a positive integer, got ${JSON.stringify(o.rangeSize)}`);
  return { threads: Math.min(threads, MAX_THREADS), rangeSize };
}
