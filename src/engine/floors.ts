/**
 * `policy.assignmentFloors` as the matcher's side constraints (../matching/floors.ts): one
 * place for every consumer of the engine's optimal mode (library, CLI, API, simulator).
 * A talent's industry is its main industry: the largest component of its industry vector
 * (declared industries blended with those inferred from its text; ties to the taxonomy's
 * earlier industry), the rule `evaluate` uses for platforms.
 */
import type { Policy } from '../domain/schemas.js';
import type { ScoringModel } from '../scoring/kernel.js';
import type { AssignmentFloors } from '../matching/floors.js';
import { mainIndustries } from '../ranking/diversity.js';

/** The floors of the policy over the model's talents; undefined when the policy sets none above 0. */
export function assignmentFloorsOf(model: ScoringModel, industryIds: readonly string[], policy: Pick<Policy, 'assignmentFloors'>): AssignmentFloors | undefined {
  const wanted = policy.assignmentFloors;
  if (!wanted || !Object.values(wanted).some((n) => n > 0)) return undefined;
  const D = model.ctx.dims;
  const min = new Int32Array(D);
  industryIds.forEach((id, d) => (min[d] = wanted[id] ?? 0));
  return { industryOf: mainIndustries(model.talents.industry, model.talents.count, D), min, names: industryIds };
}
