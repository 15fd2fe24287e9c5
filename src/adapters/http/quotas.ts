/**
 * Quotas: per-key request budgets, in memory, per process. Every scoped route shares one
 * budget of `max` requests per key per window; each expensive route (live scoring, match,
 * simulate: access.ts ROUTES) has a lower budget of its own. Over budget: 429 in the API's
 * error format with Retry-After (seconds) and X-RateLimit-Limit/-Remaining/-Reset on every
 * counted answer. Open routes (health, readiness, docs) are not counted. Without keys
 * (--insecure-no-auth) the budget is per client address (behind a proxy: serve --trust-proxy,
 * so that is the caller's).
 *
 * The count is @fastify/rate-limit's (its in-memory LocalStore: a window opens at a key's
 * first request and lasts `windowMs`; every request in it counts, refused ones too; the same
 * header values), taken by a synchronous route-level onRequest hook (access.ts quotaHook: after
 * the request gate's key check and CORS's hook, where the plugin's hook ran): the plugin's hook is
 * `async` with three awaits and a promise per request (~1.9 KB of heap and a microtask turn per
 * cached read; docs/PERFORMANCE.md "API", ninth pass) and its store API is callback-shaped, so
 * no store can make it synchronous. test/adapters/http/quotas.test.ts checks the counts and
 * headers against the plugin's own store as the oracle.
 */
import type { FastifyReply } from 'fastify';

/** How many callers one budget tracks at once (as @fastify/rate-limit's in-memory store: 5,000). */
export const QUOTA_TRACKED = 5000;

interface Count {
  /** requests in the current window, refused ones included */
  n: number;
  /** when the window opened, ms */
  start: number;
}

/** Where take() puts its headers (a Fastify reply). */
type HeaderSink = Pick<FastifyReply, 'header'>;

/** One budget: `max` requests per key per `windowMs`. */
export class QuotaWindow {
  /**
   * the open windows by key, in the order they opened (a window that opens again moves to the
   * end): the first entries are the ones that end first, so the expired are swept from the front
   */
  private readonly counts = new Map<string, Count>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    /** true: the budget of one route (the expensive ones); false: shared by the routes without one of their own */
    readonly perRoute: boolean,
    private readonly capacity = QUOTA_TRACKED,
  ) {}

  /**
   * Counts one request of `key` at `nowMs` and sets X-RateLimit-Limit, -Remaining and -Reset on
   * the reply. Returns 0 within the budget; over it, the seconds until the window ends (at least
   * 1), with Retry-After set to them too.
   */
  take(key: string, nowMs: number, reply: HeaderSink): number {
    let c = this.counts.get(key);
    if (c === undefined || c.start + this.windowMs <= nowMs) {
      if (c !== undefined) this.counts.delete(key); // set again below: at the end, in opening order
      else {
        if (this.counts.size >= this.capacity) this.evict(nowMs);
        c = { n: 0, start: nowMs };
      }
      c.n = 1;
      c.start = nowMs;
      this.counts.set(key, c);
    } else c.n++;
    const resetS = Math.ceil((this.windowMs - (nowMs - c.start)) / 1000);
    const over = c.n > this.max;
    reply.header('x-ratelimit-limit', this.max);
    reply.header('x-ratelimit-remaining', over ? 0 : this.max - c.n);
    reply.header('x-ratelimit-reset', resetS);
    if (!over) return 0;
    reply.header('retry-after', resetS);
    return resetS;
  }

  /** The 429's message for a request refused with `waitS` seconds to wait. */
  exceeded(waitS: number): string {
    return `quota exceeded: ${this.max} requests per ${duration(this.windowMs)} for this key${this.perRoute ? ' on this route' : ''}; retry after ${waitS} s`;
  }

  /** How many keys have a window (tests). */
  get tracked(): number {
    return this.counts.size;
  }

  /**
   * Room for one more key: the expired windows go (a key without a window starts afresh, so
   * nothing is lost), and when all are open, the one that opened first (it ends first).
   */
  private evict(nowMs: number): void {
    for (const [k, c] of this.counts) {
      if (c.start + this.windowMs > nowMs && this.counts.size < this.capacity) return;
      this.counts.delete(k);
    }
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
