/**
 * `talentmatch studio`: the compiled command serves the page and its API on loopback,
 * prints the URL on stdout, and exits 0 on SIGTERM; it refuses a non-loopback address and
 * a folder without talents before starting anything.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './run.js';

const FIX = 'fixtures/jiangdong';

describe('talentmatch studio', () => {
  it('prints the URL, serves the page and the API over the dataset, exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/talentmatch.js', 'studio', '--data', FIX], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^(http:\/\/127\.0\.0\.1:\d+\/studio\/)\n/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', () => reject(new Error(`studio exited: ${err}`)));
    });
    try {
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<script type="module" src="app.js"></script>');
      expect((await fetch(new URL('app.js', url))).headers.get('content-type')).toContain('javascript');
      const ds = (await (await fetch(new URL('/v1/studio/dataset', url))).json()) as { talents: number; platforms: number; relevantOutcomes: number; source: string };
      expect(ds).toMatchObject({ talents: 2400, platforms: 72, source: FIX });
      expect(ds.relevantOutcomes).toBeGreaterThan(0);
      expect(err).toContain('2400 talents x 72 platforms');
      // no snapshot database was given: the snapshot routes say so
      const snap = await fetch(new URL('/v1/assignment', url));
      expect(snap.status).toBe(503);
      expect(((await snap.json()) as { message: string }).message).toContain('without --db');
      const ready = await fetch(new URL('/readyz', url));
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'not_ready', snapshot: null, model: true, reason: 'no snapshot database (started without --db)' });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);

  it('refuses a non-loopback address (exit 2) and a folder without talents (exit 1)', async () => {
    const r = await run(['studio', '--data', FIX, '--host', '0.0.0.0']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('loopback only');
    const empty = mkdtempSync(join(tmpdir(), 'tm-studio-'));
    const e = await run(['studio', '--data', empty]);
    expect(e.code).toBe(1);
    expect(e.err).toContain(join(empty, 'industries.json'));
  });
});
