// features/: profiles -> typed arrays. Known answers on hand-made records: the need and
// offer masks (rows of NEED_TABLE), stages, seats (needs.seats, else teamSize, else 1),
// capital, exclusions from both sides, capacities, and each industry vector's declared part.
import { describe, expect, it } from 'vitest';
import { NEED_TABLE, STAGE_UNKNOWN, needMask, offerMask, popcount, stageIndex } from '../../src/features/tables.js';
import { createEngine } from '../../src/engine/engine.js';
import { STAGES } from '../../src/domain/schemas.js';
import { dataset, platform, talent } from '../helpers.js';

describe('tables', () => {
  it('one bit per NEED_TABLE row, in row order, for needs and for offers', () => {
    expect(NEED_TABLE.map((r) => r.name.split(' ')[0])).toEqual(['capital', 'boundary', 'training', 'housing']);
    expect(needMask(talent('t'))).toBe(0);
    expect(needMask(talent('t', { needs: { capitalYuan: 1 } }))).toBe(0b0001);
    // capital 0 is no capital need: the boundary is > 0
    expect(needMask(talent('t', { needs: { capitalYuan: 0 } }))).toBe(0);
    expect(needMask(talent('t', { needs: { crossIndustry: true, housing: true } }))).toBe(0b1010);
    expect(needMask(talent('t', { needs: { training: true, crossIndustry: false } }))).toBe(0b0100);
    expect(offerMask(platform('p', { modes: [] }))).toBe(0);
    expect(offerMask(platform('p', { modes: ['capital', 'training'] }))).toBe(0b0101);
    expect(offerMask(platform('p', { modes: ['boundary-crossing'], housing: true }))).toBe(0b1010);
    expect([0, 1, 0b1010, 0b1111, 0b10000000].map(popcount)).toEqual([0, 1, 2, 4, 1]);
  });

  it('stages index STAGES; a missing stage is STAGE_UNKNOWN, one past the last', () => {
    STAGES.forEach((s, i) => expect(stageIndex(talent('t', { stage: s }))).toBe(i));
    expect(stageIndex(talent('t'))).toBe(STAGE_UNKNOWN);
    expect(STAGE_UNKNOWN).toBe(STAGES.length);
  });
});

describe('buildTalentFeatures / buildPlatformFeatures (through createEngine)', () => {
  const platforms = [
    platform('p-a', { capacity: { slots: 5, slotsUsed: 2, seats: 40, seatsUsed: 39, capitalYuan: 0 }, industries: { 'financial-services': 1 } }),
    platform('p-b', { excludeTalents: ['t-2'], modes: ['capital'] }),
    platform('p-c', { capacity: { slots: 3, slotsUsed: 3, seats: 10, seatsUsed: 0, capitalYuan: 0 } }),
  ];
  const talents = [
    talent('t-1', { needs: { seats: 7, capitalYuan: 2_000_000 }, teamSize: 3, excludePlatforms: ['p-c', 'p-a'] }),
    talent('t-2', { teamSize: 4, stage: 'growth' }),
    talent('t-3', { industries: ['financial-services'] }),
  ];
  const engine = createEngine(dataset(platforms, talents));
  const m = engine.model;

  it('seats: needs.seats, else teamSize, else 1; capital: needs.capitalYuan, else 0', () => {
    expect(Array.from(m.talents.seats)).toEqual([7, 4, 1]);
    expect(Array.from(m.talents.capital)).toEqual([2_000_000, 0, 0]);
    expect(Array.from(m.talents.needMask)).toEqual([0b0001, 0, 0]);
    expect(Array.from(m.talents.stage)).toEqual([STAGE_UNKNOWN, STAGES.indexOf('growth'), STAGE_UNKNOWN]);
  });

  it('exclusions: the talent\'s own and the platforms\' excludeTalents, as sorted platform indices', () => {
    const row = (t: number) => Array.from(m.talents.exclIdx.subarray(m.talents.exclIndptr[t], m.talents.exclIndptr[t + 1]));
    expect(row(0)).toEqual([0, 2]); // p-a, p-c: sorted, whatever the order given
    expect(row(1)).toEqual([1]); // p-b excludes t-2
    expect(row(2)).toEqual([]);
  });

  it('free capacity is capacity minus used, per platform in id order', () => {
    expect(m.platforms.ids).toEqual(['p-a', 'p-b', 'p-c']);
    expect(Array.from(m.platforms.freeSlots)).toEqual([3, 10, 0]);
    expect(Array.from(m.platforms.freeSeats)).toEqual([1, 100, 10]);
  });

  it('a declared industry leads its industry vector', () => {
    const D = m.ctx.dims;
    const d = engine.industry.ids.indexOf('financial-services');
    expect(d).toBeGreaterThanOrEqual(0);
    const v = Array.from(m.talents.industry.subarray(2 * D, 3 * D));
    expect(v.indexOf(Math.max(...v))).toBe(d);
    const p = Array.from(m.platforms.industry.subarray(0, D));
    expect(p.indexOf(Math.max(...p))).toBe(d);
  });
});
