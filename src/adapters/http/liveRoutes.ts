/**
 * The live routes: scoring pairs and new profiles with the in-process engine (built from
 * --data), the matcher on a posted dataset, and what-if simulation on the server's dataset.
 *
 * A new profile's recommendations are sent as the engine's bytes (LiveScorer.recommendBytes:
 * the UTF-8 of JSON.stringify of its line, built without the objects or a string, sent as a
 * Buffer with its content type): the zod type provider's serializer would parse the answer
 * against its schema on every request first, and the engine's output is already the
 * contract's shape (test/adapters/http/api.test.ts checks an answer's bytes against the
 * schema). The body's profile is validated once, by the route's schema (it contains TalentSchema).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { LRUCache } from 'lru-cache';
import { inputError } from '../../errors.js';
import { resolveDecisions } from '../../domain/decisions.js';
import type { Engine } from '../../engine/engine.js';
import { createEngine } from '../../engine/engine.js';
import type { LiveScorer } from '../../engine/live.js';
import { assignmentRecord, recordContext } from '../../engine/formatAssignment.js';
import { InlineRecommendRequest, LIMITS, MatchRequest, RecommendationLine, ScoreRequest, ScoreResponse, SimulateRequest } from '../../api/schemas.js';
import type { SimSide } from '../../simulation/simulate.js';
import { simulateBaseline, simulateScenario } from '../../simulation/simulate.js';
import type { MilpSolver } from '../../matching/optimal.js';
import { loadHighsSolver } from '../../solvers/highs.js';
import { boundPlatform, forbidden } from './access.js';
import { notReady } from './httpErrors.js';

export function registerLiveRoutes(app: FastifyInstance, o: { engine: Engine | undefined; live: LiveScorer | undefined }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const needLive = () => {
    if (!o.live) throw notReady('live scoring needs the server started with --data');
    return o.live;
  };

  r.post('/v1/score', { schema: { body: ScoreRequest, response: { 200: ScoreResponse } } }, async (req) => {
    const bound = boundPlatform(req);
    if (bound !== undefined && req.body.pairs.some((p) => p.platform.id !== bound)) throw forbidden(`key ${req.principal!.keyId} is bound to platform ${JSON.stringify(bound)}: every pair's platform must be {"id": ${JSON.stringify(bound)}}`);
    const scorer = needLive();
    const results = req.body.pairs.map((pair, i) => {
      const t = pair.talent.id !== undefined ? { id: pair.talent.id } : { profile: pair.talent.profile };
      const p = pair.platform.id !== undefined ? { id: pair.platform.id } : { profile: pair.platform.profile };
      const e = scorer.score(t, p, `request body pairs[${i}]`);
      return { acceptable: e.acceptable, ...(e.reason ? { reason: e.reason } : {}), talentScore: e.talentScore, platformScore: e.platformScore, score: e.score, why: e.why };
    });
    return { results };
  });

  // a Buffer is sent as is (the typed reply expects the object: the cast says so); a plain
  // function (no promise per request): a thrown error goes to the error handler as from an async one
  r.post('/v1/talents/recommendations', { schema: { body: InlineRecommendRequest, response: { 200: RecommendationLine } } }, (req, reply) => {
    const b = needLive().recommendBytes(req.body.talent, req.body.k, 'request body talent', true);
    void reply.type('application/json; charset=utf-8').send(Buffer.from(b.buffer, b.byteOffset, b.length) as never);
  });

  r.post('/v1/match', { schema: { body: MatchRequest } }, async (req) => {
    const b = req.body;
    // the taxonomy and policy: the body's, else those of the dataset the server was started with
    const industries = b.industries ?? o.engine?.data.industries;
    const policy = b.policy ?? o.engine?.data.policy;
    const missing = [industries === undefined ? 'industries' : '', policy === undefined ? 'policy' : ''].filter(Boolean);
    if (missing.length > 0) {
      const expected = (what: string) => `${what} in the body (the server was started without --data, so it has none of its own; see docs/data-contract.md)`;
      throw inputError(missing.map((path) => ({ file: 'request body', path, expected: expected(path === 'industries' ? 'an array of industries' : 'a policy object'), got: 'missing' })));
    }
    const engine = createEngine(
      {
        industries: industries as never,
        platforms: b.platforms as never,
        talents: b.talents as never,
        policy: policy as never,
        ...(b.weights !== undefined ? { weights: b.weights as never } : o.engine ? { weights: o.engine.weights } : {}),
      },
      {},
    );
    const m = engine.model;
    const index = (ids: ArrayLike<string>) => new Map(Array.from({ length: ids.length }, (_, i) => [ids[i], i] as const));
    const decisions = b.decisions ? resolveDecisions(b.decisions, index(m.talents.ids), index(m.platforms.ids), 'request body decisions') : undefined;
    const a = engine.match({ mode: b.mode, proposer: b.proposer, milpMaxPairs: LIMITS.matchMilpMaxPairs, timeLimitSec: LIMITS.matchTimeLimitSec, now: () => performance.now(), ...(decisions ? { decisions } : {}) });
    return assignmentRecord(recordContext(engine), a);
  });

  // what-if on the server's dataset: the baseline per assignment option set is computed once
  const baselines = new LRUCache<string, SimSide>({ max: 4 });
  let solver: MilpSolver | undefined;
  r.post('/v1/simulate', { schema: { body: SimulateRequest } }, async (req) => {
    const engine = o.engine;
    if (!engine) throw notReady('simulate needs the server started with --data');
    const b = req.body;
    if (b.mode === 'optimal') solver ??= await loadHighsSolver();
    const opts = { assign: { mode: b.mode, proposer: b.proposer, maxPrefs: b.maxPrefs, timeLimitSec: LIMITS.matchTimeLimitSec, ...(b.mode === 'optimal' ? { solver } : {}) }, topK: b.top };
    const key = `${b.mode}/${b.proposer}/${b.maxPrefs}`;
    let baseline = baselines.get(key);
    if (!baseline) baselines.set(key, (baseline = simulateBaseline(engine, opts)));
    const diffs = (b.scenarios ?? [b.scenario!]).map((s) => simulateScenario(engine, baseline, s, opts).diff);
    return b.scenario ? diffs[0] : { diffs };
  });
}
