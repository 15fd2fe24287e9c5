/**
 * Request loggers made when first used. Fastify gives every request a child of the server's
 * logger (pino `child({ reqId })`: an object and the bindings' JSON per request, ~4% of a
 * cached read's CPU); the API logs a request's own lines only on errors (the audit line is
 * written by audit.ts without it), so most requests never use theirs. A LazyChildLogger holds
 * the parent and the bindings and makes the same pino child on the first call: the lines a
 * request logs are the same bytes as before.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

type Bindings = Record<string, unknown>;
type Options = Record<string, unknown>;
type LogFn = FastifyBaseLogger['info'];

export class LazyChildLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly opts: Options,
  ) {}

  /** the pino child this logger stands for (made once, on first use) */
  get logger(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.opts));
  }

  get level(): string {
    return this.made?.level ?? (this.opts.level as string | undefined) ?? this.parent.level;
  }

  set level(v: string) {
    this.logger.level = v;
  }

  info(...a: Parameters<LogFn>): void {
    this.logger.info(...a);
  }

  error(...a: Parameters<LogFn>): void {
    this.logger.error(...a);
  }

  warn(...a: Parameters<LogFn>): void {
    this.logger.warn(...a);
  }

  debug(...a: Parameters<LogFn>): void {
    this.logger.debug(...a);
  }

  trace(...a: Parameters<LogFn>): void {
    this.logger.trace(...a);
  }

  fatal(...a: Parameters<LogFn>): void {
    this.logger.fatal(...a);
  }

  silent(...a: Parameters<LogFn>): void {
    this.logger.silent(...a);
  }

  child(bindings: Bindings, opts?: Options): FastifyBaseLogger {
    return this.logger.child(bindings, opts);
  }

  isLevelEnabled(level: string): boolean {
    return (this.logger as unknown as { isLevelEnabled(l: string): boolean }).isLevelEnabled(level);
  }
}

/** Every request's logger of `app` a LazyChildLogger (call before any route is added: Fastify reads the factory per route). */
export function useLazyRequestLoggers(app: FastifyInstance): void {
  app.setChildLoggerFactory((logger, bindings, opts) => new LazyChildLogger(logger, bindings, opts as Options) as unknown as FastifyBaseLogger);
}
