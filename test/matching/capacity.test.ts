import { describe, expect, it } from 'vitest';
import { CapacityLedger, fits } from '../../src/matching/capacity.js';
import { platformProposing, talentProposing } from '../../src/matching/stable.js';
import { countBlockingPairs } from '../../src/matching/blocking.js';
import { optimalAssignment } from '../../src/matching/optimal.js';
import { toPairSet } from './instances.js';
import type { RawInstance } from './instances.js';

describe('the slot/seat rule', () => {
  it('a team needing exactly the free seats fits; one seat more does not', () => {
    expect(fits(1, 3, 3)).toBe(true);
    expect(fits(1, 3, 4)).toBe(false);
    expect(fits(5, 0, 0)).toBe(true);
  });
  it('a platform with exactly one free slot takes one more; with none it takes nobody', () => {
    expect(fits(1, 10, 1)).toBe(true);
    expect(fits(0, 10, 1)).toBe(false);
    expect(fits(-1, 10, 0)).toBe(false);
  });
  it('the ledger tracks joins and leaves, and says what fits instead of a holder', () => {
    const l = new CapacityLedger({ platforms: 1, freeSlots: Int32Array.of(2), freeSeats: Int32Array.of(5), seats: Int32Array.of(3, 2, 1) });
    l.join(0, 0);
    expect(l.fits(0, 1)).toBe(true); // 1 slot, 2 seats left: needs exactly 2
    l.join(0, 1);
    expect([l.slotsLeft[0], l.seatsLeft[0], l.count[0], l.seatsUsed[0]]).toEqual([0, 0, 2, 5]);
    expect(l.fits(0, 2)).toBe(false);
    expect(l.fitsInstead(0, 2, 1)).toBe(true);
    expect(l.withinLimits()).toBe(true);
    l.join(0, 2);
    expect(l.withinLimits()).toBe(false);
    l.leave(0, 2);
    expect(l.withinLimits()).toBe(true);
  });
});

/** One platform P (2 slots, 5 seats); A (3 seats) is held, B needs exactly the 2 seats left. */
const exactSeats: RawInstance = {
  N: 2,
  M: 1,
  seats: [3, 2],
  freeSlots: [2],
  freeSeats: [5],
  cells: [[[0.9, 0.9, 0.9]], [[0.8, 0.8, 0.8]]],
};
/** P has exactly one free slot; two talents want it; the platform prefers B. */
const oneSlot: RawInstance = {
  N: 2,
  M: 1,
  seats: [1, 1],
  freeSlots: [1],
  freeSeats: [9],
  cells: [[[0.9, 0.5, 0.6]], [[0.8, 0.7, 0.75]]],
};

describe('matchers at the capacity boundary', () => {
  it('a team needing exactly the free seats is admitted (both proposers, optimal) and no pair blocks', () => {
    const ps = toPairSet(exactSeats);
    for (const m of [talentProposing(ps), platformProposing(ps), optimalAssignment(ps)]) {
      expect(Array.from(m.pairOf)).toEqual([0, 1]);
      expect(countBlockingPairs(ps, m)).toBe(0);
    }
    // one seat fewer: B no longer fits, and B with P is not blocking (P cannot take it)
    const tight = toPairSet({ ...exactSeats, freeSeats: [4] });
    for (const m of [talentProposing(tight), platformProposing(tight)]) {
      expect(Array.from(m.pairOf)).toEqual([0, -1]);
      expect(countBlockingPairs(tight, m)).toBe(0);
    }
  });

  it('a platform with exactly one slot left takes exactly one talent, the one it ranks first', () => {
    const ps = toPairSet(oneSlot);
    for (const m of [talentProposing(ps), platformProposing(ps)]) {
      expect(Array.from(m.pairOf)).toEqual([-1, 1]);
      expect(countBlockingPairs(ps, m)).toBe(0);
    }
    // the other way round is blocked by (B, P): P ranks B above A, A's departure frees the slot
    expect(countBlockingPairs(ps, { pairOf: Int32Array.of(0, -1) })).toBe(1);
    // with the room taken, an unassigned talent with room elsewhere blocks when a slot is free
    expect(countBlockingPairs(toPairSet({ ...oneSlot, freeSlots: [2] }), { pairOf: Int32Array.of(0, -1) })).toBe(1);
    expect(optimalAssignment(ps).totalScore).toBeCloseTo(0.75, 12);
  });

  it('a departure that frees exactly the seats needed makes a pair blocking; one seat short does not', () => {
    // P: 2 slots, 4 seats; held: A (2 seats), C (2 seats); B needs 2 and P ranks B above C
    const base: RawInstance = {
      N: 3,
      M: 1,
      seats: [2, 2, 2],
      freeSlots: [2],
      freeSeats: [4],
      cells: [[[0.9, 0.9, 0.9]], [[0.8, 0.8, 0.8]], [[0.7, 0.7, 0.7]]],
    };
    const held = { pairOf: Int32Array.of(0, -1, 2) };
    expect(countBlockingPairs(toPairSet(base), held)).toBe(1);
    expect(countBlockingPairs(toPairSet({ ...base, seats: [2, 3, 2] }), held)).toBe(0);
  });
});
