import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkServices, onPath, REDIS } from './services.js';

/** a PATH of two folders; `redis-server` in the second when `present`, executable when `exec` */
function fakePath(present: boolean, exec = true): string {
  const a = mkdtempSync(join(tmpdir(), 'tm-svc-a-'));
  const b = mkdtempSync(join(tmpdir(), 'tm-svc-b-'));
  if (present) {
    writeFileSync(join(b, 'redis-server'), '#!/bin/sh\n');
    chmodSync(join(b, 'redis-server'), exec ? 0o755 : 0o644);
  }
  return [a, '', b].join(delimiter);
}

describe('service-dependent tests: skip, or fail under TM_REQUIRE_SERVICES=1', () => {
  it('finds an executable on PATH, not a plain file of that name', () => {
    const path = fakePath(true);
    expect(onPath('redis-server', path)).toBe(join(path.split(delimiter)[2], 'redis-server'));
    expect(onPath('redis-server', fakePath(true, false))).toBeUndefined();
    expect(onPath('redis-server', fakePath(false))).toBeUndefined();
    expect(onPath('redis-server', '')).toBeUndefined();
  });

  it('present: runs, no message', () => {
    for (const req of [undefined, '1']) {
      const c = checkServices('test/queue', [REDIS], { PATH: fakePath(true), TM_REQUIRE_SERVICES: req });
      expect(c).toEqual({ available: true, skip: false, failure: undefined, message: undefined });
    }
  });

  it('missing: skips with one line naming the binary and how to install it', () => {
    const c = checkServices('test/queue', [REDIS], { PATH: fakePath(false) });
    expect(c.available).toBe(false);
    expect(c.skip).toBe(true);
    expect(c.failure).toBeUndefined();
    expect(c.message).toBe('skipped test/queue: redis-server not found on PATH (install: apt-get install redis-server; TM_REQUIRE_SERVICES=1 turns this skip into a failure)');
    expect(c.message).not.toContain('\n');
  });

  it('missing under TM_REQUIRE_SERVICES=1: no skip, a failure message; any other value still skips', () => {
    const c = checkServices('test/queue', [REDIS], { PATH: fakePath(false), TM_REQUIRE_SERVICES: '1' });
    expect(c.skip).toBe(false);
    expect(c.failure).toBe('test/queue: redis-server not found on PATH, and TM_REQUIRE_SERVICES=1 requires it (apt-get install redis-server)');
    for (const v of ['0', '', 'true']) expect(checkServices('test/queue', [REDIS], { PATH: fakePath(false), TM_REQUIRE_SERVICES: v }).skip).toBe(true);
  });
});
