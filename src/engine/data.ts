/**
 * Entry validation for the library API: raw objects in, typed and checked data out, or
 * one E_INPUT error listing every problem. Adapters that read files validate record by
 * record (with line numbers) and pass `trusted: true` instead.
 */
import type { InputIssue } from '../errors.js';
import { inputError } from '../errors.js';
import type { Industry, Outcome, Platform, Policy, Talent } from '../domain/schemas.js';
import { IndustrySchema, OutcomeSchema, PlatformSchema, PolicySchema, TalentSchema } from '../domain/schemas.js';
import type { Located } from '../domain/validate.js';
import { checkCrossRecords, issuesFromZod } from '../domain/validate.js';
import type { WeightsInput } from '../config/weights.js';
import { WeightsSchema, sideWeightSum, resolveWeights } from '../config/weights.js';
import type { z } from 'zod';
import { ISSUE_CAP } from '../config/limits.js';

export interface Dataset {
  industries: Industry[];
  platforms: Platform[];
  talents: Talent[];
  policy: Policy;
  weights?: WeightsInput;
  outcomes?: Outcome[];
}


function parseAll<T>(schema: z.ZodType<T>, raw: readonly unknown[], file: string, issues: InputIssue[], valid?: ReadonlySet<unknown>): Located<T>[] {
  const out: Located<T>[] = [];
  raw.forEach((r, index) => {
    if (valid?.has(r)) {
      out.push({ value: r as T, at: { file, index } });
      return;
    }
    const res = schema.safeParse(r);
    if (res.success) out.push({ value: res.data, at: { file, index } });
    else issues.push(...issuesFromZod(res.error, r, { file, index }));
  });
  return out;
}

/** Validates weights alone (also used by the file loader), including "each side needs a positive weight". */
export function weightIssues(raw: unknown, file: string): { weights?: WeightsInput; issues: InputIssue[] } {
  const res = WeightsSchema.safeParse(raw);
  if (!res.success) return { issues: issuesFromZod(res.error, raw, { file }) };
  const w = resolveWeights(res.data);
  const issues: InputIssue[] = [];
  for (const side of ['talent', 'platform'] as const) {
    if (sideWeightSum(w, side) <= 0) issues.push({ file, path: '(record)', expected: `at least one positive term weight on the ${side} side`, got: 'all zero' });
  }
  const moved = w.crossLingualConcept + w.crossLingualIndustry;
  if (moved > 1) {
    issues.push({ file, path: 'crossLingualConcept', expected: 'crossLingualConcept + crossLingualIndustry <= 1 (shares of the text weight)', got: `${w.crossLingualConcept} + ${w.crossLingualIndustry} = ${moved}` });
  }
  return { weights: res.data, issues };
}

/**
 * `valid`: records (by reference) already validated, e.g. the untouched records of a
 * patched dataset; they skip their schema but not the cross-record rules.
 */
export function validateDataset(
  raw: {
    industries: readonly unknown[];
    platforms: readonly unknown[];
    talents: readonly unknown[];
    policy: unknown;
    weights?: unknown;
    outcomes?: readonly unknown[];
  },
  valid?: ReadonlySet<unknown>,
): Dataset {
  const issues: InputIssue[] = [];
  const industries = parseAll(IndustrySchema, raw.industries, 'industries', issues, valid);
  const platforms = parseAll(PlatformSchema, raw.platforms, 'platforms', issues, valid);
  const talents = parseAll(TalentSchema, raw.talents, 'talents', issues, valid);
  const outcomes = raw.outcomes ? parseAll(OutcomeSchema, raw.outcomes, 'outcomes', issues) : undefined;
  const pol = PolicySchema.safeParse(raw.policy);
  if (!pol.success) issues.push(...issuesFromZod(pol.error, raw.policy, { file: 'policy' }));
  let weights: WeightsInput | undefined;
  if (raw.weights !== undefined) {
    const w = weightIssues(raw.weights, 'weights');
    issues.push(...w.issues);
    weights = w.weights;
  }
  if (industries.length === 0 && raw.industries.length === 0) issues.push({ file: 'industries', path: '(record)', expected: 'at least one industry', got: '[]' });
  issues.push(
    ...checkCrossRecords({
      industries,
      platforms,
      talents,
      ...(pol.success ? { policy: { value: pol.data, at: { file: 'policy' } } } : {}),
      ...(outcomes ? { outcomes } : {}),
    }),
  );
  if (issues.length > 0) throw inputError(issues.slice(0, ISSUE_CAP), Math.max(0, issues.length - ISSUE_CAP));
  return {
    industries: industries.map((r) => r.value),
    platforms: platforms.map((r) => r.value),
    talents: talents.map((r) => r.value),
    policy: pol.data!,
    ...(weights ? { weights } : {}),
    ...(outcomes ? { outcomes: outcomes.map((r) => r.value) } : {}),
  };
}
