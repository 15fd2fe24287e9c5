import { defineConfig } from 'vitest/config';
// the rule shared with the CLI launcher (bin/talentmatch.js)
import { unsupportedNode } from './bin/node-support.js';

// fail at once with the reason, not with a segfault in the first test that opens SQLite
const unsupported: string | undefined = unsupportedNode();
if (unsupported) throw new Error(unsupported);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // fast-check on a fixed seed (TM_FC_SEED=random explores): test/support/fast-check.ts
    setupFiles: ['test/support/fast-check.ts'],
    // one temporary folder per run, removed at the end: test/support/tmp-root.ts
    globalSetup: ['test/support/tmp-root.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
