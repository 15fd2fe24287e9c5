import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureFiles } from '../../../src/synth/files.js';
import { run } from './run.js';

describe('talentmatch evaluate --truth', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tm-truth-cli-'));
  for (const [name, content] of Object.entries(fixtureFiles({ seed: 9, talents: 400, platforms: 50, planted: true, languages: { talentZh: 0.4, platformZh: 0.6 } }))) {
    if (name !== 'outcomes.jsonl') writeFileSync(join(dir, name), content);
  }

  it('reports recall@5 of the planted fits per language group of both sides (JSON), without outcomes', async () => {
    // the folder has no outcomes.jsonl: --truth does not need one
    const r = await run(['evaluate', '--data', dir, '--truth', join(dir, 'truth.jsonl'), '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.k).toBe(5);
    expect(j.talent.groups.map((g: { language: string }) => g.language)).toEqual(['en', 'zh']);
    expect(j.platform.groups.map((g: { language: string }) => g.language)).toEqual(['en', 'zh']);
    expect(j.talent.queries).toBeGreaterThan(350);
    for (const g of [...j.talent.groups, ...j.platform.groups]) expect(g.recall).toBeGreaterThanOrEqual(0.9);
  });

  it('prints a table; --k changes the cutoff', async () => {
    const r = await run(['evaluate', '--data', dir, '--truth', join(dir, 'truth.jsonl'), '--k', '3']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/recall@3 of planted fits/);
    expect(r.out).toMatch(/talents {3}zh {14}\d\.\d{3}/);
    expect(r.out).toMatch(/gap between groups: talents \d\.\d{3}, platforms \d\.\d{3}/);
  });

  it('rejects a truth file naming ids the data does not have, with file and line (exit 1)', async () => {
    const bad = join(dir, 'bad-truth.jsonl');
    writeFileSync(bad, '{"side":"talent","id":"t-nobody","language":"en","fits":[]}\n');
    const r = await run(['evaluate', '--data', dir, '--truth', bad]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}:1 id: expected the id of a talent in the data, got "t-nobody"`);
  });

  it('list controls, which --truth would not apply, are a usage error (they were silently ignored)', async () => {
    const r = await run(['evaluate', '--data', dir, '--truth', join(dir, 'truth.jsonl'), '--diversity', '0.5', '--exposure-floor', '2']);
    expect([r.code, r.err]).toEqual([2, 'error [E_OPTION]: --truth measures recall@k of the plain lists: --exposure-floor, --diversity would not be applied; drop them or --truth\n']);
  });
});
