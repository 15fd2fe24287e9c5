import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/adapters/cli/main.js';
import { launchChromium } from '../../support/browser.js';

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
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
