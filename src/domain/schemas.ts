/**
 * The data contract (shared/spec/data-contract.md) as zod schemas. These are the source of
 * truth in code: types are inferred from them. Each field carries its expectation text
 * ("integer >= 0") as its error, so a report reads like the contract. Cross-record rules
 * (unknown industry ids, duplicates, unknown exclusions) live in ./validate.ts.
 */
import { z } from 'zod';

export const STAGES = ['idea', 'prototype', 'early-revenue', 'growth'] as const;
export const TALENT_LEVELS = ['national', 'provincial', 'municipal', 'none'] as const;
export const MODES = ['capital', 'boundary-crossing', 'training'] as const;
export const OUTCOMES = ['signed', 'financed', 'declined'] as const;

const e = (text: string) => ({ error: text });
export const idField = z.string(e('non-empty string')).min(1, e('non-empty string'));
const text = z.string(e('string'));
const nonEmptyText = z.string(e('non-empty string')).min(1, e('non-empty string'));
const intMin = (m: number) => {
  const t = `integer >= ${m}`;
  return z.number(e(t)).int(e(t)).min(m, e(t));
};
const yuan = z.number(e('number >= 0 (yuan)')).min(0, e('number >= 0 (yuan)'));
export const unitField = z
  .number(e('number in [0, 1]'))
  .min(0, e('number in [0, 1]'))
  .max(1, e('number in [0, 1]'));
const bool = z.boolean(e('boolean'));
const oneOf = <T extends readonly [string, ...string[]]>(vals: T) =>
  z.enum(vals, e(`one of ${vals.map((v) => JSON.stringify(v)).join(' | ')}`));
const listOf = <T extends z.ZodType>(item: T, what: string) => z.array(item, e(what));
const isoDate = z.union([z.iso.datetime({ offset: true, local: true }), z.iso.date()], e('ISO-8601 date or date-time'));
const obj = <T extends z.ZodRawShape>(shape: T) => z.object(shape, e('object'));

/**
 * One concept of an industry's bilingual glossary: an id and its surface forms in English
 * (words or phrases, stemmed by the engine's tokenizer) and in Chinese (words). A profile
 * that writes any of the forms mentions the concept, whatever its language.
 */
export const GlossaryEntrySchema = obj({
  id: idField,
  en: listOf(text, 'array of strings'),
  zh: listOf(text, 'array of strings'),
});

export const IndustrySchema = obj({
  id: idField,
  name: nonEmptyText,
  nameZh: text.optional(),
  description: text,
  keywords: listOf(text, 'array of strings'),
  /** Added field: the industry's bilingual glossary (concepts for the cross-lingual `concept` term). */
  glossary: listOf(GlossaryEntrySchema, 'array of glossary entries ({ id, en, zh })').optional(),
});

export const TalentSchema = obj({
  id: idField,
  name: nonEmptyText,
  description: nonEmptyText,
  profile: text.optional(),
  skills: listOf(text, 'array of strings').optional(),
  industries: listOf(idField, 'array of industry ids').optional(),
  stage: oneOf(STAGES).optional(),
  teamSize: intMin(1).optional(),
  talentLevel: oneOf(TALENT_LEVELS).optional(),
  needs: obj({
    seats: intMin(0).optional(),
    capitalYuan: yuan.optional(),
    training: bool.optional(),
    crossIndustry: bool.optional(),
    housing: bool.optional(),
  }).optional(),
  excludePlatforms: listOf(idField, 'array of platform ids').optional(),
  updatedAt: isoDate.optional(),
});

export const PlatformSchema = obj({
  id: idField,
  name: nonEmptyText,
  description: nonEmptyText,
  modes: listOf(oneOf(MODES), 'non-empty array of modes').min(1, e('non-empty array of modes')),
  industries: z.record(idField, unitField, e('object: industry id -> weight in [0, 1]')),
  capacity: obj({
    slots: intMin(0),
    slotsUsed: intMin(0),
    seats: intMin(0),
    seatsUsed: intMin(0),
    capitalYuan: yuan.optional(),
  }),
  /** Added field: stages the platform hosts; when absent, stage fit comes from its modes. */
  stages: listOf(oneOf(STAGES), 'array of stages').optional(),
  /** Added field: whether the platform can arrange talent housing (apartments). */
  housing: bool.optional(),
  signingRate: unitField.optional(),
  excludeTalents: listOf(idField, 'array of talent ids').optional(),
  updatedAt: isoDate.optional(),
}).superRefine((p, ctx) => {
  // zod 4 runs refinements even when a field failed; compare only valid counts.
  const ok = (n: unknown) => Number.isInteger(n) && (n as number) >= 0;
  if (!ok(p.capacity?.slots) || !ok(p.capacity?.slotsUsed) || !ok(p.capacity?.seats) || !ok(p.capacity?.seatsUsed)) return;
  if (p.capacity.slotsUsed > p.capacity.slots) {
    ctx.addIssue({
      code: 'custom',
      path: ['capacity', 'slotsUsed'],
      message: `integer <= capacity.slots (${p.capacity.slots})`,
      input: p.capacity.slotsUsed,
    });
  }
  if (p.capacity.seatsUsed > p.capacity.seats) {
    ctx.addIssue({
      code: 'custom',
      path: ['capacity', 'seatsUsed'],
      message: `integer <= capacity.seats (${p.capacity.seats})`,
      input: p.capacity.seatsUsed,
    });
  }
});

export const PolicySchema = obj({
  industryPriority: z.record(idField, unitField, e('object: industry id -> weight in [0, 1]')),
  maxSupportYuan: yuan.default(1_000_000),
  minScoreForReferral: unitField.default(0),
});

export const OutcomeSchema = obj({
  talentId: idField,
  platformId: idField,
  outcome: oneOf(OUTCOMES),
  at: isoDate.optional(),
});

export type Industry = z.infer<typeof IndustrySchema>;
export type GlossaryEntry = z.infer<typeof GlossaryEntrySchema>;
export type Talent = z.infer<typeof TalentSchema>;
export type Platform = z.infer<typeof PlatformSchema>;
export type Policy = z.infer<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;
export type Outcome = z.infer<typeof OutcomeSchema>;
export type Stage = (typeof STAGES)[number];
export type TalentLevel = (typeof TALENT_LEVELS)[number];
export type Mode = (typeof MODES)[number];
