import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/adapters/files/dataset.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/engine.js';
import type { Outcome } from '../../src/domain/schemas.js';
import { tune, objectiveValue } from '../../src/evaluation/tune.js';
import { evaluate } from '../../src/evaluation/evaluate.js';
import { main } from '../../src/adapters/cli/main.js';

let engine: Engine;
let outcomes: Outcome[];
beforeAll(async () => {
  const { dataset } = await loadDataset({ data: 'fixtures/jiangdong' }, { needTalents: true, needOutcomes: true, skipInvalid: false });
  engine = createEngine(dataset, { trusted: true });
  outcomes = dataset.outcomes!;
});

describe('tune', () => {
  it('is deterministic for a seed, never worse than its start on the data it searched, and reports held-out folds', () => {
    const a = tune(engine, outcomes, { budget: 6, folds: 2, seed: 7 });
    const b = tune(engine, outcomes, { budget: 6, folds: 2, seed: 7 });
    expect(b).toEqual(a);
    expect(a.tuned.all).toBeGreaterThanOrEqual(a.baseline.all);
    expect(a.perFold).toHaveLength(2);
    for (const w of Object.values(a.weights)) {
      expect(w).toBeGreaterThanOrEqual(0);
      expect(w).toBeLessThanOrEqual(1);
    }
  });

  it('objective combines both sides and penalises exposure concentration', () => {
    expect(objectiveValue('balanced', 0.1, 0.4, 0.2, 0.5)).toBeCloseTo(0.25, 12);
    expect(objectiveValue('talent', 0, 0.4, 0.2, 0.5)).toBe(0.4);
    expect(objectiveValue('platform', 1, 0.4, 0.2, 0.5)).toBeCloseTo(-0.3, 12);
    expect(objectiveValue('balanced', 0, Number.NaN, 0.2, 0)).toBeCloseTo(0.1, 12);
  });

  it('CLI writes weights with provenance that validate as a weights file', async () => {
    const d = mkdtempSync(join(tmpdir(), 'tm-tune-'));
    let out = '';
    let err = '';
    const io = { out: (s: string) => (out += s), err: (s: string) => (err += s) };
    const code = await main(['node', 'talentmatch', 'tune', '--data', 'fixtures/jiangdong', '--budget', '4', '--folds', '2', '--seed', '3', '--out', join(d, 'w.json')], io);
    expect(code, err).toBe(0);
    expect(out).toMatch(/held-out objective: baseline \d\.\d{4} -> tuned \d\.\d{4}/);
    expect(err).toMatch(/tune: \d+\/\d+ \(100%\)/); // plain progress lines when not a TTY
    const w = JSON.parse(readFileSync(join(d, 'w.json'), 'utf8'));
    expect(w._provenance).toMatchObject({ objective: 'balanced', folds: 2, seed: 3, budget: 4, method: 'random' });
    expect(w._provenance.baseline.cv).toEqual(expect.any(Number));
    expect(await main(['node', 'talentmatch', 'evaluate', '--data', 'fixtures/jiangdong', '--weights', join(d, 'w.json'), '--json'], io)).toBe(0);
    expect(await main(['node', 'talentmatch', 'tune', '--data', 'fixtures/jiangdong', '--folds', '1', '--out', join(d, 'x.json')], io)).toBe(2);
    expect(await main(['node', 'talentmatch', 'tune', '--data', 'fixtures/jiangdong', '--method', 'newton', '--out', join(d, 'x.json')], io)).toBe(2);
  });

  it('CLI --method learn writes the learned weights and says which method made them', async () => {
    const d = mkdtempSync(join(tmpdir(), 'tm-tune-'));
    let out = '';
    let err = '';
    const io = { out: (s: string) => (out += s), err: (s: string) => (err += s) };
    const code = await main(['node', 'talentmatch', 'tune', '--data', 'fixtures/jiangdong', '--method', 'learn', '--folds', '2', '--seed', '3', '--out', join(d, 'w.json')], io);
    expect(code, err).toBe(0);
    expect(out).toContain('method learn');
    const w = JSON.parse(readFileSync(join(d, 'w.json'), 'utf8'));
    expect(w._provenance).toMatchObject({ method: 'learn', folds: 2 });
    expect(w.industry).toBe(1); // the largest coefficient scales to 1
  }, 600_000);
});

describe('evaluate', () => {
  it('reports both sides, coverage, exposure and assignment health', () => {
    const ev = evaluate(engine, outcomes, 10);
    for (const side of [ev.talent, ev.platform]) {
      expect(side.queries).toBeGreaterThan(0);
      for (const m of [side.ndcg, side.map, side.recall, side.mrr]) {
        expect(m).toBeGreaterThanOrEqual(0);
        expect(m).toBeLessThanOrEqual(1);
      }
    }
    expect(ev.exposure.reduce((a, b) => a + b, 0)).toBe(engine.model.talents.count * 10);
    expect(ev.coverage.platforms).toBeGreaterThan(0.5);
    expect(ev.assignment!.blockingPairs).toBe(0);
    expect(ev.assignment!.slotFill).toBeGreaterThan(0);
  });
});
