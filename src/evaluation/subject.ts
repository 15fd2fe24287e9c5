/**
 * What evaluation reads of an engine, as an interface of its own: evaluation sits below
 * the engine in the layering (domain -> ... -> evaluation -> engine), so it names the few
 * members it needs and the engine satisfies them structurally (no import upwards).
 */
import type { Industry, Platform, Talent } from '../domain/schemas.js';
import type { Weights } from '../config/weights.js';
import type { IndustryModel } from '../features/build.js';
import type { ScoringModel } from '../scoring/kernel.js';
import type { Recommendations } from '../ranking/twoWay.js';
import type { AssignOptions, Assignment } from '../matching/assign.js';

export interface EvaluationSubject {
  readonly model: ScoringModel;
  readonly weights: Weights;
  readonly industry: IndustryModel;
  readonly data: { readonly industries: readonly Industry[]; readonly platforms: readonly Platform[]; readonly talents: readonly Talent[] };
  recommend(o: { k: number; kPlatform: number }): Recommendations;
  match(o?: AssignOptions): Assignment;
}
