import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureFiles } from '../../src/synth/files.js';
import { WeightsSchema, defaultWeights, resolveWeights } from '../../src/config/weights.js';
import { weightIssues } from '../../src/engine/data.js';

describe('fixtures/jiangdong', () => {
  const files = fixtureFiles({ seed: 20161017, talents: 2400, platforms: 72 });

  it('the seeded generator reproduces the committed files byte for byte', () => {
    for (const [name, content] of Object.entries(files)) {
      expect(readFileSync(`fixtures/jiangdong/${name}`, 'utf8'), name).toBe(content);
    }
  });

  it('is a realistic district: >= 2000 talents, >= 60 platforms, about a third Chinese, outcomes of every kind', () => {
    const talents = files['talents.jsonl'].trim().split('\n').map((l) => JSON.parse(l));
    const platforms = files['platforms.jsonl'].trim().split('\n').map((l) => JSON.parse(l));
    expect(talents.length).toBeGreaterThanOrEqual(2000);
    expect(platforms.length).toBeGreaterThanOrEqual(60);
    const zh = talents.filter((t) => /\p{Script=Han}/u.test(t.description)).length / talents.length;
    expect(zh).toBeGreaterThan(0.25);
    expect(zh).toBeLessThan(0.5);
    const outcomes = files['outcomes.jsonl'].trim().split('\n').map((l) => JSON.parse(l).outcome);
    for (const kind of ['signed', 'financed', 'declined']) expect(outcomes).toContain(kind);
    for (const id of ['p-shengshifangzhou', 'p-national-youth-park']) expect(platforms.map((p) => p.id)).toContain(id);
    expect(talents.map((t) => t.id)).toContain('t-shiruidi-visual-rd');
  });

  it('ships the documented default weights: a complete file the weights parser accepts, equal to the README table', () => {
    const shipped = JSON.parse(readFileSync('fixtures/jiangdong/weights.json', 'utf8')) as Record<string, unknown>;
    // the parser every command uses accepts it (strict: a key the schema does not know fails)
    expect(weightIssues(shipped, 'weights.json').issues).toEqual([]);
    // it names every tunable key, so an analyst sees every number they can change
    expect(Object.keys(shipped).sort()).toEqual(Object.keys(WeightsSchema.shape).filter((k) => !k.startsWith('_')).sort()); // _provenance: written by tune only
    expect(resolveWeights(WeightsSchema.parse(shipped))).toEqual(defaultWeights);
    // each default the README's weights table states is the shipped value
    const readme = readFileSync('README.md', 'utf8');
    const table = readme.slice(readme.indexOf('### Weights (`weights.json`)'));
    const rows = [...table.matchAll(/^\| `([\w.]+)` \| `?([\w.]+)`? \|/gm)].map((m) => [m[1], m[2]] as const);
    expect(rows.length).toBeGreaterThanOrEqual(15);
    for (const [key, value] of rows) {
      expect(key in shipped, `README documents ${key}`).toBe(true);
      const v = shipped[key];
      expect(typeof v === 'number' ? Number(value) : value, `README default of ${key}`).toBe(v);
    }
  });
});
