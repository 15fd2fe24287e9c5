/**
 * The in-process facade: createEngine(data, options) fits the text and industry models,
 * builds the feature arrays and exposes score / recommend / explain. Entities are sorted
 * by id once, so every index-based tie break is an id tie break.
 */
import type { Industry, Platform, Policy, Talent } from '../domain/schemas.js';
import { TalentmatchError } from '../errors.js';
import type { Weights } from '../config/weights.js';
import { resolveWeights } from '../config/weights.js';
import type { EngineOptions, ResolvedEngineOptions } from '../config/options.js';
import { resolveEngineOptions } from '../config/options.js';
import { Tokenizer } from '../text/tokenize.js';
import { TokenCache } from '../text/cache.js';
import type { TextModel } from '../text/tfidf.js';
import type { IndustryModel, PlatformFeatures, TalentFeatures } from '../features/build.js';
import { buildPlatformSide, talentFeatures } from './platformSide.js';
import type { PlatformSide } from './platformSide.js';
import type { ScoringModel } from '../scoring/kernel.js';
import { createRowScratch } from '../scoring/kernel.js';
import type { PairExplanation } from '../scoring/explain.js';
import { explainPair } from '../scoring/explain.js';
import type { Recommendations } from '../ranking/twoWay.js';
import { recommendAll } from '../ranking/twoWay.js';
import { RowRanker } from '../ranking/rows.js';
import type { AssignOptions, Assignment } from '../matching/assign.js';
import { buildPairSet } from '../matching/pairs.js';
import { noAcceptableReason } from '../matching/whyNot.js';
import type { Referrals } from '../referrals/referrals.js';
import { buildReferrals, supportInputs } from '../referrals/referrals.js';
import { assignIncoming, hostIndex, hostedPairs } from './hosted.js';
import type { Dataset } from './data.js';
import { applyListControls } from './lists.js';
import { assignmentFloorsOf } from './floors.js';
import { validateDataset } from './data.js';

export type { Recommendations };

export interface ScoredPair {
  talent: number;
  platform: number;
  talentScore: number;
  platformScore: number;
  score: number;
}

export interface Engine {
  readonly options: ResolvedEngineOptions;
  readonly weights: Weights;
  readonly data: Readonly<Dataset> & { talents: readonly Talent[]; platforms: readonly Platform[] };
  readonly model: ScoringModel;
  readonly text: TextModel;
  readonly industry: IndustryModel;
  talentIndex(id: string): number;
  platformIndex(id: string): number;
  /** Two-way top-k over all talents, in process (workers/threaded.ts has the threaded form); the policy's list controls applied (./lists.ts). */
  recommend(opts?: { k?: number; kPlatform?: number }): Recommendations;
  /** Every acceptable pair, talent-major, platforms ascending: exactly the pairs the assignment may use. */
  pairs(): Generator<ScoredPair>;
  explain(talentId: string, platformId: string): PairExplanation;
  /** Per talent: the index of the platform hosting it (`hostedBy`), or -1. */
  readonly hostOf: Int32Array;
  /** Capacity-respecting assignment of the incoming projects (hosted ones never take part): stable (either proposer) or optimal (with the policy's assignment floors). */
  match(o?: AssignOptions): Assignment;
  /** The two referral directions for an assignment. */
  refer(a: Assignment): Referrals;
  /** Token cache statistics (hits are texts that were not tokenised again). */
  cacheStats(): { hits: number; misses: number };
  /** The engine's tokens-by-content-hash source (for scoring inline profiles). */
  tokens(text: string): readonly string[];
  /** The platform side the engine scores with. */
  readonly side: PlatformSide;
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * What an engine is built from before its talents are vectorized: the validated, id-sorted
 * inputs, the platform side and the token source. `createEngine` vectorizes the talents in
 * process; the CLI's threaded commands vectorize them in worker threads
 * (workers/threaded.ts vectorizeOnPool) and finish the engine with the stacked features.
 */
export interface EnginePlan {
  readonly options: ResolvedEngineOptions;
  readonly data: Dataset;
  readonly weights: Weights;
  /** the talents, sorted by id (row i of the features is talents[i]) */
  readonly talents: Talent[];
  readonly platforms: Platform[];
  readonly side: PlatformSide;
  readonly cache: TokenCache;
}

/**
 * `side`: the platform side already built from the same reference inputs (planSide of this
 * dataset's industries, platforms, policy and weights: the CLI starts its workers on it while
 * the talents are still being read); default: built here.
 */
export function planEngine(input: Dataset, options: EngineOptions = {}, side?: PlatformSide): EnginePlan {
  const opts = resolveEngineOptions(options);
  const data = opts.trusted ? input : validateDataset(input);
  const weights = resolveWeights(data.weights);
  const talents = [...data.talents].sort(byId);
  const platforms = [...data.platforms].sort(byId);
  const cache = new TokenCache(new Tokenizer(), opts.tokenCacheSize);
  return { options: opts, data, weights, talents, platforms, side: side ?? sideOf(data.industries, platforms, data.policy, weights, cache), cache };
}

function sideOf(industries: readonly Industry[], platforms: readonly Platform[], policy: Policy, weights: Weights, cache: TokenCache): PlatformSide {
  // Vocabulary and idf come from the reference corpus (industries and platforms, in id
  // order), never from talents: a talent's vector then depends only on its own text and
  // the platform side, so chunks are independent and an unchanged profile keeps its
  // scores when other talents change (exact incremental re-ranking).
  return buildPlatformSide(industries, platforms, policy, weights, cache.source());
}

/** The platform side planEngine builds for these reference inputs (trusted: already validated), without the talents. */
export function planSide(r: { industries: readonly Industry[]; platforms: readonly Platform[]; policy: Policy; weights?: Dataset['weights'] }, options: EngineOptions = {}): PlatformSide {
  const opts = resolveEngineOptions(options);
  return sideOf(r.industries, [...r.platforms].sort(byId), r.policy, resolveWeights(r.weights), new TokenCache(new Tokenizer(), opts.tokenCacheSize));
}

export function createEngine(input: Dataset, options: EngineOptions = {}): Engine {
  const plan = planEngine(input, options);
  return engineFromPlan(plan, talentFeatures(plan.side, plan.talents, plan.cache.source()));
}

/** The engine of a plan and its talents' features (`T.ids` = the plan's talents' ids, in order). */
export function engineFromPlan(plan: EnginePlan, T: TalentFeatures): Engine {
  const { options: opts, data, weights, talents, platforms, side, cache } = plan;
  if (T.count !== talents.length) throw new TalentmatchError('E_INTERNAL', `engineFromPlan: ${T.count} feature rows for ${talents.length} talents`);
  const tokens = cache.source();
  const { text, industry, ctx } = side;
  const P: PlatformFeatures = side.platforms;
  const platformIdx = side.platformIndex as Map<string, number>;
  const talentIdx = new Map(talents.map((t, i) => [t.id, i]));
  const model: ScoringModel = { ctx, talents: T, platforms: P };
  const hostOf = hostIndex(talents.map((t) => t.hostedBy), platformIdx);

  const need = (map: Map<string, number>, idv: string, what: string) => {
    const i = map.get(idv);
    if (i === undefined) throw new TalentmatchError('E_UNKNOWN_ID', `unknown ${what} id ${JSON.stringify(idv)}`);
    return i;
  };

  return {
    options: opts,
    weights,
    data: { ...data, talents, platforms },
    model,
    text,
    industry,
    talentIndex: (idv) => need(talentIdx, idv, 'talent'),
    platformIndex: (idv) => need(platformIdx, idv, 'platform'),
    recommend(o = {}) {
      const k = o.k ?? opts.topK;
      return applyListControls(model, data.policy, recommendAll(model, k, o.kPlatform ?? o.k ?? opts.topKPlatform)).rec;
    },
    *pairs() {
      // no heaps: every acceptable pair of the scored row is kept
      const r = new RowRanker(model);
      const s = r.scratch;
      for (let ti = 0; ti < T.count; ti++) {
        r.rank(ti);
        for (let p = 0; p < P.count; p++) {
          if (s.score[p] < 0) continue;
          yield { talent: ti, platform: p, talentScore: s.forward[p], platformScore: s.backward[p], score: s.score[p] };
        }
      }
    },
    hostOf,
    match(o = {}) {
      const scratch = createRowScratch(P.count);
      const floors = o.mode === 'optimal' ? assignmentFloorsOf(model, industry.ids, data.policy) : undefined;
      return assignIncoming(buildPairSet(model, o.maxPrefs ?? 0), hostOf, floors ? { ...o, floors } : o, P.ids, (t) => noAcceptableReason(model, t, scratch));
    },
    refer: (a) => buildReferrals({ ...supportInputs(model), hosted: hostedPairs(hostOf, (t, p) => explainPair(model, t, p)) }, a, data.policy),
    explain: (tid, pid) => explainPair(model, need(talentIdx, tid, 'talent'), need(platformIdx, pid, 'platform')),
    cacheStats: () => ({ hits: cache.hits, misses: cache.misses }),
    tokens,
    side,
  };
}
