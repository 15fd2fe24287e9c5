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
import { chineseShare, conceptIds, conceptScratch, conceptVectorInto } from '../text/concepts.js';
import { TextAnalyzer } from '../text/analyzer.js';
import { CsrBuilder } from '../vector/sparse.js';
import type { ConceptModel, IndustryModel, KnownVectors, TalentFeatures, TokenSource } from './build.js';
import { industryScratch, industryVector, talentDescriptionText, talentProfileText } from './build.js';
import { needMask, stageIndex } from './tables.js';

/** Where the finished arrays live (features/concat.ts BufferOf): ordinary memory by default. */
type BufferOf = (bytes: number) => ArrayBufferLike;

const plain: BufferOf = (bytes) => new ArrayBuffer(bytes);

type TypedCtor<T> = { new (b: ArrayBufferLike, offset: number, length: number): T; BYTES_PER_ELEMENT: number };

function alloc<T>(C: TypedCtor<T> & { new (n: number): T }, n: number, buffer: BufferOf): T {
  return buffer === plain ? new C(n) : new C(buffer(Math.max(1, n) * C.BYTES_PER_ELEMENT), 0, n);
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
  const D = ind.dims;
  const descRows = new CsrBuilder(N, 64 * N);
  const profRows = new CsrBuilder(N, 32 * N);
  const conceptRows = new CsrBuilder(N, 8 * N);
  const industry = alloc(Float32Array, N * D, buffer);
  const needs = alloc(Uint8Array, N, buffer);
  const seats = alloc(Int32Array, N, buffer);
  const capital = alloc(Float64Array, N, buffer);
  const stage = alloc(Uint8Array, N, buffer);
  const level = alloc(Float64Array, N, buffer);
  const exclIndptr = alloc(Int32Array, N + 1, buffer);
  const excl: number[] = [];
  const zh = alloc(Float64Array, N, buffer);
  const scratch = conceptScratch(concepts.idf.length);
  const mentions: number[] = [];
  const blend = industryScratch(D);
  const declaredScratch = new Float64Array(D);
  const an = tokens.tokenizer ? TextAnalyzer.for(tokens.tokenizer, text, concepts.lexicon) : null;
  const lang: [number, number] = [0, 0];
  const levelValue = levelValues(w);
  const scalars: TalentScalarsOut = { needMask: needs, seats, capital, stage, level };
  for (let i = 0; i < N; i++) {
    const t = talents[i];
    const descText = talentDescriptionText(t);
    const profText = talentProfileText(t);
    const descAt = descRows.nnz;
    if (an !== null) {
      an.clear();
      const a = an.add(descText);
      const b = an.add(profText);
      const kd = known?.(descText);
      if (kd !== undefined) descRows.push(kd);
      else an.vectorInto(0, a, descRows);
      const kp = known?.(profText);
      if (kp !== undefined) profRows.push(kp);
      else an.vectorInto(a, b, profRows);
      mentions.length = 0;
      an.mentions(0, a, mentions);
      an.mentions(a, b, mentions);
      lang[0] = lang[1] = 0;
      an.language(0, b, lang);
      zh[i] = lang[1] === 0 ? 0 : lang[0] / lang[1];
    } else {
      const descTokens = tokens(descText);
      const profTokens = tokens(profText);
      descRows.push(known?.(descText) ?? vectorize(text, descTokens));
      profRows.push(known?.(profText) ?? vectorize(text, profTokens));
      mentions.length = 0;
      conceptIds(concepts.lexicon, descTokens, mentions);
      if (profTokens.length > 0) conceptIds(concepts.lexicon, profTokens, mentions);
      zh[i] = chineseShare(descTokens, profTokens);
    }
    conceptVectorInto(concepts.idf, mentions, scratch, conceptRows);
    const declared = declaredIndustries(t, ind, declaredScratch);
    industryVector(ind, descRows.indices, descRows.values, descAt, descRows.nnz, declared, w, industry, i * D, blend);
    writeTalentScalars(t, i, scalars, levelValue);
    pushExclusions(t, platformIndex, excludedBy, excl);
    exclIndptr[i + 1] = excl.length;
  }
  const exclIdx = alloc(Int32Array, excl.length, buffer);
  exclIdx.set(excl);
  const rowsIn = buffer === plain ? undefined : buffer;
  return {
    count: N,
    ids: talents.map((t) => t.id),
    desc: descRows.finish(text.vocab.size, rowsIn),
    profile: profRows.finish(text.vocab.size, rowsIn),
    industry,
    needMask: needs,
    seats,
    capital,
    stage,
    level,
    exclIndptr,
    exclIdx,
    concept: conceptRows.finish(concepts.idf.length, rowsIn),
    zh,
  };
}
