import fc from 'fast-check';
import type { PairSet } from '../../src/matching/pairs.js';
import { finishPairSet } from '../../src/matching/pairs.js';

export interface RawInstance {
  N: number;
  M: number;
  /** acceptable[t][p] -> [f, b, s] or null */
  cells: ([number, number, number] | null)[][];
  seats: number[];
  freeSlots: number[];
  freeSeats: number[];
}

const coarse = fc.integer({ min: 1, max: 6 }).map((x) => x / 6); // coarse: ties happen
/** scores one ulp apart around 1/2 (and -0 / +0): a comparison off by any margin, or by a tie's side, shows */
const fine = fc.constantFrom(0.5, 0.5 + 2 ** -53, 0.5 - 2 ** -54, 0.5 - 2 ** -53, 0, -0, 1);

/** Random small instances; `nonBinding` makes free seats >= free slots x max seat need; `fine`: scores one ulp apart. */
export function instanceArb(o: { maxN: number; maxM: number; nonBinding?: boolean; oneSeat?: boolean; fine?: boolean }) {
  const score = o.fine ? fine : coarse;
  return fc
    .record({
      N: fc.integer({ min: 1, max: o.maxN }),
      M: fc.integer({ min: 1, max: o.maxM }),
    })
    .chain(({ N, M }) =>
      fc.record({
        N: fc.constant(N),
        M: fc.constant(M),
        cells: fc.array(fc.array(fc.option(fc.tuple(score, score, score), { freq: 3 }), { minLength: M, maxLength: M }), { minLength: N, maxLength: N }),
        seats: fc.array(o.oneSeat ? fc.constant(1) : fc.integer({ min: 0, max: 4 }), { minLength: N, maxLength: N }),
        freeSlots: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: M, maxLength: M }),
        freeSeats: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: M, maxLength: M }),
      }),
    )
    .map((r): RawInstance => {
      if (o.nonBinding) {
        const maxSeats = Math.max(0, ...r.seats);
        r.freeSeats = r.freeSlots.map((s, p) => Math.max(r.freeSeats[p], s * maxSeats));
      }
      return r;
    });
}

/**
 * Instances where seats bind hard: N talents (1..maxN) on M platforms (1..maxM), each cell an
 * acceptable pair with probability ~freq/(freq+1) scored from `score`, seat needs 0-8, free
 * slots 0..maxSlots and free seats slots x (0..maxPerSlot) + (0..maxExtra) per platform: long
 * blocks of holders, platforms left with one slot, teams needing exactly the free seats.
 */
export function crowdedArb(o: { maxN: number; maxM: number; score: fc.Arbitrary<number>; freq: number; maxSlots: number; maxPerSlot: number; maxExtra: number }): fc.Arbitrary<RawInstance> {
  return fc
    .record({ N: fc.integer({ min: 1, max: o.maxN }), M: fc.integer({ min: 1, max: o.maxM }) })
    .chain(({ N, M }) =>
      fc.record({
        N: fc.constant(N),
        M: fc.constant(M),
        cells: fc.array(fc.array(fc.option(fc.tuple(o.score, o.score, o.score), { freq: o.freq }), { minLength: M, maxLength: M }), { minLength: N, maxLength: N }),
        seats: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: N, maxLength: N }),
        freeSlots: fc.array(fc.integer({ min: 0, max: o.maxSlots }), { minLength: M, maxLength: M }),
        perSlot: fc.array(fc.integer({ min: 0, max: o.maxPerSlot }), { minLength: M, maxLength: M }),
        extra: fc.array(fc.integer({ min: 0, max: o.maxExtra }), { minLength: M, maxLength: M }),
      }),
    )
    .map((r): RawInstance => ({ N: r.N, M: r.M, cells: r.cells, seats: r.seats, freeSlots: r.freeSlots, freeSeats: r.freeSlots.map((s, p) => s * r.perSlot[p] + r.extra[p]) }));
}

export function toPairSet(r: RawInstance): PairSet {
  const tPtr = new Int32Array(r.N + 1);
  const plat: number[] = [];
  const f: number[] = [];
  const b: number[] = [];
  const s: number[] = [];
  for (let t = 0; t < r.N; t++) {
    const list = r.cells[t].map((c, p) => ({ c, p })).filter((x) => x.c !== null) as { c: [number, number, number]; p: number }[];
    list.sort((x, y) => y.c[0] - x.c[0] || x.p - y.p);
    for (const x of list) {
      plat.push(x.p);
      f.push(x.c[0]);
      b.push(x.c[1]);
      s.push(x.c[2]);
    }
    tPtr[t + 1] = plat.length;
  }
  return finishPairSet(r.N, r.M, tPtr, Int32Array.from(plat), Float64Array.from(f), Float64Array.from(b), Float64Array.from(s), Int32Array.from(r.seats), Int32Array.from(r.freeSlots), Int32Array.from(r.freeSeats));
}

/** Assignment as platform per talent (-1 none), for the brute-force checks below. */
export type Plan = number[];

export function planOf(ps: PairSet, pairOf: Int32Array): Plan {
  return Array.from(pairOf, (e) => (e < 0 ? -1 : ps.plat[e]));
}

export function feasiblePlan(r: RawInstance, plan: Plan): boolean {
  const slots = new Array(r.M).fill(0);
  const seats = new Array(r.M).fill(0);
  for (let t = 0; t < r.N; t++) {
    const p = plan[t];
    if (p < 0) continue;
    if (!r.cells[t][p]) return false;
    slots[p]++;
    seats[p] += r.seats[t];
  }
  return slots.every((x, p) => x <= r.freeSlots[p]) && seats.every((x, p) => x <= r.freeSeats[p]);
}

/** Blocking pairs by the contract's definition, written independently of the engine. */
export function bruteBlocking(r: RawInstance, plan: Plan): number {
  const tPrefers = (t: number, p: number, q: number) => r.cells[t][p]![0] > r.cells[t][q]![0] || (r.cells[t][p]![0] === r.cells[t][q]![0] && p < q);
  const pPrefers = (p: number, t: number, u: number) => r.cells[t][p]![1] > r.cells[u][p]![1] || (r.cells[t][p]![1] === r.cells[u][p]![1] && t < u);
  let n = 0;
  for (let t = 0; t < r.N; t++) {
    for (let p = 0; p < r.M; p++) {
      if (!r.cells[t][p] || plan[t] === p) continue;
      if (plan[t] >= 0 && !tPrefers(t, p, plan[t])) continue;
      const members = plan.map((q, u) => (q === p ? u : -1)).filter((u) => u >= 0);
      const freeSlots = r.freeSlots[p] - members.length;
      const freeSeats = r.freeSeats[p] - members.reduce((a, u) => a + r.seats[u], 0);
      const room = freeSlots > 0 && freeSeats >= r.seats[t];
      const swap = members.some((u) => pPrefers(p, t, u) && freeSeats + r.seats[u] >= r.seats[t]);
      if (room || swap) n++;
    }
  }
  return n;
}

/** Every feasible plan (each talent: one acceptable platform or none). */
export function* allPlans(r: RawInstance): Generator<Plan> {
  const options = r.cells.map((row) => [-1, ...row.map((c, p) => (c ? p : -1)).filter((p) => p >= 0)]);
  const plan = new Array(r.N).fill(-1);
  function* rec(t: number): Generator<Plan> {
    if (t === r.N) {
      if (feasiblePlan(r, plan)) yield [...plan];
      return;
    }
    for (const p of options[t]) {
      plan[t] = p;
      yield* rec(t + 1);
    }
  }
  yield* rec(0);
}

export function planScore(r: RawInstance, plan: Plan): number {
  return plan.reduce((a, p, t) => a + (p >= 0 ? r.cells[t][p]![2] : 0), 0);
}
