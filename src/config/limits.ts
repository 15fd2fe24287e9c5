/**
 * Limits shared by the library and every adapter. Each is documented in README.md and
 * docs/data-contract.md; change them here only.
 */
import { optionError } from '../errors.js';

/** Problems listed per input error (per file when loading files; the rest are counted). */
export const ISSUE_CAP = 100;

/** Largest top-k a caller may ask for, on either side (`--top`, `topK`, `k`). */
export const MAX_TOP_K = 1000;

/** Largest token-cache size an option accepts. */
export const MAX_CACHE_ENTRIES = 10_000_000;

/** Largest worker-thread count an option accepts. */
export const MAX_THREADS = 256;

// ---- the data contract's and the readers' limits (issue 15) ----

/*
 * Size limits of the data contract and of the readers (docs/data-contract.md, "Limits").
 * They bound the work one record can cause: tokenizing is linear in a record's text, so
 * capping the characters caps the tokens (a text yields at most one token per character),
 * the vector's non-zeros and the time to score it. Integers stay far below 2^31 so the
 * engine's Int32 ledgers (slots, seats) and their sums never overflow.
 *
 * The contract's schemas (src/domain) and the adapters both read these.
 */

/** Characters (UTF-16 units) of an id. */
export const MAX_ID_CHARS = 200;
/** Characters of a name. */
export const MAX_NAME_CHARS = 500;
/** Characters of one free-text field (description, profile, industry description). */
export const MAX_TEXT_CHARS = 20_000;
/** Characters of one list item (a skill, a keyword). */
export const MAX_ITEM_CHARS = 200;
/** Items of one list (skills, industries, exclusions, keywords, modes, stages). */
export const MAX_LIST_ITEMS = 1_000;
/**
 * Characters of all text of one record together (name, description, profile, skills,
 * keywords). Every token takes at least one character, so this also bounds the tokens of
 * one profile.
 */
export const MAX_RECORD_TEXT_CHARS = 50_000;
/** Tokens one profile can yield (a consequence of MAX_RECORD_TEXT_CHARS, stated for the contract). */
export const MAX_PROFILE_TOKENS = MAX_RECORD_TEXT_CHARS;
/** Largest value of an integer field (slots, seats, team size): 1e9, far below 2^31. */
export const MAX_INT = 1_000_000_000;
/** Largest amount of money (yuan) in any field: 1e13 (ten trillion yuan). */
export const MAX_YUAN = 1e13;

/** Default longest line a JSON Lines reader accepts, in bytes (the newline excluded). */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;
/** Default largest whole-file JSON input (a .json array or object), in bytes. */
export const DEFAULT_MAX_JSON_FILE_BYTES = 64 << 20;

/** Environment variables overriding the reader limits (positive integers, bytes). */
export const LIMIT_ENV = {
  maxLineBytes: 'TALENTMATCH_MAX_LINE_BYTES',
  maxJsonFileBytes: 'TALENTMATCH_MAX_JSON_BYTES',
  redisRetryMs: 'TALENTMATCH_REDIS_RETRY_MS',
} as const;

/**
 * Redis reconnection: how long the queue commands (`batch --queue`, `worker`, `queue status`)
 * keep retrying an unreachable Redis before exiting 1 with one line: 60 s by default, with
 * backoff from 200 ms doubling to at most 5 s between attempts.
 */
export const DEFAULT_REDIS_RETRY_MS = 60_000;
export const REDIS_BACKOFF = { firstMs: 200, maxMs: 5_000 } as const;

export interface ReaderLimits {
  maxLineBytes: number;
  maxJsonFileBytes: number;
}

/** The Redis retry budget from the environment (ms), else DEFAULT_REDIS_RETRY_MS. */
export function redisRetryMs(env: Record<string, string | undefined>): number {
  const v = env[LIMIT_ENV.redisRetryMs];
  if (v === undefined || v === '') return DEFAULT_REDIS_RETRY_MS;
  if (!/^[0-9]{1,10}$/.test(v)) throw optionError(`${LIMIT_ENV.redisRetryMs} must be an integer number of milliseconds, got ${JSON.stringify(v)}`);
  return Number(v);
}

/**
 * The reader limits from the environment (adapters call this; the compute core never does).
 * A malformed value is an error naming the variable rather than a silent default.
 */
export function readerLimits(env: Record<string, string | undefined>): ReaderLimits {
  const pick = (name: string, dflt: number): number => {
    const v = env[name];
    if (v === undefined || v === '') return dflt;
    if (!/^[1-9][0-9]{0,12}$/.test(v)) throw optionError(`${name} must be a positive integer (bytes), got ${JSON.stringify(v)}`);
    return Number(v);
  };
  return {
    maxLineBytes: pick(LIMIT_ENV.maxLineBytes, DEFAULT_MAX_LINE_BYTES),
    maxJsonFileBytes: pick(LIMIT_ENV.maxJsonFileBytes, DEFAULT_MAX_JSON_FILE_BYTES),
  };
}

/**
 * The publish guard: a batch refuses to publish a snapshot with fewer talents than this share
 * of the snapshot served now (or with none at all) unless told `--allow-shrink`.
 */
export const DEFAULT_MIN_TALENT_SHARE = 0.5;
