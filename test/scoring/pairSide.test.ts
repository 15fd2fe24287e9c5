/**
 * The platform side of a pair (scoring/pairSide.ts): each slot holds its platform's own
 * inputs, the capacity term's platform-only parts computed once with the kernel's bits, and
 * the kernel scoring through the blocks' order (positions, bounds.ts side) gives every
 * platform the bits it gets through platform order (scoreRow).
 */
import { describe, expect, it } from 'vitest';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import { createEngine } from '../../src/engine/engine.js';
import type { ScoringModel } from '../../src/scoring/kernel.js';
import { beginRow, createRowScratch, endRow, rowCosines, scoreRow, scoreSpan } from '../../src/scoring/kernel.js';
import { platformBlocks } from '../../src/scoring/bounds.js';
import { pairSide, sideOf } from '../../src/scoring/pairSide.js';
import { STAGE_COLUMNS } from '../../src/features/build.js';

function model(seed: number): ScoringModel {
  const d = generateDistrict({ seed, talents: 40, platforms: 50, words: [8, 30], curated: false, outcomes: false });
  // capacities at the edges: no seats at all (max(1, 0) = 1), one free slot of several, no free slot
  const platforms = d.platforms.map((p, i) => (i % 5 === 0 ? { ...p, capacity: { ...p.capacity, seats: 0, seatsUsed: 0 } } : i % 5 === 1 ? { ...p, capacity: { ...p.capacity, slots: 4, slotsUsed: 3 } } : i % 5 === 2 ? { ...p, capacity: { ...p.capacity, slotsUsed: p.capacity.slots } } : p));
  return createEngine({ industries: d.industries, platforms, talents: d.talents, policy: JIANGDONG_POLICY }).model;
}

describe('pair side', () => {
  it('each slot holds its platform\'s inputs, and the capacity term\'s platform-only parts with the kernel\'s bits', () => {
    for (const seed of [3, 17]) {
      const m = model(seed);
      const P = m.platforms;
      const D = m.ctx.dims;
      const k = platformBlocks(P, D);
      expect(Array.from(k.order)).not.toEqual(Array.from(k.order).sort((a, b) => a - b));
      for (const side of [k.side, sideOf(P, D), pairSide(P, D, k.order)]) {
        expect(side.order.length).toBe(P.count);
        for (let j = 0; j < P.count; j++) {
          const p = side.order[j];
          expect(Array.from(side.industry.subarray(j * D, j * D + D))).toEqual(Array.from(P.industry.subarray(p * D, p * D + D)));
          expect(Array.from(side.stageFit.subarray(j * STAGE_COLUMNS, (j + 1) * STAGE_COLUMNS))).toEqual(Array.from(P.stageFit.subarray(p * STAGE_COLUMNS, (p + 1) * STAGE_COLUMNS)));
          expect([side.offerMask[j], side.freeSlots[j], side.freeSeats[j], side.capital[j], side.signing[j], side.zh[j]]).toEqual([P.offerMask[p], P.freeSlots[p], P.freeSeats[p], P.capital[p], P.signing[p], P.zh[p]]);
          expect(Object.is(side.slotHalf[j], 0.5 * (P.freeSlots[p] / P.slots[p]))).toBe(true);
          expect(side.seatDen[j]).toBe(Math.max(1, P.seats[p]));
        }
      }
      expect(Array.from(sideOf(P, D).order)).toEqual(Array.from({ length: P.count }, (_, i) => i));
      expect(sideOf(P, D)).toBe(sideOf(P, D));
      // the known answers of the edge capacities
      const j0 = k.pos[0];
      const j1 = k.pos[1];
      expect(P.seats[0]).toBe(0);
      expect(k.side.seatDen[j0]).toBe(1);
      expect(k.side.slotHalf[j1]).toBe(0.125);
    }
  });

  it('scoring in block order through the blocks\' side gives every platform the bits of platform order', () => {
    for (const seed of [3, 17, 41]) {
      const m = model(seed);
      const M = m.platforms.count;
      const k = platformBlocks(m.platforms, m.ctx.dims);
      const want = createRowScratch(M);
      const got = createRowScratch(M);
      // a part of each block: every third position, as the ranker's heap-only lists
      const list = new Int32Array(M);
      const listAt = new Int32Array(M);
      let n = 0;
      for (let j = 0; j < M; j += 3) {
        listAt[n] = j;
        list[n++] = k.order[j];
      }
      for (let ti = 0; ti < m.talents.count; ti++) {
        scoreRow(m, ti, want);
        rowCosines(m, ti, got, k.docPos);
        beginRow(m, ti, got, k.conceptPos);
        scoreSpan(m, ti, got, k.order, 0, M, got.all, k.side);
        endRow(m, ti, got);
        for (let p = 0; p < M; p++) {
          expect(Object.is(got.score[p], want.score[p])).toBe(true);
          if (want.score[p] >= 0) expect([got.forward[p], got.backward[p]]).toEqual([want.forward[p], want.backward[p]]);
        }
        got.score.fill(NaN);
        beginRow(m, ti, got, k.conceptPos);
        scoreSpan(m, ti, got, list, 0, n, listAt, k.side);
        endRow(m, ti, got);
        for (let i = 0; i < M; i++) expect(Object.is(got.score[k.order[i]], i % 3 === 0 ? want.score[k.order[i]] : NaN)).toBe(true);
      }
    }
  });
});
