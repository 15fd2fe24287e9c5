/**
 * One batch at a time per database: `DB.lock` is created exclusively (O_EXCL) and holds the
 * owner's pid, host and start time. A second batch waits up to `waitMs` for it to go, then
 * fails with E_IO naming the holder (exit 1), instead of dying later on "database is
 * locked". A lock whose process is gone (same host, pid not alive) is stale and taken over.
 *
 * With PostgreSQL (`--db postgres://...`) the coordinators may run on different hosts: the lock
 * is a session advisory lock in the database instead (store/pgLock.ts), with the same
 * semantics: wait up to `waitMs`, then fail with E_IO naming the holder.
 */
import { openSync, closeSync, writeSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { TalentmatchError } from '../../errors.js';
import { isPostgresUrl } from '../../store/open.js';

export interface BatchLock {
  release(): void | Promise<void>;
  /** Rejects when the lock was lost meanwhile (PostgreSQL: its session dropped); checked before publishing. */
  assertHeld?(): Promise<void>;
}

interface Holder {
  pid: number;
  host: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): Holder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Holder;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}

export async function acquireBatchLock(db: string, o: { waitMs?: number; now?: () => string } = {}): Promise<BatchLock> {
  if (isPostgresUrl(db)) {
    const { acquirePgBatchLock } = await import('../../store/pgLock.js');
    return acquirePgBatchLock(db, o);
  }
  const path = `${db}.lock`;
  // the database's folder may not exist yet (a fresh clone's `npm start` writes data/talentmatch.db): the store creates it too
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw new TalentmatchError('E_IO', `${path}: cannot create the database's folder (${(e as Error).message})`);
  }
  const deadline = Date.now() + (o.waitMs ?? 0);
  const me: Holder = { pid: process.pid, host: hostname(), since: (o.now ?? (() => new Date().toISOString()))() };
  for (;;) {
    let fd: number | undefined;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new TalentmatchError('E_IO', `${path}: cannot create the batch lock (${(e as Error).message})`);
    }
    if (fd !== undefined) {
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          if (readHolder(path)?.pid === me.pid) rmSync(path, { force: true });
        },
      };
    }
    const h = readHolder(path);
    if (h && h.host === me.host && !alive(h.pid)) {
      rmSync(path, { force: true }); // stale: its process is gone
      continue;
    }
    if (Date.now() >= deadline) {
      const who = h ? `pid ${h.pid} on ${h.host}, since ${h.since}` : 'unknown holder';
      throw new TalentmatchError('E_IO', `${db}: another batch run holds this database (${who}); wait for it to finish, or remove ${path} if that process is gone`);
    }
    await sleep(200);
  }
}
