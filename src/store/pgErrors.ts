/**
 * What the PostgreSQL store says when it fails: where (host, port, database; never the
 * password) and the driver's reason, never a stack.
 */
import { TalentmatchError } from '../errors.js';

/** host:port/database of a URL, with the PG* environment's defaults, never the password. */
export function describePg(url: string, env: NodeJS.ProcessEnv = process.env): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'PostgreSQL (unparsable URL)';
  }
  const host = decodeURIComponent(u.hostname) || u.searchParams.get('host') || env.PGHOST || 'localhost';
  const port = u.port || env.PGPORT || '5432';
  const user = decodeURIComponent(u.username) || env.PGUSER || '';
  const database = decodeURIComponent(u.pathname.slice(1)) || env.PGDATABASE || user || '(default)';
  return `PostgreSQL at ${host.startsWith('/') ? host : `${host}:${port}`}/${database}`;
}

/** What a person reads when PostgreSQL fails: where, and the driver's reason (never a stack). */
export function unavailable(where: string, e: unknown, doing: string): TalentmatchError {
  if (e instanceof TalentmatchError) return e;
  const err = e as { code?: string; message?: string; errors?: { code?: string; message?: string }[] };
  // node's AggregateError (IPv4 + IPv6 both refused) carries the reasons inside
  const inner = err.errors?.[0];
  const code = err.code ?? inner?.code;
  const msg = err.message || inner?.message || String(e);
  return new TalentmatchError('E_UNAVAILABLE', `${where}: ${doing} (${code && !msg.includes(code) ? `${code}: ` : ''}${msg})`);
}

/** PostgreSQL text cannot hold U+0000 (SQLite can): refused with the id named, the run marked failed. */
export function noNul(what: string, ids: Iterable<string>): void {
  for (const id of ids) {
    if (id.includes('\u0000')) throw new TalentmatchError('E_INPUT', `${what} id ${JSON.stringify(id)} contains U+0000, which PostgreSQL text cannot store; remove it from the id (the SQLite store accepts it)`);
  }
}

