import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { assignmentRecord, recordContext, referralRecords } from '../../src/engine/formatAssignment.js';
import { TalentmatchError } from '../../src/errors.js';
import type { InputIssue } from '../../src/errors.js';
import { generateDistrict } from '../../src/synth/generate.js';
import type { Platform, Talent } from '../../src/domain/schemas.js';
import { dataset, platform, talent } from '../helpers.js';

const fin = { description: 'Venture capital for fintech payment startups.', industries: { 'financial-services': 1 }, modes: ['capital' as const] };
const finTeam = (id: string, over: Partial<Talent> = {}) =>
  talent(id, { description: 'Fintech payment startup seeking venture capital.', industries: ['financial-services'], needs: { seats: 3, capitalYuan: 2_000_000 }, ...over });

/**
 * p-a hosts t-h (one of its 2 used slots, 3 of its 6 used seats) and has exactly one slot
 * left; p-b has two. t-h is the strongest fintech project of all (national level), yet it
 * stays where it is. Four incoming fintech teams compete.
 */
function instance(policy: Record<string, unknown> = {}) {
  const data = dataset(
    [
      platform('p-a', { ...fin, capacity: { slots: 3, slotsUsed: 2, seats: 40, seatsUsed: 6, capitalYuan: 9_000_000 } }),
      platform('p-b', { ...fin, description: 'Fintech and payment incubator with venture capital.', capacity: { slots: 2, slotsUsed: 0, seats: 40, seatsUsed: 0, capitalYuan: 9_000_000 } }),
    ],
    [
      finTeam('t-h', { talentLevel: 'national', hostedBy: 'p-a' }),
      finTeam('t-1', { talentLevel: 'provincial' }),
      finTeam('t-2', { talentLevel: 'municipal' }),
      finTeam('t-3'),
      finTeam('t-4', { description: 'Payment app team.' }),
    ],
  );
  data.policy = { ...data.policy, ...policy };
  return createEngine(data);
}

const lines = (e: Engine, mode: 'stable' | 'optimal' = 'stable') => [...referralRecords(recordContext(e), e.refer(e.match({ mode })))] as any[];
const line = (ls: any[], direction: string, platformId: string) => ls.find((l) => l.direction === direction && l.platformId === platformId);

describe('referrals on a known instance (hosted project, one slot left)', () => {
  const engine = instance();

  for (const mode of ['stable', 'optimal'] as const) {
    it(`${mode}: the hosted project is never assigned nor reported unassigned`, () => {
      const rec = assignmentRecord(recordContext(engine), engine.match({ mode }));
      expect(rec.assignments.map((a) => a.talentId)).not.toContain('t-h');
      expect(rec.unassigned.map((a) => a.talentId)).not.toContain('t-h');
      // 3 free slots in all (1 at p-a, 2 at p-b) for 4 incoming teams
      expect(rec.assignments.length).toBe(3);
      expect(rec.unassigned.length).toBe(1);
      expect(rec.platforms.find((p) => p.id === 'p-a')).toMatchObject({ assigned: 1, slotsUsed: 3 });
    });
  }

  it('a platform with exactly one slot left is introduced exactly one project; the rest of its demand is its reserve, in its own order', () => {
    const ls = lines(engine);
    const pa = line(ls, 'government-to-platform', 'p-a');
    expect(pa).toMatchObject({ freeSlots: 1, slotsLeft: 0, acceptable: 4 });
    expect(pa.introduced).toHaveLength(1);
    expect(pa.reserve).toHaveLength(3);
    const ids = [...pa.introduced, ...pa.reserve].map((i: any) => i.talentId);
    expect(new Set(ids)).toEqual(new Set(['t-1', 't-2', 't-3', 't-4']));
    expect(ids).not.toContain('t-h');
    for (let k = 1; k < pa.reserve.length; k++) expect(pa.reserve[k - 1].platformScore).toBeGreaterThanOrEqual(pa.reserve[k].platformScore);
    const weakest = pa.introduced[pa.introduced.length - 1].platformScore;
    const a = assignmentRecord(recordContext(engine), engine.match());
    const placed = new Map(a.assignments.map((x) => [x.talentId, x.platformId]));
    for (const r of pa.reserve) {
      expect(r.margin).toBe(r.platformScore - weakest);
      if (placed.has(r.talentId)) expect(r).toMatchObject({ status: 'placed-elsewhere', placedAt: placed.get(r.talentId) });
      else expect(r.status).toBe('unplaced');
    }
    expect(pa.reserve.filter((r: any) => r.status === 'unplaced')).toHaveLength(1);
    // each introduced project carries both scores and its why, adding up to the score
    const i0 = pa.introduced[0];
    const x = engine.explain(i0.talentId, 'p-a');
    expect(i0).toMatchObject({ score: x.score, talentScore: x.talentScore, platformScore: x.platformScore });
    expect(i0.why).toEqual(x.why);
  });

  it('platform-to-government: the hosted project is put forward, scored and explained like any other, ranked with the introduced by merit', () => {
    const ls = lines(engine);
    const pa = line(ls, 'platform-to-government', 'p-a');
    expect(pa).toMatchObject({ hosted: 1, introduced: 1 });
    expect(pa.items.map((i: any) => i.hosted).sort()).toEqual([false, true]);
    const h = pa.items.find((i: any) => i.talentId === 't-h');
    const x = engine.explain('t-h', 'p-a');
    expect(h).toMatchObject({ hosted: true, score: x.score, talentScore: x.talentScore, platformScore: x.platformScore });
    expect(h.why).toEqual(x.why);
    expect(Object.values(h.why as Record<string, number>).reduce((s, v) => s + v, 0)).toBeCloseTo(h.score, 9);
    for (const l of ls.filter((l) => l.direction === 'platform-to-government')) {
      for (const i of l.items) {
        expect(i.merit).toBe(i.score * i.priority);
        expect(i.supportYuan).toBeLessThanOrEqual(1_000_000);
      }
      for (let k = 1; k < l.items.length; k++) expect(l.items[k - 1].merit).toBeGreaterThanOrEqual(l.items[k].merit);
    }
    // no budget in the policy: suggestions only
    expect(h.funded).toBeUndefined();
    expect(ls.some((l) => l.direction === 'support-budget')).toBe(false);
  });

  it('a hosted project scoring exactly the referral minimum is referred; one just below it is listed as not referred', () => {
    const s = engine.explain('t-h', 'p-a').score;
    const at = lines(instance({ minScoreForReferral: s }));
    expect(line(at, 'platform-to-government', 'p-a').items.map((i: any) => i.talentId)).toContain('t-h');
    expect(line(at, 'platform-to-government', 'p-a').notReferred).toBeUndefined();
    const above = lines(instance({ minScoreForReferral: s + 1e-9 }));
    const pa = line(above, 'platform-to-government', 'p-a');
    expect(pa.items.map((i: any) => i.talentId)).not.toContain('t-h');
    expect(pa.notReferred).toEqual([expect.objectContaining({ talentId: 't-h', hosted: true, score: s })]);
    expect(pa.hosted).toBe(1);
  });

  it('the reserve length follows the policy (default 10)', () => {
    expect(line(lines(instance({ reserveLength: 1 })), 'government-to-platform', 'p-a').reserve).toHaveLength(1);
    expect(line(lines(instance({ reserveLength: 0 })), 'government-to-platform', 'p-a').reserve).toHaveLength(0);
  });

  it('with a support budget: never exceeded; every case says whether it is funded, and why not', () => {
    const all = lines(engine).filter((l) => l.direction === 'platform-to-government').flatMap((l) => l.items);
    const requested = all.reduce((s: number, i: any) => s + i.supportYuan, 0);
    const budget = Math.floor(requested / 2);
    const ls = lines(instance({ supportBudgetYuan: budget }));
    const items = ls.filter((l) => l.direction === 'platform-to-government').flatMap((l) => l.items);
    const summary = ls[ls.length - 1];
    expect(summary).toMatchObject({ direction: 'support-budget', budgetYuan: budget, requestedYuan: requested, method: 'dp', gap: 0 });
    const funded = items.filter((i: any) => i.funded);
    const spent = funded.reduce((s: number, i: any) => s + i.fundedYuan, 0);
    expect(spent).toBe(summary.allocatedYuan);
    expect(spent).toBeLessThanOrEqual(budget);
    expect(summary.funded).toBe(funded.length);
    expect(summary.notFunded).toBe(items.length - funded.length);
    expect(funded.length).toBeGreaterThan(0);
    expect(summary.notFunded).toBeGreaterThan(0);
    for (const i of items) {
      if (i.funded) expect(i.fundedYuan).toBe(i.supportYuan);
      else {
        expect(i.fundedYuan).toBe(0);
        expect(i.code).toBe('over-budget');
        expect(i.supportYuan).toBeGreaterThan(summary.leftYuan);
        expect(i.reason).toContain(`${summary.leftYuan} yuan`);
      }
    }
    for (const l of ls.filter((l) => l.direction === 'platform-to-government')) expect(l.fundedYuan).toBe(l.items.reduce((s: number, i: any) => s + i.fundedYuan, 0));
  });
});

describe('hosted projects against their hosts\' counts (input errors naming both)', () => {
  const issuesOf = (platforms: Platform[], talents: Talent[]): InputIssue[] => {
    try {
      createEngine(dataset(platforms, talents));
    } catch (e) {
      expect(e).toBeInstanceOf(TalentmatchError);
      return (e as TalentmatchError & { issues: InputIssue[] }).issues;
    }
    return [];
  };
  const host = (slotsUsed: number, seatsUsed: number) => platform('p-a', { capacity: { slots: 5, slotsUsed, seats: 50, seatsUsed } });

  it('exactly as many hosted projects and seats as used: accepted', () => {
    expect(issuesOf([host(2, 7)], [talent('t-1', { hostedBy: 'p-a', needs: { seats: 3 } }), talent('t-2', { hostedBy: 'p-a', teamSize: 4 })])).toEqual([]);
  });

  it('more hosted projects than slotsUsed', () => {
    const issues = issuesOf([host(1, 10)], [talent('t-1', { hostedBy: 'p-a', needs: { seats: 1 } }), talent('t-2', { hostedBy: 'p-a', needs: { seats: 1 } })]);
    expect(issues).toEqual([expect.objectContaining({ file: 'platforms', index: 0, path: 'capacity.slotsUsed', got: '1' })]);
    expect(issues[0].expected).toMatch(/^integer >= 2: 2 projects name p-a in hostedBy \(t-1 \(talents\[0\], 1 seats\), t-2 \(talents\[1\], 1 seats\)\)$/);
  });

  it('more hosted seats than seatsUsed', () => {
    const issues = issuesOf([host(2, 5)], [talent('t-1', { hostedBy: 'p-a', needs: { seats: 3 } }), talent('t-2', { hostedBy: 'p-a', needs: { seats: 3 } })]);
    expect(issues).toEqual([expect.objectContaining({ path: 'capacity.seatsUsed', got: '5' })]);
    expect(issues[0].expected).toContain('take 6 seats');
    expect(issues[0].expected).toContain('t-2 (talents[1], 3 seats)');
  });

  it('an unknown host', () => {
    expect(issuesOf([host(0, 0)], [talent('t-1', { hostedBy: 'p-zz' })])).toEqual([expect.objectContaining({ file: 'talents', index: 0, path: 'hostedBy', expected: 'an existing platform id', got: '"p-zz"' })]);
  });
});

describe('properties on generated districts (both modes)', () => {
  const districts = new Map<number, Engine>();
  const engineFor = (seed: number) => {
    if (!districts.has(seed)) {
      const d = generateDistrict({ seed, talents: 260, platforms: 18, words: [15, 40], curated: false, outcomes: false, hostedShare: 0.1 });
      const budget = 5_000_000 + (seed % 7) * 1_000_000;
      districts.set(seed, createEngine(dataset(d.platforms, d.talents, { policy: { ...dataset([], []).policy, minScoreForReferral: 0.3, supportBudgetYuan: budget } })));
    }
    return districts.get(seed)!;
  };

  it('introduced exactly once, reserves where demand exceeds room, hosted never assigned, budget never exceeded', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.constantFrom('stable' as const, 'optimal' as const), (seed, mode) => {
        const e = engineFor(seed);
        const hostedCount = [...e.hostOf].filter((p) => p >= 0).length;
        expect(hostedCount).toBeGreaterThan(0);
        const a = e.match({ mode, milpMaxPairs: 0 });
        const r = e.refer(a);
        const ps = a.pairs;
        for (let t = 0; t < ps.talents; t++) if (e.hostOf[t] >= 0) expect(a.matching.pairOf[t]).toBe(-1);
        for (const u of a.unassigned) expect(e.hostOf[u.talent]).toBe(-1);
        // every assigned project is introduced exactly once, at its platform
        const seen = new Map<number, number>();
        r.toPlatform.forEach((g, p) => {
          for (const i of g.introduced) {
            expect(seen.has(i.talent)).toBe(false);
            seen.set(i.talent, p);
          }
          if (a.assignedCount[p] > 0) expect(g.introduced.length).toBe(a.assignedCount[p]);
          // more acceptable demand than room: a non-empty reserve, in the platform's order
          if (g.acceptable > g.freeSlots) expect(g.reserve.length).toBeGreaterThan(0);
          for (let k = 1; k < g.reserve.length; k++) expect(g.reserve[k - 1].platformScore).toBeGreaterThanOrEqual(g.reserve[k].platformScore);
          const introducedHere = new Set(g.introduced.map((i) => i.talent));
          for (const x of g.reserve) {
            expect(introducedHere.has(x.talent)).toBe(false);
            expect(e.hostOf[x.talent]).toBe(-1);
            const own = a.matching.pairOf[x.talent];
            expect(x.placedAt).toBe(own >= 0 ? ps.plat[own] : -1);
          }
        });
        let assigned = 0;
        for (let t = 0; t < ps.talents; t++) {
          const ep = a.matching.pairOf[t];
          if (ep < 0) continue;
          assigned++;
          expect(seen.get(t)).toBe(ps.plat[ep]);
        }
        expect(seen.size).toBe(assigned);
        // platform-to-government: hosted (at or above the minimum) + introduced, each once
        const cases = r.toGovernment.flat();
        const notReferred = r.notReferred.flat();
        expect(cases.filter((c) => c.hosted).length + notReferred.length).toBe(hostedCount);
        expect(cases.filter((c) => !c.hosted).length).toBe(assigned);
        expect(new Set(cases.map((c) => c.talent)).size).toBe(cases.length);
        for (const c of cases) if (c.hosted) expect(c.score).toBeGreaterThanOrEqual(0.3);
        for (const n of notReferred) expect(n.score).toBeLessThan(0.3);
        // the budget is never exceeded
        const spent = cases.reduce((s, c) => s + (c.funding?.yuan ?? 0), 0);
        expect(spent).toBe(r.budget!.allocatedYuan);
        expect(spent).toBeLessThanOrEqual(r.budget!.budgetYuan);
        expect(r.budget!.funded + r.budget!.notFunded).toBe(cases.length);
      }),
      { numRuns: 12, seed: 2323 },
    );
  });
});
