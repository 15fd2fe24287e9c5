/**
 * The browser tests must run on a machine with only Node and npm: every test that needs a
 * Chromium gets it from test/support/browser.ts (the one inside the @sparticuz/chromium dev
 * dependency, or CHROMIUM_PATH), never from a system path such as /usr/bin/chromium, which a
 * fresh machine does not have.
 */
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tsFiles } from '../support/tree.js';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const HELPER = 'support/browser.ts';

const testFiles = () => tsFiles(root);

/** Files other than the helper that start a browser themselves or name a system browser path. */
export function ownBrowsers(files: readonly { path: string; text: string }[]): string[] {
  return files
    .filter((f) => f.path !== HELPER && f.path !== 'layout/browser.test.ts')
    .filter((f) => /\bchromium\.launch\(|\/usr\/bin\/chrom/.test(f.text))
    .map((f) => f.path);
}

describe('browser tests need nothing but npm ci', () => {
  it('flags a test that launches its own browser or names /usr/bin/chromium (known answers)', () => {
    expect(ownBrowsers([{ path: 'a.test.ts', text: "await chromium.launch({ executablePath: '/x' })" }])).toEqual(['a.test.ts']);
    expect(ownBrowsers([{ path: 'b.test.ts', text: "const p = '/usr/bin/chromium'" }])).toEqual(['b.test.ts']);
    expect(ownBrowsers([{ path: 'c.test.ts', text: 'const b = await launchChromium();' }])).toEqual([]);
    expect(ownBrowsers([{ path: HELPER, text: 'chromium.launch(' }])).toEqual([]);
  });

  it('every test gets its Chromium from test/support/browser.ts', () => {
    const files = testFiles();
    expect(files.some((f) => f.path === HELPER)).toBe(true);
    expect(ownBrowsers(files)).toEqual([]);
  });
});
