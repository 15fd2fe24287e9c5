/**
 * Limits shared by the library and every adapter. Each is documented in README.md and
 * docs/data-contract.md; change them here only.
 */

/** Problems listed per input error (per file when loading files; the rest are counted). */
export const ISSUE_CAP = 100;

/** Largest top-k a caller may ask for, on either side (`--top`, `topK`, `k`). */
export const MAX_TOP_K = 1000;

/** Largest token-cache size an option accepts. */
export const MAX_CACHE_ENTRIES = 10_000_000;

/** Largest worker-thread count an option accepts. */
export const MAX_THREADS = 256;
