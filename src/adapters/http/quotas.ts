/**
 * Quotas: per-key request budgets, in memory, per process. Every scoped route shares one
 * budget of `max` requests per key per window; each expensive route (live scoring, match,
 * simulate: access.ts ROUTES) has a lower budget of its own. Over budget: 429 in the API's
 * error format with Retry-After (seconds) and X-RateLimit-Limit/-Remaining/-Reset on every
 * counted answer. Open routes (health, readiness, docs) are not counted. Without keys
 * (--insecure-no-auth) the budget is per client address (behind a proxy: serve --trust-proxy,
 * so that is the caller's).
 *
 * The count is @fastify/rate-limit's own: its in-memory store (`store/LocalStore.js`: a window
 * opens at a key's first request and lasts `windowMs`; every request in it counts, refused ones
 * too; 5,000 keys in an LRU), the same header values as the plugin's hook sets. What is ours is
 * the hook that asks it: a synchronous route-level onRequest hook (access.ts quotaHook: after the
 * request gate's key check and CORS's hook, where the plugin's hook ran). The plugin's own hook
 * is `async` with three awaits and a promise per request (~1.9 KB of heap and a microtask turn per
 * cached read; docs/PERFORMANCE.md "API", ninth pass); its store answers through a callback that
 * it calls before `incr` returns, which take() relies on (and checks: a store that answered later
 * would fail closed, 500, never let a request through uncounted).
 */
import { createRequire } from 'node:module';
import type { FastifyReply } from 'fastify';
import { TalentmatchError } from '../../errors.js';

/** How many callers one budget tracks at once (the plugin's in-memory store: an LRU of 5,000). */
export const QUOTA_TRACKED = 5000;

/** What the plugin's store answers for one counted request. */
interface StoreAnswer {
  /** requests in the current window, this one and refused ones included */
  current: number;
  /** ms until the window ends */
  ttl: number;
}
interface PluginStore {
  incr(key: string, cb: (err: Error | null, res: StoreAnswer) => void, timeWindow: number, max: number): void;
}
type PluginStoreClass = new (continueExceeding: boolean, exponentialBackoff: boolean, cache?: number) => PluginStore;
/** @fastify/rate-limit's in-memory store (CommonJS, no typings of its own for this file). */
const LocalStore = createRequire(import.meta.url)('@fastify/rate-limit/store/LocalStore.js') as PluginStoreClass;

/** Where take() puts its headers (a Fastify reply). */
type HeaderSink = Pick<FastifyReply, 'header'>;

/** One budget: `max` requests per key per `windowMs`. */
export class QuotaWindow {
  private readonly store: PluginStore;
  /** the store's answer to the request being counted (set by `answer`, synchronously) */
  private last: StoreAnswer | undefined;
  /** the store's callback, made once (no closure per request) */
  private readonly answer = (err: Error | null, res: StoreAnswer): void => {
    this.last = err ? undefined : res;
  };

  constructor(
    readonly max: number,
    readonly windowMs: number,
    /** true: the budget of one route (the expensive ones); false: shared by the routes without one of their own */
    readonly perRoute: boolean,
    capacity = QUOTA_TRACKED,
  ) {
    // continueExceeding and exponentialBackoff off: the plugin's defaults
    this.store = new LocalStore(false, false, capacity);
  }

  /**
   * Counts one request of `key` (the store reads the clock) and sets X-RateLimit-Limit,
   * -Remaining and -Reset on the reply as the plugin does. Returns 0 within the budget; over it,
   * the seconds until the window ends (at least 1), with Retry-After set to them too.
   */
  take(key: string, reply: HeaderSink): number {
    this.last = undefined;
    this.store.incr(key, this.answer, this.windowMs, this.max);
    const res = this.last as StoreAnswer | undefined;
    if (res === undefined) throw new TalentmatchError('E_INTERNAL', 'the quota store did not answer synchronously');
    const resetS = Math.ceil(res.ttl / 1000);
    const over = res.current > this.max;
    reply.header('x-ratelimit-limit', this.max);
    reply.header('x-ratelimit-remaining', over ? 0 : this.max - res.current);
    reply.header('x-ratelimit-reset', resetS);
    if (!over) return 0;
    reply.header('retry-after', resetS);
    return resetS;
  }

  /** The 429's message for a request refused with `waitS` seconds to wait. */
  exceeded(waitS: number): string {
    return `quota exceeded: ${this.max} requests per ${duration(this.windowMs)} for this key${this.perRoute ? ' on this route' : ''}; retry after ${waitS} s`;
  }
}

/** A window as words: "1 minute", "90 seconds", "400 ms". */
export function duration(ms: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (ms > 0 && ms % 3_600_000 === 0) return unit(ms / 3_600_000, 'hour');
  if (ms > 0 && ms % 60_000 === 0) return unit(ms / 60_000, 'minute');
  if (ms > 0 && ms % 1000 === 0) return unit(ms / 1000, 'second');
  return `${ms} ms`;
}
