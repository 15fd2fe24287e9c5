/**
 * The HTTP API's contract: request and response schemas (zod), shared by the server
 * (adapters/http, which also publishes them as the OpenAPI document) and the typed client
 * (client/). Fields are described in docs/data-contract.md. Above domain/ and config/ (the
 * `why` object is keyed by the scorer's terms), below adapters/ and client/.
 */
import { z } from 'zod';
import { TalentSchema } from '../domain/schemas.js';
import { quickTalent } from '../domain/quick.js';
import { TERMS } from '../config/weights.js';
import { ScenarioSchema } from '../domain/scenario.js';
import { API_LIMITS } from '../config/api.js';
import { DecisionsSchema } from '../domain/decisions.js';

/** The API's limits (README "Limits"; defined with every other default in src/config/api.ts). */
export const LIMITS = API_LIMITS;

const id = z.string().min(1);
export const Why = z.object(Object.fromEntries(TERMS.map((t) => [t, z.number()])) as Record<(typeof TERMS)[number], z.ZodNumber>);
export const Item = z.object({ id: z.string(), score: z.number(), forward: z.number(), backward: z.number(), why: Why });
export const RecommendationLine = z.object({ side: z.enum(['talent', 'platform']), id: z.string(), items: z.array(Item) });

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

// decimal digits only: z.coerce.number() also took "0x10" (16), "1e1" and " 5"
const kText = `integer in [1, ${LIMITS.maxK}]`;
export const KQuery = z.object({
  k: z
    .string()
    .regex(/^[0-9]{1,4}$/, { error: kText })
    .optional()
    .transform((v) => (v === undefined ? 10 : Number(v)))
    .pipe(z.number().int().min(1, { error: kText }).max(LIMITS.maxK, { error: kText })),
});
export const IdParams = z.object({ id });

const K_DIGITS = /^[0-9]{1,4}$/;
const isRecord = (d: unknown): d is Record<string, unknown> => typeof d === 'object' && d !== null && !Array.isArray(d);
/**
 * Quick checks for the two schemas every cached read validates (IdParams, KQuery) and the
 * live route's body (InlineRecommendRequest): each returns what the schema's parse returns
 * when the input is plainly valid, and undefined otherwise — then the schema itself runs and
 * reports the issues. The server's validator tries them first;
 * test/adapters/http/validation.test.ts and test/domain/quick.test.ts check they agree
 * with the schemas on every boundary.
 */
export const QUICK_CHECKS: ReadonlyMap<z.ZodType, (data: unknown) => unknown> = new Map<z.ZodType, (data: unknown) => unknown>([
  [IdParams, (d) => (isRecord(d) && typeof d.id === 'string' && d.id.length >= 1 ? { id: d.id } : undefined)],
  // the live route's body: a new profile on every request (domain/quick.ts quickTalent, as the talents file's reader uses it)
  [
    InlineRecommendRequest,
    (d) => {
      if (!isRecord(d)) return undefined;
      for (const key in d) if (key !== 'talent' && key !== 'k') return undefined;
      const k = d.k === undefined ? 10 : d.k; // the default for an absent k only (null is an error)
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > LIMITS.maxK) return undefined;
      const talent = quickTalent(d.talent);
      return talent === undefined ? undefined : { talent, k };
    },
  ],
  [
    KQuery,
    (d) => {
      if (!isRecord(d)) return undefined;
      const k = d.k;
      if (k === undefined) return { k: 10 };
      if (typeof k !== 'string' || !K_DIGITS.test(k)) return undefined;
      const n = Number(k);
      return n >= 1 && n <= LIMITS.maxK ? { k: n } : undefined;
    },
  ],
]);
export const DirectionQuery = z.object({ direction: z.enum(['platform-to-government', 'government-to-platform', 'support-budget']).optional() });

export const MatchRequest = z.object({
  industries: z.array(z.unknown()).optional(),
  platforms: z.array(z.unknown()).min(1).max(LIMITS.maxMatchPlatforms),
  talents: z.array(z.unknown()).min(1).max(LIMITS.maxMatchTalents),
  policy: z.unknown().optional(),
  weights: z.unknown().optional(),
  mode: z.enum(['stable', 'optimal']).default('stable'),
  proposer: z.enum(['talent', 'platform']).default('talent'),
  /** committee decisions (pins, forbidden pairs, seats held back), as in `match --decisions` */
  decisions: DecisionsSchema.optional(),
});

/** POST /v1/simulate: one scenario or several, against the server's dataset (--data). */
export const SimulateRequest = z
  .object({
    scenario: ScenarioSchema.optional(),
    scenarios: z.array(ScenarioSchema).min(1).max(LIMITS.maxScenarios).optional(),
    mode: z.enum(['stable', 'optimal']).default('stable'),
    proposer: z.enum(['talent', 'platform']).default('talent'),
    maxPrefs: z.number().int().min(0).max(1000).default(0),
    top: z.number().int().min(1).max(LIMITS.maxK).default(10),
  })
  .strict()
  .refine((r) => (r.scenario === undefined) !== (r.scenarios === undefined), { error: 'exactly one of "scenario" or "scenarios"' });

export const ErrorBody = z.object({
  error: z.string(),
  message: z.string(),
  requestId: z.string().optional(),
  issues: z.array(z.object({ where: z.string(), path: z.string(), expected: z.string(), got: z.string() })).optional(),
  id: z.string().optional(),
  /** issues found beyond the listed ones */
  omitted: z.number().int().optional(),
});

/** GET /v1/assignment and POST /v1/match: the assignment record (engine/formatAssignment.ts; docs/data-contract.md "assignment.json"). */
export const AssignmentResponse = z.object({
  mode: z.enum(['stable', 'optimal']),
  proposer: z.enum(['talent', 'platform']).optional(),
  assignments: z.array(z.object({ talentId: z.string(), platformId: z.string(), score: z.number(), talentScore: z.number(), platformScore: z.number() })),
  unassigned: z.array(z.object({ talentId: z.string(), reason: z.string(), code: z.string(), platformId: z.string().optional(), margin: z.number().optional() })),
  blockingPairs: z.number().int(),
  totalScore: z.number(),
  platforms: z.array(z.object({ id: z.string(), slotsUsed: z.number().int(), seatsUsed: z.number().int(), assigned: z.number().int(), slots: z.number().int(), seats: z.number().int() })),
  method: z.string().optional(),
  bound: z.number().optional(),
  boundKind: z.string().optional(),
  gap: z.number().optional(),
});
/** GET /v1/referrals (docs/data-contract.md "referrals.jsonl": engine/formatAssignment.ts ReferralLine). */
const Scores = { score: z.number(), talentScore: z.number(), platformScore: z.number() };
export const ReferralToGovernment = z.object({
  direction: z.literal('platform-to-government'),
  platformId: z.string(),
  hosted: z.number().int(),
  introduced: z.number().int(),
  fundedYuan: z.number().optional(),
  items: z.array(
    z.object({
      talentId: z.string(),
      hosted: z.boolean(),
      ...Scores,
      priority: z.number(),
      merit: z.number(),
      supportYuan: z.number(),
      funded: z.boolean().optional(),
      fundedYuan: z.number().optional(),
      code: z.enum(['no-support', 'over-budget']).optional(),
      reason: z.string().optional(),
      why: Why,
    }),
  ),
});
export const ReferralToPlatform = z.object({
  direction: z.literal('government-to-platform'),
  platformId: z.string(),
  freeSlots: z.number().int(),
  freeSeats: z.number().int(),
  slotsLeft: z.number().int(),
  seatsLeft: z.number().int(),
  acceptable: z.number().int(),
  introduced: z.array(z.object({ talentId: z.string(), ...Scores, why: Why })),
  reserve: z.array(z.object({ talentId: z.string(), ...Scores, status: z.enum(['placed-elsewhere', 'unplaced']), placedAt: z.string().optional(), margin: z.number().optional() })),
});
export const SupportBudgetLine = z.object({
  direction: z.literal('support-budget'),
  method: z.enum(['all-fit', 'dp', 'greedy']),
  budgetYuan: z.number(),
  requestedYuan: z.number(),
  allocatedYuan: z.number(),
  leftYuan: z.number(),
  objective: z.number(),
  bound: z.number(),
  gap: z.number(),
  funded: z.number().int(),
  notFunded: z.number().int(),
});
export const ReferralsResponse = z.object({ runId: z.number().int(), referrals: z.array(z.discriminatedUnion('direction', [ReferralToGovernment, ReferralToPlatform, SupportBudgetLine])) });
export const PlatformReferralsResponse = z.object({ runId: z.number().int(), platformId: z.string(), toGovernment: ReferralToGovernment.optional(), toPlatform: ReferralToPlatform.optional() });
export const BudgetResponse = SupportBudgetLine.extend({ runId: z.number().int() });

/** POST /v1/simulate: one scenario's diff, or `{diffs}` for several (docs/data-contract.md "diff.json" lists every field). */
const SimulateDiff = z.object({ name: z.string() }).catchall(z.unknown());
export const SimulateResponse = z.union([SimulateDiff, z.object({ diffs: z.array(SimulateDiff) })]);

export const Health = z.object({ status: z.literal('ok') });
export const Readiness = z.object({ status: z.enum(['ready', 'not_ready']), snapshot: z.number().int().nullable(), model: z.boolean(), reason: z.string().optional() });
export const AdminStatus = z.object({
  snapshot: z.object({ runId: z.number().int() }).nullable(),
  model: z.boolean(),
  auth: z.boolean(),
  keys: z.number().int(),
  quotas: z.object({ max: z.number().int(), expensiveMax: z.number().int(), windowMs: z.number().int() }),
  uptimeSec: z.number().int(),
});

export type ScoreRequestT = z.infer<typeof ScoreRequest>;
export type ScoreResponseT = z.infer<typeof ScoreResponse>;
export type RecommendationLineT = z.infer<typeof RecommendationLine>;
export type ErrorBodyT = z.infer<typeof ErrorBody>;
export type ReadinessT = z.infer<typeof Readiness>;
export type AdminStatusT = z.infer<typeof AdminStatus>;
