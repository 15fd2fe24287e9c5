/**
 * Request and response schemas of the analyst studio's API (/v1/studio/*; the page at
 * /studio calls it). Limits: src/config/studio.ts.
 */
import { z } from 'zod';
import { TERMS, WeightsSchema } from '../config/weights.js';
import type { Term } from '../config/weights.js';
import { STUDIO_LIMITS } from '../config/studio.js';
import { Why } from './schemas.js';

const side = z.enum(['talent', 'platform']);

/** The keys the studio moves (every term weight, the fusion, its talent share); missing keys: the dataset's. */
const studioKeys = Object.fromEntries([...TERMS, 'fusion', 'fusionTalentShare'].map((k) => [k, true])) as { [K in Term | 'fusion' | 'fusionTalentShare']: true };
export const StudioWeightsBody = WeightsSchema.pick(studioKeys).strict();

const kText = `integer in [1, ${STUDIO_LIMITS.maxK}]`;
export const StudioEvaluateRequest = z
  .object({
    /** weight set A */
    weights: StudioWeightsBody,
    /** weight set B: compared with A (B's metrics, lists with each item's rank under A, list changes) */
    compare: StudioWeightsBody.optional(),
    k: z.number({ error: kText }).int({ error: kText }).min(1, { error: kText }).max(STUDIO_LIMITS.maxK, { error: kText }).default(STUDIO_LIMITS.defaultK),
    /** the entity whose two-way lists are returned */
    focus: z.object({ side, id: z.string().min(1).max(200) }).strict().optional(),
  })
  .strict();

const qText = `1 to ${STUDIO_LIMITS.queryChars} characters`;
export const StudioSearchQuery = z.object({ q: z.string().min(1, { error: qText }).max(STUDIO_LIMITS.queryChars, { error: qText }) });

const metricValue = z.number().nullable();
const SideMetrics = z.object({ ndcg: metricValue, map: metricValue, recall: metricValue, mrr: metricValue, queries: z.number().int() });
export const StudioMetrics = z.object({
  k: z.number().int(),
  talent: SideMetrics,
  platform: SideMetrics,
  coverage: z.object({ platforms: z.number(), industries: z.number() }),
  exposureGini: z.number(),
});
const StudioItem = z.object({
  id: z.string(),
  name: z.string(),
  rank: z.number().int(),
  from: z.number().int().nullable().optional(),
  score: z.number(),
  forward: z.number(),
  backward: z.number(),
  why: Why,
});
const StudioFocus = z.object({ side, id: z.string(), name: z.string(), top: z.array(StudioItem), listedBy: z.array(StudioItem) });
const StudioSet = z.object({ weights: z.record(z.string(), z.union([z.number(), z.string()])), metrics: StudioMetrics, focus: StudioFocus.optional() });
export const StudioEvaluateResponse = z.object({
  k: z.number().int(),
  a: StudioSet,
  b: StudioSet.optional(),
  changes: z
    .object({
      changed: z.object({ talent: z.number().int(), platform: z.number().int() }),
      movers: z.array(z.object({ side, id: z.string(), name: z.string(), entered: z.number().int(), shift: z.number().int() })),
    })
    .optional(),
});

export const StudioSearchResponse = z.object({ items: z.array(z.object({ side, id: z.string(), name: z.string() })) });

export const StudioDataset = z.object({
  /** where the data came from (the --data folder), for provenance */
  source: z.string(),
  talents: z.number().int(),
  platforms: z.number().int(),
  /** relevant outcomes (signed, financed) among the loaded ones; 0 = metrics are null */
  relevantOutcomes: z.number().int(),
  /** the dataset's own weights (studio keys): the page's starting point */
  weights: z.record(z.string(), z.union([z.number(), z.string()])),
  terms: z.array(z.string()),
  sideTerms: z.object({ talent: z.array(z.string()), platform: z.array(z.string()) }),
  fusions: z.array(z.string()),
  limits: z.object({ maxK: z.number().int(), defaultK: z.number().int(), maxPairs: z.number().int() }),
});
