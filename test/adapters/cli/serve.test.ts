/**
 * `serve` fails at start, with exit 1 and one line naming the file or the port, when it
 * cannot do its job: no database, a corrupt one, a SQLite file that is not a talentmatch
 * store, or a port another process holds. Option errors are E_OPTION, exit 2.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { run } from './run.js';
import { Store } from '../../../src/store/store.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tm-serve-'));

/** An empty but valid snapshot store (the schema, no runs), as a fresh `batch` leaves it. */
function emptyStore(): string {
  const db = join(tmp(), 'db.sqlite');
  new Store(db).close();
  return db;
}

describe('serve fails at start', () => {
  it('exits 1 naming a database file that does not exist', async () => {
    const db = join(tmp(), 'nope.sqlite');
    const r = await run(['serve', '--db', db, '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`error [E_IO]: ${db}: no such database; \`talentmatch batch --db ${db}\` writes it\n`);
  });

  it('exits 1 naming a corrupt file, an empty file and a SQLite file of something else', async () => {
    const d = tmp();
    const corrupt = join(d, 'corrupt.sqlite');
    writeFileSync(corrupt, 'this is not a database, just text long enough to have a header'.repeat(20));
    const empty = join(d, 'empty.sqlite');
    writeFileSync(empty, '');
    const other = join(d, 'other.sqlite');
    const o = new Database(other);
    o.exec('CREATE TABLE notes (body TEXT)');
    o.close();
    for (const [db, why] of [
      [corrupt, 'file is not a database'],
      [empty, 'no such table: runs'],
      [other, 'no such table: runs'],
    ]) {
      const r = await run(['serve', '--db', db, '--port', '0']);
      expect(r.code, db).toBe(1);
      expect(r.err).toBe(`error [E_IO]: ${db}: not a talentmatch snapshot database (${why}); give --db the file \`talentmatch batch\` writes\n`);
    }
  });

  it('exits 1 with one line when the port is in use, and leaves the port to its holder', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const r = await run(['serve', '--db', emptyStore(), '--port', String(port), '--host', '127.0.0.1']);
      expect(r.code).toBe(1);
      expect(r.err).toBe(`error [E_IO]: cannot listen on 127.0.0.1:${port}: the port is in use by another process; stop it or choose another --port\n`);
      expect(holder.listening).toBe(true);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('option errors are E_OPTION, exit 2, naming the option and the value', async () => {
    const r = await run(['serve', '--db', emptyStore(), '--port', '65536']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('error [E_OPTION]: --port must be an integer in [0, 65535], got "65536"\n');
    const top = await run(['recommend', '--data', 'fixtures/jiangdong', '--out', join(tmp(), 'x.jsonl'), '--top', '1001']);
    expect(top.code).toBe(2);
    expect(top.err).toBe('error [E_OPTION]: --top must be an integer in [1, 1000], got "1001"\n');
    const folds = await run(['tune', '--data', 'fixtures/jiangdong', '--out', join(tmp(), 'w.json'), '--folds', '1']);
    expect(folds.code).toBe(2);
    expect(folds.err).toBe('error [E_OPTION]: --folds must be an integer in [2, 20], got "1"\n');
  });
});

describe('readers of the store fail the same way', () => {
  it('export and diff exit 1 naming a corrupt database instead of an internal error', async () => {
    const db = join(tmp(), 'corrupt.sqlite');
    writeFileSync(db, 'garbage'.repeat(200));
    for (const args of [['export', '--db', db, '--out', tmp()], ['diff', '--db', db]]) {
      const r = await run(args);
      expect(r.code, args[0]).toBe(1);
      expect(r.err).toContain(`error [E_IO]: ${db}: not a talentmatch snapshot database`);
    }
  });
});
