/**
 * The what-if simulator against its oracle: `match` / `refer` on a copy of the data with
 * the change applied by hand. Every scenario kind (capacity, modes, a new platform, policy,
 * weights, a talent edited or removed, exclusions) in every assignment mode must give the
 * same bytes, and the cost counters must show that only what the change touched was
 * vectorized and rescored.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/engine/data.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { assignmentJsonParts, recordContext, referralRecords } from '../../src/engine/formatAssignment.js';
import type { AssignOptions } from '../../src/matching/assign.js';
import type { MilpSolver } from '../../src/matching/optimal.js';
import { loadHighsSolver } from '../../src/solvers/highs.js';
import type { Scenario } from '../../src/domain/scenario.js';
import { parseScenarios } from '../../src/domain/scenario.js';
import { simulateBaseline, simulateScenario } from '../../src/simulation/simulate.js';
import type { SimSide } from '../../src/simulation/simulate.js';
import { applyScenario, datasetView } from '../../src/simulation/patch.js';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import { isTalentmatchError } from '../../src/errors.js';
import type { TalentmatchError } from '../../src/errors.js';

/**
 * A tight district: fewer free slots than talents, so capacity changes move people. With
 * `seats` small, seats bind (stable repair pass; the optimum by MILP); with it large the
 * optimum is the min-cost flow.
 */
function district(seats = 40): Dataset {
  const d = generateDistrict({ seed: 7, talents: 260, platforms: 18, outcomes: false, curated: false });
  const platforms = d.platforms.map((p, i) => ({ ...p, capacity: { ...p.capacity, slots: p.capacity.slotsUsed + 2 + (i % 5), seats: p.capacity.seatsUsed + seats } }));
  return { industries: d.industries, platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0.3 } };
}

const bytes = (engine: Engine, o: AssignOptions) => {
  const a = engine.match(o);
  const c = recordContext(engine);
  return {
    assignment: [...assignmentJsonParts(c, a)].join(''),
    referrals: [...referralRecords(c, engine.refer(a))].map((r) => JSON.stringify(r)).join('\n'),
  };
};
const sideBytes = (s: SimSide) => ({
  assignment: [...assignmentJsonParts(s.context, s.assignment)].join(''),
  referrals: [...referralRecords(s.context, s.referrals)].map((r) => JSON.stringify(r)).join('\n'),
});

interface Case {
  scenario: Scenario;
  /** the same change, made by hand on a deep copy of the data */
  byHand: (d: Dataset) => void;
  /** expected cost: texts vectorized, whether everything is rescored */
  vectorized?: number;
  rescoreAll?: boolean;
}

let base: Dataset;
let roomy: Dataset;
let solver: MilpSolver;
beforeAll(async () => {
  base = district();
  roomy = district(400);
  solver = await loadHighsSolver();
});

function cases(d: Dataset): Case[] {
  const p0 = d.platforms[0].id;
  const p1 = d.platforms[1].id;
  const p3 = d.platforms[3].id;
  const t0 = d.talents[0].id;
  const t5 = d.talents[5].id;
  const plat = (dd: Dataset, id: string) => dd.platforms.find((p) => p.id === id)!;
  const newPlatform = { ...structuredClone(d.platforms[2]), id: 'p-new-fintech', name: 'New Fintech Hub', description: 'A financial technology incubator for payment and blockchain startups.' };
  return [
    {
      scenario: { name: 'more slots', patch: [{ op: 'replace', path: `/platforms/${p0}/capacity/slots`, value: d.platforms[0].capacity.slots + 6 }] },
      byHand: (x) => (plat(x, p0).capacity.slots += 6),
      vectorized: 0,
      rescoreAll: false,
    },
    {
      scenario: { name: 'no free slot', patch: [{ op: 'replace', path: `/platforms/${p1}/capacity/slotsUsed`, value: d.platforms[1].capacity.slots }] },
      byHand: (x) => (plat(x, p1).capacity.slotsUsed = plat(x, p1).capacity.slots),
      vectorized: 0,
      rescoreAll: false,
    },
    {
      scenario: { name: 'fewer seats and capital', patch: [{ op: 'replace', path: `/platforms/${p3}/capacity/seats`, value: d.platforms[3].capacity.seatsUsed + 3 }, { op: 'add', path: `/platforms/${p3}/capacity/capitalYuan`, value: 50_000_000 }] },
      byHand: (x) => {
        plat(x, p3).capacity.seats = plat(x, p3).capacity.seatsUsed + 3;
        plat(x, p3).capacity.capitalYuan = 50_000_000;
      },
      vectorized: 0,
      rescoreAll: false,
    },
    {
      scenario: { name: 'modes', patch: [{ op: 'replace', path: `/platforms/${p0}/modes`, value: ['capital', 'training'] }, { op: 'add', path: `/platforms/${p1}/housing`, value: true }] },
      byHand: (x) => {
        plat(x, p0).modes = ['capital', 'training'];
        plat(x, p1).housing = true;
      },
      vectorized: 0,
      rescoreAll: false,
    },
    {
      scenario: { name: 'declared industries and exclusion', patch: [{ op: 'replace', path: `/platforms/${p0}/industries`, value: { 'financial-services': 1 } }, { op: 'add', path: `/platforms/${p1}/excludeTalents`, value: [t0] }] },
      byHand: (x) => {
        plat(x, p0).industries = { 'financial-services': 1 };
        plat(x, p1).excludeTalents = [t0];
      },
      vectorized: 0,
      rescoreAll: false,
    },
    {
      scenario: { name: 'priority', patch: [{ op: 'replace', path: '/policy/industryPriority/human-resources', value: 1 }] },
      byHand: (x) => (x.policy = { ...x.policy, industryPriority: { ...x.policy.industryPriority, 'human-resources': 1 } }),
      vectorized: 0,
      rescoreAll: true,
    },
    {
      scenario: { name: 'support cap', patch: [{ op: 'replace', path: '/policy/maxSupportYuan', value: 300_000 }] },
      byHand: (x) => (x.policy = { ...x.policy, maxSupportYuan: 300_000 }),
      vectorized: 0,
      rescoreAll: false,
    },
    {
      scenario: { name: 'min score', patch: [{ op: 'replace', path: '/policy/minScoreForReferral', value: 0.45 }] },
      byHand: (x) => (x.policy = { ...x.policy, minScoreForReferral: 0.45 }),
      vectorized: 0,
      rescoreAll: true,
    },
    {
      scenario: { name: 'weights', patch: [{ op: 'add', path: '/weights/capacity', value: 0.3 }, { op: 'add', path: '/weights/industryInferredShare', value: 0.6 }] },
      byHand: (x) => (x.weights = { ...(x.weights ?? {}), capacity: 0.3, industryInferredShare: 0.6 }),
      vectorized: 0,
      rescoreAll: true,
    },
    {
      scenario: { name: 'talent edited', patch: [{ op: 'replace', path: `/talents/${t0}/description`, value: 'Blockchain payment settlement for cross-border e-commerce sellers.' }, { op: 'add', path: `/talents/${t5}/needs`, value: { seats: 4, training: true } }] },
      byHand: (x) => {
        x.talents.find((t) => t.id === t0)!.description = 'Blockchain payment settlement for cross-border e-commerce sellers.';
        x.talents.find((t) => t.id === t5)!.needs = { seats: 4, training: true };
      },
      vectorized: 1,
      rescoreAll: false,
    },
    {
      scenario: { name: 'talent removed', patch: [{ op: 'remove', path: `/talents/${t5}` }] },
      byHand: (x) => (x.talents = x.talents.filter((t) => t.id !== t5)),
      vectorized: 0,
      rescoreAll: false,
    },
    {
      scenario: { name: 'new platform', patch: [{ op: 'add', path: '/platforms/p-new-fintech', value: newPlatform }] },
      byHand: (x) => x.platforms.push(structuredClone(newPlatform)),
      rescoreAll: true,
    },
  ];
}

const MODES: [string, (s: MilpSolver) => AssignOptions, () => Dataset, (c: Case) => boolean][] = [
  ['stable, talents propose', () => ({ mode: 'stable', proposer: 'talent' }), () => base, () => true],
  ['stable, platforms propose, 3 preferences', () => ({ mode: 'stable', proposer: 'platform', maxPrefs: 3 }), () => base, () => true],
  ['optimal (min-cost flow)', (solver) => ({ mode: 'optimal', solver, timeLimitSec: 60 }), () => roomy, () => true],
  // the MILP (seats bind) costs seconds a solve here: one scenario (the column path) shows it is the same path
  ['optimal (MILP, seats bind)', (solver) => ({ mode: 'optimal', solver, timeLimitSec: 60 }), () => base, (c) => c.scenario.name === 'more slots'],
];

describe('simulate equals match / refer on the hand-patched copy', () => {
  for (const [label, opts, data, pick] of MODES) {
    it(`every scenario kind, ${label}`, () => {
      const d = data();
      const engine = createEngine(d);
      const o = { assign: opts(solver) };
      const baseline = simulateBaseline(engine, o);
      expect(sideBytes(baseline)).toEqual(bytes(engine, o.assign));
      if (o.assign.mode === 'optimal') expect(baseline.assignment.optimal?.method).toBe(d === base ? 'milp' : 'min-cost-flow');
      for (const c of cases(d).filter(pick)) {
        const run = simulateScenario(engine, baseline, c.scenario, o);
        const copy = structuredClone(d);
        c.byHand(copy);
        const hand = createEngine(copy);
        const want = bytes(hand, o.assign);
        const got = sideBytes(run.side);
        expect(got.assignment, c.scenario.name).toBe(want.assignment);
        expect(got.referrals, c.scenario.name).toBe(want.referrals);
        if (c.vectorized !== undefined) expect(run.cost.vectorized, c.scenario.name).toBe(c.vectorized);
        if (c.rescoreAll !== undefined) expect(run.cost.pairs === run.cost.totalPairs && run.cost.rows === run.side.table.talents, c.scenario.name).toBe(c.rescoreAll);
      }
    });
  }

  it('a capacity-only change rescores exactly one column and vectorizes nothing', () => {
    const engine = createEngine(base);
    const o = { assign: { mode: 'stable' as const } };
    const baseline = simulateBaseline(engine, o);
    const run = simulateScenario(engine, baseline, cases(base)[0].scenario, o);
    expect(run.cost).toMatchObject({ vectorized: 0, reusedText: true, rows: 0, columns: 1, pairs: base.talents.length });
    // the support cap touches no score at all
    const cap = simulateScenario(engine, baseline, cases(base)[6].scenario, o);
    expect(cap.cost).toMatchObject({ vectorized: 0, rows: 0, columns: 0, pairs: 0 });
    expect(cap.diff.moves).toEqual([]);
  });

  it('an empty patch changes nothing and the diff is deterministic', () => {
    const engine = createEngine(base);
    const o = { assign: { mode: 'stable' as const } };
    const baseline = simulateBaseline(engine, o);
    const run = simulateScenario(engine, baseline, { name: 'nothing', patch: [] }, o);
    expect(run.cost.pairs).toBe(0);
    expect(run.diff.moves).toEqual([]);
    expect(run.diff.delta).toEqual({ placed: 0, totalScore: 0, supportYuan: 0 });
    expect(run.diff.referrals['platform-to-government']).toEqual({ added: [], removed: [] });
    expect(run.diff.referrals['government-to-platform']).toEqual({ added: [], removed: [] });
    const again = simulateScenario(createEngine(base), simulateBaseline(createEngine(base), o), cases(base)[0].scenario, o);
    expect(JSON.stringify(again.diff)).toBe(JSON.stringify(simulateScenario(engine, baseline, cases(base)[0].scenario, o).diff));
  });
});

describe('removing all of a platform\'s slots', () => {
  it('places nobody there and lists every talent who was placed there as moved or unplaced', () => {
    const engine = createEngine(base);
    const o = { assign: { mode: 'stable' as const } };
    const baseline = simulateBaseline(engine, o);
    const p = engine.model.platforms.ids.find((_, i) => baseline.assignment.assignedCount[i] >= 2)!;
    const pi = engine.platformIndex(p);
    const before = new Set<string>();
    for (let t = 0; t < baseline.table.talents; t++) {
      const e = baseline.assignment.matching.pairOf[t];
      if (e >= 0 && baseline.assignment.pairs.plat[e] === pi) before.add(engine.model.talents.ids[t]);
    }
    expect(before.size).toBe(baseline.assignment.assignedCount[pi]);
    const run = simulateScenario(engine, baseline, { name: 'close', patch: [{ op: 'replace', path: `/platforms/${p}/capacity`, value: { slots: 0, slotsUsed: 0, seats: 0, seatsUsed: 0 } }] }, o);
    expect(run.side.assignment.assignedCount[pi]).toBe(0);
    const use = run.diff.platforms.find((x) => x.id === p)!;
    expect(use.scenario!.assigned).toBe(0);
    expect(use.delta).toBe(-before.size);
    const left = run.diff.moves.filter((m) => m.from?.platformId === p);
    expect(new Set(left.map((m) => m.talentId))).toEqual(before);
    for (const m of left) expect(['moved', 'unplaced']).toContain(m.kind);
    for (const m of run.diff.moves) expect(m.to?.platformId).not.toBe(p);
    // every move's scores are the scores of its pairs on each side
    for (const m of left.filter((x) => x.kind === 'moved')) expect(m.to!.score).toBeGreaterThan(0);
  });
});

describe('scenario files and patch errors', () => {
  const err = (f: () => unknown): TalentmatchError => {
    try {
      f();
    } catch (e) {
      if (isTalentmatchError(e)) return e;
      throw e;
    }
    throw new Error('expected an error');
  };

  it('a failing operation is named by its index and path', () => {
    const e = err(() => applyScenario(base, { name: 's', patch: [{ op: 'add', path: '/weights/text', value: 0.2 }, { op: 'replace', path: '/platforms/p-missing/capacity/slots', value: 3 }] }));
    expect(e.code).toBe('E_INPUT');
    expect(e.issues[0]).toMatchObject({ file: 'scenario "s"', path: 'patch[1] (replace /platforms/p-missing/capacity/slots)', got: 'missing' });
    const t = err(() => applyScenario(base, { name: 's', patch: [{ op: 'test', path: '/policy/maxSupportYuan', value: 1 }] }));
    expect(t.issues[0]).toMatchObject({ path: 'patch[0] (test /policy/maxSupportYuan)', expected: 'test value 1', got: '1000000' });
  });

  it('an invalid patched record names the record, the operations that touched it and the field', () => {
    const p = base.platforms[0].id;
    const e = err(() => applyScenario(base, { name: 'bad', patch: [{ op: 'replace', path: `/platforms/${p}/capacity/slotsUsed`, value: 999 }, { op: 'replace', path: '/policy/maxSupportYuan', value: -5 }] }));
    const lines = e.issues.map((i) => `${i.file} ${i.path}: ${i.expected}`);
    expect(lines).toContain(`scenario "bad" /platforms/${p} [patch[0] (replace /platforms/${p}/capacity/slotsUsed)] capacity.slotsUsed: integer <= capacity.slots (${base.platforms[0].capacity.slots})`);
    expect(lines).toContain('scenario "bad" /policy [patch[1] (replace /policy/maxSupportYuan)] maxSupportYuan: number >= 0 (yuan)');
    const id = err(() => applyScenario(base, { name: 'id', patch: [{ op: 'add', path: '/platforms/p-x', value: { ...base.platforms[0], id: 'p-y' } }] }));
    expect(id.issues[0]).toMatchObject({ file: 'scenario "id" /platforms/p-x [patch[0] (add /platforms/p-x)]', path: 'id', got: '"p-y"' });
    // removing a platform a talent excludes breaks a cross-record rule: reported, not ignored
    const excl = { ...structuredClone(base), talents: base.talents.map((t, i) => (i === 0 ? { ...t, excludePlatforms: [p] } : t)) };
    const x = err(() => applyScenario(excl, { name: 'rm', patch: [{ op: 'remove', path: `/platforms/${p}` }] }));
    expect(x.issues.some((i) => i.file.startsWith(`scenario "rm" /talents/${base.talents[0].id}`))).toBe(true);
  });

  it('the base data is never modified and a record added without id takes its key', () => {
    const before = JSON.stringify(datasetView(base));
    const { id: _drop, ...rec } = base.platforms[0];
    const d = applyScenario(base, { name: 's', patch: [{ op: 'add', path: '/platforms/p-zz', value: rec }, { op: 'replace', path: `/platforms/${base.platforms[1].id}/capacity/slots`, value: 99 }] });
    expect(JSON.stringify(datasetView(base))).toBe(before);
    expect(d.platforms.find((p) => p.id === 'p-zz')?.name).toBe(base.platforms[0].name);
    // moves and copies between records, then writes inside them: the base stays as it was
    const [a, b, c] = base.platforms.map((p) => p.id);
    const e = applyScenario(base, {
      name: 'shuffle',
      patch: [
        { op: 'move', path: '/platforms/p-moved', from: `/platforms/${a}` },
        { op: 'replace', path: '/platforms/p-moved/capacity/slots', value: 50 },
        { op: 'replace', path: '/platforms/p-moved/id', value: 'p-moved' },
        { op: 'copy', path: `/platforms/${c}/capacity`, from: `/platforms/${b}/capacity` },
        { op: 'replace', path: `/platforms/${c}/capacity/seats`, value: 777 },
        { op: 'move', path: `/talents/${base.talents[1].id}/profile`, from: `/talents/${base.talents[0].id}/description` },
        { op: 'add', path: `/talents/${base.talents[0].id}/description`, value: 'rewritten' },
      ],
    });
    expect(JSON.stringify(datasetView(base))).toBe(before);
    expect(e.platforms.find((p) => p.id === 'p-moved')!.capacity.slots).toBe(50);
    expect(e.platforms.find((p) => p.id === a)).toBeUndefined();
    expect(e.platforms.find((p) => p.id === c)!.capacity).toEqual({ ...base.platforms.find((p) => p.id === b)!.capacity, seats: 777 });
    expect(e.platforms.find((p) => p.id === b)!.capacity).toEqual(base.platforms.find((p) => p.id === b)!.capacity);
    // records no operation touched are shared, not copied
    expect(e.talents.find((t) => t.id === base.talents[9].id)).toBe(base.talents.find((t) => t.id === base.talents[9].id));
  });

  it('parses one scenario, an array and {"scenarios": [...]}, naming the bad field', () => {
    const one = { name: 'a', patch: [] };
    expect(parseScenarios(one, 'f.json')).toHaveLength(1);
    expect(parseScenarios([one, { ...one, name: 'b' }], 'f.json')).toHaveLength(2);
    expect(parseScenarios({ scenarios: [one] }, 'f.json')).toHaveLength(1);
    const bad = err(() => parseScenarios({ name: 'a', patch: [{ op: 'replace', path: '/x' }] }, 'f.json'));
    expect(bad.issues[0]).toMatchObject({ file: 'f.json', path: 'patch[0].value', expected: 'a value' });
    const op = err(() => parseScenarios({ name: 'a', patch: [{ op: 'merge', path: '/x' }] }, 'f.json'));
    expect(op.issues[0]).toMatchObject({ path: 'patch[0].op' });
    const dup = err(() => parseScenarios([one, one], 'f.json'));
    expect(dup.issues[0]).toMatchObject({ index: 1, path: 'name' });
  });
});
