/**
 * Defaults live in src/config and the consumers read them from there: the resolved engine
 * options, the limits at their boundaries, the tuner's and the assignment's documented figures.
 */
import { describe, expect, it } from 'vitest';
import { defaultEngineOptions, resolveEngineOptions } from '../../src/config/options.js';
import { defaultCacheSizes } from '../../src/config/caches.js';
import { ISSUE_CAP, MAX_TOP_K } from '../../src/config/limits.js';
import { defaultAssignOptions } from '../../src/config/assignment.js';
import { defaultTuneOptions } from '../../src/config/tuning.js';
import { validateDataset } from '../../src/engine/data.js';
import { tune } from '../../src/evaluation/tune.js';
import { createEngine } from '../../src/engine/engine.js';
import { dataset, platform, talent } from '../helpers.js';

describe('config', () => {
  it('engine options resolve to the documented defaults', () => {
    const r = resolveEngineOptions();
    expect(r).toEqual({ topK: 10, topKPlatform: 10, tokenCacheSize: defaultCacheSizes.engineTokens, trusted: false });
    expect(defaultEngineOptions.tokenCacheSize).toBe(50_000);
    expect(resolveEngineOptions({ topK: 3 }).topKPlatform).toBe(3);
  });

  it('top-k is accepted up to MAX_TOP_K and rejected one above', () => {
    expect(resolveEngineOptions({ topK: MAX_TOP_K }).topK).toBe(1000);
    expect(() => resolveEngineOptions({ topK: MAX_TOP_K + 1 })).toThrow(/topK must be an integer in \[1, 1000\], got 1001/);
    expect(() => resolveEngineOptions({ topKPlatform: 0 })).toThrow(/topKPlatform/);
  });

  it('input errors list ISSUE_CAP problems and count the rest', () => {
    const bad = Array.from({ length: ISSUE_CAP + 7 }, (_, i) => ({ id: `t-${i}` })); // each lacks name and description
    try {
      validateDataset({ ...dataset([platform('p')], []), talents: bad });
      expect.unreachable();
    } catch (e) {
      const err = e as { issues: unknown[]; omitted: number };
      expect(err.issues.length).toBe(ISSUE_CAP);
      expect(err.issues.length + err.omitted).toBe(2 * (ISSUE_CAP + 7));
    }
  });

  it('one MILP time limit (30 s) and the tuner\'s documented defaults', () => {
    expect(defaultAssignOptions.timeLimitSec).toBe(30);
    expect(defaultTuneOptions).toEqual({ budget: 40, seed: 1, folds: 5, objective: 'balanced', exposurePenalty: 0.1, k: 10, method: 'random' });
    const e = createEngine(dataset([platform('p-a'), platform('p-b')], [talent('t-1'), talent('t-2')]));
    const r = tune(e, [{ talentId: 't-1', platformId: 'p-a', outcome: 'signed' }], { budget: 2, folds: 2 });
    expect(r.options).toEqual({ ...defaultTuneOptions, budget: 2, folds: 2 });
  });
});
