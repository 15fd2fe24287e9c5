/**
 * `talentmatch simulate` as a user runs it: on the fixtures, --out writes scenario/ in the
 * bytes `match` / `refer` write for a copy of the data changed by hand; the report and the
 * errors.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './run.js';
import { launchChromium } from '../../support/browser.js';

const FIX = 'fixtures/jiangdong';
const P = 'p-visual-tech-incubator';

describe('talentmatch simulate', () => {
  it('writes baseline/, scenario/ and diff.json; scenario/ equals match and refer on the hand-edited copy', async () => {
    const d = mkdtempSync(join(tmpdir(), 'tm-sim-'));
    const scenario = { name: 'fund 12 more slots', patch: [{ op: 'replace', path: `/platforms/${P}/capacity/slots`, value: 37 }] };
    writeFileSync(join(d, 'scenario.json'), JSON.stringify(scenario));
    const sim = await run(['simulate', '--data', FIX, '--scenario', join(d, 'scenario.json'), '--out', join(d, 'out'), '--report', join(d, 'r.html')]);
    expect(sim.err).toContain('wrote');
    expect(sim.code).toBe(0);
    expect(sim.out).toMatch(/fund 12 more slots\s+\d+/);
    expect(sim.out).toContain('0 texts vectorized, 2400 of 172800 pairs rescored');

    // the same change by hand, on a copy of the files
    const copy = join(d, 'copy');
    cpSync(FIX, copy, { recursive: true });
    const lines = readFileSync(join(copy, 'platforms.jsonl'), 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes(`"id":"${P}"`));
    const rec = JSON.parse(lines[i]);
    rec.capacity.slots = 37;
    lines[i] = JSON.stringify(rec);
    writeFileSync(join(copy, 'platforms.jsonl'), lines.join('\n'));
    expect((await run(['match', '--data', copy, '--out', join(d, 'a.json')])).code).toBe(0);
    expect((await run(['refer', '--data', copy, '--out', join(d, 'r.jsonl')])).code).toBe(0);
    expect(readFileSync(join(d, 'out', 'scenario', 'assignment.json'), 'utf8')).toBe(readFileSync(join(d, 'a.json'), 'utf8'));
    expect(readFileSync(join(d, 'out', 'scenario', 'referrals.jsonl'), 'utf8')).toBe(readFileSync(join(d, 'r.jsonl'), 'utf8'));

    const diff = JSON.parse(readFileSync(join(d, 'out', 'diff.json'), 'utf8'));
    const base = JSON.parse(readFileSync(join(d, 'out', 'baseline', 'assignment.json'), 'utf8'));
    const scen = JSON.parse(readFileSync(join(d, 'out', 'scenario', 'assignment.json'), 'utf8'));
    expect(diff.baseline.placed).toBe(base.assignments.length);
    expect(diff.result.placed).toBe(scen.assignments.length);
    // every move is a talent whose platform differs between the two files, and every such talent is listed
    const at = (a: { assignments: { talentId: string; platformId: string }[] }) => new Map(a.assignments.map((x) => [x.talentId, x.platformId]));
    const [mb, ms] = [at(base), at(scen)];
    const changed = [...new Set([...mb.keys(), ...ms.keys()])].filter((t) => mb.get(t) !== ms.get(t)).sort();
    expect(diff.moves.map((m: { talentId: string }) => m.talentId)).toEqual(changed);
    expect(diff.platforms.find((p: { id: string }) => p.id === P).scenario.slots).toBe(37);
    // both referral directions: added / removed are the set differences of the two referrals.jsonl
    const entries = (file: string) => {
      const m = new Map<string, Set<string>>();
      for (const l of readFileSync(file, 'utf8').trim().split('\n').map((x) => JSON.parse(x))) {
        if (!m.has(l.direction)) m.set(l.direction, new Set());
        for (const [list, v] of Object.entries(l)) if (Array.isArray(v)) for (const it of v as { talentId: string }[]) m.get(l.direction)!.add(`${l.platformId}/${list}/${it.talentId}`);
      }
      return m;
    };
    const [eb, es] = [entries(join(d, 'out', 'baseline', 'referrals.jsonl')), entries(join(d, 'out', 'scenario', 'referrals.jsonl'))];
    for (const dir of ['platform-to-government', 'government-to-platform']) {
      const keys = (xs: { platformId: string; list: string; talentId: string }[]) => xs.map((x) => `${x.platformId}/${x.list}/${x.talentId}`).sort();
      const minus = (a: Set<string>, b: Set<string>) => [...a].filter((k) => !b.has(k)).sort();
      expect(keys(diff.referrals[dir].added)).toEqual(minus(es.get(dir) ?? new Set(), eb.get(dir) ?? new Set()));
      expect(keys(diff.referrals[dir].removed)).toEqual(minus(eb.get(dir) ?? new Set(), es.get(dir) ?? new Set()));
    }
    expect(diff.referrals['platform-to-government'].added.length + diff.referrals['platform-to-government'].removed.length).toBeGreaterThan(0);
    const html = readFileSync(join(d, 'r.html'), 'utf8');
    expect(html).toContain('fund 12 more slots');
    expect(html).not.toMatch(/<script[^>]+src=/);
    // rendered: the Sankey has a band per distinct (from, to), the industry bars both sides
    const browser = await launchChromium(); // the Chromium inside the npm package (test/support/browser.ts), or CHROMIUM_PATH
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`file://${join(d, 'r.html')}`);
      await page.waitForFunction(() => (globalThis as unknown as { __reportReady?: boolean }).__reportReady === true, undefined, { timeout: 20_000 });
      const flows = new Set(diff.moves.map((m: { from: { platformId: string } | null; to: { platformId: string } | null }) => `${m.from?.platformId}>${m.to?.platformId}`)).size;
      expect(await page.locator('#flow-0 svg path').count()).toBeGreaterThanOrEqual(flows);
      expect(await page.locator('#flow-0 svg text', { hasText: `${P} (after)` }).count()).toBe(1);
      expect(await page.locator('#industry-0 svg path, #industry-0 svg rect').count()).toBeGreaterThan(14);
      expect(errors).toEqual([]);
      const artifacts = resolve('test-artifacts');
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'simulate-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 240_000);

  it('rejects a bad scenario with the operation and path, exit 1', async () => {
    const d = mkdtempSync(join(tmpdir(), 'tm-sim-'));
    writeFileSync(join(d, 's.json'), JSON.stringify([{ name: 'a', patch: [] }, { name: 'b', patch: [{ op: 'replace', path: `/platforms/${P}/capacity/seats`, value: -1 }] }]));
    const r = await run(['simulate', '--data', FIX, '--scenario', join(d, 's.json')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`scenario "b" /platforms/${P} [patch[0] (replace /platforms/${P}/capacity/seats)] capacity.seats: expected integer >= 0, got -1`);
    writeFileSync(join(d, 'bad.json'), JSON.stringify({ name: 'x', patch: [{ op: 'replace', path: 'platforms' }] }));
    const r2 = await run(['simulate', '--data', FIX, '--scenario', join(d, 'bad.json')]);
    expect(r2.code).toBe(1);
    expect(r2.err).toContain(`${join(d, 'bad.json')} patch[0].path: expected JSON Pointer string`);
  }, 120_000);
});
