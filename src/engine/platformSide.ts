/**
 * Everything the scorer needs except the talents: the reference text model, the industry
 * model, the platforms' feature arrays, the scoring context and the platforms' exclusions.
 * Built once per run; the in-process engine and every batch worker score with it, which is
 * what makes their outputs identical.
 */
import type { Industry, Platform, Policy, Talent } from '../domain/schemas.js';
import type { Weights, WeightsInput } from '../config/weights.js';
import { resolveWeights } from '../config/weights.js';
import { defaultCacheSizes } from '../config/caches.js';
import { Tokenizer } from '../text/tokenize.js';
import { TokenCache } from '../text/cache.js';
import { strongHash } from '../util/hash.js';
import type { TextModel } from '../text/tfidf.js';
import type { ConceptModel, IndustryModel, KnownVectors, PlatformFeatures, TalentFeatures, TokenSource } from '../features/build.js';
import { buildTalentFeatures } from '../features/talents.js';
import type { TalentInputs } from '../features/talents.js';
import type { TokenFn } from '../text/cache.js';
import { LiveTalentBuilder } from '../features/liveTalent.js';
import { buildIndustryModel, buildPlatformFeatures, fitConceptModel, fitReferenceModel, industryPriorities } from '../features/build.js';
import type { ScoringContext } from '../scoring/context.js';
import { createScoringContext } from '../scoring/context.js';

/** What talents' features are built against (features/talents.ts TalentInputs), and the platforms' own arrays and the scoring context. */
export interface PlatformSide extends TalentInputs {
  platforms: PlatformFeatures;
  ctx: ScoringContext;
}

/**
 * What a new platform side may take from an earlier one (the what-if simulator): valid
 * only when the reference corpus (industries, every platform's name and description, the
 * platform set) is unchanged, so the vocabulary, idf, industry term weights and concept
 * model are too.
 */
export interface SideReuse {
  text: TextModel;
  industry: IndustryModel;
  /** the concept lexicon and idf: fitted on the same reference corpus (and the glossary) */
  concepts: ConceptModel;
  known: KnownVectors;
}

/** `platforms` must be sorted by id. */
export function buildPlatformSide(industries: readonly Industry[], platforms: readonly Platform[], policy: Policy, weights: Weights, tokens: TokenSource, reuse?: SideReuse): PlatformSide {
  const text = reuse?.text ?? fitReferenceModel(industries, platforms, tokens);
  const industry = reuse ? { ...reuse.industry, priority: industryPriorities(industries, policy) } : buildIndustryModel(industries, policy, text, tokens);
  const concepts = reuse?.concepts ?? fitConceptModel(industries, platforms, tokens);
  const features = buildPlatformFeatures(platforms, text, industry, concepts, tokens, weights, reuse?.known);
  const excludedBy = new Map<string, number[]>();
  platforms.forEach((p, i) => {
    for (const tid of p.excludeTalents ?? []) {
      const list = excludedBy.get(tid) ?? [];
      list.push(i);
      excludedBy.set(tid, list);
    }
  });
  return {
    text,
    industry,
    concepts,
    platforms: features,
    ctx: createScoringContext(weights, industry.priority, policy.minScoreForReferral),
    weights,
    platformIndex: new Map(platforms.map((p, i) => [p.id, i])),
    excludedBy,
  };
}

/** Talent feature arrays for a list of talents (sorted by id) against a platform side. */
export function talentFeatures(side: PlatformSide, talents: readonly Talent[], tokens: TokenSource, known?: KnownVectors): TalentFeatures {
  return buildTalentFeatures(talents, side.text, side.industry, side.concepts, tokens, side.weights, side.platformIndex, side.excludedBy, known);
}

/**
 * One inline talent at a time against a platform side (the live scorer): the same rows as
 * talentFeatures(side, [t], tokens), through the one-pass analyzer when `tokens` names its
 * tokenizer, with buffers kept across calls.
 */
export function liveTalentBuilder(side: PlatformSide, tokens: TokenFn): LiveTalentBuilder {
  return new LiveTalentBuilder({ text: side.text, industry: side.industry, concepts: side.concepts, weights: side.weights, platformIndex: side.platformIndex, excludedBy: side.excludedBy }, tokens);
}

/** What a batch run's platform side is built from (the talents are streamed apart). */
export interface SideInputs {
  industries: readonly Industry[];
  platforms: readonly Platform[];
  policy: Policy;
  weights?: WeightsInput;
}

/**
 * The platform side of a batch run and its fingerprint (the coordinator and every queue
 * worker compute it alike, and a worker refuses chunks of another side). The fingerprint
 * covers occupancy too: the capacity term and the free-slot / free-seat rule are part of
 * every pair's score (scoring/terms.ts capacityTerm, scoring/acceptability.ts hasRoom), so
 * a talent's stored rows are valid only under the same occupancy.
 */
export function batchPlatformSide(inputs: SideInputs) {
  const platforms = [...inputs.platforms].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const weights = resolveWeights(inputs.weights);
  const cache = new TokenCache(new Tokenizer(), defaultCacheSizes.sideTokens);
  const side = buildPlatformSide(inputs.industries, platforms, inputs.policy, weights, (t) => cache.tokens(t));
  const fingerprint = strongHash(JSON.stringify({ industries: inputs.industries, platforms, policy: inputs.policy, weights }));
  return { side, platforms, weights, fingerprint };
}
