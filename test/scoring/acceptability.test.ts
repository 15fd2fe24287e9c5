/**
 * The acceptability rule, at its boundaries: exactly one free slot, exactly the seats
 * needed, a score exactly at the minimum; the order of reasons; and the kernel, the
 * explainer and the engine's pair list agreeing with it.
 */
import { describe, expect, it } from 'vitest';
import { hasRoom, meetsMinimum, rejectReason, roomReason } from '../../src/scoring/acceptability.js';
import { createEngine } from '../../src/engine/engine.js';
import { createRowScratch, scoreRow, UNACCEPTABLE } from '../../src/scoring/kernel.js';
import { dataset, platform, talent } from '../helpers.js';

describe('the rule as functions', () => {
  it('room: at least one free slot and at least the seats needed', () => {
    expect(hasRoom(1, 5, 5)).toBe(true); // exactly one slot, exactly the seats
    expect(hasRoom(0, 5, 5)).toBe(false);
    expect(hasRoom(1, 4, 5)).toBe(false);
    expect(hasRoom(-1, 100, 1)).toBe(false); // over-booked platform
  });

  it('minimum: a score exactly at the minimum is acceptable, just below is not', () => {
    expect(meetsMinimum(0.35, 0.35)).toBe(true);
    expect(meetsMinimum(0.35 - 2 ** -54, 0.35)).toBe(false);
    expect(meetsMinimum(0, 0)).toBe(true);
  });

  it('reasons come in the rule order: excluded, then slot, then seats', () => {
    expect(roomReason(true, 0, 0, 9)).toBe('excluded');
    expect(roomReason(false, 0, 0, 9)).toBe('no-free-slot');
    expect(roomReason(false, 1, 8, 9)).toBe('not-enough-seats');
    expect(roomReason(false, 1, 9, 9)).toBeUndefined();
  });
});

describe('the engine applies the rule everywhere', () => {
  const plats = [
    platform('p-one-slot', { capacity: { slots: 3, slotsUsed: 2, seats: 10, seatsUsed: 5, capitalYuan: 0 } }),
    platform('p-full', { capacity: { slots: 3, slotsUsed: 3, seats: 10, seatsUsed: 0, capitalYuan: 0 } }),
    platform('p-excl', { excludeTalents: ['t-5'] }),
  ];
  const tals = [talent('t-5', { teamSize: 5 }), talent('t-6', { teamSize: 6 })];

  it('exactly the seats left is acceptable; one more is not; a full platform never is; exclusions win', () => {
    const e = createEngine(dataset(plats, tals));
    const why = (t: string, p: string) => e.explain(t, p).reason;
    expect(why('t-5', 'p-one-slot')).toBeUndefined();
    expect(why('t-6', 'p-one-slot')).toBe('not-enough-seats');
    expect(why('t-5', 'p-full')).toBe('no-free-slot');
    expect(why('t-5', 'p-excl')).toBe('excluded');
    expect(why('t-6', 'p-excl')).toBeUndefined();
    const pairs = [...e.pairs()].map((p) => `${e.model.talents.ids[p.talent]}|${e.model.platforms.ids[p.platform]}`);
    expect(pairs).toEqual(['t-5|p-one-slot', 't-6|p-excl']);
  });

  it('a score exactly at the minimum is kept by the kernel and the explainer; the next double up rejects it', () => {
    const loose = createEngine(dataset(plats, tals));
    const score = loose.explain('t-5', 'p-one-slot').score;
    expect(score).toBeGreaterThan(0);
    for (const [min, ok] of [
      [score, true],
      [score + Number.EPSILON * score, false],
    ] as const) {
      const d = dataset(plats, tals);
      const e = createEngine({ ...d, policy: { ...d.policy, minScoreForReferral: min } });
      const ti = e.talentIndex('t-5');
      const pi = e.platformIndex('p-one-slot');
      const s = createRowScratch(e.model.platforms.count);
      scoreRow(e.model, ti, s);
      expect(s.score[pi] === UNACCEPTABLE).toBe(!ok);
      expect(e.explain('t-5', 'p-one-slot').reason).toBe(ok ? undefined : 'below-min-score');
      expect(rejectReason(e.model, ti, pi, score)).toBe(ok ? undefined : 'below-min-score');
    }
  });
});
