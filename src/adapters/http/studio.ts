/**
 * The analyst studio over HTTP: the page (/studio, static files from the package's build,
 * no key needed: it holds no data) and its API under /v1/studio (scope `simulate`, not for
 * platform-bound keys: it reads every talent and outcome; the evaluation is an expensive
 * route with that quota). The numbers come from evaluation/studio.ts; this file wires.
 *
 * Cost: an evaluation rescores every pair of the server's dataset once per weight set,
 * refused above STUDIO_LIMITS.maxPairs (503); evaluated weight sets are kept in a small LRU,
 * so moving B's sliders does not rescore A.
 */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { LRUCache } from 'lru-cache';
import type { Outcome } from '../../domain/schemas.js';
import type { Engine } from '../../engine/engine.js';
import { inputError } from '../../errors.js';
import { FUSIONS, SIDE_TERMS, TERMS, resolveWeights, sideWeightSum } from '../../config/weights.js';
import type { WeightsInput } from '../../config/weights.js';
import { STUDIO_LIMITS } from '../../config/studio.js';
import { relevantPairs } from '../../evaluation/evaluate.js';
import type { Names, StudioRun, StudioWeights } from '../../evaluation/studio.js';
import { findEntities, focusLists, listChanges, namesOf, studioRun, studioWeightsOf, withShifts } from '../../evaluation/studio.js';
import { StudioDataset, StudioEvaluateRequest, StudioEvaluateResponse, StudioSearchQuery, StudioSearchResponse } from '../../api/studio.js';
import { ApiError } from './access.js';
import type { StudioAsset } from '../web/assets.js';
import { readStudioAssets } from '../web/assets.js';

export interface StudioOptions {
  /** the dataset the studio evaluates (the server's --data); without it the API answers 503 */
  engine?: Engine | undefined;
  /** outcomes.jsonl of that dataset; without them the metrics are null */
  outcomes?: readonly Outcome[];
  /** where the data came from (shown, and written into saved weights' provenance) */
  source?: string;
  /** the page's files (default: the package's build) */
  assets?: Map<string, StudioAsset>;
  /** the largest dataset (talents x platforms) evaluated (default STUDIO_LIMITS.maxPairs) */
  maxPairs?: number;
}

const notReady = (message: string) => new ApiError(503, { error: 'not_ready', message });

export async function registerStudio(app: FastifyInstance, o: StudioOptions): Promise<void> {
  // read on first use: a server built without the page's bundle (tests from the sources) still answers the API
  let assets = o.assets;
  const files = (): Map<string, StudioAsset> => {
    try {
      return (assets ??= readStudioAssets());
    } catch (e) {
      throw notReady((e as Error).message);
    }
  };
  const r = app.withTypeProvider<ZodTypeProvider>();

  // ---- the page: open, cached by the browser for a short while, never part of the API document ----
  r.get('/studio', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/studio/'));
  r.get('/studio/*', { schema: { hide: true } }, async (req, reply) => {
    const rel = (req.params as { '*': string })['*'] || 'index.html';
    const a = files().get(rel);
    if (!a) return reply.code(404).send({ error: 'not_found', message: `no studio file ${JSON.stringify(rel.slice(0, 64))}`, requestId: String(req.id) });
    return reply.type(a.type).header('cache-control', rel.startsWith('fonts/') ? 'public, max-age=86400' : 'no-cache').send(a.body);
  });

  // ---- the API ----
  const engine = o.engine;
  const maxPairs = o.maxPairs ?? STUDIO_LIMITS.maxPairs;
  const need = (): Engine => {
    if (!engine) throw notReady('the studio needs the server started with --data');
    const pairs = engine.model.talents.count * engine.model.platforms.count;
    if (pairs > maxPairs)
      throw notReady(`the dataset has ${pairs.toLocaleString('en')} talent-platform pairs; the studio rescores at most ${maxPairs.toLocaleString('en')} per weight set (use talentmatch evaluate / report on larger data)`);
    return engine;
  };
  const relevant = engine ? relevantPairs(engine, o.outcomes ?? []) : [];
  const names: Names | undefined = engine ? namesOf(engine) : undefined;
  const ids: Names | undefined = engine ? { talent: engine.model.talents.ids, platform: engine.model.platforms.ids } : undefined;
  const base = engine ? studioWeightsOf(engine.weights) : undefined;
  const runs = new LRUCache<string, StudioRun>({ max: STUDIO_LIMITS.cachedRuns });

  /** The request's keys over the dataset's; a side left with no positive weight is a 400 naming the set. */
  const complete = (w: WeightsInput, path: string): StudioWeights => {
    const full = studioWeightsOf(resolveWeights({ ...base, ...w }));
    const issues = (['talent', 'platform'] as const)
      .filter((s) => sideWeightSum(resolveWeights(full), s) <= 0)
      .map((s) => ({ file: 'request body', path, expected: `at least one positive term weight on the ${s} side (${SIDE_TERMS[s].join(', ')})`, got: 'all zero' }));
    if (issues.length > 0) throw inputError(issues);
    return full;
  };
  const runOf = (e: Engine, w: StudioWeights, k: number): StudioRun => {
    const key = `${k}|${JSON.stringify(Object.entries(w).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
    let run = runs.get(key);
    if (!run) runs.set(key, (run = studioRun(e, w, relevant, k)));
    return run;
  };

  r.get('/v1/studio/dataset', { schema: { response: { 200: StudioDataset } } }, async () => {
    const e = need();
    return {
      source: o.source ?? '',
      talents: e.model.talents.count,
      platforms: e.model.platforms.count,
      relevantOutcomes: relevant.length,
      weights: base!,
      terms: [...TERMS],
      sideTerms: { talent: [...SIDE_TERMS.talent], platform: [...SIDE_TERMS.platform] },
      fusions: [...FUSIONS],
      limits: { maxK: STUDIO_LIMITS.maxK, defaultK: STUDIO_LIMITS.defaultK, maxPairs },
    };
  });

  r.get('/v1/studio/entities', { schema: { querystring: StudioSearchQuery, response: { 200: StudioSearchResponse } } }, async (req) => {
    need();
    return { items: findEntities(names!, ids!, req.query.q, STUDIO_LIMITS.searchLimit) };
  });

  r.post('/v1/studio/evaluate', { schema: { body: StudioEvaluateRequest, response: { 200: StudioEvaluateResponse } } }, async (req) => {
    const e = need();
    const b = req.body;
    const wa = complete(b.weights, 'weights');
    const wb = b.compare ? complete(b.compare, 'compare') : undefined;
    // the focus is resolved before any scoring: an unknown id is a 404 at no cost
    const focus = b.focus ? { side: b.focus.side, index: b.focus.side === 'talent' ? e.talentIndex(b.focus.id) : e.platformIndex(b.focus.id) } : undefined;
    const a = runOf(e, wa, b.k);
    const fa = focus ? focusLists(a, names!, focus.side, focus.index) : undefined;
    const out: z.infer<typeof StudioEvaluateResponse> = { k: b.k, a: { weights: wa, metrics: a.metrics, ...(fa ? { focus: fa } : {}) } };
    if (wb) {
      const bb = runOf(e, wb, b.k);
      const fb = focus ? withShifts(fa!, focusLists(bb, names!, focus.side, focus.index)) : undefined;
      out.b = { weights: wb, metrics: bb.metrics, ...(fb ? { focus: fb } : {}) };
      out.changes = listChanges(a, bb, names!, STUDIO_LIMITS.movers);
    }
    return out;
  });
}
