/**
 * The kernel (scoreRow) and the explainer (explainPair) give the same bits for every pair,
 * on the contract's seven industries (the kernel's unrolled branch) and on taxonomies of 3
 * and 12 industries (its general loop), with priorities that differ per industry so the
 * priority term is not constant.
 */
import { describe, expect, it } from 'vitest';
import type { Industry, Platform, Talent } from '../../src/domain/schemas.js';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_INDUSTRIES, JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { createRowScratch, scoreRow, UNACCEPTABLE } from '../../src/scoring/kernel.js';
import { explainPair } from '../../src/scoring/explain.js';

const district = generateDistrict({ seed: 11, talents: 120, platforms: 30, words: [15, 40], curated: false, outcomes: false });

/** The district re-labelled onto n industries: industry i of the seven becomes mapTo(i, entity index). */
function relabel(n: number): Engine {
  const base = JIANGDONG_INDUSTRIES;
  const industries: Industry[] = Array.from({ length: n }, (_, j) => {
    const src = base[j % base.length];
    // clones beyond the seven get their own id and a rotated keyword list (a distinct vocabulary mix)
    return j < base.length ? src : { ...src, id: `${src.id}-${j}`, name: `${src.name} ${j}`, keywords: [...src.keywords.slice(j % 5), ...src.keywords.slice(0, j % 5)].slice(0, 8) };
  });
  const ids = industries.map((i) => i.id);
  const mapId = (id: string, salt: number): string => {
    const i = base.findIndex((b) => b.id === id);
    if (n < base.length) return ids[i % n];
    // send half of the entities' industries to the clones
    const alt = i + base.length * (1 + (salt % Math.ceil((n - i) / base.length)));
    return salt % 2 === 1 && alt < n ? ids[alt] : ids[i];
  };
  const platforms: Platform[] = district.platforms.map((p, k) => {
    const w: Record<string, number> = {};
    for (const [id, v] of Object.entries(p.industries)) {
      const m = mapId(id, k);
      w[m] = Math.min(1, (w[m] ?? 0) + v);
    }
    return { ...p, industries: w };
  });
  const talents: Talent[] = district.talents.map((t, k) => (t.industries ? { ...t, industries: [...new Set(t.industries.map((id) => mapId(id, k)))] } : t));
  const industryPriority = Object.fromEntries(ids.map((id, j) => [id, Math.round((1 - j / (n + 1)) * 100) / 100]));
  return createEngine({ industries, platforms, talents, policy: { ...JIANGDONG_POLICY, industryPriority, minScoreForReferral: 0.15 } });
}

function expectKernelEqualsExplainer(e: Engine): void {
  const m = e.model;
  const s = createRowScratch(m.platforms.count);
  let acceptable = 0;
  let rejected = 0;
  const priorities = new Set<number>();
  for (let ti = 0; ti < m.talents.count; ti++) {
    scoreRow(m, ti, s);
    for (let p = 0; p < m.platforms.count; p++) {
      const x = explainPair(m, ti, p);
      if (s.score[p] === UNACCEPTABLE) {
        rejected++;
        expect(x.acceptable).toBe(false);
        continue;
      }
      acceptable++;
      expect(x.acceptable).toBe(true);
      // toBe is Object.is: equal bits (and -0 differs from 0)
      expect(s.score[p]).toBe(x.score);
      expect(s.forward[p]).toBe(x.talentScore);
      expect(s.backward[p]).toBe(x.platformScore);
      priorities.add(x.terms.priority);
    }
  }
  // the comparison covered both kinds of pairs, and the priority term varied
  expect(acceptable).toBeGreaterThan(100);
  expect(rejected).toBeGreaterThan(0);
  expect(priorities.size).toBeGreaterThan(3);
}

describe('kernel === explainer, bit for bit', () => {
  it('on the seven-industry taxonomy (the unrolled branch)', () => {
    const e = relabel(7);
    expect(e.model.ctx.dims).toBe(7);
    expectKernelEqualsExplainer(e);
  });

  it('on a 3-industry taxonomy (the general branch)', () => {
    const e = relabel(3);
    expect(e.model.ctx.dims).toBe(3);
    expectKernelEqualsExplainer(e);
  });

  it('on a 12-industry taxonomy (the general branch)', () => {
    const e = relabel(12);
    expect(e.model.ctx.dims).toBe(12);
    // the clones are in use: some platform leans on an industry beyond the seventh
    let beyond = 0;
    for (let p = 0; p < e.model.platforms.count; p++) for (let d = 7; d < 12; d++) if (e.model.platforms.industry[p * 12 + d] > 0) beyond++;
    expect(beyond).toBeGreaterThan(0);
    expectKernelEqualsExplainer(e);
  });
});
