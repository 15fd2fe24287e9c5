/**
 * The HTTP API's contract: request and response schemas (zod), shared by the server
 * (adapters/http, which also publishes them as the OpenAPI document) and the typed client
 * (client/). Fields are described in docs/data-contract.md. Above domain/ and config/ (the
 * `why` object is keyed by the scorer's terms), below adapters/ and client/.
 */
import { z } from 'zod';
import { TalentSchema } from '../domain/schemas.js';
import { TERMS } from '../config/weights.js';

export const LIMITS = {
  /** request body, bytes */
  bodyBytes: 1 << 20,
  /** items per list (k) */
  maxK: 100,
  /** pairs per POST /v1/score */
  maxPairs: 1000,
  /** entities per POST /v1/match */
  maxMatchTalents: 2000,
  maxMatchPlatforms: 200,
  /** per request, milliseconds */
  requestTimeoutMs: 10_000,
} as const;

const id = z.string().min(1);
export const Why = z.object(Object.fromEntries(TERMS.map((t) => [t, z.number()])) as Record<(typeof TERMS)[number], z.ZodNumber>);
export const Item = z.object({ id: z.string(), score: z.number(), forward: z.number(), backward: z.number(), why: Why });
export const RecommendationLine = z.object({ side: z.enum(['talent', 'platform']), id: z.string(), items: z.array(Item) });
export const WithRun = <T extends z.ZodRawShape>(shape: T) => z.object({ runId: z.number().int(), ...shape });

/** A talent or platform by id, or inline as a contract profile (validated with the contract's schema by the scorer). */
const ref = (what: string) =>
  z
    .object({ id: id.optional(), profile: z.record(z.string(), z.unknown(), { error: `a ${what} profile object` }).optional() })
    .strict()
    .refine((r) => (r.id === undefined) !== (r.profile === undefined), { error: `exactly one of "id" or "profile"` });
export const TalentRef = ref('talent');
export const PlatformRef = ref('platform');

export const ScoreRequest = z.object({
  pairs: z.array(z.object({ talent: TalentRef, platform: PlatformRef })).min(1).max(LIMITS.maxPairs),
});
export const ScoreResult = z.object({
  acceptable: z.boolean(),
  reason: z.string().optional(),
  talentScore: z.number(),
  platformScore: z.number(),
  score: z.number(),
  why: Why,
});
export const ScoreResponse = z.object({ results: z.array(ScoreResult) });

export const InlineRecommendRequest = z.object({ talent: TalentSchema, k: z.number().int().min(1).max(LIMITS.maxK).default(10) });

export const KQuery = z.object({ k: z.coerce.number().int().min(1).max(LIMITS.maxK).default(10) });
export const IdParams = z.object({ id });
export const DirectionQuery = z.object({ direction: z.enum(['platform-to-government', 'government-to-platform']).optional() });

export const MatchRequest = z.object({
  industries: z.array(z.unknown()).optional(),
  platforms: z.array(z.unknown()).min(1).max(LIMITS.maxMatchPlatforms),
  talents: z.array(z.unknown()).min(1).max(LIMITS.maxMatchTalents),
  policy: z.unknown().optional(),
  weights: z.unknown().optional(),
  mode: z.enum(['stable', 'optimal']).default('stable'),
  proposer: z.enum(['talent', 'platform']).default('talent'),
});

export const ErrorBody = z.object({
  error: z.string(),
  message: z.string(),
  requestId: z.string().optional(),
  issues: z.array(z.object({ where: z.string(), path: z.string(), expected: z.string(), got: z.string() })).optional(),
  id: z.string().optional(),
});

export type ScoreRequestT = z.infer<typeof ScoreRequest>;
export type ScoreResponseT = z.infer<typeof ScoreResponse>;
export type RecommendationLineT = z.infer<typeof RecommendationLine>;
export type ErrorBodyT = z.infer<typeof ErrorBody>;
