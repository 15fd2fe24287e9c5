/**
 * Vectorizing a whole dataset through one per-run cache: each distinct surface word is
 * stemmed and looked up once, then every later occurrence costs one Map lookup.
 *
 * A text becomes a run of token slots (one slot per distinct token string seen in the run),
 * and a slot carries everything the builders read per token:
 *  - its term id in the reference vocabulary, or -1 (out of vocabulary: dropped from the
 *    vector, still counted for the norm, per distinct token, as `vectorize` does);
 *  - its script (Han / other letters / no letter: the Chinese share);
 *  - the concept forms starting with it (the concept scan compares slots, not strings).
 *
 * Every output equals the string path bit for bit (`vectorize`, `conceptIds` +
 * `conceptVector`, `chineseShare` over `Tokenizer.tokenize`): same token sequence, same
 * counts, the same floating-point operations in the same order (test/text/analyzer.test.ts).
 * The string path stays for single texts (the API's inline profiles, with its token cache).
 * Pure computation; memory grows with the run's distinct words (the surface and Han-run
 * memos are bounded and cleared when full; the slot table is not, it is per run).
 */
import type { SparseVector } from '../vector/sparse.js';
import type { ConceptLexicon } from './concepts.js';
import { tokenScript } from './concepts.js';
import type { TextModel } from './tfidf.js';
import { tf } from './tfidf.js';
import type { Tokenizer } from './tokenize.js';
import { MAX_MEMO_RUN } from './tokenize.js';
import { COMPLEX, FOLDED, HAN, KINDS, OTHER, isWordUnit, kindOf } from './fold.js';
import { CsrBuilder } from '../vector/sparse.js';
import { MISSING, SurfaceTable, hashUnits } from './surface.js';

/** Surface words (and Han runs) remembered before the memos are cleared (default of `maxSurface`). */
const MAX_SURFACE = 500_000;

/** Token slots an analyzer kept for reuse (`TextAnalyzer.for`) may hold before it is replaced. */
const MAX_KEPT_SLOTS = 1_000_000;

/** Per tokenizer, the analyzer `TextAnalyzer.for` made last. */
const lastAnalyzer = new WeakMap<Tokenizer, TextAnalyzer>();

export class TextAnalyzer {
  /** token string -> slot */
  private readonly slotOf = new Map<string, number>();
  /** per slot: term id or -1 */
  private term = new Int32Array(1024);
  /** per slot: 1 Han, 0 other letters, -1 no letter */
  private script = new Int8Array(1024);
  /**
   * per slot made for the lexicon: where its concept forms start in `formData`, or -1 (slots
   * made later start none); a slot's forms there: their count, then each form longest first
   * (lexicon order) as its length n, its concept and its slots after the first (n - 1): the
   * concept scan reads ints only, no object or array per form
   */
  private formAt = new Int32Array(0);
  private formData = new Int32Array(0);
  /** surface words and Han runs -> slots (text/surface.ts) */
  private readonly table: SurfaceTable;
  /** the current document's slots (see `add`) */
  buf = new Int32Array(4096);
  /** slots in `buf` */
  length = 0;
  // per-document counting buffers, left zeroed after each use
  private readonly counts: Int32Array;
  private readonly touched: Int32Array;
  private oov = new Int32Array(1024);
  private oovTouched = new Int32Array(1024);
  /** vectorInto's weights */
  private weights = new Float64Array(256);
  /** the one-row builder `vector` writes through */
  private oneRow: CsrBuilder | null = null;
  private readonly unseenIdf: number;
  private readonly sink = {
    latin: (s: string, from: number, to: number) => this.latin(s, from, to),
    han: (run: string) => this.han(run),
  };

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly model: TextModel,
    private readonly lexicon: ConceptLexicon | null,
    options: { maxSurface?: number } = {},
  ) {
    this.table = new SurfaceTable(options.maxSurface ?? MAX_SURFACE);
    const V = model.vocab.size;
    this.counts = new Int32Array(V);
    this.touched = new Int32Array(V);
    this.unseenIdf = Math.log(1 + model.documents) + 1;
    if (lexicon !== null) {
      // every form token gets its slot first, so a slot made later never starts a form
      for (const list of lexicon.byFirst.values()) for (const f of list) for (const t of f.tokens) this.slot(t);
      const data: number[] = [];
      this.formAt = new Int32Array(this.slotOf.size).fill(-1);
      for (const [first, list] of lexicon.byFirst) {
        this.formAt[this.slotOf.get(first)!] = data.length;
        data.push(list.length);
        for (const f of list) {
          data.push(f.tokens.length, f.concept);
          for (let j = 1; j < f.tokens.length; j++) data.push(this.slotOf.get(f.tokens[j])!);
        }
      }
      this.formData = Int32Array.from(data);
    }
  }

  /**
   * The analyzer of `tokenizer` over `model` and `lexicon` kept from the last call with the
   * same three (a worker vectorizes range after range: the surface table stays warm), or a
   * new one; one is dropped once it holds MAX_KEPT_SLOTS token slots (its tables are not
   * bounded otherwise). Only caches carry over: outputs never depend on what came before.
   */
  static for(tokenizer: Tokenizer, model: TextModel, lexicon: ConceptLexicon | null): TextAnalyzer {
    const kept = lastAnalyzer.get(tokenizer);
    if (kept !== undefined && kept.model === model && kept.lexicon === lexicon && kept.slotOf.size < MAX_KEPT_SLOTS) return kept;
    const an = new TextAnalyzer(tokenizer, model, lexicon);
    lastAnalyzer.set(tokenizer, an);
    return an;
  }

  /** Forgets the current document (`length = 0`). */
  clear(): void {
    this.length = 0;
  }

  /**
   * Appends the slots of a text's tokens (in `Tokenizer.tokenize` order) to the current
   * document; returns the new length. One pass over the text's own units when each folds
   * alone (text/fold.ts: ASCII, Han, CJK punctuation, full-width forms, most letters);
   * otherwise the tokenizer's scan of the normalised text, from where the text began.
   */
  add(text: string): number {
    if (text === '') return this.length;
    const start = this.length;
    if (!this.addFolded(text)) {
      this.length = start;
      this.tokenizer.scan(text, this.sink);
    }
    return this.length;
  }

  /**
   * `add` over the text's own units, folded one by one (fold.ts FOLDED): each maximal run
   * of word units is a word (as `split(WORD_GAP)` cuts the latin stretches), each maximal
   * run of Han units a Han run, both looked up by their folded units without a substring.
   * False, having appended part of the text, at the first unit that does not fold alone.
   */
  private addFolded(text: string): boolean {
    const len = text.length;
    let i = 0;
    // imported bindings as locals: each use of one in the loop would load it again
    const kinds = KINDS;
    const folded = FOLDED;
    const other = OTHER;
    const complex = COMPLEX;
    while (i < len) {
      let c = text.charCodeAt(i);
      let k = kinds[c];
      if (k === 0) k = kindOf(c);
      if (k === other) {
        i++;
        continue;
      }
      if (k === complex) return false;
      const a = i;
      let h = 0x811c9dc5; // FNV_BASIS (surface.ts)
      let same = true;
      for (;;) {
        const f = folded[c];
        if (f !== c) same = false;
        h = Math.imul(h ^ f, 0x01000193);
        if (++i === len) break;
        c = text.charCodeAt(i);
        const kc = kinds[c];
        if (kc !== k && (kc !== 0 || kindOf(c) !== k)) break;
      }
      if (k === HAN) this.run(text, a, i, h, same);
      else {
        const id = this.surfaceSlot(text, a, i, h, same);
        if (id >= 0) {
          if (this.length === this.buf.length) this.grow(1);
          this.buf[this.length++] = id;
        }
      }
    }
    return true;
  }

  private push(s: number): void {
    if (this.length === this.buf.length) this.grow(1);
    this.buf[this.length++] = s;
  }

  /** Room for `n` more slots in `buf`. */
  private grow(n: number): void {
    const next = new Int32Array(Math.max(this.length + n, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  /**
   * The words of a latin stretch, as `s.split(WORD_GAP)` cuts them (maximal runs of
   * [A-Za-zА-Яа-я0-9_] code units), looked up in the surface table by their characters:
   * a word seen before costs a hash over its characters and one compare, no substring.
   */
  private latin(s: string, from: number, len: number): void {
    let i = from;
    while (i < len) {
      while (i < len && !isWordUnit(s.charCodeAt(i))) i++;
      if (i >= len) break;
      const a = i;
      let h = 0x811c9dc5; // FNV_BASIS (surface.ts)
      let c: number;
      while (i < len && isWordUnit((c = s.charCodeAt(i)))) {
        h = Math.imul(h ^ c, 0x01000193);
        i++;
      }
      const id = this.surfaceSlot(s, a, i, h, true);
      if (id >= 0) this.push(id);
    }
  }

  /** The units s[a, b) as normalised: the same string unless `same` is false (fold.ts: NFKC + lower case of simple units is unit by unit). */
  private static key(s: string, a: number, b: number, same: boolean): string {
    const w = s.slice(a, b);
    return same ? w : w.normalize('NFKC').toLowerCase();
  }

  /** The slot of the word s[a, b) with hash h (-1: dropped), through the surface table. */
  private surfaceSlot(s: string, a: number, b: number, h: number, same: boolean): number {
    const v = this.table.find(s, a, b, h, same);
    if (v !== MISSING) return v;
    const w = TextAnalyzer.key(s, a, b, same);
    const t = this.tokenizer.word(w);
    const id = t === undefined ? -1 : this.slot(t);
    this.table.addWord(w, h, id);
    return id;
  }

  /** Appends the slots of the Han run s[a, b) with hash h, through the surface table (runs over MAX_MEMO_RUN units are not kept). */
  private run(s: string, a: number, b: number, h: number, same: boolean): void {
    const v = this.table.find(s, a, b, h, same);
    if (v !== MISSING) {
      const p = -2 - v;
      const rp = this.table.runs;
      const n = rp[p];
      if (this.length + n > this.buf.length) this.grow(n);
      const buf = this.buf;
      let o = this.length;
      for (let j = p + 1; j <= p + n; j++) buf[o++] = rp[j];
      this.length = o;
      return;
    }
    const run = TextAnalyzer.key(s, a, b, same);
    const toks = this.tokenizer.hanTokens(run);
    const start = this.length;
    for (const t of toks) this.push(this.slot(t));
    if (run.length <= MAX_MEMO_RUN) this.table.addRun(run, h, this.buf, start, toks.length);
  }

  /** A Han run of the normalised text (the tokenizer's scan). */
  private han(run: string): void {
    this.run(run, 0, run.length, hashUnits(run), true);
  }

  private slot(t: string): number {
    let s = this.slotOf.get(t);
    if (s !== undefined) return s;
    s = this.slotOf.size;
    this.slotOf.set(t, s);
    if (s === this.term.length) {
      const term = new Int32Array(s * 2);
      term.set(this.term);
      this.term = term;
      const script = new Int8Array(s * 2);
      script.set(this.script);
      this.script = script;
      const oov = new Int32Array(s * 2);
      oov.set(this.oov);
      this.oov = oov;
      this.oovTouched = new Int32Array(s * 2);
    }
    this.term[s] = this.model.vocab.get(t) ?? -1;
    this.script[s] = tokenScript(t);
    return s;
  }

  /**
   * The TF-IDF vector of slots [from, to) of the current document: `vectorize(model,
   * tokens)` of the same tokens, bit for bit (terms ascending, then the out-of-vocabulary
   * tokens in order of first appearance for the norm).
   */
  vector(from: number, to: number): SparseVector {
    // the weighting rule lives in vectorInto alone; this is its row copied out
    const row = (this.oneRow ??= new CsrBuilder(1, 64));
    row.rows = 0;
    row.nnz = 0;
    this.vectorInto(from, to, row);
    return { indices: row.indices.slice(0, row.nnz), values: row.values.slice(0, row.nnz) };
  }

  /**
   * `vector(from, to)` appended to `out` as its next row, the same bits, without an object
   * or array per call (the weights go through a reused buffer).
   */
  vectorInto(from: number, to: number, out: CsrBuilder): void {
    const { buf, term, counts, touched, oov, oovTouched } = this;
    const idf = this.model.idf;
    let k = 0;
    let o = 0;
    for (let i = from; i < to; i++) {
      const s = buf[i];
      const t = term[s];
      if (t >= 0) {
        if (counts[t]++ === 0) touched[k++] = t;
      } else if (oov[s]++ === 0) oovTouched[o++] = s;
    }
    const ids = touched.subarray(0, k).sort();
    if (this.weights.length < k) this.weights = new Float64Array(Math.max(k, this.weights.length * 2));
    const w = this.weights;
    out.reserve(k);
    const base = out.nnz;
    const { indices, values } = out;
    let norm = 0;
    for (let i = 0; i < k; i++) {
      const t = ids[i];
      w[i] = tf(counts[t]) * idf[t];
      norm += w[i] * w[i];
      counts[t] = 0;
      indices[base + i] = t;
    }
    if (k > 0 && k < to - from) {
      for (let j = 0; j < o; j++) {
        const x = tf(oov[oovTouched[j]]) * this.unseenIdf;
        norm += x * x;
      }
    }
    for (let j = 0; j < o; j++) oov[oovTouched[j]] = 0;
    norm = Math.sqrt(norm);
    for (let i = 0; i < k; i++) values[base + i] = norm > 0 ? w[i] / norm : 0;
    out.nnz = base + k;
    out.endRow();
  }

  /** Appends to `out` the concepts slots [from, to) mention (`conceptIds` of the same tokens). */
  mentions(from: number, to: number, out: number[]): void {
    const { buf, formAt, formData } = this;
    const starters = formAt.length;
    let i = from;
    while (i < to) {
      const s = buf[i];
      const at = s < starters ? formAt[s] : -1;
      let used = 1;
      if (at >= 0) {
        // each form: [n, concept, its slots 1 .. n - 1]
        for (let f = 0, p = at + 1, forms = formData[at]; f < forms; f++, p += formData[p] + 1) {
          const n = formData[p];
          if (i + n > to) continue;
          let j = 1;
          while (j < n && buf[i + j] === formData[p + 1 + j]) j++;
          if (j === n) {
            out.push(formData[p + 1]);
            used = n;
            break;
          }
        }
      }
      i += used;
    }
  }

  /** Adds to `out` the counts [Chinese, with a letter] of slots [from, to) (`countLanguage`). */
  language(from: number, to: number, out: [number, number]): void {
    const { buf, script } = this;
    for (let i = from; i < to; i++) {
      const k = script[buf[i]];
      if (k < 0) continue;
      out[1]++;
      if (k === 1) out[0]++;
    }
  }
}
