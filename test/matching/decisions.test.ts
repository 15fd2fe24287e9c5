import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { assignPairs } from '../../src/matching/assign.js';
import type { Decisions } from '../../src/domain/decisions.js';
import { isTalentmatchError } from '../../src/errors.js';
import { loadHighsSolver } from '../../src/solvers/highs.js';
import type { MilpSolver } from '../../src/matching/optimal.js';
import { allPlans, bruteBlocking, feasiblePlan, instanceArb, planOf, planScore, toPairSet } from './instances.js';
import type { RawInstance } from './instances.js';

/** A random instance with random decisions on its acceptable pairs. */
const withDecisions = (o: Parameters<typeof instanceArb>[0]) =>
  instanceArb(o).chain((r) => {
    const cells: [number, number][] = [];
    r.cells.forEach((row, t) => row.forEach((c, p) => c && cells.push([t, p])));
    return fc.record({
      r: fc.constant(r),
      pins: fc.uniqueArray(fc.constantFrom(...(cells.length ? cells : [[-1, -1] as [number, number]])), { maxLength: 2, selector: (x) => x[0] }).map((l) => l.filter((x) => x[0] >= 0)),
      forbidden: fc.uniqueArray(fc.constantFrom(...(cells.length ? cells : [[-1, -1] as [number, number]])), { maxLength: 2, selector: (x) => `${x[0]},${x[1]}` }).map((l) => l.filter((x) => x[0] >= 0)),
      held: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: r.M, maxLength: r.M }),
    });
  });

function decisionsOf(x: { pins: [number, number][]; forbidden: [number, number][]; held: number[] }, r: RawInstance): Decisions {
  const pinned = new Set(x.pins.map((p) => `${p[0]},${p[1]}`));
  return {
    pins: x.pins.map(([talent, platform]) => ({ talent, platform })),
    forbidden: x.forbidden.filter((f) => !pinned.has(`${f[0]},${f[1]}`)).map(([talent, platform]) => ({ talent, platform })),
    heldSeats: new Map(x.held.map((h, p) => [p, Math.min(h, r.freeSeats[p])] as [number, number]).filter(([, h]) => h > 0)),
    source: 'decisions.json',
  };
}

/** The instance the decisions leave, written from the raw instance (independently of applyDecisions). */
function decided(r: RawInstance, d: Decisions): RawInstance {
  const cells = r.cells.map((row) => row.map((c) => c));
  for (const f of d.forbidden) cells[f.talent][f.platform] = null;
  return { ...r, cells, freeSeats: r.freeSeats.map((s, p) => s - (d.heldSeats.get(p) ?? 0)) };
}

/** What the pins leave for everyone else: pinned talents out, their capacity used. */
function rest(r: RawInstance, d: Decisions): RawInstance {
  const cells = r.cells.map((row, t) => (d.pins.some((p) => p.talent === t) ? row.map(() => null) : row));
  const freeSlots = [...r.freeSlots];
  const freeSeats = [...r.freeSeats];
  for (const p of d.pins) {
    freeSlots[p.platform]--;
    freeSeats[p.platform] -= r.seats[p.talent];
  }
  return { ...r, cells, freeSlots, freeSeats };
}

const pinsFit = (r: RawInstance, d: Decisions) => {
  const plan = new Array(r.N).fill(-1);
  for (const p of d.pins) plan[p.talent] = p.platform;
  return feasiblePlan(r, plan);
};

describe('committee decisions', () => {
  // the optimal mode as the CLI and the API run it: exact (MILP) at this size. Without a
  // solver, seats that bind leave the Lagrangian heuristic, whose answer carries a gap.
  let solver: MilpSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  it('optimal: the best total among plans that keep the pins, avoid forbidden pairs and leave the held seats (brute force)', () => {
    fc.assert(
      fc.property(withDecisions({ maxN: 6, maxM: 3 }), (x) => {
        const d = decisionsOf(x, x.r);
        const r2 = decided(x.r, d);
        const ps = toPairSet(x.r);
        if (!pinsFit(r2, d)) {
          expect(() => assignPairs(ps, { mode: 'optimal', decisions: d, solver }, ['P0', 'P1', 'P2'], () => '')).toThrow(/decisions\.json pins\.\d/);
          return;
        }
        const a = assignPairs(ps, { mode: 'optimal', decisions: d, solver }, ['P0', 'P1', 'P2'], () => '');
        const plan = planOf(a.pairs, a.matching.pairOf);
        for (const p of d.pins) expect(plan[p.talent]).toBe(p.platform);
        expect(feasiblePlan(r2, plan)).toBe(true);
        let best = -1;
        for (const q of allPlans(r2)) if (d.pins.every((p) => q[p.talent] === p.platform)) best = Math.max(best, planScore(r2, q));
        expect(a.totalScore).toBeCloseTo(best, 6);
      }),
      { numRuns: 250 },
    );
  });

  it('stable: pins placed first, the rest stable among themselves (brute-force blocking count on what the pins leave)', () => {
    fc.assert(
      fc.property(withDecisions({ maxN: 6, maxM: 3, nonBinding: true, oneSeat: true }), (x) => {
        const d = decisionsOf(x, x.r);
        const r2 = decided(x.r, d);
        if (!pinsFit(r2, d)) return;
        for (const proposer of ['talent', 'platform'] as const) {
          const a = assignPairs(toPairSet(x.r), { mode: 'stable', proposer, decisions: d }, ['P0', 'P1', 'P2'], () => '');
          const plan = planOf(a.pairs, a.matching.pairOf);
          for (const p of d.pins) expect(plan[p.talent]).toBe(p.platform);
          for (const f of d.forbidden) expect(plan[f.talent]).not.toBe(f.platform);
          expect(feasiblePlan(r2, plan)).toBe(true);
          const restPlan = plan.map((p, t) => (d.pins.some((q) => q.talent === t) ? -1 : p));
          expect(a.blockingPairs).toBe(bruteBlocking(rest(r2, d), restPlan));
          // held seats can make seats bind; with none held, deferred acceptance on the rest is stable
          if (d.heldSeats.size === 0) expect(a.blockingPairs).toBe(0);
          expect(a.unassigned.every((u) => !d.pins.some((p) => p.talent === u.talent))).toBe(true);
        }
      }),
      { numRuns: 250 },
    );
  });

  const one: RawInstance = {
    N: 3,
    M: 1,
    seats: [2, 1, 1],
    freeSlots: [2],
    freeSeats: [3],
    cells: [[[0.5, 0.5, 0.5]], [[0.9, 0.9, 0.9]], [[0.8, 0.8, 0.8]]],
  };
  const err = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(isTalentmatchError(e) && e.code).toBe('E_INPUT');
      return (e as Error).message;
    }
    throw new Error('no error');
  };
  const run = (d: Partial<Decisions>, r = one) =>
    assignPairs(toPairSet(r), { mode: 'stable', decisions: { pins: [], forbidden: [], heldSeats: new Map(), source: 'd.json', ...d } }, ['P'], () => '', ['A', 'B', 'C']);

  it('a pin using exactly the free seats is placed first, ahead of talents the platform ranks higher', () => {
    const a = run({ pins: [{ talent: 0, platform: 0 }] });
    expect(planOf(a.pairs, a.matching.pairOf)).toEqual([0, 0, -1]); // A (2 seats) pinned, B takes the last slot and seat
    expect(a.decisions?.pins).toEqual([{ talent: 0, platform: 0 }]);
  });

  it('a pin beyond the free seats or slots, of an unacceptable or forbidden pair, or twice, is a clear error', () => {
    expect(err(() => run({ pins: [{ talent: 0, platform: 0 }], heldSeats: new Map([[0, 2]]) }))).toMatch(/d\.json pins\.0: pinned teams needing 2 seats \(expected pins within P's 1 free seats \(after 2 held back\)\)/);
    expect(err(() => run({ pins: [{ talent: 0, platform: 0 }, { talent: 1, platform: 0 }, { talent: 2, platform: 0 }], heldSeats: new Map() }, { ...one, freeSeats: [9] }))).toMatch(/pins\.2: 3 talents pinned to P \(expected pins within P's 2 free slots\)/);
    expect(err(() => run({ pins: [{ talent: 1, platform: 0 }], forbidden: [{ talent: 1, platform: 0 }] }))).toMatch(/pins\.0: B -> P is both pinned and forbidden/);
    expect(err(() => run({ pins: [{ talent: 1, platform: 0 }] }, { ...one, cells: [[[0.5, 0.5, 0.5]], [null], [[0.8, 0.8, 0.8]]] }))).toMatch(/pins\.0: B -> P is not acceptable/);
    expect(err(() => run({ pins: [{ talent: 1, platform: 0 }, { talent: 1, platform: 0 }] }))).toMatch(/pinned twice/);
    expect(err(() => run({ heldSeats: new Map([[0, 4]]) }))).toMatch(/heldSeats\.P: 4 seats held back \(expected at most the 3 free seats\)/);
    // exactly the free seats held back is allowed: nobody fits then
    expect(planOf(run({ heldSeats: new Map([[0, 3]]) }).pairs, run({ heldSeats: new Map([[0, 3]]) }).matching.pairOf)).toEqual([-1, -1, -1]);
  });

  it('forbidden pairs are never assigned and held seats are kept free', () => {
    const a = run({ forbidden: [{ talent: 1, platform: 0 }], heldSeats: new Map([[0, 1]]) });
    // B forbidden, 1 of 3 seats held: C (1 seat) joins; A (2 seats) no longer fits and P ranks C above A
    expect(planOf(a.pairs, a.matching.pairOf)).toEqual([-1, -1, 0]);
    expect(a.assignedSeats[0]).toBe(1);
  });
});
