/**
 * Capacity boundaries of the matching rules that the mutation sweep (scripts/mutants.mjs)
 * found untested.
 */
import { describe, expect, it } from 'vitest';
import { countBlockingPairs } from '../../src/matching/blocking.js';
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
