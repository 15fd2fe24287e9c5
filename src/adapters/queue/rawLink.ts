/**
 * A connection of its own to Redis, one request at a time, for the frames ioredis would copy
 * whole (reader.ts: a result's GET; rawSet.ts: a frame's SET). What both need written once:
 * which URLs it may serve (`plainRedis`), requests queued behind each other, the socket opened
 * on the first request and again after a failure, a failure rejecting the request in flight,
 * only the current socket's own end counting (an old socket's late close must not fail a
 * request on its successor), and a closed link rejecting at once and opening nothing again (a
 * request queued behind one that failed is rejected, its caller goes through ioredis, never
 * left waiting on a socket nobody owns). How a request is written and its reply read is the
 * caller's.
 */
import type { Socket } from 'node:net';
import { TalentmatchError } from '../../errors.js';

/**
 * Where a raw connection may go for `url`, or undefined where it does not apply: TLS, a user
 * or password, a database other than 0, or any query string or fragment (ioredis reads
 * `?db=`, `?password=`, `?tls=`, `?family=`... from the query: a raw connection that ignored
 * them would reach another database or be refused, so such URLs keep ioredis' connection).
 */
export function plainRedis(url: string): { host: string; port: number } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const db = u.pathname.replace(/^\//, '');
  if (u.protocol !== 'redis:' || u.username || u.password || u.search || u.hash || (db !== '' && db !== '0')) return undefined;
  return { host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(u.port || 6379) };
}

/** The request in flight: how it ends (its reply state is the caller's). */
export interface InFlight {
  reject(e: unknown): void;
}

export class RawLink<C extends InFlight> {
  private socket: Socket | undefined;
  /** the request in flight, until `take` or a failure */
  private current: C | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  /**
   * `failure`: the caller's E_UNAVAILABLE error for a reason; `what`: the link in "the ... is
   * closed"; `open`: a new socket whose reply bytes the caller reads (`inFlight`, `take`, `broken`).
   */
  constructor(
    private readonly failure: (why: string) => TalentmatchError,
    private readonly what: string,
    private readonly open: () => Socket,
  ) {}

  /** The request in flight, if any (its reply is being read). */
  inFlight(): C | undefined {
    return this.current;
  }

  /** The request in flight, taken: its reply is whole (the caller settles it). */
  take(): C | undefined {
    const c = this.current;
    this.current = undefined;
    return c;
  }

  /** Drops the socket (the next request opens another) and fails the request in flight. */
  broken(e: unknown): void {
    this.socket?.destroy();
    this.socket = undefined;
    this.take()?.reject(e instanceof Error ? e : this.failure(String(e)));
  }

  /**
   * Once the requests before it are settled: `start` makes the request in flight from the
   * promise's ends, `write` sends it on the link's socket (opened as needed).
   */
  request<T>(start: (resolve: (v: T) => void, reject: (e: unknown) => void) => C, write: (s: Socket) => void): Promise<T> {
    const p = this.chain.then(
      () =>
        new Promise<T>((resolve, reject) => {
          if (this.closed) return reject(this.failure(`the ${this.what} is closed`));
          const s = (this.socket ??= this.watch(this.open()));
          this.current = start(resolve, reject);
          write(s);
        }),
    );
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Rejects the request in flight and every later one; opens no socket again. */
  close(): void {
    this.closed = true;
    // the request in flight, if any, is rejected here: its socket's close event no longer counts
    this.broken(this.failure(`the ${this.what} is closed`));
  }

  private watch(s: Socket): Socket {
    s.setNoDelay(true);
    // only this socket's own end breaks the link
    s.on('error', (e) => this.socket === s && this.broken(e));
    s.on('close', () => this.socket === s && this.broken(this.failure('connection closed')));
    return s;
  }
}
