/**
 * Capacity boundaries of the matching rules that the mutation sweep (scripts/mutants.mjs)
 * found untested.
 */
import { describe, expect, it } from 'vitest';
import { countBlockingPairs } from '../../src/matching/blocking.js';
import { optimalOnPlatformGraph } from '../../src/matching/flow.js';
import { feasible } from '../../src/matching/optimal.js';
import { finishPairSet } from '../../src/matching/pairs.js';
import { optimalSlots } from '../../src/matching/slots.js';
import { toPairSet } from './instances.js';
import type { RawInstance } from './instances.js';

describe('blocking pairs: evicting the platform\'s only holder', () => {
  // P: 1 slot, 2 seats, held by A (2 seats); B (unassigned) needs seats too, and P ranks B
  // above A: B comes first in P's order, so the seats A would free are the suffix maximum
  // over the whole of P's list (position 0)
  const base: RawInstance = {
    N: 2,
    M: 1,
    seats: [2, 2],
    freeSlots: [1],
    freeSeats: [2],
    cells: [[[0.9, 0.5, 0.6]], [[0.8, 0.7, 0.75]]],
  };
  const held = { pairOf: Int32Array.of(0, -1) };

  it('frees exactly the seats B needs: (B, P) blocks (mutation i >= 0 -> > 0 in the suffix maximum misses it)', () => {
    expect(countBlockingPairs(toPairSet(base), held)).toBe(1);
  });

  it('one seat short: no pair blocks', () => {
    expect(countBlockingPairs(toPairSet({ ...base, seats: [2, 3] }), held)).toBe(0);
  });

  it('P ranking B below A: no pair blocks, whatever the seats', () => {
    expect(countBlockingPairs(toPairSet({ ...base, cells: [[[0.9, 0.7, 0.75]], [[0.8, 0.5, 0.6]]] }), held)).toBe(0);
  });
});

describe('the exact slots-only optimum from given prices: the first pair of the lists moves', () => {
  /** one seat per talent and seats to spare: slots only; lists given in each talent's order */
  const pairSet = (tPtr: number[], plat: number[], s: number[], slots: number[]) => {
    const sv = Float64Array.from(s);
    return finishPairSet(tPtr.length - 1, slots.length, Int32Array.from(tPtr), Int32Array.from(plat), sv, sv, sv, new Int32Array(tPtr.length - 1).fill(1), Int32Array.from(slots), new Int32Array(slots.length).fill(1e6));
  };
  // found by a seeded search over small instances: the backward search from a free slot at a
  // positive price (freeSlots.ts) moves talent 0 off pair 0, the first pair of the lists;
  // the mutation own >= 0 -> > 0 there takes pair 0 for unplaced, keeps its platform counted
  // full, and gives a worse total (first) or more talents than slots at a platform (second)
  const cases = [
    { ps: pairSet([0, 2, 4, 5], [1, 0, 0, 1, 1], [0.75, 0.625, 0.75, 0.125, 0.25], [2, 2]), prices: [1.875, 0.375], optimum: 1.75 },
    { ps: pairSet([0, 3, 4, 6, 7, 10], [0, 2, 1, 0, 2, 1, 0, 1, 0, 2], [0.75, 0.75, 0.25, 0.625, 1, 0.75, 0.875, 0.75, 0.5, 0.125], [1, 2, 2]), prices: [0.125, 1.875, 0.125], optimum: 3.375 },
  ];

  it('is the optimum, within the slots, whatever the prices', () => {
    for (const { ps, prices, optimum } of cases) {
      expect(optimalOnPlatformGraph(ps).totalScore).toBeCloseTo(optimum, 12);
      for (const candidates of [1, 2, 3]) {
        const r = optimalSlots(ps, ps.freeSlots, { prices: Float64Array.from(prices), candidates });
        expect(feasible(ps, r.pairOf)).toBe(true);
        expect(r.totalScore).toBeCloseTo(optimum, 12);
        expect(Array.from(r.pairOf).reduce((a, e) => a + (e >= 0 ? ps.s[e] : 0), 0)).toBeCloseTo(optimum, 12);
      }
    }
  });
});

describe('the exact slots-only optimum: the tie rule at exact ties of the backward search', () => {
  const pairSet = (tPtr: number[], plat: number[], s: number[], slots: number[]) => {
    const sv = Float64Array.from(s);
    return finishPairSet(tPtr.length - 1, slots.length, Int32Array.from(tPtr), Int32Array.from(plat), sv, sv, sv, new Int32Array(tPtr.length - 1).fill(1), Int32Array.from(slots), new Int32Array(slots.length).fill(1e6));
  };

  it('a talent tied between two platforms with room at both takes its first listed (mutation k + wr < end -> <= takes the later reached platform)', () => {
    // t0: P0 0.125, P1 0.125 (a tie: listed by platform); t1: P1 0.375; P0 has 1 slot, P1 2
    const ps = pairSet([0, 2, 3], [0, 1, 1], [0.125, 0.125, 0.375], [1, 2]);
    const r = optimalSlots(ps);
    expect(r.totalScore).toBeCloseTo(0.5, 12);
    expect(Array.from(r.pairOf)).toEqual([0, 2]); // t0 at P0, t1 at P1
  });

  it('of two optima with the same total, the earlier talent keeps its first listed platform (mutation key[n] >= end -> > end gives it to the later one)', () => {
    // t0: P1 1, P0 0.875, P2 0.5; t1: P0 0.5, P1 0.25, P2 0.125; t2: P0 0.375, P1 0.125; slots 1, 2, 2
    // t1 at P0 and t2 at P1, or t1 at P1 and t2 at P0: 1.625 both ways; t1 comes first
    const ps = pairSet([0, 3, 6, 8], [1, 0, 2, 0, 1, 2, 0, 1], [1, 0.875, 0.5, 0.5, 0.25, 0.125, 0.375, 0.125], [1, 2, 2]);
    const r = optimalSlots(ps);
    expect(r.totalScore).toBeCloseTo(1.625, 12);
    expect(Array.from(r.pairOf, (e) => ps.plat[e])).toEqual([1, 0, 1]);
  });
});
