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
import type { Tokenizer } from './tokenize.js';
import { MAX_MEMO_RUN } from './tokenize.js';

/** A concept form as slots. */
interface SlotForm {
  readonly slots: Int32Array;
  readonly concept: number;
}

/** Surface words (and Han runs) remembered before the memos are cleared (default of `maxSurface`). */
const MAX_SURFACE = 500_000;

/** A code unit of natural's word pattern: not in `WORD_GAP` = /[^A-Za-zА-Яа-я0-9_]+/ (tokenize.ts). */
function isWordUnit(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (c >= 0x410 && c <= 0x44f);
}

export class TextAnalyzer {
  /** token string -> slot */
  private readonly slotOf = new Map<string, number>();
  /** per slot: term id or -1 */
  private term = new Int32Array(1024);
  /** per slot: 1 Han, 0 other letters, -1 no letter */
  private script = new Int8Array(1024);
  /** per slot: the concept forms starting with its token, longest first (lexicon order) */
  private readonly forms: (readonly SlotForm[] | undefined)[] = [];
  /** latin surface words (open addressing, FNV-1a over UTF-16 units) -> slot, or -1 when the tokenizer drops the word */
  private sKeys = new Array<string | undefined>(4096).fill(undefined);
  private sHash = new Int32Array(4096);
  private sSlot = new Int32Array(4096);
  private sSize = 0;
  /** Han run -> its slots */
  private readonly runs = new Map<string, Int32Array>();
  /** the current document's slots (see `add`) */
  buf = new Int32Array(4096);
  /** slots in `buf` */
  length = 0;
  // per-document counting buffers, left zeroed after each use
  private readonly counts: Int32Array;
  private readonly touched: Int32Array;
  private oov = new Int32Array(1024);
  private oovTouched = new Int32Array(1024);
  private readonly unseenIdf: number;
  private readonly maxSurface: number;
  private readonly sink = {
    latin: (s: string, from: number, to: number) => this.latin(s, from, to),
    han: (run: string) => this.han(run),
  };

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly model: TextModel,
    lexicon: ConceptLexicon | null,
    options: { maxSurface?: number } = {},
  ) {
    this.maxSurface = options.maxSurface ?? MAX_SURFACE;
    const V = model.vocab.size;
    this.counts = new Int32Array(V);
    this.touched = new Int32Array(V);
    this.unseenIdf = Math.log(1 + model.documents) + 1;
    if (lexicon !== null) {
      // every form token gets its slot first, so a slot made later never starts a form
      for (const list of lexicon.byFirst.values()) for (const f of list) for (const t of f.tokens) this.slot(t);
      for (const [first, list] of lexicon.byFirst) {
        this.forms[this.slotOf.get(first)!] = list.map((f) => ({ slots: Int32Array.from(f.tokens, (t) => this.slotOf.get(t)!), concept: f.concept }));
      }
    }
  }

  /** Forgets the current document (`length = 0`). */
  clear(): void {
    this.length = 0;
  }

  /** Appends the slots of a text's tokens (in `Tokenizer.tokenize` order) to the current document; returns the new length. */
  add(text: string): number {
    if (text !== '') this.tokenizer.scan(text, this.sink);
    return this.length;
  }

  private push(s: number): void {
    if (this.length === this.buf.length) {
      const next = new Int32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = s;
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
      let h = 0x811c9dc5;
      let c: number;
      while (i < len && isWordUnit((c = s.charCodeAt(i)))) {
        h = Math.imul(h ^ c, 0x01000193);
        i++;
      }
      const id = this.surfaceSlot(s, a, i, h);
      if (id >= 0) this.push(id);
    }
  }

  /** The slot of the word s[a, b) with hash h (-1: dropped), through the surface table. */
  private surfaceSlot(s: string, a: number, b: number, h: number): number {
    const keys = this.sKeys;
    const mask = keys.length - 1;
    const n = b - a;
    for (let at = h & mask; ; at = (at + 1) & mask) {
      const k = keys[at];
      if (k === undefined) break;
      if (this.sHash[at] !== h || k.length !== n) continue;
      let same = true;
      for (let j = 0; j < n && same; j++) same = k.charCodeAt(j) === s.charCodeAt(a + j);
      if (same) return this.sSlot[at];
    }
    const w = s.slice(a, b);
    const t = this.tokenizer.word(w);
    const id = t === undefined ? -1 : this.slot(t);
    if (this.sSize >= this.maxSurface) this.resetSurface(keys.length);
    else if ((this.sSize + 1) * 2 > keys.length) this.resetSurface(keys.length * 2, true);
    this.insertSurface(w, h, id);
    return id;
  }

  private insertSurface(w: string, h: number, id: number): void {
    const keys = this.sKeys;
    const mask = keys.length - 1;
    let at = h & mask;
    while (keys[at] !== undefined) at = (at + 1) & mask;
    keys[at] = w;
    this.sHash[at] = h;
    this.sSlot[at] = id;
    this.sSize++;
  }

  /** A table of `size` cells: empty, or holding the current entries (`keep`). */
  private resetSurface(size: number, keep = false): void {
    const { sKeys, sHash, sSlot } = this;
    this.sKeys = new Array<string | undefined>(size).fill(undefined);
    this.sHash = new Int32Array(size);
    this.sSlot = new Int32Array(size);
    this.sSize = 0;
    if (keep) for (let j = 0; j < sKeys.length; j++) if (sKeys[j] !== undefined) this.insertSurface(sKeys[j]!, sHash[j], sSlot[j]);
  }

  private han(run: string): void {
    let ids = this.runs.get(run);
    if (ids === undefined) {
      ids = Int32Array.from(this.tokenizer.hanTokens(run), (t) => this.slot(t));
      if (run.length <= MAX_MEMO_RUN) {
        if (this.runs.size >= this.maxSurface) this.runs.clear();
        this.runs.set(run, ids);
      }
    }
    for (let i = 0; i < ids.length; i++) this.push(ids[i]);
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
    const ids = touched.slice(0, k).sort();
    const w = new Float64Array(k);
    let norm = 0;
    for (let i = 0; i < k; i++) {
      const t = ids[i];
      w[i] = (1 + Math.log(counts[t])) * idf[t];
      norm += w[i] * w[i];
      counts[t] = 0;
    }
    if (k > 0 && k < to - from) {
      for (let j = 0; j < o; j++) {
        const x = (1 + Math.log(oov[oovTouched[j]])) * this.unseenIdf;
        norm += x * x;
      }
    }
    for (let j = 0; j < o; j++) oov[oovTouched[j]] = 0;
    norm = Math.sqrt(norm);
    const values = new Float32Array(k);
    if (norm > 0) for (let i = 0; i < k; i++) values[i] = w[i] / norm;
    return { indices: ids, values };
  }

  /** Appends to `out` the concepts slots [from, to) mention (`conceptIds` of the same tokens). */
  mentions(from: number, to: number, out: number[]): void {
    const { buf, forms } = this;
    let i = from;
    while (i < to) {
      const cands = forms[buf[i]];
      let used = 1;
      if (cands !== undefined) {
        for (let f = 0; f < cands.length; f++) {
          const c = cands[f].slots;
          const n = c.length;
          if (i + n > to) continue;
          let ok = true;
          for (let j = 1; j < n && ok; j++) ok = buf[i + j] === c[j];
          if (ok) {
            out.push(cands[f].concept);
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
