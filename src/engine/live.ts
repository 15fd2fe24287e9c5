/**
 * Live scoring of profiles that are not in the engine's data (the API's inline talents and
 * platforms), with the engine's platform side. An inline talent is vectorized against the
 * reference text model exactly as a stored one would be, so its scores equal what a batch
 * would compute for it. Vectorized inline profiles are kept in an LRU by content hash from their second sight on.
 */
import { LRUCache } from 'lru-cache';
import { jsonHash as hash } from '../util/hash.js';
import { defaultCacheSizes } from '../config/caches.js';
import type { z } from 'zod';
import { TalentSchema, PlatformSchema } from '../domain/schemas.js';
import { issuesFromZod } from '../domain/validate.js';
import { inputError } from '../errors.js';
import type { PlatformFeatures, TalentFeatures } from '../features/build.js';
import { buildPlatformFeatures } from '../features/build.js';
import type { RowScratch, ScoringModel } from '../scoring/kernel.js';
import { createRowScratch } from '../scoring/kernel.js';
import type { PairExplanation } from '../scoring/explain.js';
import { createExplainBuffer, explainPair } from '../scoring/explain.js';
import { RowRanker } from '../ranking/rows.js';
import type { PlatformBlocks } from '../scoring/bounds.js';
import { platformBlocks } from '../scoring/bounds.js';
import { platformsPrunable, talentsPrunable } from '../scoring/prunable.js';
import type { RecommendationRecord } from './format.js';
import { talentRecord, talentRecordInto, talentRecordJson } from './format.js';
import { JsonBytes } from './jsonBytes.js';
import { industryView, talentRowList } from './lists.js';
import type { LiveTalentBuilder } from '../features/liveTalent.js';
import { liveTalentBuilder } from './platformSide.js';
import type { Engine } from './engine.js';

/** pruning rankers kept by LiveScorer (one per k asked for; each holds a few arrays of the platforms' count) */
const RANKERS = 8;

/** bytes per block of answers (ByteSlab): ~15 live answers of k = 10 (~4 KB each) */
const ANSWER_BLOCK = 1 << 16;

/**
 * Byte regions handed out of larger blocks, as the Node Buffer pool does: each region is
 * written once and never again (a new block is started when one is full; a block lives as
 * long as a view of it does), so a caller may keep what it got. One ArrayBuffer per block
 * instead of one per answer: every ArrayBuffer is an entry that each scavenge sweeps (the
 * live route's scavenges spent 2–6 ms of their ~30 ms sweeping them; docs/PERFORMANCE.md,
 * API seventh pass).
 */
export class ByteSlab {
  private block = new Uint8Array(0);
  private used = 0;

  constructor(private readonly blockBytes: number) {}

  /** A region of its own holding src[0, n). */
  copy(src: Uint8Array, n: number): Uint8Array {
    if (this.used + n > this.block.length) {
      this.block = new Uint8Array(Math.max(this.blockBytes, n));
      this.used = 0;
    }
    const region = this.block.subarray(this.used, this.used + n);
    region.set(src.subarray(0, n));
    this.used += n;
    return region;
  }
}

export type TalentRef = { id: string } | { profile: unknown };
export type PlatformRef = { id: string } | { profile: unknown };


/** One-row talent features: a stored talent's row, or an inline profile's. */
function oneTalent(T: TalentFeatures, ti: number): TalentFeatures {
  const D = T.industry.length / Math.max(1, T.count);
  const row = <A extends { subarray(a: number, b: number): A }>(a: A, w = 1) => a.subarray(ti * w, (ti + 1) * w);
  const csr = (m: TalentFeatures['desc']) => {
    const a = m.indptr[ti];
    const b = m.indptr[ti + 1];
    return { rows: 1, cols: m.cols, indptr: Int32Array.of(0, b - a), indices: m.indices.subarray(a, b), values: m.values.subarray(a, b) };
  };
  const ea = T.exclIndptr[ti];
  const eb = T.exclIndptr[ti + 1];
  return {
    count: 1,
    ids: [T.ids[ti]],
    desc: csr(T.desc),
    profile: csr(T.profile),
    industry: row(T.industry, D),
    needMask: row(T.needMask),
    seats: row(T.seats),
    capital: row(T.capital),
    stage: row(T.stage),
    level: row(T.level),
    exclIndptr: Int32Array.of(0, eb - ea),
    exclIdx: T.exclIdx.subarray(ea, eb),
    concept: csr(T.concept),
    zh: row(T.zh),
  };
}

/**
 * Validates an inline profile at the edge (unless the caller's own schema, which contains this
 * one, already did: `validated`), then features by content hash (built once per distinct profile).
 * `keep`: what the cache stores of a built row (`build` may return one that is valid only
 * until the next build: LiveTalentBuilder.transient).
 */
function inline<R, F extends object>(schema: z.ZodType<R>, cache: ProfileCache<F>, profile: unknown, where: string, build: (r: R) => F, validated = false, keep: (f: F) => F = (f) => f): F {
  let data: R;
  if (validated) data = profile as R;
  else {
    const res = schema.safeParse(profile);
    if (!res.success) throw inputError(issuesFromZod(res.error, profile, { file: where }));
    data = res.data;
  }
  const key = hash(data);
  let f = cache.features.get(key);
  if (!f) {
    f = build(data);
    // admitted on its second sight: a profile seen once leaves only its key behind
    if (cache.seen.delete(key)) cache.features.set(key, (f = keep(f)));
    else cache.seen.set(key, true);
  }
  return f;
}

/**
 * Vectorized profiles by content hash, admitted on their second sight: `seen` keeps the keys of
 * profiles vectorized once, `features` the vectorized profiles seen again. A stream of new
 * profiles (each scored once) then keeps no features alive: each request's arrays die young
 * instead of surviving a scavenge, being promoted and filling the old generation, which made
 * the live route's GC pauses (docs/PERFORMANCE.md, API sixth pass). A repeated profile is
 * vectorized twice, then served from the cache.
 */
interface ProfileCache<F extends object> {
  seen: LRUCache<string, true>;
  features: LRUCache<string, F>;
}

const profileCache = <F extends object>(max: number): ProfileCache<F> => ({ seen: new LRUCache({ max }), features: new LRUCache({ max }) });

export class LiveScorer {
  private readonly talents: ProfileCache<TalentFeatures>;
  private readonly platforms: ProfileCache<PlatformFeatures>;
  /** one row's scores against every platform and one explanation, reused by every recommendJson call (each runs to its end synchronously) */
  private scratch: RowScratch | undefined;
  private readonly explain = createExplainBuffer();
  /** recommendBytes' writer, reused by every call (grown when an answer needs more room; each answer's bytes are copied out) */
  private readonly out = new JsonBytes(1 << 13);
  /** the blocks recommendBytes hands answers out of */
  private readonly answers = new ByteSlab(ANSWER_BLOCK);
  /** the engine's platforms in blocks for exact pruning, built on first use (the platforms never change) */
  private blocks: PlatformBlocks | undefined;
  /** whether the engine's context and platforms allow exact pruning (bounds.ts), checked once */
  private platformsPrunable: boolean | undefined;
  /**
   * pruning rankers by k, reused by recommendJson (RowRanker.setTalents: the platform-side
   * state — blocks, floors, buffers of the platforms' count — is built once, not per request);
   * at most RANKERS of them
   */
  private readonly rankers = new Map<number, RowRanker>();
  /** vectorizes inline talents through the one-pass analyzer into buffers kept across calls (each call copies its row out) */
  private builder: LiveTalentBuilder | undefined;
  /** acceptable pairs and pairs scored in full by the last ranking (pruning skips the rest) */
  readonly last = { pairs: 0, scored: 0 };

  constructor(
    private readonly engine: Engine,
    cacheSize: number = defaultCacheSizes.liveProfiles,
  ) {
    this.talents = profileCache(cacheSize);
    this.platforms = profileCache(Math.max(16, cacheSize >> 2));
  }

  /** Validated inline talent -> features (cached by content hash). Throws E_INPUT naming `where`; `validated`: the caller checked it against TalentSchema already. */
  inlineTalent(profile: unknown, where: string, validated = false): TalentFeatures {
    const builder = (this.builder ??= liveTalentBuilder(this.engine.side, this.engine.tokens));
    return inline(TalentSchema, this.talents, profile, where, (t) => builder.build(t), validated);
  }

  /**
   * inlineTalent() for one ranking within a call: a profile not in the cache is vectorized into
   * the builder's buffers and scored from there (LiveTalentBuilder.transient: no copy, no
   * ArrayBuffer per new profile), valid until the next profile; the cache keeps a copy.
   */
  private transientTalent(profile: unknown, where: string, validated: boolean): TalentFeatures {
    const builder = (this.builder ??= liveTalentBuilder(this.engine.side, this.engine.tokens));
    return inline(TalentSchema, this.talents, profile, where, (t) => builder.transient(t), validated, (f) => builder.keep(f));
  }

  inlinePlatform(profile: unknown, where: string): PlatformFeatures {
    const side = this.engine.side;
    return inline(PlatformSchema, this.platforms, profile, where, (p) => buildPlatformFeatures([p], side.text, side.industry, side.concepts, (x) => this.engine.tokens(x), side.weights));
  }

  private talent(ref: TalentRef, where: string): TalentFeatures {
    if ('id' in ref) return oneTalent(this.engine.model.talents, this.engine.talentIndex(ref.id));
    return this.inlineTalent(ref.profile, where);
  }

  private platform(ref: PlatformRef, where: string): { P: PlatformFeatures; pi: number } {
    if ('id' in ref) return { P: this.engine.model.platforms, pi: this.engine.platformIndex(ref.id) };
    return { P: this.inlinePlatform(ref.profile, where), pi: 0 };
  }

  score(t: TalentRef, p: PlatformRef, where = 'request body'): PairExplanation {
    let T = this.talent(t, `${where} talent`);
    const { P, pi } = this.platform(p, `${where} platform`);
    // exclusions name the engine's platforms; an inline platform is new to both sides
    if (!('id' in p)) T = { ...T, exclIndptr: Int32Array.of(0, 0), exclIdx: new Int32Array(0) };
    const m: ScoringModel = { ctx: this.engine.model.ctx, talents: T, platforms: P };
    return explainPair(m, 0, pi);
  }

  /** Top-k platforms for an inline talent profile, in the contract's talent-line format. */
  recommend(profile: unknown, k: number, where = 'request body'): RecommendationRecord {
    const { m, list, count } = this.rankInline(profile, k, where, false, undefined);
    return talentRecord(m, 0, list, count);
  }

  /**
   * recommend() as its JSON text, byte for byte JSON.stringify(recommend(...)), built without
   * the record's objects and with this scorer's reused scratch (the API's live route).
   * `validated`: the profile already passed TalentSchema (the route's body schema contains it).
   */
  recommendJson(profile: unknown, k: number, where = 'request body', validated = false): string {
    this.scratch ??= createRowScratch(this.engine.model.platforms.count);
    const { m, list, count } = this.rankInline(profile, k, where, validated, this.scratch);
    return talentRecordJson(m, 0, list, count, this.explain);
  }

  /**
   * recommendJson's bytes (UTF-8), the API's live route: written into this scorer's reused
   * writer and copied once into a region of their own (ByteSlab) — no string is built, decoded
   * or encoded again for the socket (~10 KB of heap strings per answer before). The copy is
   * needed: the socket may still hold one answer's bytes while the next request is answered.
   */
  recommendBytes(profile: unknown, k: number, where = 'request body', validated = false): Uint8Array {
    this.scratch ??= createRowScratch(this.engine.model.platforms.count);
    const { m, list, count } = this.rankInline(profile, k, where, validated, this.scratch);
    const w = this.out;
    w.n = 0;
    talentRecordInto(w, m, 0, list, count, this.explain);
    return this.answers.copy(w.out, w.n);
  }

  private rankInline(profile: unknown, k: number, where: string, validated: boolean, scratch: RowScratch | undefined): { m: ScoringModel; list: ArrayLike<number>; count: number } {
    const T = this.transientTalent(profile, where, validated);
    const m: ScoringModel = { ctx: this.engine.model.ctx, talents: T, platforms: this.engine.model.platforms };
    // the policy's per-talent list controls, as recommend and the batch apply them (the exposure floor is global: not for one new profile)
    const lists = this.engine.data.policy.lists;
    const controlled = lists !== undefined && (lists.industryShare !== undefined || (lists.diversity ?? 0) > 0);
    // without list controls only the talent's top k is read: exact block-max pruning scores
    // in full only the blocks of platforms that can still enter it (the same list, tie order
    // included: ranking/rows.ts); the list controls read the whole scored row
    this.platformsPrunable ??= platformsPrunable(m);
    const prune = !controlled && this.platformsPrunable && talentsPrunable(T);
    if (prune) this.blocks ??= platformBlocks(m.platforms, m.ctx.dims);
    // a reused ranker only with the reused scratch (recommendJson: each call runs to its end synchronously)
    let r = prune && scratch ? this.rankers.get(k) : undefined;
    if (r === undefined || !r.setTalents(T)) {
      r = new RowRanker(m, { kTalent: k, ...(scratch ? { scratch } : {}), ...(prune ? { prune, blocks: this.blocks } : {}) });
      if (prune && scratch) {
        if (this.rankers.size >= RANKERS) this.rankers.clear();
        this.rankers.set(k, r);
      }
    }
    const scored0 = r.scored;
    this.last.pairs = r.rank(0);
    this.last.scored = r.scored - scored0;
    if (controlled) {
      const l = talentRowList(r.scratch.score, industryView(m.platforms, m.ctx.dims), lists, k);
      return { m, list: l, count: l.length };
    }
    return { m, list: r.talentTop.ids, count: r.talentTop.sizes[0] };
  }
}
