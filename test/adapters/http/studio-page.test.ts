/**
 * The studio page in headless Chromium (the one inside @sparticuz/chromium, or
 * CHROMIUM_PATH), served with the Jiangdong fixtures: find an entity in Chinese, move a
 * slider, and the lists and metrics on the page are exactly what the API answers for those
 * weights; compare with a set B; save weights.json (a valid weights file with provenance),
 * load one; the Chinese font is the shipped one; no console errors, no request elsewhere.
 * `TM_STUDIO_SCREENSHOT=docs/studio.png` also writes the README's screenshot.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/adapters/http/server.js';
import { loadDataset } from '../../../src/adapters/files/dataset.js';
import { createEngine } from '../../../src/engine/engine.js';
import { WeightsSchema } from '../../../src/config/weights.js';
import { ASSETS_DIR } from '../../../src/adapters/web/assets.js';
import { KeyRing, newKey } from '../../../src/adapters/http/keys.js';
import { readFontManifest } from '../../../src/adapters/web/fonts.js';
import { launchChromium } from '../../support/browser.js';

const FIX = 'fixtures/jiangdong';
const ARTIFACTS = resolve('test-artifacts');
let app: FastifyInstance;
let base: string;

const METRICS: [string, (m: Metrics) => number | null][] = [
  ['talent-ndcg', (m) => m.talent.ndcg],
  ['talent-map', (m) => m.talent.map],
  ['talent-recall', (m) => m.talent.recall],
  ['talent-mrr', (m) => m.talent.mrr],
  ['platform-ndcg', (m) => m.platform.ndcg],
  ['platform-map', (m) => m.platform.map],
  ['platform-recall', (m) => m.platform.recall],
  ['platform-mrr', (m) => m.platform.mrr],
  ['coverage-platforms', (m) => m.coverage.platforms],
  ['coverage-industries', (m) => m.coverage.industries],
  ['gini', (m) => m.exposureGini],
];
interface Metrics {
  talent: Record<'ndcg' | 'map' | 'recall' | 'mrr', number | null>;
  platform: Record<'ndcg' | 'map' | 'recall' | 'mrr', number | null>;
  coverage: { platforms: number; industries: number };
  exposureGini: number;
}
interface Item {
  id: string;
  score: number;
  from?: number | null;
}
const f4 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(4));

beforeAll(async () => {
  if (!existsSync(join(ASSETS_DIR, 'app.js'))) throw new Error(`the studio bundle is missing in ${ASSETS_DIR}: run \`npm run build\` first (npm test does)`);
  const { dataset } = await loadDataset({ data: FIX }, { needTalents: true, needOutcomes: true, skipInvalid: false });
  app = await buildServer({ engine: createEngine(dataset, { trusted: true }), studio: { outcomes: dataset.outcomes!, source: FIX } });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
});

describe('studio page in headless Chromium', () => {
  it('search, slider, lists and metrics equal to the API, compare, save and load, shipped font, no console errors', async () => {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      const elsewhere: string[] = [];
      const fonts: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(base) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) elsewhere.push(r.url());
        if (r.url().endsWith('.woff2')) fonts.push(r.url());
      });
      /** waits until the page shows the answer to a request containing `part` and nothing is pending */
      const settled = (part: string) =>
        page.waitForFunction(
          (p) => {
            // page-side code (the test's compiler options know no DOM types)
            const el = (globalThis as unknown as { document: { querySelector(s: string): { dataset: Record<string, string | undefined> } | null } }).document.querySelector('.app');
            return !!el && el.dataset.state === 'idle' && (el.dataset.request ?? '').includes(p);
          },
          part,
          { timeout: 30_000 },
        );
      /** the API's answer to the request the page last showed */
      const apiAnswer = async () => {
        const req = await page.locator('.app').getAttribute('data-request');
        const r = await app.inject({ method: 'POST', url: '/v1/studio/evaluate', payload: JSON.parse(req!) as object });
        expect(r.statusCode).toBe(200);
        return r.json() as { a: { metrics: Metrics; focus: { top: Item[]; listedBy: Item[] } }; b?: { metrics: Metrics; focus: { top: Item[]; listedBy: Item[] } } };
      };
      const shown = async (testid: string) => ({
        ids: await page.locator(`[data-testid=${testid}] li`).evaluateAll((ls) => ls.map((l) => l.getAttribute('data-id'))),
        scores: await page.locator(`[data-testid=${testid}] li [data-testid=score]`).allTextContents(),
      });
      const metricCells = async (set: 'a' | 'b') => Promise.all(METRICS.map(([k]) => page.locator(`[data-testid=m-${set}-${k}]`).textContent()));

      await page.goto(`${base}/studio/`);
      await settled('"weights"');
      const initial = await metricCells('a');
      const first = await apiAnswer();
      expect(initial).toEqual(METRICS.map(([, get]) => f4(get(first.a.metrics))));

      // find a platform by its Chinese name and open it
      await page.locator('[data-testid=search]').fill('港达');
      await page.locator('[data-testid=hit]').first().waitFor();
      const hit = (await page.locator('[data-testid=hit]').first().textContent())!;
      expect(hit).toContain('港达');
      await page.locator('[data-testid=hit]').first().click();
      await settled('"focus"');
      await expect.poll(() => page.locator('[data-testid=focus]').textContent()).toContain('港达');

      // move a slider: the page shows exactly what the API answers for the new weights
      await page.locator('[data-testid=w-industry]').fill('0.9');
      await settled('"industry":0.9');
      let answer = await apiAnswer();
      const top = await shown('top-a');
      expect(top.ids).toEqual(answer.a.focus.top.map((x) => x.id));
      expect(top.scores).toEqual(answer.a.focus.top.map((x) => x.score.toFixed(4)));
      expect(top.ids.length).toBe(10);
      expect((await shown('listed-a')).ids).toEqual(answer.a.focus.listedBy.map((x) => x.id));
      const moved = await metricCells('a');
      expect(moved).toEqual(METRICS.map(([, get]) => f4(get(answer.a.metrics))));
      expect(moved).not.toEqual(initial);
      // each item's reasons as stacked bars: one segment per positive term
      expect(await page.locator('[data-testid=top-a] li').first().locator('.seg').count()).toBeGreaterThan(3);

      // set B: compare, with the rank shifts and the metric deltas the API gives
      await page.locator('[data-testid=edit-B]').click();
      await page.locator('[data-testid=w-text]').fill('0');
      await settled('"compare":{"text":0,');
      answer = await apiAnswer();
      expect(await metricCells('b')).toEqual(METRICS.map(([, get]) => f4(get(answer.b!.metrics))));
      const d = answer.b!.metrics.talent.ndcg! - answer.a.metrics.talent.ndcg!;
      expect(await page.locator('[data-testid=m-d-talent-ndcg]').textContent()).toBe(`${d > 0 ? '+' : d < 0 ? '−' : '±'}${Math.abs(d).toFixed(4)}`);
      expect((await shown('top-b')).ids).toEqual(answer.b!.focus.top.map((x) => x.id));
      const shifts = await page.locator('[data-testid=top-b] [data-testid=shift]').allTextContents();
      expect(shifts).toEqual(
        answer.b!.focus.top.map((x, i) => {
          if (x.from === null) return 'new';
          const up = x.from! - (i + 1);
          return up > 0 ? `+${up}` : up < 0 ? `−${-up}` : '=';
        }),
      );
      expect(await page.locator('[data-testid=movers] tr').count()).toBeGreaterThan(1);

      // save set B as weights.json: a valid weights file with its provenance
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=save]').click()]);
      expect(download.suggestedFilename()).toBe('weights.json');
      const saved = JSON.parse(readFileSync((await download.path())!, 'utf8')) as Record<string, unknown> & { _provenance: Record<string, unknown> };
      expect(WeightsSchema.safeParse(saved).success).toBe(true);
      const { _provenance, ...weights } = saved;
      expect(weights).toEqual((JSON.parse((await page.locator('.app').getAttribute('data-request'))!) as { compare: unknown }).compare);
      expect(weights.text).toBe(0);
      expect(_provenance).toMatchObject({ tool: 'talentmatch studio', data: FIX, set: 'B', k: 10, metrics: answer.b!.metrics });

      // load a file into B: the studio's keys are applied, the others named and left alone
      const file = join(mkdtempSync(join(tmpdir(), 'tm-studio-')), 'mine.json');
      writeFileSync(file, JSON.stringify({ industry: 0.25, textExponent: 0.7, _provenance: { by: 'test' } }));
      await page.locator('[data-testid=load]').setInputFiles(file);
      await expect.poll(() => page.locator('[data-testid=notice]').textContent()).toContain('textExponent');
      expect(await page.locator('[data-testid=w-industry]').inputValue()).toBe('0.25');
      await settled('"compare":{"text":0.3,"industry":0.25');

      // Chinese renders with the shipped font, and only some of its slices were fetched
      // check() alone is true when no face matches at all: require a loaded Noto Sans SC face too
      type Fonts = { document: { fonts: Iterable<{ family: string; status: string }> & { ready: Promise<unknown>; check(font: string, text: string): boolean } } };
      const loadedFaces = () => page.evaluate(() => [...(globalThis as unknown as Fonts).document.fonts].filter((f) => f.family.replace(/["']/g, '') === 'Noto Sans SC' && f.status === 'loaded').length);
      await page.evaluate(() => (globalThis as unknown as Fonts).document.fonts.ready.then(() => true));
      expect(await page.evaluate(() => (globalThis as unknown as Fonts).document.fonts.check('14px "Noto Sans SC"', '港达'))).toBe(true);
      expect(await loadedFaces()).toBeGreaterThan(0);
      expect(fonts.length).toBeGreaterThan(0);
      expect(fonts.length).toBeLessThanOrEqual(readFontManifest().length);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.locator('[data-testid=edit-A]').click();
      await page.screenshot({ path: join(ARTIFACTS, 'studio.png') });
      if (process.env.TM_STUDIO_SCREENSHOT) await page.screenshot({ path: process.env.TM_STUDIO_SCREENSHOT });
      expect(errors).toEqual([]);
      expect(elsewhere).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('asks for a key when the server needs one: a wrong key is refused and asked again, the right one loads the studio', async () => {
    const now = new Date();
    const sim = newKey({ scopes: ['simulate'], now });
    const read = newKey({ scopes: ['read:recommendations'], now });
    const { dataset } = await loadDataset({ data: FIX }, { needTalents: true, needOutcomes: true, skipInvalid: false });
    const keyed = await buildServer({ engine: createEngine(dataset, { trusted: true }), studio: { outcomes: dataset.outcomes!, source: FIX }, keys: new KeyRing({ version: 1, keys: [sim.record, read.record] }) });
    const keyedBase = await keyed.listen({ port: 0, host: '127.0.0.1' });
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext()).newPage();
      const sent: (string | undefined)[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/v1/studio/')) sent.push(r.headers().authorization);
      });
      await page.goto(`${keyedBase}/studio/`);
      // no key yet: the page asks for one and says why
      await page.locator('[data-testid=key]').waitFor();
      await expect.poll(() => page.locator('[data-testid=error]').textContent()).toContain('no API key');
      // a key without the simulate scope: refused (403), the form stays
      await page.locator('[data-testid=key]').fill(read.key);
      await page.locator('form.key button').click();
      await expect.poll(() => page.locator('[data-testid=error]').textContent()).toContain('lacks the scope "simulate"');
      expect(await page.locator('[data-testid=key]').count()).toBe(1);
      expect(await page.locator('[data-testid=search]').count()).toBe(0);
      // the right key: the studio loads and evaluates with it
      await page.locator('[data-testid=key]').fill(sim.key);
      await page.locator('form.key button').click();
      await page.locator('[data-testid=search]').waitFor({ timeout: 30_000 });
      await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { dataset: Record<string, string | undefined> } | null } }).document.querySelector('.app')?.dataset.state === 'idle', undefined, { timeout: 30_000 });
      expect(await page.locator('[data-testid=key]').count()).toBe(0);
      expect(sent[0]).toBeUndefined();
      expect(sent).toContain(`Bearer ${read.key}`);
      expect(sent.at(-1)).toBe(`Bearer ${sim.key}`);
      // the key is kept in this tab's sessionStorage only, never in localStorage
      expect(await page.evaluate(() => (globalThis as unknown as { localStorage: { length: number } }).localStorage.length)).toBe(0);
    } finally {
      await browser.close();
      await keyed.close();
    }
  });
});
