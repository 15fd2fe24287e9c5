// A headless Chromium for the browser tests that needs nothing but `npm ci`.
//
// By default the browser is the one inside the `@sparticuz/chromium` dev dependency (the
// binary ships brotli-compressed in the npm package). It is unpacked once per package
// version into `<machine tmpdir>/talentmatch-chromium-<version>/`: into a fresh folder first, then
// renamed into place, so concurrent test files (and other checkouts on the machine) never
// see half a binary, and a different version never reuses another's files. The package's
// own `executablePath()` unpacks into a shared `/tmp/chromium`, which it trusts if it
// exists, whichever version wrote it.
//
// `CHROMIUM_PATH=/usr/bin/chromium` (or any Chromium/Chrome) uses that browser instead.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const require = createRequire(import.meta.url);

/** Flags for both browsers: headless, no sandbox (CI runs as root), nothing phoning home. */
const COMMON_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];

export interface BrowserSource {
  executablePath: string;
  /** the extra environment the browser needs (the bundled one: its own fontconfig) */
  env: Record<string, string>;
  /** human-readable: which browser, for failure messages */
  describe: string;
}

/** Unpacks the bundled Chromium (once per version) and returns where it is. */
export async function bundledChromium(): Promise<BrowserSource> {
  // the package exports only its entry (build/index.js): its root is two folders up
  const root = dirname(dirname(require.resolve('@sparticuz/chromium')));
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  // outlives the run's own scratch folder (test/support/tmp-root.ts)
  const dir = join(process.env.TM_TEST_CACHE_DIR ?? tmpdir(), `talentmatch-chromium-${version}`);
  const exe = join(dir, 'chromium');
  if (!existsSync(join(dir, '.complete'))) {
    const { inflate } = (await import('@sparticuz/chromium')) as typeof import('@sparticuz/chromium');
    const bin = join(root, 'bin');
    const staging = mkdtempSync(`${dir}.tmp-`);
    // `inflate` writes into os.tmpdir(), read synchronously when it is called: point it at
    // the staging folder for the duration of the calls only.
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = staging;
    let jobs: Promise<string>[];
    try {
      jobs = ['chromium.br', 'fonts.tar.br', 'swiftshader.tar.br'].map((f) => inflate(join(bin, f)));
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    await Promise.all(jobs);
    // the package's fonts.conf points at /tmp/fonts; ours points at this folder's fonts
    writeFileSync(
      join(staging, 'fonts', 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(dir, 'fonts', 'fonts')}</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    );
    writeFileSync(join(staging, '.complete'), `${version}\n`);
    try {
      renameSync(staging, dir);
    } catch {
      // another process got there first (the folder exists and is complete): use theirs
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(join(dir, '.complete'))) throw new Error(`could not unpack @sparticuz/chromium ${version} into ${dir}`);
    }
  }
  mkdirSync(join(dir, 'fonts-cache'), { recursive: true });
  return { executablePath: exe, env: { FONTCONFIG_PATH: join(dir, 'fonts') }, describe: `@sparticuz/chromium ${version} (${exe})` };
}

/** The browser the tests use: `CHROMIUM_PATH` when set, else the bundled one. */
export async function browserSource(): Promise<BrowserSource> {
  const path = process.env.CHROMIUM_PATH;
  if (path) {
    if (!existsSync(path)) throw new Error(`CHROMIUM_PATH=${path}: no such file (unset it to use the Chromium from @sparticuz/chromium)`);
    return { executablePath: path, env: {}, describe: `CHROMIUM_PATH=${path}` };
  }
  return bundledChromium();
}

/** Starts headless Chromium through playwright-core. */
export async function launchChromium(): Promise<Browser> {
  const src = await browserSource();
  try {
    return await chromium.launch({
      executablePath: src.executablePath,
      args: COMMON_ARGS,
      env: { ...(process.env as Record<string, string>), ...src.env },
    });
  } catch (e) {
    throw new Error(`could not start ${src.describe}: ${(e as Error).message}`);
  }
}
