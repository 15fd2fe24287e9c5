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
import { PorterStemmer } from 'natural/lib/natural/stemmers/index.js';
import { words as enStopWords } from 'natural/lib/natural/util/stopwords.js';
import { words as zhStopWords } from 'natural/lib/natural/util/stopwords_zh.js';

const HAN_RUN = /\p{Script=Han}+/gu;
/** natural's WordTokenizer pattern (natural/lib/natural/tokenizers/regexp_tokenizer.js) */
const WORD_GAP = /[^A-Za-zА-Яа-я0-9_]+/;

/**
 * Longest Han run segmented in one piece (UTF-16 units). Longer runs are cut into windows of
 * this size at word boundaries. 512 keeps each window's segmentation cheap (~0.3 ms) while no
 * run in ordinary prose (a sentence without punctuation) comes near it.
 */
export const HAN_WINDOW = 512;
/** Runs longer than this are not memoised (a memo of huge keys would hold the text twice). */
const MAX_MEMO_RUN = 2 * HAN_WINDOW;

export class Tokenizer {
  private readonly segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
  private readonly enStop = new Set(enStopWords);
  private readonly zhStop = new Set(zhStopWords);
  private readonly stems = new Map<string, string>();
  private readonly maxStems: number;
  private readonly runs = new Map<string, readonly string[]>();
  private readonly maxRuns: number;

  constructor(options: { maxStemMemo?: number; maxRunMemo?: number } = {}) {
    this.maxStems = options.maxStemMemo ?? 200_000;
    this.maxRuns = options.maxRunMemo ?? 100_000;
  }

  tokenize(text: string): string[] {
    const norm = text.normalize('NFKC').toLowerCase();
    const out: string[] = [];
    let last = 0;
    for (const m of norm.matchAll(HAN_RUN)) {
      const start = m.index;
      if (start > last) this.latin(norm.slice(last, start), out);
      this.han(m[0], out);
      last = start + m[0].length;
    }
    if (last < norm.length) this.latin(norm.slice(last), out);
    return out;
  }

  private latin(s: string, out: string[]): void {
    // natural's WordTokenizer is s.split(WORD_GAP) without the empty strings; the length
    // rule below drops those already, so the split is used directly (same tokens, without
    // the library's array copies: a hot spot of vectorizing 100k profiles)
    for (const w of s.split(WORD_GAP)) {
      if (w.length < 2 || this.enStop.has(w)) continue;
      out.push(this.stem(w));
    }
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

  private han(run: string, out: string[]): void {
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
    for (const t of toks) out.push(t);
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
