/**
 * The OpenAPI document (GET /openapi.json, rendered at /docs): operation ids, summaries and
 * declared errors come from access.ts's route table; this file adds the document's frame —
 * servers, the API-key scheme (so /docs has an Authorize button), tags — and types the
 * inline profiles with the data contract's schemas (Talent, Platform, Industry, Policy
 * under components.schemas) where the request schemas accept them loosely for the scorer
 * to validate with its own messages.
 */
import { z } from 'zod';
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui';
import { IndustrySchema, PlatformSchema, PolicySchema, TalentSchema } from '../../domain/schemas.js';
import { SECURITY_SCHEME } from './access.js';
import { AssignmentResponse, BudgetResponse, PlatformReferralsResponse, ReferralsResponse, SimulateResponse } from '../../api/schemas.js';

type Json = Record<string, unknown>;

const component = (schema: z.ZodType): Json => {
  const j = z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' }) as Json;
  delete j.$schema;
  return j;
};

const CONTRACT_SCHEMAS: Readonly<Record<string, Json>> = {
  Talent: component(TalentSchema),
  Platform: component(PlatformSchema),
  Industry: component(IndustrySchema),
  Policy: component(PolicySchema),
};
const ref = (name: keyof typeof CONTRACT_SCHEMAS & string) => ({ $ref: `#/components/schemas/${name}` });

/** 200 bodies of the routes that send stored bytes (no response serializer): documented here. */
const DOC_RESPONSES: Readonly<Record<string, [method: string, schema: z.ZodType, description: string]>> = {
  '/v1/assignment': ['get', AssignmentResponse, 'The assignment record of the latest snapshot'],
  '/v1/referrals': ['get', ReferralsResponse, 'Referral lists, filtered by direction'],
  '/v1/platforms/{id}/referrals': ['get', PlatformReferralsResponse, "One platform's two referral lines"],
  '/v1/referrals/budget': ['get', BudgetResponse, "The support budget's allocation"],
  '/v1/match': ['post', AssignmentResponse, 'The assignment record of the instance in the body'],
  '/v1/simulate': ['post', SimulateResponse, 'The baseline-vs-scenario diff (one scenario) or the diffs (several)'],
};

/** Replaces the loose profile / instance schemas of the request bodies by the contract's. */
function typeProfiles(doc: Json): Json {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>;
  for (const [path, [method, schema, description]] of Object.entries(DOC_RESPONSES)) {
    const op = paths[path]?.[method] as { responses?: Record<string, unknown> } | undefined;
    // an open object (the simulate diff's sections, listed in docs/data-contract.md) is `true`, not the untyped `{}`
    const body = JSON.parse(JSON.stringify(component(schema)).replaceAll('"additionalProperties":{}', '"additionalProperties":true')) as Json;
    if (op) op.responses = { 200: { description, content: { 'application/json': { schema: body } } }, ...op.responses };
  }
  const body = (path: string) => {
    const op = paths[path]?.post as { requestBody?: { content?: Record<string, { schema?: Json }> } } | undefined;
    return op?.requestBody?.content?.['application/json']?.schema as { properties?: Record<string, Json> } | undefined;
  };
  const score = body('/v1/score');
  const pair = (score?.properties?.pairs as { items?: { properties?: Record<string, { properties?: Record<string, Json> }> } } | undefined)?.items?.properties;
  if (pair?.talent?.properties) pair.talent.properties.profile = ref('Talent');
  if (pair?.platform?.properties) pair.platform.properties.profile = ref('Platform');
  const match = body('/v1/match')?.properties;
  if (match) {
    match.industries = { ...match.industries, items: ref('Industry') };
    match.platforms = { ...match.platforms, items: ref('Platform') };
    match.talents = { ...match.talents, items: ref('Talent') };
    match.policy = ref('Policy');
    match.weights = { type: 'object', description: 'term weights (docs/data-contract.md "weights"); default: the server\'s', additionalProperties: { type: 'number' } };
  }
  return doc;
}

export function swaggerOptions(transform: FastifyDynamicSwaggerOptions['transform']): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'talentmatch API',
        version: '1',
        description: 'Two-way talent-platform recommendations, live scoring and matching. Fields: docs/data-contract.md.',
        license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
      },
      servers: [{ url: 'http://127.0.0.1:8080', description: 'talentmatch serve (default --host and --port)' }],
      tags: [
        { name: 'health', description: 'Liveness and readiness (no key needed)' },
        { name: 'snapshot', description: 'Reads of the latest complete batch snapshot' },
        { name: 'live', description: 'Scoring and matching computed per request' },
        { name: 'studio', description: 'The analyst studio (/studio): weights evaluated against outcomes, two-way lists with their reasons' },
        { name: 'admin', description: 'Server status' },
      ],
      components: {
        securitySchemes: { [SECURITY_SCHEME]: { type: 'http', scheme: 'bearer', bearerFormat: 'tm_<id>_<secret> (talentmatch keys create)' } },
        schemas: { ...CONTRACT_SCHEMAS } as never,
      },
    },
    ...(transform ? { transform } : {}),
    transformObject: (documentObject) => typeProfiles(('openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject) as Json) as never,
  };
}

export const swaggerUiOptions: FastifySwaggerUiOptions = {
  routePrefix: '/docs',
  staticCSP: true,
  uiConfig: { persistAuthorization: true, displayOperationId: true },
};
