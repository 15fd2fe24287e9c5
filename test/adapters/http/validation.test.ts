/**
 * The validator's quick checks (src/api/schemas.ts QUICK_CHECKS) against the schemas they
 * stand in for: on every input where a check answers, it answers what the schema's parse
 * returns; where the schema refuses, the check never answers (so the schema reports it).
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { readFileSync } from 'node:fs';
import { IdParams, InlineRecommendRequest, KQuery, LIMITS, QUICK_CHECKS } from '../../../src/api/schemas.js';

function agree(schema: z.ZodType, inputs: unknown[]): number {
  const check = QUICK_CHECKS.get(schema)!;
  let answered = 0;
  for (const d of inputs) {
    const r = schema.safeParse(d);
    const q = check(d);
    if (!r.success) expect(q, JSON.stringify(d)).toBeUndefined();
    else if (q !== undefined) {
      expect(q, JSON.stringify(d)).toEqual(r.data);
      answered++;
    }
  }
  return answered;
}

describe('quick checks', () => {
  it('k: decimal digits in [1, maxK], 10 when absent; everything else goes to the schema', () => {
    const ks: unknown[] = [undefined, '', '0', '00', '1', '01', '001', '0001', '00001', '9', '10', '99', String(LIMITS.maxK), `0${LIMITS.maxK}`, String(LIMITS.maxK + 1), '999', '9999', '10000', '1e1', '0x10', ' 5', '5 ', '-1', '+1', '1.0', '1.', '١', 'NaN', 'Infinity', 5, null, true, ['1'], ['1', '2'], {}];
    for (let i = 0; i <= 1100; i++) ks.push(String(i), String(i).padStart(4, '0'));
    const inputs: unknown[] = [...ks.map((k) => (k === undefined ? {} : { k })), ...ks.map((k) => ({ k, other: 'x' })), null, [], 'k=1', 3];
    const answered = agree(KQuery, inputs);
    expect(answered).toBeGreaterThan(2 * LIMITS.maxK); // the check answers the valid ones: not vacuous
    expect(QUICK_CHECKS.get(KQuery)!({ k: String(LIMITS.maxK) })).toEqual({ k: LIMITS.maxK });
    expect(QUICK_CHECKS.get(KQuery)!({ k: String(LIMITS.maxK + 1) })).toBeUndefined();
    expect(QUICK_CHECKS.get(KQuery)!({ k: '0' })).toBeUndefined();
    expect(QUICK_CHECKS.get(KQuery)!({ k: '1' })).toEqual({ k: 1 });
  });

  it('id: a non-empty string', () => {
    const ids: unknown[] = ['', 'a', 't-shiruidi-visual-rd', '人才-1', ' ', 'x'.repeat(5000), 1, null, undefined, ['a'], {}];
    const answered = agree(IdParams, [...ids.map((id) => ({ id })), ...ids.map((id) => ({ id, extra: 1 })), {}, null, [], 'a']);
    expect(answered).toBe(10); // five valid ids, with and without an extra key
  });

  it('the live route\'s body: talent and k, the same data in the same key order as the schema; everything else goes to the schema', () => {
    const talents = readFileSync('fixtures/jiangdong/talents.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const ks: unknown[] = [undefined, null, 0, 1, 2, 10, LIMITS.maxK, LIMITS.maxK + 1, -1, 1.5, '10', true, [10], {}, Number.NaN, Infinity];
    // the talent's own fields are test/domain/quick.test.ts's (quickTalent); here: the body around it, and a broken talent declines the body
    const broken = [{}, null, 'x', { ...talents[0], id: '' }, { ...talents[0], extra: 1 }, { ...talents[0], teamSize: 0 }, { ...talents[0], needs: { seats: -1 } }];
    const bodies: unknown[] = [null, [], 'x', 3, {}, { k: 10 }];
    for (const t of talents) for (const k of ks) bodies.push(k === undefined ? { talent: t } : { talent: t, k });
    for (const t of broken) bodies.push({ talent: t, k: 3 }, { talent: t });
    bodies.push({ talent: talents[0], k: 3, other: 1 }, { k: 3, talent: talents[1] }, { talent: talents[0], talent2: talents[1] });
    const answered = agree(InlineRecommendRequest, bodies);
    expect(answered).toBe(talents.length * 5 + 1); // k absent, 1, 2, 10, maxK; and k before talent: not vacuous
    const check = QUICK_CHECKS.get(InlineRecommendRequest)!;
    for (const b of bodies) {
      const q = check(b);
      // the same JSON, key order included: the live scorer's profile cache keys by its JSON's hash
      if (q !== undefined) expect(JSON.stringify(q)).toBe(JSON.stringify(InlineRecommendRequest.parse(b)));
    }
    expect(check({ talent: talents[0] })).toEqual({ talent: talents[0], k: 10 });
    expect(check({ talent: talents[0], k: null })).toBeUndefined();
    expect(check({ talent: talents[0], k: LIMITS.maxK + 1 })).toBeUndefined();
    expect(check({ talent: talents[0], k: 0 })).toBeUndefined();
  });
});
