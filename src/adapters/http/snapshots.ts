/**
 * The snapshot side of the API: access to the batch store (SQLite or PostgreSQL) and the
 * routes that read it (recommendations, assignment, referrals).
 *
 * A new complete snapshot is picked up without restart. PostgreSQL: the latest complete run
 * id is looked up at most every `pollMs` (1 s by default, so replicas on several hosts switch
 * within a second of each other). SQLite: on every request, but a request first asks the
 * connection whether anyone committed since the last lookup (PRAGMA data_version, a counter
 * read without touching a table; read once per turn of the event loop and shared by the
 * requests of that turn); only then is the latest run queried again. Cached reads
 * are keyed by run id, so a new run never serves stale entries, and a run is only ever read
 * once it is complete.
 *
 * The serving path of a cached read is synchronous: with the SQLite store's change counter
 * unchanged and the answer's bytes in the LRU (keyed by run, side, id, k and the key's
 * platform binding), a request costs (a share of) a counter read and a Map lookup, no await,
 * no parse and no serializer (docs/PERFORMANCE.md, "API").
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { LRUCache } from 'lru-cache';
import { describeDb, isPostgresUrl, openStore } from '../../store/open.js';
import type { Awaitable, RunRow, SnapshotStore } from '../../store/types.js';
import type { ReferralLine } from '../../engine/formatAssignment.js';
import { DirectionQuery, IdParams, KQuery, RecommendationLine } from '../../api/schemas.js';
import { DEFAULT_PG_SNAPSHOT_POLL_MS } from '../../config/api.js';
import { boundPlatform, forbidden } from './access.js';
import { HttpError, notFound, notReady, storeUnavailable } from './httpErrors.js';

/** How many answers the LRU keeps (bytes of a recommendation line, ~1 KB each at k = 10). */
const CACHE_ENTRIES = 10_000;

export class Snapshots {
  private store: SnapshotStore | undefined;
  private opening: Promise<SnapshotStore | undefined> | undefined;
  /** the last distinct reason the store could not be read (logged once) */
  fault: string | undefined;
  private readonly cache = new LRUCache<string, { v: unknown }>({ max: CACHE_ENTRIES });
  private servedRun = -1;
  /** the store's change counter when servedRun was looked up (SQLite) */
  private servedToken: number | undefined;
  /**
   * the change counter as read in this turn of the event loop: read once per turn, not once per
   * request (the requests of one turn arrived together; a commit during the turn is seen by the next)
   */
  private turnToken: number | undefined;
  private readonly endTurn = () => {
    this.turnToken = undefined;
  };
  /** the latest complete run as last looked up, and when (shared by concurrent requests) */
  private polled: { at: number; run: Promise<{ id: number | undefined; token: number | undefined }> } | undefined;
  private readonly pollMs: number;

  private constructor(
    private readonly db: string | undefined,
    initial: SnapshotStore | undefined,
    pollMs: number | undefined,
    private readonly log: FastifyInstance['log'],
  ) {
    this.store = initial;
    this.pollMs = pollMs ?? (db !== undefined && isPostgresUrl(db) ? DEFAULT_PG_SNAPSHOT_POLL_MS : 0);
  }

  /**
   * Opens the store at start: a missing, corrupt or foreign file fails `serve` at once (E_IO
   * naming it); a file that goes bad later answers 503 and is reopened on the next request.
   */
  static async open(db: string | undefined, pollMs: number | undefined, log: FastifyInstance['log']): Promise<Snapshots> {
    const initial = db === undefined ? undefined : await openStore(db, { readonly: true });
    return new Snapshots(db, initial, pollMs, log);
  }

  get configured(): boolean {
    return this.db !== undefined;
  }

  async close(): Promise<void> {
    await this.store?.close();
  }

  /** A database that fails to open or read: logged once per distinct reason, closed, retried on the next request. */
  private failed(e: unknown): HttpError {
    const why = `${describeDb(this.db ?? '(none)')}: ${(e as { code?: string }).code ?? 'error'}: ${(e as Error).message}`;
    if (why !== this.fault) this.log.error({ db: describeDb(this.db ?? '(none)'), reason: why }, 'snapshot database unreadable');
    this.fault = why;
    const s = this.store;
    this.store = undefined;
    this.polled = undefined;
    this.servedToken = undefined;
    void Promise.resolve()
      .then(() => s?.close())
      .catch(() => undefined); // already unusable
    return storeUnavailable();
  }

  async openOnce(): Promise<SnapshotStore | undefined> {
    if (this.store) return this.store;
    const db = this.db;
    if (db === undefined) return undefined;
    this.opening ??= openStore(db, { readonly: true }).then(
      (s) => {
        this.store = s;
        return s;
      },
      (e: unknown) => {
        this.failed(e);
        return undefined;
      },
    );
    try {
      return await this.opening;
    } finally {
      this.opening = undefined;
    }
  }

  /** Runs a read of the store; any database failure becomes a 503 (and a log line), never a 500. */
  async guarded<T>(fn: () => Awaitable<T>): Promise<T> {
    try {
      const v = await fn();
      this.fault = undefined;
      return v;
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw this.failed(e);
    }
  }

  /** The latest complete run (readiness, admin status); undefined when there is none or the store is unreadable. */
  async latest(): Promise<RunRow | undefined> {
    const s = await this.openOnce();
    if (!s) throw storeUnavailable();
    return this.guarded(() => s.latestComplete());
  }

  /**
   * The run served now when it is known without a query: the SQLite store's change counter
   * has not moved since the run was looked up. Undefined otherwise (or on any error: the
   * slow path then reports it).
   */
  private currentRun(): number | undefined {
    if (this.pollMs !== 0 || this.servedToken === undefined || !this.store?.changeToken) return undefined;
    try {
      return (this.turnToken ?? this.readToken(this.store)) === this.servedToken ? this.servedRun : undefined;
    } catch {
      return undefined;
    }
  }

  /** Reads the store's change counter now, and keeps it for the rest of this turn of the event loop. */
  private readToken(s: SnapshotStore): number | undefined {
    const token = s.changeToken?.();
    if (token === undefined) return undefined;
    if (this.turnToken === undefined) setImmediate(this.endTurn);
    this.turnToken = token;
    return token;
  }

  private async latestRun(): Promise<number> {
    if (this.db === undefined) throw notReady('no snapshot database: the server was started without --db');
    const known = this.currentRun();
    if (known !== undefined) return known;
    const now = Date.now();
    if (!this.polled || now - this.polled.at >= this.pollMs) {
      const lookup = (async () => {
        const s = await this.openOnce();
        if (!s) throw storeUnavailable(); // it could be opened at start: it went bad since
        // the counter before the query: a commit between the two moves it, and the next request
        // looks again. Read guarded too: a file damaged since the last read fails here first
        const token = await this.guarded(() => this.readToken(s));
        return { id: (await this.guarded(() => s.latestComplete()))?.id, token };
      })();
      this.polled = { at: now, run: lookup };
      lookup.catch(() => {
        if (this.polled?.run === lookup) this.polled = undefined; // a failed lookup is not remembered
      });
    }
    const { id, token } = await this.polled.run;
    if (id === undefined) throw notReady('no complete snapshot yet');
    if (id !== this.servedRun) {
      this.servedRun = id;
      this.cache.clear(); // a new snapshot: drop entries of the old one
    }
    this.servedToken = token; // this run, as of this counter
    return id;
  }

  /** A cached answer of the run served now, without an await; undefined when it must be read. */
  hit<T>(key: string): { runId: number; value: T } | undefined {
    const runId = this.currentRun();
    if (runId === undefined) return undefined;
    const hit = this.cache.get(`${runId}\u0000${key}`);
    return hit && hit.v !== undefined ? { runId, value: hit.v as T } : undefined;
  }

  /**
   * Reads through the cache. A complete run's rows never change, so a value found is the
   * run's; a value not found is an unknown id, unless a prune removed the run meanwhile:
   * then the latest run is looked up again and the read retried once.
   */
  async read<T>(key: string, read: (s: SnapshotStore, runId: number) => Awaitable<T | undefined>): Promise<{ runId: number; value: T | undefined }> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const runId = await this.latestRun();
      const k = `${runId}\u0000${key}`;
      const hit = this.cache.get(k);
      if (hit) return { runId, value: hit.v as T | undefined };
      const s = await this.openOnce();
      if (!s) throw storeUnavailable();
      const v = await this.guarded(() => read(s, runId));
      if (v !== undefined) {
        this.cache.set(k, { v });
        return { runId, value: v };
      }
      if ((await this.guarded(() => s.run(runId)))?.status === 'complete') return { runId, value: undefined };
      this.polled = undefined; // the run is gone: look up the latest again
      this.servedToken = undefined;
    }
    throw notReady('the snapshot changed during the request; retry');
  }
}

type Line = z.infer<typeof RecommendationLine>;
type Side = 'talent' | 'platform';

/** The snapshot routes: recommendation lines, the assignment, the referral lists. */
export function registerSnapshotRoutes(app: FastifyInstance, snaps: Snapshots): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const lineAt = async (s: SnapshotStore, run: number, side: Side, id: string) => {
    const line = await s.recommendationLine(run, side, id);
    return line === undefined ? undefined : (JSON.parse(line) as Line);
  };
  const readLine = (side: Side, id: string) => snaps.read(`${side}:${id}`, (s, run) => lineAt(s, run, side, id));
  const send = (reply: FastifyReply, runId: number, bytes: Buffer) =>
    // ready bytes: Fastify sends a Buffer as is (the response schema documents it, the zod serializer is skipped)
    reply.header('x-snapshot-run', String(runId)).type('application/json; charset=utf-8').send(bytes);

  type SideRequest = FastifyRequest<{ Params: { id: string }; Querystring: { k: number } }>;
  // a plain function, not async: a cached answer is sent without a promise; the rest returns one
  const sideLine =
    (side: Side) =>
    (req: SideRequest, reply: FastifyReply): Promise<void> | undefined => {
      const bound = req.principal?.platform;
      const key = `${side}:${req.params.id}:${req.query.k}:${bound ?? ''}`;
      if (bound === undefined) {
        // the hot path: the answer's bytes of the run served now, without an await
        const hit = snaps.hit<Buffer>(key);
        if (hit) {
          send(reply, hit.runId, hit.value);
          return undefined;
        }
      }
      return readSide(side, req, reply, key, bound);
    };
  const readSide = async (side: Side, req: SideRequest, reply: FastifyReply, key: string, bound: string | undefined): Promise<void> => {
    if (bound !== undefined) {
      // a platform-bound key: its own list, and the talents on it (seeing only its own item)
      const allowed = side === 'platform' ? req.params.id === bound : ((await readLine('platform', bound)).value?.items.some((it) => it.id === req.params.id) ?? false);
      if (!allowed) throw forbidden(`key ${req.principal!.keyId} is bound to platform ${JSON.stringify(bound)} and may not read ${side} ${JSON.stringify(req.params.id)}`);
    }
    // the answer's bytes, cached per (run, side, id, k, binding), read from the run the answer
    // is labelled with (x-snapshot-run), even when a new one is published meanwhile
    const { runId, value } = await snaps.read(key, async (s, run) => {
      const line = await lineAt(s, run, side, req.params.id);
      if (!line) return undefined;
      const items = bound !== undefined && side === 'talent' ? line.items.filter((it) => it.id === bound) : line.items;
      return Buffer.from(JSON.stringify({ side: line.side, id: line.id, items: items.slice(0, req.query.k) }));
    });
    if (!value) throw notFound(side, req.params.id);
    send(reply, runId, value);
  };
  r.get('/v1/talents/:id/recommendations', { schema: { params: IdParams, querystring: KQuery, response: { 200: RecommendationLine } } }, sideLine('talent'));
  r.get('/v1/platforms/:id/recommendations', { schema: { params: IdParams, querystring: KQuery, response: { 200: RecommendationLine } } }, sideLine('platform'));

  r.get('/v1/assignment', async (_req, reply) => {
    const { runId, value } = await snaps.read('assignment', (s, run) => s.artifact(run, 'assignment.json'));
    reply.header('x-snapshot-run', String(runId)).type('application/json');
    return value ?? '{}';
  });

  const referralLines = () => snaps.read('referrals', async (s, run) => ((await s.artifact(run, 'referrals.jsonl')) ?? '').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ReferralLine));
  r.get('/v1/referrals', { schema: { querystring: DirectionQuery } }, async (req, reply) => {
    const { runId, value } = await referralLines();
    reply.header('x-snapshot-run', String(runId));
    const dir = req.query.direction;
    const bound = boundPlatform(req);
    return { runId, referrals: (value ?? []).filter((l) => (!dir || l.direction === dir) && (bound === undefined || (l as { platformId?: string }).platformId === bound)) };
  });
  // one platform's two lines: what it puts forward (hosted + introduced) and what it is introduced (with its reserve)
  r.get('/v1/platforms/:id/referrals', { schema: { params: IdParams } }, async (req, reply) => {
    const bound = boundPlatform(req);
    if (bound !== undefined && bound !== req.params.id) throw forbidden(`key ${req.principal!.keyId} is bound to platform ${JSON.stringify(bound)} and may not read platform ${JSON.stringify(req.params.id)}`);
    const { runId, value } = await referralLines();
    const mine = (value ?? []).filter((l) => l.direction !== 'support-budget' && l.platformId === req.params.id);
    if (mine.length === 0) throw notFound('platform', req.params.id);
    reply.header('x-snapshot-run', String(runId));
    return { runId, platformId: req.params.id, toGovernment: mine.find((l) => l.direction === 'platform-to-government'), toPlatform: mine.find((l) => l.direction === 'government-to-platform') };
  });
  // the support budget's allocation; 404 when the snapshot's policy set no budget
  r.get('/v1/referrals/budget', async (_req, reply) => {
    const { runId, value } = await referralLines();
    const b = (value ?? []).find((l) => l.direction === 'support-budget');
    if (!b) throw new HttpError(404, { error: 'not_found', message: 'the snapshot has no support budget (policy.supportBudgetYuan not set)' });
    reply.header('x-snapshot-run', String(runId));
    return { runId, ...b };
  });
}
