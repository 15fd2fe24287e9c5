/**
 * Talent profiles -> feature arrays (features/build.ts TalentFeatures). The rows are written
 * straight into growing CSR buffers (vector/sparse.ts CsrBuilder) and every per-talent
 * scratch (the industry blend, the declared industries, the concept counts) is reused across
 * the list, so a talent costs no object of its own; the arrays are copied once at the end
 * into their exact sizes, in the memory `buffer` gives (shared memory on worker threads:
 * the main thread then reads them without a copy). Same bits as one object per row
 * (test/features/talents.test.ts).
 */
import type { Talent } from '../domain/schemas.js';
import { TALENT_LEVELS } from '../domain/schemas.js';
import type { Weights } from '../config/weights.js';
import type { TextModel } from '../text/tfidf.js';
import { vectorize } from '../text/tfidf.js';
import type { ConceptScratch } from '../text/concepts.js';
import { chineseShare, conceptIds, conceptScratch, conceptVectorInto } from '../text/concepts.js';
import { TextAnalyzer } from '../text/analyzer.js';
import type { CsrMatrix } from '../vector/sparse.js';
import { CsrBuilder } from '../vector/sparse.js';
import type { ConceptModel, IndustryModel, IndustryScratch, KnownVectors, TalentFeatures, TokenSource } from './build.js';
import { addTalentDescription, industryScratch, industryVector, talentDescriptionText, talentProfileText } from './build.js';
import { needMask, stageIndex } from './tables.js';

/** Where the finished arrays live (features/concat.ts BufferOf): ordinary memory by default. */
type BufferOf = (bytes: number) => ArrayBufferLike;

const plain: BufferOf = (bytes) => new ArrayBuffer(bytes);

type TypedCtor<T> = { new (b: ArrayBufferLike, offset: number, length: number): T; BYTES_PER_ELEMENT: number };

function alloc<T>(C: TypedCtor<T> & { new (n: number): T }, n: number, buffer: BufferOf): T {
  return buffer === plain ? new C(n) : new C(buffer(Math.max(1, n) * C.BYTES_PER_ELEMENT), 0, n);
}

/**
 * Empties a list that is filled again at once, keeping its memory: `length = 0` drops an
 * array's backing store (V8), and the pushes that follow grow a new one, per talent (~1 MB
 * a batch chunk of 2,000 talents' concept mentions); pops leave it in place.
 */
export function emptyList<T>(a: T[]): void {
  while (a.length > 0) a.pop();
}

/** Each talent level's weight (`level.<name>`), read once per build. */
export function levelValues(w: Weights): Record<string, number> {
  return Object.fromEntries(TALENT_LEVELS.map((l) => [l, w[`level.${l}`]])) as Record<string, number>;
}

/** Where `writeTalentScalars` writes: one slot per talent. */
export interface TalentScalarsOut {
  needMask: Uint8Array;
  seats: Int32Array;
  capital: Float64Array;
  stage: Uint8Array;
  level: Float64Array;
}

/** The talent's fields that need no text, at index `i` of `out` (the batch's arrays and the live route's one slot alike). */
export function writeTalentScalars(t: Talent, i: number, out: TalentScalarsOut, levelValue: Record<string, number>): void {
  out.needMask[i] = needMask(t);
  out.seats[i] = t.needs?.seats ?? t.teamSize ?? 1;
  out.capital[i] = t.needs?.capitalYuan ?? 0;
  out.stage[i] = stageIndex(t);
  out.level[i] = levelValue[t.talentLevel ?? 'none'];
}

/** The talent's declared industries as a 0/1 vector in `scratch`, or null when it declares none. */
export function declaredIndustries(t: Talent, ind: IndustryModel, scratch: Float64Array): Float64Array | null {
  if (!t.industries || t.industries.length === 0) return null;
  scratch.fill(0);
  for (const idv of t.industries) {
    const d = ind.ids.indexOf(idv);
    if (d >= 0) scratch[d] = 1;
  }
  return scratch;
}

/** Appends to `excl` the platforms the talent excludes or that exclude it: each once, ascending. */
export function pushExclusions(t: Talent, platformIndex: ReadonlyMap<string, number>, excludedBy: ReadonlyMap<string, readonly number[]>, excl: number[]): void {
  const by = excludedBy.get(t.id);
  if ((t.excludePlatforms === undefined || t.excludePlatforms.length === 0) && by === undefined) return;
  const set = new Set<number>();
  for (const pid of t.excludePlatforms ?? []) {
    const p = platformIndex.get(pid);
    if (p !== undefined) set.add(p);
  }
  for (const p of by ?? []) set.add(p);
  for (const p of [...set].sort((x, y) => x - y)) excl.push(p);
}

/** What a list's features are built against: the platform side's models and exclusions (engine/platformSide.ts PlatformSide has them all). */
export interface TalentInputs {
  text: TextModel;
  industry: IndustryModel;
  /** the bilingual concept lexicon and its idf */
  concepts: ConceptModel;
  weights: Weights;
  platformIndex: ReadonlyMap<string, number>;
  /** talent id -> platforms (indices) that exclude it */
  excludedBy: ReadonlyMap<string, readonly number[]>;
}

/**
 * Where one pass over a list writes: CSR builders (empty at the start) and per-talent arrays
 * of at least N slots (industry N × D), every slot of [0, N) written; the exclusions appended.
 */
interface TalentTargets extends TalentScalarsOut {
  desc: CsrBuilder;
  profile: CsrBuilder;
  concept: CsrBuilder;
  industry: Float32Array;
  exclIndptr: Int32Array;
  excl: number[];
  zh: Float64Array;
}

/** Per-talent scratch of a pass (the concept counts, the industry blend, the declared industries, the mentions), reused across the list. */
interface PassScratch {
  concept: ConceptScratch;
  blend: IndustryScratch;
  declared: Float64Array;
  mentions: number[];
}

const passScratch = (s: TalentInputs): PassScratch => ({ concept: conceptScratch(s.concepts.idf.length), blend: industryScratch(s.industry.dims), declared: new Float64Array(s.industry.dims), mentions: [] });

/** The one pass over a list behind both builders: every talent's rows and fields into `out`. */
function writeTalents(talents: readonly Talent[], s: TalentInputs, tokens: TokenSource, known: KnownVectors | undefined, out: TalentTargets, sc: PassScratch): void {
  const { text, industry: ind, concepts, weights: w } = s;
  const { desc: descRows, profile: profRows, concept: conceptRows, industry, exclIndptr, excl, zh } = out;
  const mentions = sc.mentions;
  const D = ind.dims;
  const an = tokens.tokenizer ? TextAnalyzer.for(tokens.tokenizer, text, concepts.lexicon) : null;
  const lang: [number, number] = [0, 0];
  const levelValue = levelValues(w);
  exclIndptr[0] = 0;
  for (let i = 0; i < talents.length; i++) {
    const t = talents[i];
    const profText = talentProfileText(t);
    const descAt = descRows.nnz;
    if (an !== null) {
      an.clear();
      // the description's parts one by one: the joined text's tokens, without the joined string (build.ts addTalentDescription)
      addTalentDescription(t, an);
      const a = an.length;
      const b = an.add(profText);
      const kd = known?.(talentDescriptionText(t));
      if (kd !== undefined) descRows.push(kd);
      else an.vectorInto(0, a, descRows);
      const kp = known?.(profText);
      if (kp !== undefined) profRows.push(kp);
      else an.vectorInto(a, b, profRows);
      emptyList(mentions);
      an.mentions(0, a, mentions);
      an.mentions(a, b, mentions);
      lang[0] = lang[1] = 0;
      an.language(0, b, lang);
      zh[i] = lang[1] === 0 ? 0 : lang[0] / lang[1];
    } else {
      const descText = talentDescriptionText(t);
      const descTokens = tokens(descText);
      const profTokens = tokens(profText);
      descRows.push(known?.(descText) ?? vectorize(text, descTokens));
      profRows.push(known?.(profText) ?? vectorize(text, profTokens));
      emptyList(mentions);
      conceptIds(concepts.lexicon, descTokens, mentions);
      if (profTokens.length > 0) conceptIds(concepts.lexicon, profTokens, mentions);
      zh[i] = chineseShare(descTokens, profTokens);
    }
    conceptVectorInto(concepts.idf, mentions, sc.concept, conceptRows);
    const declared = declaredIndustries(t, ind, sc.declared);
    industryVector(ind, descRows.indices, descRows.values, descAt, descRows.nnz, declared, w, industry, i * D, sc.blend);
    writeTalentScalars(t, i, out, levelValue);
    pushExclusions(t, s.platformIndex, s.excludedBy, excl);
    exclIndptr[i + 1] = excl.length;
  }
}

export function buildTalentFeatures(
  talents: readonly Talent[],
  text: TextModel,
  ind: IndustryModel,
  concepts: ConceptModel,
  tokens: TokenSource,
  w: Weights,
  platformIndex: ReadonlyMap<string, number>,
  excludedBy: ReadonlyMap<string, readonly number[]>,
  known?: KnownVectors,
  buffer: BufferOf = plain,
): TalentFeatures {
  const N = talents.length;
  const s: TalentInputs = { text, industry: ind, concepts, weights: w, platformIndex, excludedBy };
  const out: TalentTargets = {
    desc: new CsrBuilder(N, 64 * N),
    profile: new CsrBuilder(N, 32 * N),
    concept: new CsrBuilder(N, 8 * N),
    industry: alloc(Float32Array, N * ind.dims, buffer),
    needMask: alloc(Uint8Array, N, buffer),
    seats: alloc(Int32Array, N, buffer),
    capital: alloc(Float64Array, N, buffer),
    stage: alloc(Uint8Array, N, buffer),
    level: alloc(Float64Array, N, buffer),
    exclIndptr: alloc(Int32Array, N + 1, buffer),
    excl: [],
    zh: alloc(Float64Array, N, buffer),
  };
  writeTalents(talents, s, tokens, known, out, passScratch(s));
  const exclIdx = alloc(Int32Array, out.excl.length, buffer);
  exclIdx.set(out.excl);
  const rowsIn = buffer === plain ? undefined : buffer;
  return {
    count: N,
    ids: talents.map((t) => t.id),
    desc: out.desc.finish(text.vocab.size, rowsIn),
    profile: out.profile.finish(text.vocab.size, rowsIn),
    industry: out.industry,
    needMask: out.needMask,
    seats: out.seats,
    capital: out.capital,
    stage: out.stage,
    level: out.level,
    exclIndptr: out.exclIndptr,
    exclIdx,
    concept: out.concept.finish(concepts.idf.length, rowsIn),
    zh: out.zh,
  };
}

/** `a` if it holds `n`, else a new array of ~1.25 `n` (contents not kept: a pass writes every slot it reads). */
function atLeast<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(a: T, n: number, make: (n: number) => T): T {
  return a.length >= n ? a : make(Math.ceil(n * 1.25) + 1);
}

/**
 * buildTalentFeatures of list after list into arrays kept from one list to the next (grown,
 * never shrunk): a batch scorer builds a chunk's features this way (engine/chunk.ts), where
 * fresh arrays a chunk were memory V8 counts towards its next mark-compact (docs/PERFORMANCE.md,
 * branches gc13, gc14). build() returns views of the kept arrays, valid until the next build;
 * each holds exactly the list's data (every slot in a view is written by that build, so a
 * smaller list after a larger one shows none of it). Same bits as buildTalentFeatures
 * (test/features/talents.test.ts). Not reentrant: one build at a time.
 */
export class TalentFeatureBuilder {
  private readonly desc = new CsrBuilder(64, 1 << 12);
  private readonly profile = new CsrBuilder(64, 1 << 11);
  private readonly concept = new CsrBuilder(64, 1 << 9);
  private industry = new Float32Array(0);
  private needMask = new Uint8Array(0);
  private seats = new Int32Array(0);
  private capital = new Float64Array(0);
  private stage = new Uint8Array(0);
  private level = new Float64Array(0);
  private exclIndptr = new Int32Array(1);
  private exclIdx = new Int32Array(0);
  private zh = new Float64Array(0);
  private readonly ids: string[] = [];
  private scratch: { of: TalentInputs; sc: PassScratch } | undefined;

  /** The features of `talents` (sorted by id) against `side`, as views valid until the next build. */
  build(talents: readonly Talent[], side: TalentInputs, tokens: TokenSource): TalentFeatures {
    const N = talents.length;
    const D = side.industry.dims;
    this.industry = atLeast(this.industry, N * D, (n) => new Float32Array(n));
    this.needMask = atLeast(this.needMask, N, (n) => new Uint8Array(n));
    this.seats = atLeast(this.seats, N, (n) => new Int32Array(n));
    this.capital = atLeast(this.capital, N, (n) => new Float64Array(n));
    this.stage = atLeast(this.stage, N, (n) => new Uint8Array(n));
    this.level = atLeast(this.level, N, (n) => new Float64Array(n));
    this.exclIndptr = atLeast(this.exclIndptr, N + 1, (n) => new Int32Array(n));
    this.zh = atLeast(this.zh, N, (n) => new Float64Array(n));
    for (const m of [this.desc, this.profile, this.concept]) m.rows = m.nnz = 0;
    if (this.scratch?.of !== side) this.scratch = { of: side, sc: passScratch(side) };
    const excl: number[] = [];
    writeTalents(talents, side, tokens, undefined, { desc: this.desc, profile: this.profile, concept: this.concept, industry: this.industry, needMask: this.needMask, seats: this.seats, capital: this.capital, stage: this.stage, level: this.level, exclIndptr: this.exclIndptr, excl, zh: this.zh }, this.scratch.sc);
    this.exclIdx = atLeast(this.exclIdx, excl.length, (n) => new Int32Array(n));
    for (let k = 0; k < excl.length; k++) this.exclIdx[k] = excl[k];
    const ids = this.ids;
    ids.length = N;
    for (let i = 0; i < N; i++) ids[i] = talents[i].id;
    const csr = (m: CsrBuilder, cols: number): CsrMatrix => ({ rows: m.rows, cols, indptr: m.indptr.subarray(0, m.rows + 1), indices: m.indices.subarray(0, m.nnz), values: m.values.subarray(0, m.nnz) });
    const V = side.text.vocab.size;
    return {
      count: N,
      ids,
      desc: csr(this.desc, V),
      profile: csr(this.profile, V),
      industry: this.industry.subarray(0, N * D),
      needMask: this.needMask.subarray(0, N),
      seats: this.seats.subarray(0, N),
      capital: this.capital.subarray(0, N),
      stage: this.stage.subarray(0, N),
      level: this.level.subarray(0, N),
      exclIndptr: this.exclIndptr.subarray(0, N + 1),
      exclIdx: this.exclIdx.subarray(0, excl.length),
      concept: csr(this.concept, side.concepts.idf.length),
      zh: this.zh.subarray(0, N),
    };
  }
}
