/**
 * Defaults of the HTTP API's access control: quotas per key, and where keys come from.
 * Every value can be changed on `talentmatch serve` (README "API keys, scopes, quotas").
 */
export interface QuotaOptions {
  /** requests per key per window on every authenticated route except the expensive ones. Default 6,000 (100/s over a minute). */
  max: number;
  /** requests per key per window on the expensive routes (live scoring, match, simulate). Default 600 (10/s). */
  expensiveMax: number;
  /** the window, milliseconds. Default 60,000. */
  windowMs: number;
}

export const defaultQuotas: QuotaOptions = { max: 6000, expensiveMax: 600, windowMs: 60_000 };

/** The scopes a key can hold; each API route needs exactly one of them (health, readiness and the docs need none). */
export const SCOPES = ['read:recommendations', 'score', 'match', 'simulate', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Environment variables the keys can come from when `--keys` is not given. */
export const KEYS_ENV = {
  /** path of a keys file */
  file: 'TALENTMATCH_KEYS_FILE',
  /** the content of a keys file (JSON), for platforms that inject secrets as variables */
  inline: 'TALENTMATCH_KEYS',
} as const;

/**
 * How often `serve` on PostgreSQL looks up the newest complete snapshot (ms): replicas switch to
 * a new run within this of each other and of its publication. On SQLite the lookup is a local
 * read and happens on every request. `serve --snapshot-poll MS` overrides it.
 */
export const DEFAULT_PG_SNAPSHOT_POLL_MS = 1000;
