import { beforeAll, describe, expect, it } from 'vitest';
import { TERMS } from '../../src/config/weights.js';
import { choiceSets, fitConditionalLogit, learnWeights } from '../../src/evaluation/learn.js';
import type { Choice } from '../../src/evaluation/learn.js';
import { rng } from '../../src/util/rng.js';
import { loadDataset } from '../../src/adapters/files/dataset.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/engine.js';
import type { Outcome } from '../../src/domain/schemas.js';
import { relevantPairs } from '../../src/evaluation/evaluate.js';
import { tune } from '../../src/evaluation/tune.js';

const K = TERMS.length;

/** Choices drawn from a known conditional logit: alternatives' term values uniform in [0, 1]. */
function simulate(beta: number[], sets: number, alternatives: number, seed: number): Choice[] {
  const r = rng(seed);
  const out: Choice[] = [];
  for (let s = 0; s < sets; s++) {
    const x = new Float64Array(alternatives * K);
    for (let i = 0; i < x.length; i++) x[i] = r();
    const u = Array.from({ length: alternatives }, (_, a) => beta.reduce((acc, b, k) => acc + b * x[a * K + k], 0));
    const max = Math.max(...u);
    const e = u.map((v) => Math.exp(v - max));
    const z = e.reduce((a, b) => a + b, 0);
    let pick = r() * z;
    let chosen = 0;
    while (chosen < alternatives - 1 && pick > e[chosen]) pick -= e[chosen++];
    out.push({ x, rows: alternatives, chosen: [chosen] });
  }
  return out;
}

describe('conditional logit (the learned weights)', () => {
  it('recovers the generating weights of a known choice model', () => {
    // generating weights on the scorer's terms (TERMS order, concept last); scaled by 6 so choices carry signal
    const truth = [0.8, 1, 0, 0.5, 0, 0.3, 0.6, 0, 0.2, 0.4];
    const fit = fitConditionalLogit(simulate(truth.map((w) => 6 * w), 3000, 12, 11), { l2: 1e-6 });
    expect(fit.choices).toBe(3000);
    expect(fit.weights).toBeDefined();
    TERMS.forEach((t, k) => expect(Math.abs(fit.weights![t] - truth[k]), t).toBeLessThan(0.08));
    // the coefficients themselves, not only their ratios, match the scaled truth
    expect(fit.coefficients.industry).toBeGreaterThan(5);
    expect(fit.coefficients.industry).toBeLessThan(7);
  });

  it('is at the optimum: the penalised log-likelihood gradient vanishes and no nearby point is better', () => {
    const choices = simulate([1, 2, 0, 1, 0, 0, 1, 0, 0.5], 400, 8, 3);
    const fit = fitConditionalLogit(choices, { l2: 0.01 });
    const ll = (b: number[]) => {
      let s = 0;
      for (const c of choices) {
        const u = Array.from({ length: c.rows }, (_, a) => b.reduce((acc, w, k) => acc + w * c.x[a * K + k], 0));
        const m = Math.max(...u);
        const lz = m + Math.log(u.reduce((a, v) => a + Math.exp(v - m), 0));
        for (const row of c.chosen) s += u[row] - lz;
      }
      return s - 0.005 * b.reduce((a, w) => a + w * w, 0);
    };
    const b = TERMS.map((t) => fit.coefficients[t]);
    const best = ll(b);
    for (let k = 0; k < K; k++) {
      for (const d of [1e-3, -1e-3]) {
        const moved = [...b];
        moved[k] += d;
        expect(ll(moved)).toBeLessThanOrEqual(best + 1e-9);
      }
    }
  });

  it('several choices from one set weigh like the same set repeated', () => {
    const [one] = simulate([1, 1, 1, 1, 1, 1, 1, 1, 1], 1, 6, 5);
    const grouped = fitConditionalLogit([{ ...one, chosen: [0, 3, 3] }], { l2: 0.1 });
    const repeated = fitConditionalLogit([{ ...one, chosen: [0] }, { ...one, chosen: [3] }, { ...one, chosen: [3] }], { l2: 0.1 });
    for (const t of TERMS) expect(grouped.coefficients[t]).toBeCloseTo(repeated.coefficients[t], 10);
  });

  it('keeps no weights when no coefficient is positive', () => {
    const fit = fitConditionalLogit(simulate([-2, -1, -1, -1, -1, -1, -1, -1, -1], 300, 6, 9), { l2: 1e-3 });
    expect(Math.max(...TERMS.map((t) => fit.coefficients[t]))).toBeLessThanOrEqual(0);
    expect(fit.weights).toBeUndefined();
  });
});

describe('tune --method learn / auto on the fixtures', () => {
  let engine: Engine;
  let outcomes: Outcome[];
  beforeAll(async () => {
    const { dataset } = await loadDataset({ data: 'fixtures/jiangdong' }, { needTalents: true, needOutcomes: true, skipInvalid: false });
    engine = createEngine(dataset, { trusted: true });
    outcomes = dataset.outcomes!;
  });

  it('each outcome is a choice on both sides, the chosen pair inside its set', () => {
    const rel = relevantPairs(engine, outcomes).slice(0, 40);
    const sets = choiceSets(engine.model, rel);
    const total = sets.reduce((a, c) => a + c.chosen.length, 0);
    expect(total).toBe(2 * rel.length);
    for (const c of sets) for (const row of c.chosen) expect(row).toBeLessThan(c.rows);
    const fit = learnWeights(engine.model, rel);
    expect(fit.choices).toBe(2 * rel.length);
  });

  it('learn cross-validates on the same folds; auto keeps the better held-out method', () => {
    const opts = { budget: 4, folds: 2, seed: 3 };
    const random = tune(engine, outcomes, { ...opts, method: 'random' });
    const learned = tune(engine, outcomes, { ...opts, method: 'learn' });
    const auto = tune(engine, outcomes, { ...opts, method: 'auto' });
    expect(learned.method).toBe('learn');
    expect(learned.perFold).toHaveLength(2);
    // same folds, same starting weights: the baselines agree exactly
    expect(learned.baseline).toEqual(random.baseline);
    expect(auto.compared).toEqual({ random: random.tuned.cv, learn: learned.tuned.cv });
    const better = learned.tuned.cv > random.tuned.cv ? learned : random;
    expect(auto.method).toBe(better.method);
    expect(auto.weights).toEqual(better.weights);
    for (const w of Object.values(learned.weights)) {
      expect(w).toBeGreaterThanOrEqual(0);
      expect(w).toBeLessThanOrEqual(1);
    }
    // on the fixtures' outcomes the fitted weights beat the defaults held out
    expect(learned.tuned.cv).toBeGreaterThan(learned.baseline.cv);
  }, 600_000);
});
