import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { platformLinesBytes, recommendationLines, recommendationRecords, talentLinesBytes } from '../../src/engine/format.js';
import { rankRange } from '../../src/ranking/twoWay.js';
import { createTopK, finalizeTopK, mergeTopK } from '../../src/vector/topk.js';
import { FUSIONS } from '../../src/config/weights.js';
import { MODES, STAGES, TALENT_LEVELS } from '../../src/domain/schemas.js';
import type { Platform, Talent } from '../../src/domain/schemas.js';
import { dataset, industries, platform, talent } from '../helpers.js';

const WORDS = ['fintech', 'payment', 'logistics', 'port', 'design', 'animation', 'recruitment', 'consulting', 'software', 'vision', '金融', '物流', '动漫设计', '招聘', '跨境电商', 'e-commerce', 'think tank', 'venture capital'];
const text = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 12 }).map((w) => w.join(' '));
const indId = fc.constantFrom(...industries.map((i) => i.id));
const unit = fc.double({ min: 0, max: 1, noNaN: true });

const platformArb = fc
  .record({
    description: text,
    modes: fc.uniqueArray(fc.constantFrom(...MODES), { minLength: 1, maxLength: 3 }),
    industries: fc.dictionary(indId, unit, { maxKeys: 3 }),
    slots: fc.integer({ min: 0, max: 6 }),
    usedShare: unit,
    seats: fc.integer({ min: 0, max: 40 }),
    capital: fc.integer({ min: 0, max: 5_000_000 }),
    signingRate: fc.option(unit, { nil: undefined }),
    housing: fc.boolean(),
  })
  .map((r): Omit<Platform, 'id'> => ({
    name: 'P',
    description: r.description,
    modes: r.modes,
    industries: r.industries,
    capacity: { slots: r.slots, slotsUsed: Math.floor(r.slots * r.usedShare), seats: r.seats, seatsUsed: Math.floor(r.seats * r.usedShare), capitalYuan: r.capital },
    housing: r.housing,
    ...(r.signingRate !== undefined ? { signingRate: r.signingRate } : {}),
  }));

const talentArb = fc
  .record({
    description: text,
    profile: fc.option(text, { nil: undefined }),
    industries: fc.option(fc.uniqueArray(indId, { maxLength: 2 }), { nil: undefined }),
    stage: fc.option(fc.constantFrom(...STAGES), { nil: undefined }),
    level: fc.option(fc.constantFrom(...TALENT_LEVELS), { nil: undefined }),
    seats: fc.integer({ min: 0, max: 8 }),
    capital: fc.integer({ min: 0, max: 8_000_000 }),
    training: fc.boolean(),
    cross: fc.boolean(),
    housing: fc.boolean(),
  })
  .map((r): Omit<Talent, 'id'> => ({
    name: 'T',
    description: r.description,
    ...(r.profile ? { profile: r.profile } : {}),
    ...(r.industries ? { industries: r.industries } : {}),
    ...(r.stage ? { stage: r.stage } : {}),
    ...(r.level ? { talentLevel: r.level } : {}),
    needs: { seats: r.seats, capitalYuan: r.capital, training: r.training, crossIndustry: r.cross, housing: r.housing },
  }));

const instance = fc
  .record({
    platforms: fc.array(platformArb, { minLength: 1, maxLength: 8 }),
    talents: fc.array(talentArb, { minLength: 1, maxLength: 12 }),
    fusion: fc.constantFrom(...FUSIONS),
    minScore: fc.double({ min: 0, max: 0.6, noNaN: true }),
    k: fc.integer({ min: 1, max: 6 }),
  })
  .map((r) => ({
    data: {
      ...dataset(
        r.platforms.map((p, i) => ({ ...p, id: `p-${i}` })),
        r.talents.map((t, i) => ({ ...t, id: `t-${i}` })),
      ),
      weights: { fusion: r.fusion },
    },
    minScore: r.minScore,
    k: r.k,
  }));

describe('scoring invariants (property-based)', () => {
  it('scores are in [0, 1] and contributions add up to the score', () => {
    fc.assert(
      fc.property(instance, ({ data, k }) => {
        const e = createEngine(data);
        for (const p of e.pairs()) {
          for (const s of [p.score, p.talentScore, p.platformScore]) {
            expect(s).toBeGreaterThanOrEqual(0);
            expect(s).toBeLessThanOrEqual(1 + 1e-12);
          }
        }
        for (const line of recommendationRecords(e, e.recommend({ k }))) {
          for (const it of line.items) {
            const sum = Object.values(it.why).reduce((a, b) => a + b, 0);
            expect(Math.abs(sum - it.score)).toBeLessThanOrEqual(1e-6);
            for (const v of Object.values(it.why)) expect(v).toBeGreaterThanOrEqual(0);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('top-k lists equal the full sort of acceptable pairs (score desc, id asc), on both sides', () => {
    fc.assert(
      fc.property(instance, ({ data, k, minScore }) => {
        const e = createEngine({ ...data, policy: { ...data.policy, minScoreForReferral: minScore } });
        const pairs = [...e.pairs()];
        for (const p of pairs) expect(p.score).toBeGreaterThanOrEqual(minScore);
        const rec = e.recommend({ k });
        const cmp = (a: { s: number; id: number }, b: { s: number; id: number }) => b.s - a.s || a.id - b.id;
        for (let t = 0; t < e.model.talents.count; t++) {
          const want = pairs.filter((p) => p.talent === t).map((p) => ({ s: p.score, id: p.platform })).sort(cmp).slice(0, k);
          const got = Array.from(rec.talent.ids.subarray(t * rec.talent.k, t * rec.talent.k + rec.talent.sizes[t]));
          expect(got).toEqual(want.map((w) => w.id));
        }
        for (let p = 0; p < e.model.platforms.count; p++) {
          const want = pairs.filter((x) => x.platform === p).map((x) => ({ s: x.score, id: x.talent })).sort(cmp).slice(0, k);
          const got = Array.from(rec.platform.ids.subarray(p * rec.platform.k, p * rec.platform.k + rec.platform.sizes[p]));
          expect(got).toEqual(want.map((w) => w.id));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('merging per-platform top-k of talent ranges equals the whole run, for any split', () => {
    fc.assert(
      fc.property(instance, fc.array(fc.nat(), { maxLength: 4 }), ({ data, k }, cuts) => {
        const e = createEngine(data);
        const n = e.model.talents.count;
        const bounds = [...new Set([0, n, ...cuts.map((c) => c % (n + 1))])].sort((a, b) => a - b);
        const merged = createTopK(e.model.platforms.count, k);
        // merge in reverse order: the result must not depend on arrival order
        for (let i = bounds.length - 2; i >= 0; i--) mergeTopK(merged, rankRange(e.model, bounds[i], bounds[i + 1], k, k).platformTop);
        finalizeTopK(merged);
        const whole = e.recommend({ k });
        expect(Array.from(merged.sizes)).toEqual(Array.from(whole.platform.sizes));
        expect(Array.from(merged.ids)).toEqual(Array.from(whole.platform.ids));
        expect(Array.from(merged.scores)).toEqual(Array.from(whole.platform.scores));
      }),
      { numRuns: 60 },
    );
  });

  it('the string-built JSON Lines are the bytes of JSON.stringify of the records', () => {
    fc.assert(
      fc.property(instance, ({ data, k }) => {
        const e = createEngine(data);
        const rec = e.recommend({ k });
        expect([...recommendationLines(e, rec)]).toEqual([...recommendationRecords(e, rec)].map((r) => JSON.stringify(r)));
      }),
      { numRuns: 40 },
    );
  });

  it('the byte-written lines (the workers\' writer) are the UTF-8 of JSON.stringify of the records, for any range cut', () => {
    fc.assert(
      fc.property(instance, fc.nat(), ({ data, k }, cut) => {
        const e = createEngine(data);
        const rec = e.recommend({ k });
        const m = e.model;
        const n = m.talents.count;
        const at = cut % (n + 1);
        const kt = rec.talent.k;
        const part = (s: number, t: number) =>
          talentLinesBytes(m, s, m.talents.ids.slice(s, t), { k: kt, rows: t - s, ids: rec.talent.ids.subarray(s * kt, t * kt), sizes: rec.talent.sizes.subarray(s, t), scores: rec.talent.scores.subarray(s * kt, t * kt) });
        const p = m.platforms.count;
        const bytes = Buffer.concat([part(0, at), part(at, n), platformLinesBytes(m, rec, 0, p >> 1), platformLinesBytes(m, rec, p >> 1, p)]);
        const want = [...recommendationRecords(e, rec)].map((r) => JSON.stringify(r) + '\n').join('');
        expect(bytes.toString('utf8')).toBe(want);
      }),
      { numRuns: 40 },
    );
  });

  it('string-built lines escape ids as JSON does (quotes, backslashes, control and non-BMP characters)', () => {
    const ids = ['p"q', 'p\\r', 'p\u0001\n', '平台😀', 'p\u2028'];
    const e = createEngine(dataset(ids.map((id) => platform(id, { description: 'fintech payment' })), [talent('t"1', { description: 'fintech payment' }), talent('t\\2', { description: 'payment' })]));
    const rec = e.recommend({ k: 3 });
    const lines = [...recommendationLines(e, rec)];
    expect(lines).toEqual([...recommendationRecords(e, rec)].map((r) => JSON.stringify(r)));
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(['t"1', 't\\2', ...[...ids].sort()]);
    expect(JSON.parse(lines[0]).items.length).toBeGreaterThan(0);
    // the byte writer: the same lines as UTF-8 (its per-id heads are encoded once and reused)
    const m = e.model;
    const bytes = Buffer.concat([talentLinesBytes(m, 0, m.talents.ids, rec.talent), platformLinesBytes(m, rec, 0, m.platforms.count)]);
    expect(bytes.toString('utf8')).toBe(lines.join('\n') + '\n');
  });

  it('output is identical byte for byte across runs and input orders', () => {
    fc.assert(
      fc.property(instance, ({ data, k }) => {
        const render = (d: typeof data) => {
          const e = createEngine(d);
          return [...recommendationRecords(e, e.recommend({ k }))].map((r) => JSON.stringify(r)).join('\n');
        };
        const a = render(data);
        const b = render({ ...data, talents: [...data.talents].reverse(), platforms: [...data.platforms].reverse() });
        expect(b).toBe(a);
        expect(render(data)).toBe(a);
      }),
      { numRuns: 40 },
    );
  });
});
