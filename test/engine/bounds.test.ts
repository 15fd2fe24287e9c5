/**
 * Issue 15: integers past 2^31 gave scores of 282564 and negative scores, slots 0 gave NaN.
 * Every valid record must yield scores in [0, 1], and the integer fields are bounded by the
 * contract (MAX_INT) so the engine's Int32 ledgers cannot overflow.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { assignmentRecord, recordContext } from '../../src/engine/formatAssignment.js';
import { MAX_INT, MAX_YUAN } from '../../src/config/limits.js';
import { MODES, PlatformSchema, STAGES, TALENT_LEVELS, TalentSchema } from '../../src/domain/schemas.js';
import type { Platform, Talent } from '../../src/domain/schemas.js';
import { TERMS } from '../../src/config/weights.js';
import { dataset, industries, platform, talent } from '../helpers.js';

const indId = fc.constantFrom(...industries.map((i) => i.id));
const unit = fc.double({ min: 0, max: 1, noNaN: true });
/** integers biased to the boundaries: 0, 1, 2^31 - 1 is out (> MAX_INT), MAX_INT itself */
const bigInt = (min: number) => fc.oneof(fc.constantFrom(min, min + 1, MAX_INT - 1, MAX_INT), fc.integer({ min, max: MAX_INT }));
const money = fc.oneof(fc.constantFrom(0, 1, MAX_YUAN), fc.double({ min: 0, max: MAX_YUAN, noNaN: true }));
const WORDS = ['fintech', 'logistics', 'design', '金融', '物流', '跨境电商', 'venture capital'];
const text = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));

const platformArb = fc
  .record({
    description: text,
    modes: fc.uniqueArray(fc.constantFrom(...MODES), { minLength: 1, maxLength: 3 }),
    industries: fc.dictionary(indId, unit, { maxKeys: 3 }),
    slots: bigInt(0),
    usedShare: fc.constantFrom(0, 0.5, 1),
    seats: bigInt(0),
    capital: money,
    signingRate: fc.option(unit, { nil: undefined }),
  })
  .map(
    (r): Omit<Platform, 'id'> => ({
      name: 'P',
      description: r.description,
      modes: r.modes,
      industries: r.industries,
      capacity: { slots: r.slots, slotsUsed: Math.floor(r.slots * r.usedShare), seats: r.seats, seatsUsed: Math.floor(r.seats * r.usedShare), capitalYuan: r.capital },
      ...(r.signingRate !== undefined ? { signingRate: r.signingRate } : {}),
    }),
  );

const talentArb = fc
  .record({
    description: text,
    stage: fc.option(fc.constantFrom(...STAGES), { nil: undefined }),
    level: fc.option(fc.constantFrom(...TALENT_LEVELS), { nil: undefined }),
    teamSize: bigInt(1),
    seats: fc.option(bigInt(0), { nil: undefined }),
    capital: money,
  })
  .map(
    (r): Omit<Talent, 'id'> => ({
      name: 'T',
      description: r.description,
      teamSize: r.teamSize,
      ...(r.stage ? { stage: r.stage } : {}),
      ...(r.level ? { talentLevel: r.level } : {}),
      needs: { ...(r.seats !== undefined ? { seats: r.seats } : {}), capitalYuan: r.capital },
    }),
  );

const inUnit = (x: number) => Number.isFinite(x) && x >= 0 && x <= 1;

describe('scores stay in [0, 1] for every valid record (property)', () => {
  it('explain, recommend and match on records with boundary integers and amounts', () => {
    fc.assert(
      fc.property(fc.array(platformArb, { minLength: 1, maxLength: 4 }), fc.array(talentArb, { minLength: 1, maxLength: 4 }), (ps, ts) => {
        const platforms = ps.map((p, i) => ({ ...p, id: `p${i}` }) as Platform);
        const talents = ts.map((t, i) => ({ ...t, id: `t${i}` }) as Talent);
        // every generated record is valid under the contract
        for (const p of platforms) expect(PlatformSchema.safeParse(p).success).toBe(true);
        for (const t of talents) expect(TalentSchema.safeParse(t).success).toBe(true);
        const engine = createEngine(dataset(platforms, talents));
        for (const t of talents) {
          for (const p of platforms) {
            const e = engine.explain(t.id, p.id);
            for (const term of TERMS) expect(inUnit(e.terms[term]), `${term} = ${e.terms[term]}`).toBe(true);
            expect(inUnit(e.talentScore) && inUnit(e.platformScore) && inUnit(e.score), JSON.stringify(e)).toBe(true);
          }
        }
        for (const pair of engine.pairs()) expect(inUnit(pair.score) && inUnit(pair.talentScore) && inUnit(pair.platformScore)).toBe(true);
        const a = assignmentRecord(recordContext(engine), engine.match({ mode: 'stable' }));
        for (const x of a.assignments) expect(inUnit(x.score)).toBe(true);
      }),
      { numRuns: 60, seed: 15 },
    );
  });

  it('a platform with no slots at all: terms are defined (0 on slots), not NaN; the pair is not acceptable', () => {
    const engine = createEngine(dataset([platform('p0', { capacity: { slots: 0, slotsUsed: 0, seats: 0, seatsUsed: 0 } })], [talent('t0')]));
    const e = engine.explain('t0', 'p0');
    expect(e.acceptable).toBe(false);
    expect(e.reason).toBe('no-free-slot');
    expect(e.terms.capacity).toBe(0);
    expect(JSON.stringify(e)).not.toContain('null');
  });

  it('too few seats: the capacity term is 0 on seats, never negative', () => {
    const engine = createEngine(dataset([platform('p0', { capacity: { slots: 2, slotsUsed: 0, seats: 3, seatsUsed: 0 } })], [talent('t0', { needs: { seats: 5 } })]));
    const e = engine.explain('t0', 'p0');
    expect(e.reason).toBe('not-enough-seats');
    expect(e.terms.capacity).toBe(0.5); // 1/2 from the free slots, 0 from seats
  });

  it('the largest integers the contract allows place talents: MAX_INT slots and seats', () => {
    const engine = createEngine(dataset([platform('p0', { capacity: { slots: MAX_INT, slotsUsed: 0, seats: MAX_INT, seatsUsed: 0 } })], [talent('t0', { needs: { seats: MAX_INT } }), talent('t1', { needs: { seats: 1 } })]));
    const e = engine.explain('t0', 'p0');
    expect(e.acceptable).toBe(true);
    expect(inUnit(e.score)).toBe(true);
    const a = assignmentRecord(recordContext(engine), engine.match({ mode: 'optimal' }));
    // seats bind: MAX_INT seats hold t0 alone or t1 alone; exactly one is placed
    expect(a.assignments.length).toBe(1);
    const s = assignmentRecord(recordContext(engine), engine.match({ mode: 'stable' }));
    expect(s.assignments.length).toBe(1);
  });
});

describe('integer and amount fields are bounded by the contract', () => {
  it('2^31 seats is rejected with the documented maximum; MAX_INT is accepted', () => {
    const bad = TalentSchema.safeParse(talent('t', { needs: { seats: 2 ** 31 } }));
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toBe('integer <= 1,000,000,000');
    expect(TalentSchema.safeParse(talent('t', { needs: { seats: MAX_INT } })).success).toBe(true);
    expect(TalentSchema.safeParse(talent('t', { needs: { seats: MAX_INT + 1 } })).success).toBe(false);
    const slots = PlatformSchema.safeParse(platform('p', { capacity: { slots: 1e15, slotsUsed: 0, seats: 1, seatsUsed: 0 } }));
    expect(slots.success).toBe(false);
    expect(slots.error!.issues.map((i) => i.path.join('.'))).toEqual(['capacity.slots']);
  });

  it('money is bounded at MAX_YUAN and must be finite', () => {
    expect(TalentSchema.safeParse(talent('t', { needs: { capitalYuan: MAX_YUAN } })).success).toBe(true);
    expect(TalentSchema.safeParse(talent('t', { needs: { capitalYuan: MAX_YUAN * 10 } })).success).toBe(false);
    expect(TalentSchema.safeParse(talent('t', { needs: { capitalYuan: Infinity } })).success).toBe(false);
  });
});
