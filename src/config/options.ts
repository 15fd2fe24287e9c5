/**
 * Engine options in three parts: the all-optional input type, the documented defaults,
 * and the resolved type the engine uses.
 */
import { optionError } from '../errors.js';
import { defaultCacheSizes } from './caches.js';
import { MAX_CACHE_ENTRIES, MAX_TOP_K } from './limits.js';

export interface EngineOptions {
  /** Items per talent in `recommend` (platforms per talent). Default 10, range 1..1000. */
  topK?: number;
  /** Items per platform (talents per platform). Default: same as topK. */
  topKPlatform?: number;
  /** Entries of the token cache (content hash -> tokens). Default 50,000. */
  tokenCacheSize?: number;
  /** Skip re-validation of already validated input (file loaders do it per record). Default false. */
  trusted?: boolean;
}

export const defaultEngineOptions = {
  topK: 10,
  topKPlatform: undefined as number | undefined,
  tokenCacheSize: defaultCacheSizes.engineTokens as number,
  trusted: false,
};

export interface ResolvedEngineOptions {
  topK: number;
  topKPlatform: number;
  tokenCacheSize: number;
  trusted: boolean;
}

function checkInt(name: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi) throw optionError(`${name} must be an integer in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  return v;
}

export function resolveEngineOptions(o: EngineOptions = {}): ResolvedEngineOptions {
  const topK = checkInt('topK', o.topK ?? defaultEngineOptions.topK, 1, MAX_TOP_K);
  return {
    topK,
    topKPlatform: checkInt('topKPlatform', o.topKPlatform ?? topK, 1, MAX_TOP_K),
    tokenCacheSize: checkInt('tokenCacheSize', o.tokenCacheSize ?? defaultEngineOptions.tokenCacheSize, 1, MAX_CACHE_ENTRIES),
    trusted: o.trusted ?? defaultEngineOptions.trusted,
  };
}
