import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/adapters/cli/main.js';
import { launchChromium } from '../../support/browser.js';
import { readFontManifest, slicesFor } from '../../../src/adapters/web/fonts.js';

const ARTIFACTS = resolve('test-artifacts');

describe('HTML report in headless Chromium', () => {
  it('renders every chart with content and no console errors; saves a screenshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tm-report-'));
    const out = join(dir, 'report.html');
    let err = '';
    const code = await main(['node', 'talentmatch', 'report', '--data', 'fixtures/jiangdong', '--compare', 'fixtures/jiangdong/weights.json', '--out', out], {
      out: () => {},
      err: (s) => (err += s),
    });
    expect(code, err).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=/); // self-contained: no external scripts
    expect(html).not.toMatch(/https?:\/\/[^"' ]+\.(js|css)/);
    // Chinese names in Noto Sans SC, inlined: the slices the page's text needs, not all shipped ones
    const faces = html.match(/@font-face\{font-family:'Noto Sans SC'[^}]*src:url\(data:font\/woff2;base64,/g) ?? [];
    const manifest = readFontManifest();
    const text = html.slice(0, html.indexOf('<script>'));
    expect(faces.length).toBe(slicesFor(text, manifest).length);
    expect(faces.length).toBeGreaterThan(0);
    expect(faces.length).toBeLessThan(manifest.length);

    // Chromium from the @sparticuz/chromium dev dependency, or CHROMIUM_PATH
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      await page.goto(`file://${out}`);
      await page.waitForFunction(() => (globalThis as unknown as { __reportReady?: boolean }).__reportReady === true, undefined, { timeout: 20_000 });
      for (const id of ['metrics', 'heatmap', 'capacity', 'scores', 'referrals']) {
        const shapes = await page.locator(`#${id} svg path, #${id} svg rect`).count();
        expect(shapes, `chart #${id}`).toBeGreaterThan(10);
      }
      // two weightings side by side: two bar series in the metrics legend
      expect(await page.locator('#metrics svg text', { hasText: 'weights.json' }).count()).toBeGreaterThan(0);
      expect(await page.locator('table tr').count()).toBeGreaterThan(5);
      // the referral section: the budget's totals and funded / not-funded cases with reasons
      expect(await page.locator('h2', { hasText: 'Two-way referrals' }).count()).toBe(1);
      expect(await page.locator('p', { hasText: 'Support budget 30.00 M yuan' }).count()).toBe(1);
      expect(await page.locator('td', { hasText: 'left after the funded cases' }).count()).toBeGreaterThan(0);
      expect(await page.locator('#referrals svg text', { hasText: 'reserve' }).count()).toBeGreaterThan(0);
      // a Chinese name of the page renders with the inlined font (the bundled Chromium has no CJK font of its own)
      const zh = (await page.locator('td').filter({ hasText: /[\u4e00-\u9fff]/ }).first().textContent())!;
      // check() alone is true when no face matches at all: require a loaded Noto Sans SC face too
      type Fonts = { document: { fonts: Iterable<{ family: string; status: string }> & { ready: Promise<unknown>; check(font: string, text: string): boolean } } };
      const loadedFaces = () => page.evaluate(() => [...(globalThis as unknown as Fonts).document.fonts].filter((f) => f.family.replace(/["']/g, '') === 'Noto Sans SC' && f.status === 'loaded').length);
      await page.evaluate(() => (globalThis as unknown as Fonts).document.fonts.ready.then(() => true));
      expect(await page.evaluate((t) => (globalThis as unknown as Fonts).document.fonts.check('13px "Noto Sans SC"', t), zh)).toBe(true);
      expect(await loadedFaces()).toBeGreaterThan(0);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
