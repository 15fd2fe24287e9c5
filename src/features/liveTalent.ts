/**
 * One talent profile -> one-row feature arrays, for the live scorer (the API's inline
 * profiles): the one-pass analyzer (text/analyzer.ts, as features/talents.ts uses it) writes
 * the rows into buffers this builder keeps from one profile to the next. build() copies the
 * finished row out once into a single ArrayBuffer of its exact size, the arrays being views
 * of it: it never aliases the kept buffers (the live scorer's cache keeps it while the next
 * profile is built). transient() hands out views of the buffers themselves, valid until the
 * next profile (no copy, no ArrayBuffer: a new profile on the live route is scored once), and
 * keep() copies such a row out when the cache admits it. Same bits as buildTalentFeatures([t])
 * over the string tokens, either way (test/features/liveTalent.test.ts). Not reentrant: one
 * builder serves one call at a time.
 */
import type { Talent } from '../domain/schemas.js';
import type { Weights } from '../config/weights.js';
import type { TextModel } from '../text/tfidf.js';
import type { TokenFn } from '../text/cache.js';
import type { ConceptScratch } from '../text/concepts.js';
import { conceptScratch, conceptVectorInto } from '../text/concepts.js';
import { TextAnalyzer } from '../text/analyzer.js';
import type { CsrMatrix } from '../vector/sparse.js';
import { CsrBuilder } from '../vector/sparse.js';
import type { ConceptModel, IndustryModel, IndustryScratch, TalentFeatures } from './build.js';
import { addTalentDescription, industryScratch, industryVector, talentProfileText } from './build.js';
import type { TalentInputs, TalentScalarsOut } from './talents.js';
import { buildTalentFeatures, declaredIndustries, emptyList, levelValues, pushExclusions, writeTalentScalars } from './talents.js';

/** What a live talent's row is built against (features/talents.ts TalentInputs). */
export type LiveTalentInputs = TalentInputs;

export class LiveTalentBuilder {
  private readonly desc = new CsrBuilder(1, 256);
  private readonly prof = new CsrBuilder(1, 128);
  private readonly concept = new CsrBuilder(1, 32);
  private readonly scratch: ConceptScratch;
  private readonly blend: IndustryScratch;
  private readonly declared: Float64Array;
  private readonly industry: Float32Array;
  private readonly mentions: number[] = [];
  private readonly excl: number[] = [];
  private readonly lang: [number, number] = [0, 0];
  /** transient()'s exclusions, their bounds and Chinese share (the rest of its row is the buffers above) */
  private exclBuf = new Int32Array(16);
  private readonly exclPtr = new Int32Array(2);
  private readonly zhOne = new Float64Array(1);
  /** the last transient() row, which keep() copies out */
  private last: TalentFeatures | undefined;
  private readonly levelValue: Record<string, number>;
  /** the talent's fields that need no text, one slot each (copied into its own buffer by copyOut) */
  private readonly one: TalentScalarsOut = { needMask: new Uint8Array(1), seats: new Int32Array(1), capital: new Float64Array(1), stage: new Uint8Array(1), level: new Float64Array(1) };

  /** `tokens` must name its tokenizer (TokenCache.source()) for the one-pass path; without one, buildTalentFeatures' string-token path runs. */
  constructor(
    private readonly side: LiveTalentInputs,
    private readonly tokens: TokenFn,
  ) {
    this.scratch = conceptScratch(side.concepts.idf.length);
    this.blend = industryScratch(side.industry.dims);
    this.declared = new Float64Array(side.industry.dims);
    this.industry = new Float32Array(side.industry.dims);
    this.levelValue = levelValues(side.weights);
  }

  /** The profile's row, its arrays in one ArrayBuffer of its own (kept by the caller as long as it likes). */
  build(t: Talent): TalentFeatures {
    const zh = this.analyze(t);
    return zh === undefined ? this.stringPath(t) : this.copyOut(t.id, zh);
  }

  /**
   * The profile's row as views of this builder's buffers, with no copy: valid until this
   * builder's next build or transient call (the live route scores a new profile once, within
   * one call: its row need not outlive it). keep() copies it out when it is to be kept.
   */
  transient(t: Talent): TalentFeatures {
    const zh = this.analyze(t);
    if (zh === undefined) return (this.last = undefined), this.stringPath(t);
    const { desc, prof, concept, excl, side, one } = this;
    if (this.exclBuf.length < excl.length) this.exclBuf = new Int32Array(Math.max(excl.length, 2 * this.exclBuf.length));
    for (let k = 0; k < excl.length; k++) this.exclBuf[k] = excl[k];
    this.exclPtr[1] = excl.length;
    this.zhOne[0] = zh;
    const V = side.text.vocab.size;
    const view = (m: CsrBuilder, cols: number): CsrMatrix => ({ rows: 1, cols, indptr: m.indptr.length === 2 ? m.indptr : m.indptr.subarray(0, 2), indices: m.indices.subarray(0, m.nnz), values: m.values.subarray(0, m.nnz) });
    this.last = {
      count: 1,
      ids: [t.id],
      desc: view(desc, V),
      profile: view(prof, V),
      industry: this.industry,
      needMask: one.needMask,
      seats: one.seats,
      capital: one.capital,
      stage: one.stage,
      level: one.level,
      exclIndptr: this.exclPtr,
      exclIdx: this.exclBuf.subarray(0, excl.length),
      concept: view(concept, side.concepts.idf.length),
      zh: this.zhOne,
    };
    return this.last;
  }

  /** A row of its own for `f`: the last transient row copied out as build() writes it (f itself when it is not a view of this builder's buffers). */
  keep(f: TalentFeatures): TalentFeatures {
    return f === this.last ? this.copyOut(f.ids[0], this.zhOne[0]) : f;
  }

  private stringPath(t: Talent): TalentFeatures {
    const s = this.side;
    return buildTalentFeatures([t], s.text, s.industry, s.concepts, this.tokens, s.weights, s.platformIndex, s.excludedBy);
  }

  /** Writes the profile's row into this builder's buffers; its Chinese share, or undefined when the tokenizer names no analyzer (the string path then builds it). */
  private analyze(t: Talent): number | undefined {
    const s = this.side;
    const tokenizer = this.tokens.tokenizer;
    this.last = undefined; // the buffers are rewritten: an earlier transient row is no longer this profile's
    if (tokenizer === undefined) return undefined;
    // the analyzer kept for this tokenizer (bounded: TextAnalyzer.for drops one that grew too large)
    const an = TextAnalyzer.for(tokenizer, s.text, s.concepts.lexicon);
    const { desc, prof, concept, mentions, lang } = this;
    desc.rows = desc.nnz = prof.rows = prof.nnz = concept.rows = concept.nnz = 0;
    an.clear();
    addTalentDescription(t, an);
    const a = an.length;
    const b = an.add(talentProfileText(t));
    an.vectorInto(0, a, desc);
    an.vectorInto(a, b, prof);
    emptyList(mentions);
    an.mentions(0, a, mentions);
    an.mentions(a, b, mentions);
    lang[0] = lang[1] = 0;
    an.language(0, b, lang);
    conceptVectorInto(s.concepts.idf, mentions, this.scratch, concept);
    const declared = declaredIndustries(t, s.industry, this.declared);
    industryVector(s.industry, desc.indices, desc.values, 0, desc.nnz, declared, s.weights, this.industry, 0, this.blend);
    writeTalentScalars(t, 0, this.one, this.levelValue);
    this.excl.length = 0;
    pushExclusions(t, s.platformIndex, s.excludedBy, this.excl);
    return lang[1] === 0 ? 0 : lang[0] / lang[1];
  }

  /** The row in one ArrayBuffer: 8-byte numbers first, then 4-byte, then bytes (each view aligned). */
  private copyOut(id: string, zh: number): TalentFeatures {
    const { desc, prof, concept, excl, side } = this;
    const D = side.industry.dims;
    const words = D + 1 + 2 + excl.length + 3 * 2 + 2 * (desc.nnz + prof.nnz + concept.nnz);
    const buf = new ArrayBuffer(3 * 8 + words * 4 + 2);
    const f64 = new Float64Array(buf, 0, 3);
    let at = 24;
    const i32 = (n: number) => {
      const v = new Int32Array(buf, at, n);
      at += 4 * n;
      return v;
    };
    const f32 = (n: number) => {
      const v = new Float32Array(buf, at, n);
      at += 4 * n;
      return v;
    };
    const row = (m: CsrBuilder, cols: number): CsrMatrix => {
      const indptr = i32(2);
      indptr[1] = m.nnz;
      const indices = i32(m.nnz);
      indices.set(m.indices.subarray(0, m.nnz));
      const values = f32(m.nnz);
      values.set(m.values.subarray(0, m.nnz));
      return { rows: 1, cols, indptr, indices, values };
    };
    const industry = f32(D);
    industry.set(this.industry);
    const seats = i32(1);
    seats[0] = this.one.seats[0];
    const exclIndptr = i32(2);
    exclIndptr[1] = excl.length;
    const exclIdx = i32(excl.length);
    for (let k = 0; k < excl.length; k++) exclIdx[k] = excl[k];
    const V = side.text.vocab.size;
    const descM = row(desc, V);
    const profM = row(prof, V);
    const conceptM = row(concept, side.concepts.idf.length);
    const bytes = new Uint8Array(buf, at, 2);
    bytes[0] = this.one.needMask[0];
    bytes[1] = this.one.stage[0];
    f64[0] = this.one.capital[0];
    f64[1] = this.one.level[0];
    f64[2] = zh;
    return {
      count: 1,
      ids: [id],
      desc: descM,
      profile: profM,
      industry,
      needMask: bytes.subarray(0, 1),
      seats,
      capital: f64.subarray(0, 1),
      stage: bytes.subarray(1, 2),
      level: f64.subarray(1, 2),
      exclIndptr,
      exclIdx,
      concept: conceptM,
      zh: f64.subarray(2, 3),
    };
  }
}
