/**
 * --resume skips the chunks a run checkpointed before it stopped. A checkpoint must cover the
 * lines and talents the resumed run's own chunking gives that chunk: one that does not (a
 * chunk checkpointed short, as a Chunker that sent the talents gathered after a failure did,
 * or a database edited by hand) would leave the rest of its lines unscored, and the snapshot
 * would silently lack those talents. The run stops with E_INTERNAL instead (exit 3), on the
 * line path (the local default) and on the record path (--skip-invalid, reuse, the queue).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { resumedChunk } from '../../../src/adapters/batch/chunks.js';
import { TalentmatchError } from '../../../src/errors.js';
import { Store } from '../../../src/store/store.js';

const FIX = 'fixtures/jiangdong';
const BIN = 'bin/talentmatch.js';
const tmp = () => mkdtempSync(join(tmpdir(), 'tm-resume-'));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, signal: r.signal };
}

function exported(db: string): Record<string, string> {
  const d = tmp();
  const r = cli(['export', '--db', db, '--out', d]);
  expect(r.code, r.err).toBe(0);
  return Object.fromEntries(['recommendations.jsonl', 'assignment.json', 'referrals.jsonl'].map((f) => [f, readFileSync(join(d, f), 'utf8')]));
}

describe('resumedChunk: a checkpoint is skipped only when it covers what this run gives the chunk', () => {
  const done = new Map([[3, { startLine: 301, endLine: 400, talents: 100 }]]);
  const same = { startLine: 301, endLine: 400, talents: 100 };

  it('a chunk not checkpointed is scored; one checkpointed alike is skipped', () => {
    expect(resumedChunk(done, 7, 2, same)).toBe(false);
    expect(resumedChunk(done, 7, 3, same)).toBe(true);
    expect(resumedChunk(new Map(), 7, 3, same)).toBe(false);
  });

  it('a checkpoint one line or one talent off, either way, stops the run with E_INTERNAL naming the chunk and both ranges', () => {
    for (const off of [
      { startLine: 302 },
      { startLine: 300 },
      { endLine: 399 },
      { endLine: 401 },
      { talents: 99 },
      { talents: 101 },
    ]) {
      const now = { ...same, ...off };
      let got: unknown;
      try {
        resumedChunk(done, 7, 3, now);
      } catch (e) {
        got = e;
      }
      expect(got, JSON.stringify(off)).toBeInstanceOf(TalentmatchError);
      expect((got as TalentmatchError).code).toBe('E_INTERNAL');
      expect((got as TalentmatchError).message).toBe(
        `chunk 3 of run 7 was checkpointed with lines 301-400 (100 talents), but this run's chunking gives it lines ${now.startLine}-${now.endLine} (${now.talents} talents): resuming would lose or repeat talents. Run the batch again without --resume`,
      );
    }
  });
});

describe('batch --resume against a checkpoint that does not match the file', () => {
  // the line path (local threads, no reuse base) and the record path (--skip-invalid)
  for (const path of [[], ['--skip-invalid']]) {
    it(`stops with E_INTERNAL and publishes nothing${path.length ? ' (record path)' : ' (line path)'}; the checkpoint as written resumes to the uninterrupted snapshot`, () => {
      const d = tmp();
      const db = join(d, 'stopped.db');
      new Store(db).close(); // the schema, for the trigger
      // the database takes chunk 0 and refuses every chunk after it (as a full disk would)
      const raw = new Database(db);
      raw.exec("CREATE TRIGGER refuse BEFORE INSERT ON chunks WHEN NEW.chunk_id > 0 BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
      raw.close();
      const args = ['batch', '--data', FIX, '--db', db, '--chunk-size', '400', '--threads', '2', ...path];
      const first = cli(args);
      expect(first.signal, 'the batch hung').toBeNull();
      expect(first.code, first.err).toBe(1);
      expect(first.err).toContain('[E_STORE]');
      const fix = new Database(db);
      fix.exec('DROP TRIGGER refuse');
      const was = fix.prepare('SELECT chunk_id, start_line, end_line, talents FROM chunks').all();
      expect(was).toEqual([{ chunk_id: 0, start_line: 1, end_line: 400, talents: 400 }]);
      // checkpointed short: its last talent's line and the talent are missing from it
      fix.exec('UPDATE chunks SET end_line = 399, talents = 399 WHERE chunk_id = 0');
      fix.close();
      const short = cli([...args, '--resume']);
      expect(short.code, short.err).toBe(3);
      expect(short.err).toContain("error [E_INTERNAL]: chunk 0 of run 1 was checkpointed with lines 1-399 (399 talents), but this run's chunking gives it lines 1-400 (400 talents)");
      expect(short.err).not.toMatch(/\n\s+at /);
      const store = new Store(db);
      expect(store.runs().map((x) => x.status)).toEqual(['running']); // nothing published
      store.close();
      // as written, the checkpoint is skipped and the run completes
      const back = new Database(db);
      back.exec('UPDATE chunks SET end_line = 400, talents = 400 WHERE chunk_id = 0');
      back.close();
      const resumed = cli([...args, '--resume']);
      expect(resumed.code, resumed.err).toBe(0);
      expect(resumed.out).toMatch(/\b[1-5] already done before a restart/); // chunk 0, and on the line path those scored beside it
      const fresh = join(d, 'fresh.db');
      expect(cli(['batch', '--data', FIX, '--db', fresh, '--chunk-size', '400']).code).toBe(0);
      expect(exported(db)).toEqual(exported(fresh));
    });
  }
});
