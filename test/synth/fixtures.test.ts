import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureFiles } from '../../src/synth/files.js';
import { defaultWeights } from '../../src/config/weights.js';

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

  it('ships the documented default weights', () => {
    expect(JSON.parse(files['weights.json'])).toEqual(defaultWeights);
  });
});
