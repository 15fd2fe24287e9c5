/**
 * The data contract (shared/spec/data-contract.md) as zod schemas. These are the source of
 * truth in code: types are inferred from them. Each field carries its expectation text
 * ("integer >= 0") as its error, so a report reads like the contract. Cross-record rules
 * (unknown industry ids, duplicates, unknown exclusions) live in ./validate.ts.
 */
import { z } from 'zod';
import { MAX_ID_CHARS, MAX_INT, MAX_ITEM_CHARS, MAX_LIST_ITEMS, MAX_NAME_CHARS, MAX_RECORD_TEXT_CHARS, MAX_TEXT_CHARS, MAX_YUAN } from '../config/limits.js';

export const STAGES = ['idea', 'prototype', 'early-revenue', 'growth'] as const;
export const TALENT_LEVELS = ['national', 'provincial', 'municipal', 'none'] as const;
export const MODES = ['capital', 'boundary-crossing', 'training'] as const;
export const OUTCOMES = ['signed', 'financed', 'declined'] as const;

const e = (text: string) => ({ error: text });
const n = (x: number) => x.toLocaleString('en-US');
/** The type and lower-bound messages are the contract's ("non-empty string", "integer >= 0"); the upper bound says its limit. */
const atMost = (max: number) => e(`at most ${n(max)} characters`);
/**
 * An id is well-formed Unicode: no unpaired UTF-16 surrogate (JSON can spell one, "\ud800"),
 * which no UTF-8 file, database or byte key can hold (two different such ids would read back
 * as the same U+FFFD). With the `u` flag \p{Cs} matches only an unpaired surrogate.
 */
const UNPAIRED_SURROGATE = /\p{Cs}/u;
export const wellFormed = (s: string): boolean => !UNPAIRED_SURROGATE.test(s);
export const idField = z
  .string(e('non-empty string'))
  .min(1, e('non-empty string'))
  .max(MAX_ID_CHARS, atMost(MAX_ID_CHARS))
  .refine(wellFormed, e('well-formed Unicode (no unpaired surrogate)'));
const textOf = (max: number) => z.string(e('string')).max(max, atMost(max));
const text = textOf(MAX_TEXT_CHARS);
const itemText = textOf(MAX_ITEM_CHARS);
const name = z.string(e('non-empty string')).min(1, e('non-empty string')).max(MAX_NAME_CHARS, atMost(MAX_NAME_CHARS));
const nonEmptyText = z.string(e('non-empty string')).min(1, e('non-empty string')).max(MAX_TEXT_CHARS, atMost(MAX_TEXT_CHARS));
const intMin = (m: number) => {
  const t = `integer >= ${m}`;
  return z.number(e(t)).int(e(t)).min(m, e(t)).max(MAX_INT, e(`integer <= ${n(MAX_INT)}`));
};
const yuan = z.number(e('number >= 0 (yuan)')).min(0, e('number >= 0 (yuan)')).max(MAX_YUAN, e(`number <= ${n(MAX_YUAN)} (yuan)`));
export const unitField = z
  .number(e('number in [0, 1]'))
  .min(0, e('number in [0, 1]'))
  .max(1, e('number in [0, 1]'));
const bool = z.boolean(e('boolean'));
const oneOf = <T extends readonly [string, ...string[]]>(vals: T) =>
  z.enum(vals, e(`one of ${vals.map((v) => JSON.stringify(v)).join(' | ')}`));
const listOf = <T extends z.ZodType>(item: T, what: string) => z.array(item, e(what)).max(MAX_LIST_ITEMS, e(`${what}, at most ${n(MAX_LIST_ITEMS)} items`));
/**
 * An object keyed by id refuses a `__proto__` key with its path: JSON.parse keeps it as an
 * own key, but zod's record drops it unreported (no id check sees it), so the entry was lost.
 */
const noProtoKey = <T extends z.ZodType>(map: T) => {
  // documented (OpenAPI 3.0) as the map itself, which the guard's input type would hide; 3.0 has no propertyNames
  const { $schema: _s, propertyNames: _p, ...documented } = z.toJSONSchema(map, { io: 'input' }) as Record<string, unknown>;
  return z
    .unknown()
    .superRefine((v, ctx) => {
      if (v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, '__proto__')) ctx.addIssue({ code: 'custom', path: ['__proto__'], message: 'an id other than "__proto__"', input: v });
    })
    .pipe(map)
    .meta(documented);
};
/** An object keyed by id (industry weights), at most MAX_LIST_ITEMS keys. */
const idMap = (what: string) =>
  noProtoKey(z.record(idField, unitField, e(what)).refine((r) => Object.keys(r).length <= MAX_LIST_ITEMS, e(`${what}, at most ${n(MAX_LIST_ITEMS)} keys`)));
/**
 * All text of a record together, counted in NFKC-normalised characters: every token takes at
 * least one of them, so this bounds the tokens of one profile (MAX_PROFILE_TOKENS) and the
 * work of vectorizing it.
 */
const textBudget = (fields: (r: Record<string, unknown>) => unknown[]) => (r: Record<string, unknown>, ctx: z.RefinementCtx) => {
  let total = 0;
  for (const f of fields(r)) {
    // counted after NFKC, as the tokenizer sees it: one character can expand (U+FDFA to 18)
    if (typeof f === 'string') total += f.normalize('NFKC').length;
    else if (Array.isArray(f)) for (const x of f) if (typeof x === 'string') total += x.normalize('NFKC').length;
  }
  if (total > MAX_RECORD_TEXT_CHARS) {
    ctx.addIssue({ code: 'custom', path: [], message: `at most ${n(MAX_RECORD_TEXT_CHARS)} characters of text per record (name, description, profile, skills together)`, params: { got: `${n(total)} characters` } });
  }
};
const isoDate = z.union([z.iso.datetime({ offset: true, local: true }), z.iso.date()], e('ISO-8601 date or date-time'));
const obj = <T extends z.ZodRawShape>(shape: T) => z.object(shape, e('object'));

/**
 * One concept of an industry's bilingual glossary: an id and its surface forms in English
 * (words or phrases, stemmed by the engine's tokenizer) and in Chinese (words). A profile
 * that writes any of the forms mentions the concept, whatever its language.
 */
export const GlossaryEntrySchema = obj({
  id: idField,
  en: listOf(itemText, 'array of strings'),
  zh: listOf(itemText, 'array of strings'),
});

export const IndustrySchema = obj({
  id: idField,
  name,
  nameZh: textOf(MAX_NAME_CHARS).optional(),
  description: text,
  keywords: listOf(itemText, 'array of strings'),
  /** Added field: the industry's bilingual glossary (concepts for the cross-lingual `concept` term). */
  glossary: listOf(GlossaryEntrySchema, 'array of glossary entries ({ id, en, zh })').optional(),
}).superRefine(textBudget((r) => [r.name, r.nameZh, r.description, r.keywords]));

export const TalentSchema = obj({
  id: idField,
  name,
  description: nonEmptyText,
  profile: text.optional(),
  skills: listOf(itemText, 'array of strings').optional(),
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
  /** The platform already hosting the project (counted in its slotsUsed/seatsUsed); never re-assigned. */
  hostedBy: idField.optional(),
  updatedAt: isoDate.optional(),
}).superRefine(textBudget((r) => [r.name, r.description, r.profile, r.skills]));

export const PlatformSchema = obj({
  id: idField,
  name,
  description: nonEmptyText,
  modes: listOf(oneOf(MODES), 'non-empty array of modes').min(1, e('non-empty array of modes')),
  industries: idMap('object: industry id -> weight in [0, 1]'),
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
  textBudget((r) => [r.name, r.description])(p, ctx);
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

/**
 * Added field: controls over each talent's recommended list, applied after scoring (a kept
 * item keeps its score and its `why`). The exposure floor is a global re-ranking over every
 * talent's list and is not combined with the per-talent controls (industryShare, diversity).
 */
export const ListControlsSchema = obj({
  /** at most max(1, floor(industryShare * k)) of a list from one industry; (0, 1] */
  industryShare: z.number(e('number in (0, 1]')).gt(0, e('number in (0, 1]')).max(1, e('number in (0, 1]')).optional(),
  /** MMR weight in [0, 1]: 0 = plain top-k; items picked by (1 - w) * score - w * (largest industry cosine to an item already picked) */
  diversity: unitField.optional(),
  /** every platform with a free slot that at least m talents find acceptable appears in at least m talents' top-k */
  exposureFloor: intMin(1).optional(),
}).superRefine((l, ctx) => {
  if (l.exposureFloor !== undefined && (l.industryShare !== undefined || l.diversity !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['exposureFloor'], message: 'exposureFloor alone (it re-ranks every list globally; it is not combined with industryShare or diversity)', input: l.exposureFloor });
  }
});

export const PolicySchema = obj({
  industryPriority: idMap('object: industry id -> weight in [0, 1]'),
  maxSupportYuan: yuan.default(1_000_000),
  minScoreForReferral: unitField.default(0),
  /** Total support the government can give this cycle (yuan); absent: no allocation, suggestions only. */
  supportBudgetYuan: yuan.optional(),
  /** Length of each platform's talent reserve (government-to-platform); default in config/referrals.ts (10). */
  reserveLength: intMin(0).optional(),
  /** Added field: list controls ("complementary development"), see ListControlsSchema. */
  lists: ListControlsSchema.optional(),
  /** Added field: optimal mode places at least n talents whose main industry is this one (industry id -> n). */
  assignmentFloors: noProtoKey(
    z.record(idField, intMin(0), e('object: industry id -> integer >= 0')).refine((r) => Object.keys(r).length <= MAX_LIST_ITEMS, e(`object: industry id -> integer >= 0, at most ${n(MAX_LIST_ITEMS)} keys`)),
  ).optional(),
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
export type ListControls = z.infer<typeof ListControlsSchema>;
export type Outcome = z.infer<typeof OutcomeSchema>;
export type Stage = (typeof STAGES)[number];
