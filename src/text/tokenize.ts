/**
 * Bilingual tokeniser. Text is NFKC-normalised (full-width forms fold to ASCII) and
 * lower-cased, then split into runs of Han characters and everything else:
 *  - other runs: natural's WordTokenizer, English stop words removed, Porter stems;
 *    tokens shorter than 2 characters are dropped ("r&d" -> nothing useful in "r", "d").
 *  - Han runs: Intl.Segmenter('zh') dictionary words. Multi-character words are kept
 *    (minus Chinese stop words). Single characters the dictionary could not join are
 *    turned into bigrams with their single-character neighbours (跨|境|电|商 -> 跨境 境电 电商),
 *    the usual fallback for out-of-dictionary compounds; an isolated single character is
 *    dropped (mostly particles and function words).
 * Long Han runs are segmented in bounded windows (HAN_WINDOW characters): ICU's segmenter
 * grows superlinearly on one long run (40k characters 0.5 s, 80k 10 s), so a window is
 * segmented, its last word (possibly cut by the window edge) is put back, and the next
 * window starts there. Work is linear in the run's length; runs up to HAN_WINDOW characters
 * (every run of ordinary text) are segmented whole, exactly as before.
 * Deterministic and free of I/O. Memos make repeats cheap without changing any output: a
 * stem memo for English words and a run memo for Han runs (ICU segmentation is the costliest
 * step of vectorizing, and profiles repeat their phrases: docs/PERFORMANCE.md). Both are
 * bounded and simply cleared when full.
 */
// the Porter stemmer's own module, not the stemmers' index (which loads every language's: src/types/natural-porter.d.ts)
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { words as enStopWords } from 'natural/lib/natural/util/stopwords.js';
import { words as zhStopWords } from 'natural/lib/natural/util/stopwords_zh.js';
import { defaultCacheSizes } from '../config/caches.js';

/** A Han character (the runs handed to the segmenter). */
export const HAN_CHAR = /^\p{Script=Han}$/u;
/** No code point below this is Han (U+2E80, the first CJK radical). */
const FIRST_HAN = 0x2e80;
/** Per BMP code unit at or above FIRST_HAN: 0 not decided yet, 1 Han, 2 not Han. */
const hanTable = new Uint8Array(0x10000);

/** Whether a code point is Han (\p{Script=Han}); BMP answers are remembered. */
export function isHan(cp: number): boolean {
  if (cp > 0xffff) return HAN_CHAR.test(String.fromCodePoint(cp));
  let k = hanTable[cp];
  if (k === 0) hanTable[cp] = k = HAN_CHAR.test(String.fromCharCode(cp)) ? 1 : 2;
  return k === 1;
}
/** natural's WordTokenizer pattern (natural/lib/natural/tokenizers/regexp_tokenizer.js) */
export const WORD_GAP = /[^A-Za-zА-Яа-я0-9_]+/;

/**
 * Longest Han run segmented in one piece (UTF-16 units). Longer runs are cut into windows of
 * this size at word boundaries. 512 keeps each window's segmentation cheap (~0.3 ms) while no
 * run in ordinary prose (a sentence without punctuation) comes near it.
 */
export const HAN_WINDOW = 512;
/** Runs longer than this are not memoised (a memo of huge keys would hold the text twice). */
export const MAX_MEMO_RUN = 2 * HAN_WINDOW;

export class Tokenizer {
  private readonly segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
  private readonly enStop = new Set(enStopWords);
  private readonly zhStop = new Set(zhStopWords);
  private readonly stems = new Map<string, string>();
  private readonly maxStems: number;
  private readonly runs = new Map<string, readonly string[]>();
  private readonly maxRuns: number;

  constructor(options: { maxStemMemo?: number; maxRunMemo?: number } = {}) {
    this.maxStems = options.maxStemMemo ?? defaultCacheSizes.stemMemo;
    this.maxRuns = options.maxRunMemo ?? defaultCacheSizes.runMemo;
  }

  tokenize(text: string): string[] {
    const out: string[] = [];
    this.scan(text, {
      latin: (s, from, to) => {
        // natural's WordTokenizer is s.split(WORD_GAP) without the empty strings; the length
        // rule of word() drops those already, so the split is used directly (same tokens,
        // without the library's array copies: a hot spot of vectorizing 100k profiles)
        for (const w of s.slice(from, to).split(WORD_GAP)) {
          const t = this.word(w);
          if (t !== undefined) out.push(t);
        }
      },
      han: (run) => {
        for (const t of this.hanTokens(run)) out.push(t);
      },
    });
    return out;
  }

  /**
   * The pieces of a text in order, after the tokenizer's normalisation (NFKC, lower case):
   * each stretch without Han characters to `latin` as `s[from, to)` (split it with
   * `WORD_GAP` and pass each piece to `word`), each Han run (maximal, as /\p{Script=Han}+/u
   * matches it) to `han` (pass it to `hanTokens`). `tokenize` is this scan; text/analyzer.ts
   * caches per surface word on top of it. A scan by character codes: every Han code point
   * is at or above U+2E80, so most characters are decided by one compare.
   */
  scan(text: string, sink: { latin(s: string, from: number, to: number): void; han(run: string): void }): void {
    const norm = text.normalize('NFKC').toLowerCase();
    const len = norm.length;
    let last = 0;
    let i = 0;
    while (i < len) {
      const c = norm.charCodeAt(i);
      if (c < FIRST_HAN) {
        i++;
        continue;
      }
      const cp = c >= 0xd800 && c <= 0xdbff ? norm.codePointAt(i)! : c;
      if (!isHan(cp)) {
        i += cp > 0xffff ? 2 : 1;
        continue;
      }
      const start = i;
      i += cp > 0xffff ? 2 : 1;
      while (i < len) {
        const d = norm.charCodeAt(i);
        if (d < FIRST_HAN) break;
        const q = d >= 0xd800 && d <= 0xdbff ? norm.codePointAt(i)! : d;
        if (!isHan(q)) break;
        i += q > 0xffff ? 2 : 1;
      }
      if (start > last) sink.latin(norm, last, start);
      sink.han(norm.slice(start, i));
      last = i;
    }
    if (last < len) sink.latin(norm, last, len);
  }

  /** The token of one piece of a latin stretch (split by WORD_GAP): its stem, or undefined when dropped (short, stop word). */
  word(w: string): string | undefined {
    if (w.length < 2 || this.enStop.has(w)) return undefined;
    return this.stem(w);
  }

  private stem(w: string): string {
    let s = this.stems.get(w);
    if (s === undefined) {
      s = /^[a-z]+$/.test(w) ? PorterStemmer.stem(w) : w;
      if (this.stems.size >= this.maxStems) this.stems.clear();
      this.stems.set(w, s);
    }
    return s;
  }

  /** The tokens of one Han run (memoised per run). */
  hanTokens(run: string): readonly string[] {
    let toks = this.runs.get(run);
    if (toks === undefined) {
      const fresh: string[] = [];
      this.segmentHan(run, fresh);
      toks = fresh;
      if (run.length <= MAX_MEMO_RUN) {
        if (this.runs.size >= this.maxRuns) this.runs.clear();
        this.runs.set(run, toks);
      }
    }
    return toks;
  }

  /** The dictionary words of a run, a window at a time; see HAN_WINDOW. */
  private *words(run: string): Generator<{ segment: string; isWordLike: boolean }> {
    if (run.length <= HAN_WINDOW) {
      for (const seg of this.segmenter.segment(run)) yield { segment: seg.segment, isWordLike: seg.isWordLike === true };
      return;
    }
    let pos = 0;
    while (pos < run.length) {
      let end = Math.min(run.length, pos + HAN_WINDOW);
      // never cut a surrogate pair (Han extension planes)
      if (end < run.length && (run.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
      const segs = [...this.segmenter.segment(run.slice(pos, end))];
      // the last word may be cut by the window edge: segment it again with what follows
      const keep = end < run.length && segs.length > 1 ? segs.length - 1 : segs.length;
      for (let i = 0; i < keep; i++) yield { segment: segs[i].segment, isWordLike: segs[i].isWordLike === true };
      pos = keep < segs.length ? pos + segs[keep].index : end;
    }
  }

  private segmentHan(run: string, out: string[]): void {
    let singles: string[] = [];
    const flush = () => {
      if (singles.length >= 2) {
        for (let i = 0; i + 1 < singles.length; i++) out.push(singles[i] + singles[i + 1]);
      }
      singles = [];
    };
    for (const seg of this.words(run)) {
      if (!seg.isWordLike) {
        flush();
        continue;
      }
      const w = seg.segment;
      // one code point: one UTF-16 unit, or a surrogate pair (Han extension planes)
      if (w.length === 1 || (w.length === 2 && w.codePointAt(0)! > 0xffff)) {
        singles.push(w);
        continue;
      }
      flush();
      if (!this.zhStop.has(w)) out.push(w);
    }
    flush();
  }
}
