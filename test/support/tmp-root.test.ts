// The run's scratch folder (test/support/tmp-root.ts): tests and the processes they start
// write under one folder that the run removes, and the browser cache stays outside it.
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { expect, test } from 'vitest';

test('temporary files of tests and their child processes land in the run scratch folder', () => {
  const dir = tmpdir();
  expect(basename(dir)).toMatch(/^talentmatch-test-/);
  const child = execFileSync(process.execPath, ['-e', 'process.stdout.write(require("node:os").tmpdir())']).toString();
  expect(child).toBe(dir);
  // caches that outlive the run sit beside it, not in it
  expect(process.env.TM_TEST_CACHE_DIR).toBe(dirname(dir));
});
