/**
 * `recommend` on worker threads vectorizes the talents while the file is still being read
 * (adapters/cli/load.ts EarlyVectorizer). Oracles: the in-process engine's own features
 * (array for array), the bytes of `--threads 1`, and the problems `--threads 1` reports
 * (same text, same first line) for bad lines, cross-record problems and skipped records.
 * Where the early work cannot be used (file not in id order, a record dropped by a
 * cross-record rule), the usual path must give the same bytes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../adapters/cli/run.js';
import { loadForRanking } from '../../src/adapters/cli/load.js';
import { fixtureFiles } from '../../src/synth/files.js';
import { createEngine } from '../../src/engine/engine.js';
import type { TalentFeatures } from '../../src/features/build.js';

const files = fixtureFiles({ seed: 9, talents: 120, platforms: 20, words: [15, 40], curated: false });
const talentLines = files['talents.jsonl'].trimEnd().split('\n');

/** A data folder: the fixture with its talents file replaced by `lines`. */
function folder(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'tm-early-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), name === 'talents.jsonl' ? lines.join('\n') + '\n' : text);
  return dir;
}

/** recommend's exit code, stderr and output file on `threads` threads. */
async function recommend(dir: string, threads: number, extra: string[] = []): Promise<{ code: number; err: string; bytes: string }> {
  const out = join(mkdtempSync(join(tmpdir(), 'tm-early-out-')), 'r.jsonl');
  const r = await run(['recommend', '--data', dir, '--top', '3', '--top-platform', '4', '--threads', String(threads), '--out', out, ...extra]);
  let bytes = '';
  try {
    bytes = readFileSync(out, 'utf8');
  } catch {
    // no output on failure
  }
  return { code: r.code, err: r.err.replaceAll(out, 'OUT'), bytes };
}

function same(a: TalentFeatures, b: TalentFeatures): void {
  expect(a.count).toBe(b.count);
  expect(a.ids).toEqual(b.ids);
  for (const key of ['desc', 'profile', 'concept'] as const) {
    expect(a[key].cols, key).toBe(b[key].cols);
    for (const f of ['indptr', 'indices', 'values'] as const) expect(Array.from(a[key][f]), `${key}.${f}`).toEqual(Array.from(b[key][f]));
  }
  for (const key of ['industry', 'needMask', 'seats', 'capital', 'stage', 'level', 'exclIndptr', 'exclIdx', 'zh'] as const) expect(Array.from(a[key]), key).toEqual(Array.from(b[key]));
}

const quiet = { out: () => undefined, err: () => undefined };

describe('talents vectorized while the file is read', () => {
  it('the fixture is in id order (the case the early path serves)', () => {
    const ids = talentLines.map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids.every((id, i) => i === 0 || ids[i - 1] < id)).toBe(true);
  });

  it('gives exactly the in-process features, for ranges of 1, 7 and more than the file, with unknown keys and blank lines in it', async () => {
    // an unknown key (the schema drops it; the worker parses the raw line) and blank lines (never sent)
    const lines = [...talentLines];
    lines[4] = lines[4].replace('{', '{"notInTheContract":{"description":"x"},');
    lines.splice(10, 0, '', '   ');
    const dir = folder(lines);
    for (const rangeSize of [1, 7, 500]) {
      const { loaded, early } = await loadForRanking({ data: dir, skipInvalid: false }, quiet, 2, {}, rangeSize);
      const pre = await early!.take(loaded.dataset);
      try {
        expect(pre?.features, `rangeSize ${rangeSize}`).toBeDefined();
        const oracle = createEngine(loaded.dataset, { trusted: true }).model.talents;
        same({ ...pre!.features!, ids: [...pre!.features!.ids] }, oracle);
      } finally {
        await pre?.pool.destroy();
      }
    }
  }, 120_000);

  it('hands nothing over when the file is not in id order, and the output stays that of one thread', async () => {
    const shuffled = [...talentLines.slice(60), ...talentLines.slice(0, 60)];
    const dir = folder(shuffled);
    const { loaded, early } = await loadForRanking({ data: dir, skipInvalid: false }, quiet, 2, {}, 7);
    const pre = await early!.take(loaded.dataset);
    expect(pre?.features).toBeUndefined();
    await pre?.pool.destroy();
    const one = await recommend(dir, 1);
    expect(one.code, one.err).toBe(0);
    expect((await recommend(dir, 2)).bytes).toBe(one.bytes);
    // and the same bytes as the sorted file
    expect((await recommend(folder(talentLines), 2)).bytes).toBe(one.bytes);
  }, 120_000);

  it('reports the same problems on 1, 2 and 4 threads: the first bad line in file order first, with file, line and field', async () => {
    const lines = [...talentLines];
    lines[40] = '{not json';
    const t = JSON.parse(lines[90]) as Record<string, unknown>;
    lines[90] = JSON.stringify({ ...t, teamSize: 0 });
    lines[100] = lines[99]; // a duplicate id: a cross-record problem
    const dir = folder(lines);
    const one = await recommend(dir, 1);
    expect(one.code).toBe(1);
    expect(one.err).toContain('talents.jsonl:41 (record): expected one JSON object per line, got invalid JSON');
    expect(one.err).toContain('talents.jsonl:91 teamSize: expected integer >= 1, got 0');
    expect(one.err).toMatch(/talents\.jsonl:101 id: expected an id unique within the file \(first used at line 100\)/);
    expect(one.err.indexOf(':41 ')).toBeLessThan(one.err.indexOf(':91 '));
    for (const threads of [2, 4]) expect(await recommend(dir, threads)).toEqual(one);
  }, 120_000);

  it('--skip-invalid: the same skipped list and bytes on 1 and 2 threads, whether or not the early work is used', async () => {
    const platformId = (JSON.parse(files['platforms.jsonl'].split('\n')[0]) as { id: string }).id;
    // a schema problem (the record is never sent: the early work is still used) ...
    const schemaOnly = [...talentLines];
    schemaOnly[20] = JSON.stringify({ ...(JSON.parse(schemaOnly[20]) as object), stage: 'unicorn' });
    // ... and a cross-record problem (an unknown excluded platform: the record is dropped after reading, the early work is not used)
    const cross = [...schemaOnly];
    cross[70] = JSON.stringify({ ...(JSON.parse(cross[70]) as object), excludePlatforms: [platformId, 'no-such-platform'] });
    for (const [name, lines] of [['schema', schemaOnly], ['cross', cross]] as const) {
      const dir = folder(lines);
      const one = await recommend(dir, 1, ['--skip-invalid']);
      expect(one.code, one.err).toBe(0);
      expect(one.err, name).toContain('talents.jsonl:21 stage: expected one of');
      if (name === 'cross') expect(one.err).toContain('talents.jsonl:71 excludePlatforms[1]');
      expect(one.bytes.split('\n').length, name).toBe(120 - (name === 'cross' ? 2 : 1) + 20 + 1);
      expect(await recommend(dir, 2, ['--skip-invalid']), name).toEqual(one);
      const { loaded, early } = await loadForRanking({ data: dir, skipInvalid: true }, quiet, 2, {}, 7);
      const pre = await early!.take(loaded.dataset);
      expect(pre?.features !== undefined, name).toBe(name === 'schema');
      await pre?.pool.destroy();
    }
  }, 180_000);
});
