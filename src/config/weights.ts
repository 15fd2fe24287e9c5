/**
 * Every tunable number of the scorer, in one flat, documented object (`weights.json`).
 * Missing keys take the defaults below. Term weights are relative: each side's score is
 * the weighted mean of its terms, so the weights of a side need not sum to 1.
 *
 * Which terms enter which side:
 *   talentScore   (the talent's view of a platform):  text industry priority mode capacity capital stage signing concept
 *   platformScore (the platform's view of a talent):   text industry priority mode capacity capital stage level concept
 */
import { z } from 'zod';
import { MODES, STAGES } from '../domain/schemas.js';

/** Named terms of the scorer, in output order of `why`. */
export const TERMS = [
  'text',
  'industry',
  'priority',
  'mode',
  'capacity',
  'capital',
  'stage',
  'level',
  'signing',
  'concept',
] as const;
export type Term = (typeof TERMS)[number];

/** Terms that enter each side's one-sided score. Data, not branches. */
export const SIDE_TERMS: { readonly talent: readonly Term[]; readonly platform: readonly Term[] } = {
  talent: ['text', 'industry', 'priority', 'mode', 'capacity', 'capital', 'stage', 'signing', 'concept'],
  platform: ['text', 'industry', 'priority', 'mode', 'capacity', 'capital', 'stage', 'level', 'concept'],
};

export const FUSIONS = ['harmonic', 'geometric', 'min', 'weighted'] as const;
export type Fusion = (typeof FUSIONS)[number];

const r01 = 'number in [0, 1]';
const w01 = z.number({ error: r01 }).min(0, { error: r01 }).max(1, { error: r01 });

const stageAffinityShape = Object.fromEntries(
  MODES.flatMap((m) => STAGES.map((s) => [`stageAffinity.${m}.${s}`, w01.optional()])),
) as Record<`stageAffinity.${(typeof MODES)[number]}.${(typeof STAGES)[number]}`, z.ZodOptional<typeof w01>>;

export const WeightsSchema = z.strictObject({
  /** Free-form provenance written by the tuner (objective, seed, scores); ignored by the scorer. */
  _provenance: z.record(z.string(), z.unknown()).optional(),
  // --- term weights, each in [0, 1] ---
  /** Text similarity of the talent's texts and the platform description. Default 0.30. */
  text: w01.optional(),
  /** Cosine of the two industry vectors. Default 0.20. */
  industry: w01.optional(),
  /** Government priority of the industries the pair shares. Default 0.08. */
  priority: w01.optional(),
  /** Share of the talent's mode needs (capital, boundary crossing, training) the platform offers. Default 0.12. */
  mode: w01.optional(),
  /** Free capacity left after hosting the talent (slots and seats). Default 0.06. */
  capacity: w01.optional(),
  /** Share of the talent's sought capital the platform can connect. Default 0.08. */
  capital: w01.optional(),
  /** Affinity of the platform's modes (or declared stages) for the talent's stage. Default 0.06. */
  stage: w01.optional(),
  /** Talent level (national > provincial > municipal > none); platform side only. Default 0.05. */
  level: w01.optional(),
  /** Platform's historical signing rate; talent side only. Default 0.05. */
  signing: w01.optional(),
  /**
   * Cosine of the two profiles' bilingual concept vectors (docs/CROSSLINGUAL.md), for every
   * pair. Default 0: same-language pairs score as before; the term still receives text
   * weight across languages (crossLingualConcept).
   */
  concept: w01.optional(),

  // --- shape parameters ---
  /** Share of the text term taken from the talent profile (rest: project description), [0, 1]. Default 0.3. */
  textProfileShare: w01.optional(),
  /**
   * Where the text weight goes when the two sides share no language (the TF-IDF cosine is 0
   * across languages): this share of it to the concept term, [0, 1]. For a pair sharing a
   * part s of their words' language, the part (1 - s) of the text weight moves. Default 0.3.
   */
  crossLingualConcept: w01.optional(),
  /** The share of the moving text weight that goes to the industry term, [0, 1]; with crossLingualConcept at most 1. Default 0.4. */
  crossLingualIndustry: w01.optional(),
  /** Exponent applied to the text cosine to spread small TF-IDF cosines, (0, 1]. Default 0.5. */
  textExponent: z.number({ error: 'number in (0, 1]' }).gt(0, { error: 'number in (0, 1]' }).max(1, { error: 'number in (0, 1]' }).optional(),
  /** Weight of the text-inferred industry vector beside declared industries, [0, 1]. Default 0.35. */
  industryInferredShare: w01.optional(),
  /** Power that sharpens the text-inferred industry distribution, [1, 8]. Default 2. */
  industrySharpness: z.number({ error: 'number in [1, 8]' }).min(1, { error: 'number in [1, 8]' }).max(8, { error: 'number in [1, 8]' }).optional(),
  /** Signing rate assumed for a platform without history, [0, 1]. Default 0.5. */
  defaultSigningRate: w01.optional(),
  /** Stage fit used when the talent gives no stage, [0, 1]. Default 0.5. */
  stageUnknown: w01.optional(),
  /** Level values, [0, 1]. Defaults 1 / 0.75 / 0.5 / 0.25. */
  'level.national': w01.optional(),
  'level.provincial': w01.optional(),
  'level.municipal': w01.optional(),
  'level.none': w01.optional(),
  /** How the two one-sided scores fuse into the reciprocal score. Default "harmonic". */
  fusion: z.enum(FUSIONS, { error: `one of ${FUSIONS.join(' | ')}` }).optional(),
  /** Talent side's share for fusion "weighted", [0, 1]. Default 0.5. */
  fusionTalentShare: w01.optional(),
  /** Stage affinity of each platform mode, [0, 1]: `stageAffinity.<mode>.<stage>`. */
  ...stageAffinityShape,
});

export type WeightsInput = z.input<typeof WeightsSchema>;

/** The documented defaults. */
export const defaultWeights = {
  text: 0.3,
  industry: 0.2,
  priority: 0.08,
  mode: 0.12,
  capacity: 0.06,
  capital: 0.08,
  stage: 0.06,
  level: 0.05,
  signing: 0.05,
  concept: 0,
  // measured on planted language worlds (docs/CROSSLINGUAL.md): 0.3 + 0.4 keeps a
  // cross-language fit level with a same-language one (concept cosine ~0.3, industry ~0.9
  // against a text term ~0.5 for fitting pairs)
  crossLingualConcept: 0.3,
  crossLingualIndustry: 0.4,
  textProfileShare: 0.3,
  textExponent: 0.5,
  industryInferredShare: 0.35,
  industrySharpness: 2,
  defaultSigningRate: 0.5,
  stageUnknown: 0.5,
  'level.national': 1,
  'level.provincial': 0.75,
  'level.municipal': 0.5,
  'level.none': 0.25,
  fusion: 'harmonic' as Fusion,
  fusionTalentShare: 0.5,
  // Capital-mode platforms favour projects with revenue; training favours early ideas;
  // boundary crossing sits between. Analysts override these per key.
  'stageAffinity.capital.idea': 0.3,
  'stageAffinity.capital.prototype': 0.6,
  'stageAffinity.capital.early-revenue': 0.9,
  'stageAffinity.capital.growth': 1,
  'stageAffinity.boundary-crossing.idea': 0.6,
  'stageAffinity.boundary-crossing.prototype': 0.8,
  'stageAffinity.boundary-crossing.early-revenue': 1,
  'stageAffinity.boundary-crossing.growth': 0.8,
  'stageAffinity.training.idea': 1,
  'stageAffinity.training.prototype': 0.9,
  'stageAffinity.training.early-revenue': 0.6,
  'stageAffinity.training.growth': 0.4,
};

export type Weights = typeof defaultWeights;

/** Fills missing keys with defaults. The input must already have passed WeightsSchema. */
export function resolveWeights(partial: WeightsInput | undefined): Weights {
  const out: Record<string, unknown> = { ...defaultWeights };
  if (partial) {
    for (const [k, v] of Object.entries(partial)) if (v !== undefined && k !== '_provenance') out[k] = v;
  }
  return out as Weights;
}

/** Sum of a side's term weights; a side whose weights are all zero is rejected at entry. */
export function sideWeightSum(w: Weights, side: 'talent' | 'platform'): number {
  let s = 0;
  for (const t of SIDE_TERMS[side]) s += w[t];
  return s;
}
