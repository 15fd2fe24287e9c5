/**
 * Redis connections of one command (the coordinator's or a worker's): their health together
 * (`RedisLink`: bounded retries, then one E_UNAVAILABLE line), opened from a redis:// URL.
 */
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { TalentmatchError } from '../../errors.js';
import { LIMIT_ENV, REDIS_BACKOFF, redisRetryMs } from '../../config/limits.js';

/**
 * The health of one command's Redis connections together: retries with backoff while Redis
 * is unreachable, for at most `retryMs` since the first failure (reset on every successful
 * connect); then `dead` rejects with one E_UNAVAILABLE error naming the host and the last
 * error, and the connections stop retrying.
 */
export class RedisLink {
  readonly dead: Promise<never>;
  private reject!: (e: TalentmatchError) => void;
  private firstFailure: number | undefined;
  private lastError = 'no answer';
  private attempts = 0;
  isDead = false;
  readonly connections: Redis[] = [];

  constructor(
    readonly host: string,
    readonly retryMs: number = redisRetryMs(process.env),
    private readonly clock: () => number = Date.now,
  ) {
    this.dead = new Promise<never>((_resolve, reject) => (this.reject = reject));
    this.dead.catch(() => undefined); // observed by race(); never an unhandled rejection
  }

  /** ioredis retryStrategy: the delay before the next attempt, or null to stop. */
  retry(times: number): number | null {
    const now = this.clock();
    this.firstFailure ??= now;
    this.attempts++;
    if (this.isDead || now - this.firstFailure >= this.retryMs) {
      this.giveUp();
      return null;
    }
    return Math.min(REDIS_BACKOFF.maxMs, REDIS_BACKOFF.firstMs * 2 ** Math.min(times - 1, 10));
  }

  error(e: unknown): void {
    const x = e as NodeJS.ErrnoException;
    this.lastError = x?.code ?? x?.message ?? String(e);
  }

  ready(): void {
    this.firstFailure = undefined;
  }

  giveUp(): void {
    if (this.isDead) return;
    this.isDead = true;
    const secs = Math.round(this.retryMs / 1000);
    this.reject(
      new TalentmatchError(
        'E_UNAVAILABLE',
        `cannot reach Redis at ${this.host} (${this.lastError}); gave up after ${this.attempts} attempts over ${secs} s (${LIMIT_ENV.redisRetryMs} sets how long to retry)`,
      ),
    );
    for (const c of this.connections) c.disconnect();
  }

  /** Awaits `p` unless Redis is given up on first. */
  race<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.dead]);
  }
}

/** ioredis connection from a redis:// or rediss:// URL (password, db and TLS pass through). */
export function connect(url: string, extra: RedisOptions = {}, link?: RedisLink): Redis {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TalentmatchError('E_OPTION', `--queue must be a redis:// or rediss:// URL, got ${JSON.stringify(url)}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new TalentmatchError('E_OPTION', `--queue must be a redis:// or rediss:// URL, got ${JSON.stringify(url)}`);
  const l = link ?? new RedisLink(u.host);
  // BullMQ workers need maxRetriesPerRequest: null (blocking commands)
  const r = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => l.retry(times), ...extra });
  // one listener: no "Unhandled error event" stack trace per failed attempt
  r.on('error', (e) => l.error(e));
  r.on('ready', () => l.ready());
  l.connections.push(r);
  return r;
}

/** The link of a URL, for commands that open several connections. */
export function linkFor(url: string, retryMs?: number): RedisLink {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    /* connect() reports the bad URL */
  }
  return new RedisLink(host, retryMs);
}
