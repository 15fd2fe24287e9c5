/**
 * Profiles -> feature arrays. Everything the scorer reads per entity ends up in typed
 * arrays indexed by the entity's position (entities sorted by id):
 *  - text: TF-IDF rows (talent description, talent profile, platform description);
 *  - industry: a D-dimensional unit vector (D = taxonomy size), declared industries blended
 *    with industries inferred from the text;
 *  - concepts: TF-IDF rows over the bilingual concepts a profile mentions (text/concepts.ts),
 *    and the profile's Chinese share (the language-aware text weight reads both);
 *  - structured fields: needs / offers bit masks, capacities, capital, stage, level, signing.
 */
import type { Industry, Platform, Policy, Talent } from '../domain/schemas.js';
import { MODES, STAGES, TALENT_LEVELS } from '../domain/schemas.js';
import type { Weights } from '../config/weights.js';
import type { TextModel } from '../text/tfidf.js';
import type { ConceptLexicon } from '../text/concepts.js';
import { buildConceptLexicon, chineseShare, conceptIds, conceptScratch, conceptVector, fitConceptIdf } from '../text/concepts.js';
import { fitTextModel, vectorize } from '../text/tfidf.js';
import type { TokenFn } from '../text/cache.js';
import { TextAnalyzer } from '../text/analyzer.js';
import type { CsrMatrix, SparseVector } from '../vector/sparse.js';
import { toCsr, transposeCsr } from '../vector/sparse.js';
import { needMask, offerMask, stageIndex } from './tables.js';

/**
 * Tokens of a text. A source that names its tokenizer (`TokenCache.source()`) lets the
 * builders vectorize a list of profiles through one per-run term cache (text/analyzer.ts:
 * each distinct word stemmed and looked up once, no per-text hashing); the outputs are the
 * same bits as through the function.
 */
export type TokenSource = TokenFn;

/**
 * Already computed TF-IDF rows by text (under the same fitted model), or undefined. The
 * what-if simulator passes the baseline's rows so an unchanged text is never vectorized
 * again; the builders vectorize only texts it does not know (they still tokenize every
 * text: the concept term and the language share read the tokens).
 */
export type KnownVectors = (text: string) => SparseVector | undefined;

// ---------- texts fed to the vectorizer (one place, so fit and transform agree) ----------

/**
 * The talent's description text (name, description, skills) as its parts, in order, to
 * `sink`: the text is the parts joined by newlines, and no token crosses a newline (NFKC and
 * lower-casing leave it a boundary, the tokenizer splits there: text/tokenize.ts), so adding
 * the parts one by one to an analyzer gives the joined text's tokens without the joined
 * string (2 MB a batch chunk of 2,000 talents).
 */
export function addTalentDescription(t: Talent, sink: { add(text: string): unknown }): void {
  sink.add(t.name);
  sink.add(t.description);
  if (t.skills !== undefined) for (const s of t.skills) sink.add(s);
}
export function talentDescriptionText(t: Talent): string {
  const parts: string[] = [];
  addTalentDescription(t, { add: (s) => parts.push(s) });
  return parts.join('\n');
}
export function talentProfileText(t: Talent): string {
  return t.profile ?? '';
}
export function platformText(p: Platform): string {
  return `${p.name}\n${p.description}`;
}
export function industryText(i: Industry): string {
  return [i.name, i.nameZh ?? '', i.description, ...i.keywords].join('\n');
}

/** Vocabulary and idf of the reference corpus: every industry's text, then every platform's (callers pass both in id order). */
export function fitReferenceModel(industries: readonly Industry[], platforms: readonly Platform[], tokens: TokenSource): TextModel {
  return fitTextModel(
    (function* () {
      for (const i of industries) yield tokens(industryText(i));
      for (const p of platforms) yield tokens(platformText(p));
    })(),
  );
}

// ---------- concept model ----------

/** The concept lexicon of the taxonomy and the idf of its concepts (fitted on the reference corpus). */
export interface ConceptModel {
  lexicon: ConceptLexicon;
  /** per concept index */
  idf: Float32Array;
  documents: number;
}

/** The concepts the token lists mention (indices, one per mention), into `out` (cleared first). */
function mentionsOf(lexicon: ConceptLexicon, a: readonly string[], b: readonly string[] | null, out: number[] = []): number[] {
  out.length = 0;
  conceptIds(lexicon, a, out);
  if (b !== null) conceptIds(lexicon, b, out);
  return out;
}

/** Concepts of the taxonomy; idf over the concepts of every industry's text, then every platform's (id order). */
export function fitConceptModel(industries: readonly Industry[], platforms: readonly Platform[], tokens: TokenSource): ConceptModel {
  const lexicon = buildConceptLexicon(industries, tokens);
  const { idf, documents } = fitConceptIdf(
    lexicon.concepts.length,
    (function* () {
      for (const i of industries) yield mentionsOf(lexicon, tokens(industryText(i)), null);
      for (const p of platforms) yield mentionsOf(lexicon, tokens(platformText(p)), null);
    })(),
  );
  return { lexicon, idf, documents };
}

// ---------- industry model ----------

export interface IndustryModel {
  ids: readonly string[];
  /** D */
  dims: number;
  /** term-major dense table: weight of term v in industry d at [v * dims + d] (industry TF-IDF rows). */
  termWeights: Float32Array;
  /** government priority per industry, [0, 1] */
  priority: Float64Array;
}

export function buildIndustryModel(industries: readonly Industry[], policy: Policy, text: TextModel, tokens: TokenSource): IndustryModel {
  const dims = industries.length;
  const V = text.vocab.size;
  const termWeights = new Float32Array(V * dims);
  industries.forEach((ind, d) => {
    const v = vectorize(text, tokens(industryText(ind)));
    for (let k = 0; k < v.indices.length; k++) termWeights[v.indices[k] * dims + d] = v.values[k];
  });
  return { ids: industries.map((i) => i.id), dims, termWeights, priority: industryPriorities(industries, policy) };
}

/** The government priority of each industry (taxonomy order), 0 where the policy names none. */
export function industryPriorities(industries: readonly Industry[], policy: Policy): Float64Array {
  const priority = new Float64Array(industries.length);
  industries.forEach((ind, d) => (priority[d] = policy.industryPriority[ind.id] ?? 0));
  return priority;
}

/** Reusable buffers of `industryVector` (D values each). */
export interface IndustryScratch {
  inferred: Float64Array;
  blend: Float64Array;
}

export const industryScratch = (dims: number): IndustryScratch => ({ inferred: new Float64Array(dims), blend: new Float64Array(dims) });

/**
 * Industry vector of one entity, written into out[off .. off+D):
 *   inferred_d = cos(text, industry_d) ^ sharpness, L2-normalised;
 *   declared   = declared weights, L2-normalised;
 *   v = declared ? (1 - s) * declared + s * inferred : inferred;  then L2-normalised.
 * s = weights.industryInferredShare. All components are >= 0, so cosines stay in [0, 1].
 * The text is entries [from, to) of `indices` / `values` (a row of a CSR being built).
 */
export function industryVector(model: IndustryModel, indices: Int32Array, values: Float32Array, from: number, to: number, declared: Float64Array | null, w: Weights, out: Float32Array, off: number, scratch: IndustryScratch): void {
  const D = model.dims;
  const inferred = scratch.inferred.fill(0);
  for (let k = from; k < to; k++) {
    const base = indices[k] * D;
    const x = values[k];
    for (let d = 0; d < D; d++) inferred[d] += x * model.termWeights[base + d];
  }
  let ni = 0;
  for (let d = 0; d < D; d++) {
    inferred[d] = Math.pow(Math.max(0, inferred[d]), w.industrySharpness);
    ni += inferred[d] * inferred[d];
  }
  ni = Math.sqrt(ni);
  let nd = 0;
  if (declared) for (let d = 0; d < D; d++) nd += declared[d] * declared[d];
  nd = Math.sqrt(nd);
  const s = nd > 0 ? w.industryInferredShare : 1;
  const v = scratch.blend;
  let nv = 0;
  for (let d = 0; d < D; d++) {
    const a = nd > 0 ? declared![d] / nd : 0;
    const b = ni > 0 ? inferred[d] / ni : 0;
    v[d] = (1 - s) * a + s * b;
    nv += v[d] * v[d];
  }
  nv = Math.sqrt(nv);
  for (let d = 0; d < D; d++) out[off + d] = nv > 0 ? v[d] / nv : 0;
}

// ---------- platforms ----------

export interface PlatformFeatures {
  count: number;
  ids: readonly string[];
  /** TF-IDF rows of name + description */
  doc: CsrMatrix;
  /** inverted index of `doc`: term -> (platform, weight), platforms ascending */
  docIndex: CsrMatrix;
  industry: Float32Array;
  offerMask: Uint8Array;
  slots: Int32Array;
  freeSlots: Int32Array;
  seats: Int32Array;
  freeSeats: Int32Array;
  capital: Float64Array;
  signing: Float64Array;
  /** stage fit per platform and stage index (STAGES.length + 1 columns; last = unknown stage) */
  stageFit: Float64Array;
  /** concept TF-IDF rows of name + description */
  concept: CsrMatrix;
  /** inverted index of `concept`, platforms ascending */
  conceptIndex: CsrMatrix;
  /** share of the platform's words written in Chinese, [0, 1] */
  zh: Float64Array;
}

export const STAGE_COLUMNS = STAGES.length + 1;

export function buildPlatformFeatures(platforms: readonly Platform[], text: TextModel, ind: IndustryModel, concepts: ConceptModel, tokens: TokenSource, w: Weights, known?: KnownVectors): PlatformFeatures {
  const M = platforms.length;
  const D = ind.dims;
  const rows: SparseVector[] = [];
  const conceptRows: SparseVector[] = [];
  const scratch = conceptScratch(concepts.idf.length);
  const mentions: number[] = [];
  const industry = new Float32Array(M * D);
  const f: PlatformFeatures = {
    count: M,
    ids: platforms.map((p) => p.id),
    doc: undefined as unknown as CsrMatrix,
    docIndex: undefined as unknown as CsrMatrix,
    industry,
    offerMask: new Uint8Array(M),
    slots: new Int32Array(M),
    freeSlots: new Int32Array(M),
    seats: new Int32Array(M),
    freeSeats: new Int32Array(M),
    capital: new Float64Array(M),
    signing: new Float64Array(M),
    stageFit: new Float64Array(M * STAGE_COLUMNS),
    concept: undefined as unknown as CsrMatrix,
    conceptIndex: undefined as unknown as CsrMatrix,
    zh: new Float64Array(M),
  };
  const an = tokens.tokenizer ? new TextAnalyzer(tokens.tokenizer, text, concepts.lexicon) : null;
  const lang: [number, number] = [0, 0];
  const blend = industryScratch(D);
  platforms.forEach((p, i) => {
    const pt = platformText(p);
    let doc: SparseVector;
    if (an !== null) {
      an.clear();
      const n = an.add(pt);
      doc = known?.(pt) ?? an.vector(0, n);
      mentions.length = 0;
      an.mentions(0, n, mentions);
      lang[0] = lang[1] = 0;
      an.language(0, n, lang);
      f.zh[i] = lang[1] === 0 ? 0 : lang[0] / lang[1];
    } else {
      const toks = tokens(pt);
      doc = known?.(pt) ?? vectorize(text, toks);
      mentionsOf(concepts.lexicon, toks, null, mentions);
      f.zh[i] = chineseShare(toks);
    }
    rows.push(doc);
    conceptRows.push(conceptVector(concepts.idf, mentions, scratch));
    const declared = new Float64Array(D);
    ind.ids.forEach((idv, d) => (declared[d] = p.industries[idv] ?? 0));
    industryVector(ind, doc.indices, doc.values, 0, doc.indices.length, declared, w, industry, i * D, blend);
    f.offerMask[i] = offerMask(p);
    f.slots[i] = p.capacity.slots;
    f.freeSlots[i] = p.capacity.slots - p.capacity.slotsUsed;
    f.seats[i] = p.capacity.seats;
    f.freeSeats[i] = p.capacity.seats - p.capacity.seatsUsed;
    f.capital[i] = p.capacity.capitalYuan ?? 0;
    f.signing[i] = p.signingRate ?? w.defaultSigningRate;
    STAGES.forEach((stage, s) => {
      let fit: number;
      if (p.stages) fit = p.stages.includes(stage) ? 1 : 0;
      else {
        fit = 0;
        for (const m of p.modes) fit = Math.max(fit, w[`stageAffinity.${m}.${stage}` as `stageAffinity.${(typeof MODES)[number]}.${(typeof STAGES)[number]}`]);
      }
      f.stageFit[i * STAGE_COLUMNS + s] = fit;
    });
    f.stageFit[i * STAGE_COLUMNS + STAGES.length] = w.stageUnknown;
  });
  f.doc = toCsr(rows, text.vocab.size);
  f.docIndex = transposeCsr(f.doc);
  f.concept = toCsr(conceptRows, concepts.idf.length);
  f.conceptIndex = transposeCsr(f.concept);
  return f;
}

// ---------- talents ----------

export interface TalentFeatures {
  count: number;
  ids: readonly string[];
  desc: CsrMatrix;
  profile: CsrMatrix;
  industry: Float32Array;
  needMask: Uint8Array;
  seats: Int32Array;
  capital: Float64Array;
  stage: Uint8Array;
  level: Float64Array;
  /** platforms excluded for each talent (either side's exclusion), CSR over platform indices */
  exclIndptr: Int32Array;
  exclIdx: Int32Array;
  /** concept TF-IDF rows of all the talent's texts (name, description, skills, profile) */
  concept: CsrMatrix;
  /** share of the talent's words written in Chinese, [0, 1] */
  zh: Float64Array;
}
