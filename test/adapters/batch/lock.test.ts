import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireBatchLock } from '../../../src/adapters/batch/lock.js';

describe('batch lock', () => {
  it("creates the database's folder when it does not exist yet (a fresh clone's npm start: data/ is absent)", async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'tm-lock-')), 'data', 'nested', 'talentmatch.db');
    const lock = await acquireBatchLock(db);
    expect(existsSync(`${db}.lock`)).toBe(true);
    lock.release();
    expect(existsSync(`${db}.lock`)).toBe(false);
  });
});
