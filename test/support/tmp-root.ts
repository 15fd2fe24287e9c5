// Every test run gets its own temporary folder, removed when the run ends.
//
// Tests (and the CLI processes they start) make their scratch folders with
// `mkdtemp(join(tmpdir(), ...))`. Pointing TMPDIR at one folder per run, before the test
// workers start, collects all of them in one place, so a run leaves nothing behind in the
// machine's /tmp however a test ends (a failed assertion skips a test's own cleanup).
// `TM_KEEP_TEST_TMP=1` keeps the folder for a post-mortem and prints where it is.
// Caches meant to outlive a run (the unpacked Chromium) use `TM_TEST_CACHE_DIR`: the
// machine's temporary folder as it was before this setup moved it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const machineTmp = tmpdir();
  const root = mkdtempSync(join(machineTmp, 'talentmatch-test-'));
  process.env.TM_TEST_CACHE_DIR ??= machineTmp;
  process.env.TMPDIR = root;
  return () => {
    if (process.env.TM_KEEP_TEST_TMP === '1') {
      console.log(`test scratch kept in ${root}`);
      return;
    }
    rmSync(root, { recursive: true, force: true });
  };
}
