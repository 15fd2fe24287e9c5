/**
 * One batch coordinator per PostgreSQL database and schema, whatever host it runs on: a
 * session advisory lock, the PostgreSQL counterpart of the SQLite store's `DB.lock` file
 * (adapters/batch/lock.ts picks one by the --db value).
 */
import pg from 'pg';
import { hostname } from 'node:os';
import { TalentmatchError } from '../errors.js';
import { LOCK_KEY, PG_CONNECT_TIMEOUT_MS, describePg, unavailable } from './postgres.js';

export interface PgBatchLock {
  release(): Promise<void>;
  /** Rejects with E_UNAVAILABLE when the lock's session is gone (another coordinator may hold it now). */
  assertHeld(): Promise<void>;
}

/**
 * One coordinator per database (and schema): a session advisory lock held on a connection of
 * its own for the whole run. A second coordinator waits up to `waitMs` for it, then fails with
 * E_IO naming the holder (its application_name carries pid and host, and its client address).
 * If the holder dies or its connection drops, PostgreSQL releases the lock at once.
 */
export async function acquirePgBatchLock(url: string, o: { waitMs?: number } = {}): Promise<PgBatchLock> {
  const where = describePg(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS, application_name: `talentmatch batch (pid ${process.pid} on ${hostname()})` });
  let lost: unknown;
  client.on('error', (e) => {
    lost ??= e;
  });
  try {
    await client.connect();
  } catch (e) {
    throw unavailable(where, e, 'cannot connect');
  }
  const deadline = Date.now() + (o.waitMs ?? 0);
  const key2 = `(hashtext(current_schema()) & 2147483647)`;
  try {
    for (;;) {
      const got = (await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock($1, ${key2}) AS ok`, [LOCK_KEY])).rows[0].ok;
      if (got) break;
      if (Date.now() >= deadline) {
        const h = (
          await client.query<{ pid: number; app: string; addr: string | null; since: Date }>(
            `SELECT a.pid, a.application_name AS app, host(a.client_addr) AS addr, a.backend_start AS since FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = $1 AND l.objid::bigint = ${key2} AND l.objsubid = 2 LIMIT 1`,
            [LOCK_KEY],
          )
        ).rows[0];
        const who = h ? `${h.app || 'a session'} from ${h.addr ?? 'a local socket'}, backend pid ${h.pid}, since ${h.since.toISOString()}` : 'a session that just left';
        throw new TalentmatchError('E_IO', `${where}: another batch run holds this database (${who}); wait for it to finish (--wait-lock SEC), or stop that process`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e instanceof TalentmatchError ? e : unavailable(where, e, 'cannot take the batch lock');
  }
  let released = false;
  return {
    async assertHeld() {
      try {
        if (lost) throw lost;
        const n = (await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory' AND granted`)).rows[0].n;
        if (Number(n) === 0) throw new Error('the advisory lock is no longer held');
      } catch (e) {
        throw unavailable(where, e, 'lost the batch lock, so another coordinator may be running; the run stays unpublished (--resume finishes it)');
      }
    },
    async release() {
      if (released) return;
      released = true;
      // ending the session releases the lock too; unlock first for a pooler that keeps sessions
      await client.query(`SELECT pg_advisory_unlock($1, ${key2})`, [LOCK_KEY]).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
