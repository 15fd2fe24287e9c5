/**
 * The caches and memos, one default each. A token cache maps a text's content hash to its
 * tokens (text/cache.ts), so an unchanged profile is not tokenised twice.
 */
export const defaultCacheSizes = {
  /** the engine's token cache (entries). Used by createEngine; option `tokenCacheSize`. */
  engineTokens: 50_000,
  /** each worker thread's token cache (entries): a worker sees one chunk of talents at a time. */
  workerTokens: 5_000,
  /** the batch's token cache for the platform side (entries): the platforms and industries of one run. */
  sideTokens: 10_000,
  /** the API's cache of vectorized inline talent profiles (entries; platforms keep a quarter, at least 16). */
  liveProfiles: 1_000,
  /** the tokenizer's memo of English stems (entries; cleared when full) */
  stemMemo: 200_000,
  /** the tokenizer's memo of tokenised Chinese runs (entries; cleared when full) */
  runMemo: 100_000,
} as const;
