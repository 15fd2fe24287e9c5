import { ISSUE_CAP } from './limits.js';

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

/** Where `serve` listens unless --port / --host say otherwise (loopback: no keys needed there). */
export const SERVE_LISTEN = { port: 8080, host: '127.0.0.1' } as const;

/** How often `serve` checks its keys file for changes (ms); SIGHUP reloads at once. */
export const KEYS_RELOAD_MS = 1000;

/**
 * How `serve` writes its log and audit lines (adapters/http/lineSink.ts) unless started with
 * --audit-sync: in batches, once this many characters have gathered or this many ms after the
 * first unwritten line, whichever comes first, and at shutdown. The bound on what a killed
 * process (SIGKILL, out of memory, power loss) can lose: the last flushMs of lines, fewer than
 * `chars` characters (about 30 audit lines).
 */
export const AUDIT_BUFFER = { chars: 8192, flushMs: 100 } as const;

/** The typed client's per-request timeout unless `timeoutMs` says otherwise (ms). */
export const CLIENT_TIMEOUT_MS = 15_000;

/** What one request may ask of the HTTP API (each bounds the work or the bytes of a request). */
export const API_LIMITS = {
  /** request body, bytes */
  bodyBytes: 1 << 20,
  /** items per list (k) */
  maxK: 100,
  /** pairs per POST /v1/score */
  maxPairs: 1000,
  /** entities per POST /v1/match */
  maxMatchTalents: 2000,
  maxMatchPlatforms: 200,
  /** scenarios per POST /v1/simulate */
  maxScenarios: 10,
  /** POST /v1/match, optimal mode: the MILP solver's time limit (s) and largest exact instance (pairs), so one request stays under requestTimeoutMs */
  matchTimeLimitSec: 5,
  matchMilpMaxPairs: 2000,
  /** per request, milliseconds */
  requestTimeoutMs: 10_000,
  /**
   * shutdown (`app.close()`, which `serve` runs on SIGTERM / SIGINT), milliseconds: requests in
   * flight get this long to be answered (as long as one request may take); then every connection
   * still open (a client that does not read its answer, a body still arriving, a handler that
   * never settles) is destroyed, so the close always ends (adapters/http/shutdown.ts)
   */
  closeGraceMs: 10_000,
  /**
   * a connection on which nothing is received or sent for this long while a request is pending
   * (a client that stops reading its answer or sending its body) is destroyed, milliseconds;
   * well above what one request may take, since a request computing its answer sends nothing
   */
  connectionTimeoutMs: 60_000,
  /** an idle keep-alive connection is closed after this long, milliseconds (Fastify's default, above common load balancers' 60 s) */
  keepAliveTimeoutMs: 72_000,
  /** nesting of arrays and objects in a body (the deepest valid request nests 5) */
  bodyDepth: 32,
  /** issues listed in a 400 answer; the rest are counted in `omitted` */
  issues: ISSUE_CAP,
  /** characters of an unknown id echoed back in a 404 */
  echoedId: 64,
} as const;
