import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Tokenizer, WORD_GAP } from '../../src/text/tokenize.js';
import { TextAnalyzer } from '../../src/text/analyzer.js';
import { fitTextModel, vectorize } from '../../src/text/tfidf.js';
import { buildConceptLexicon, conceptIds, countLanguage } from '../../src/text/concepts.js';
import { JIANGDONG_INDUSTRIES } from '../../src/synth/taxonomy.js';

const tk = new Tokenizer();
const lex = buildConceptLexicon(JIANGDONG_INDUSTRIES, (s) => tk.tokenize(s));
// a reference corpus that knows some of the generated words and not others
const model = fitTextModel(
  ['supply chain finance for cross-border e-commerce', '计算机视觉 算法 工业检测', 'cold chain warehousing 冷链仓储与配送', 'running runner runs data платформа', ...JIANGDONG_INDUSTRIES.map((i) => i.keywords.join(' '))].map((s) => tk.tokenize(s)),
);

// pieces that exercise every branch of the scan: stop words, stems, short words, digits,
// underscores, Cyrillic, full-width forms (NFKC), Han words and single characters, an astral
// Han character (U+20000), CJK punctuation, other scripts above U+2E80 that are not Han
const PIECES = [
  'supply', 'chain', 'finance', 'the', 'and', 'a', 'running', 'runs', 'data', 'x1', '42', 'snake_case', 'платформа', 'ДАННЫЕ',
  'ＡＢＣ', 'Ｒ＆Ｄ', '计算机', '视觉', '算法', '冷链', '仓储', '配送', '的', '跨', '境', '电', '商', '\u{20000}', '\u{20001}', '。', '、',
  'ひらがな', 'カタカナ', '한국어', 'ⅻ', '\u2e80', '\u3005', '〇', ' ', ' ', '  ', '\n', '-', ',', '.', '(', 'é', 'naïve', 'ß',
];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((a) => a.join(''));

/** The scan as it was written before (regular expressions): the reference. */
function referencePieces(s: string): string[] {
  const norm = s.normalize('NFKC').toLowerCase();
  const out: string[] = [];
  let last = 0;
  for (const m of norm.matchAll(/\p{Script=Han}+/gu)) {
    if (m.index > last) out.push('L:' + norm.slice(last, m.index));
    out.push('H:' + m[0]);
    last = m.index + m[0].length;
  }
  if (last < norm.length) out.push('L:' + norm.slice(last));
  return out;
}

describe('Tokenizer.scan', () => {
  it('cuts a text into the same latin stretches and Han runs as /\\p{Script=Han}+/u (property)', () => {
    fc.assert(
      fc.property(text, (s) => {
        const got: string[] = [];
        tk.scan(s, { latin: (x, a, b) => got.push('L:' + x.slice(a, b)), han: (run) => got.push('H:' + run) });
        expect(got).toEqual(referencePieces(s));
      }),
      { numRuns: 300 },
    );
  });

  it('treats an astral Han character as Han and a lone surrogate as not', () => {
    const got: string[] = [];
    tk.scan('ab\u{20000}\u{20001}cd\ud840ef', { latin: (x, a, b) => got.push('L:' + x.slice(a, b)), han: (run) => got.push('H:' + run) });
    expect(got).toEqual(['L:ab', 'H:\u{20000}\u{20001}', 'L:cd\ud840ef']);
  });
});

describe('TextAnalyzer: the per-run term cache equals the string path bit for bit', () => {
  const check = (an: TextAnalyzer, a: string, b: string) => {
    an.clear();
    const na = an.add(a);
    const nb = an.add(b);
    const ta = tk.tokenize(a);
    const tb = tk.tokenize(b);
    expect(nb - na).toBe(tb.length);
    for (const [got, want] of [
      [an.vector(0, na), vectorize(model, ta)],
      [an.vector(na, nb), vectorize(model, tb)],
    ] as const) {
      expect(Array.from(got.indices)).toEqual(Array.from(want.indices));
      // Float32 values compared as bits (toEqual on numbers would accept -0 for 0)
      expect(Array.from(new Uint32Array(got.values.buffer, got.values.byteOffset, got.values.length))).toEqual(Array.from(new Uint32Array(want.values.buffer, want.values.byteOffset, want.values.length)));
    }
    const m: number[] = [];
    an.mentions(0, na, m);
    an.mentions(na, nb, m);
    const want: number[] = [];
    conceptIds(lex, ta, want);
    conceptIds(lex, tb, want);
    expect(m).toEqual(want);
    const l: [number, number] = [0, 0];
    an.language(0, nb, l);
    const lw: [number, number] = [0, 0];
    countLanguage(ta, lw);
    countLanguage(tb, lw);
    expect(l).toEqual(lw);
  };

  it('vectors, concept mentions and language counts (property, one analyzer across many texts)', () => {
    const an = new TextAnalyzer(tk, model, lex);
    fc.assert(fc.property(text, text, (a, b) => check(an, a, b)), { numRuns: 300 });
  });

  it('stays exact when its surface memos are cleared and regrown (tiny bound)', () => {
    const an = new TextAnalyzer(tk, model, lex, { maxSurface: 3 });
    fc.assert(fc.property(text, text, (a, b) => check(an, a, b)), { numRuns: 200 });
  });

  it('grows its surface table past the first size', () => {
    const an = new TextAnalyzer(tk, model, lex);
    const words = Array.from({ length: 6000 }, (_, i) => `w${i.toString(36)}x`);
    an.clear();
    const n = an.add(words.join(' '));
    expect(n).toBe(6000);
    // every word is out of vocabulary: no coordinate, and the same (empty) vector as the string path
    expect(an.vector(0, n).indices.length).toBe(0);
    check(an, words.slice(0, 3000).join(' ') + ' supply chain finance', words.slice(2000).join(','));
  });

  it('known answer: out-of-vocabulary words count in the norm, stop words and short words do not', () => {
    const an = new TextAnalyzer(tk, model, lex);
    an.clear();
    const n = an.add('The supply of zzzq zzzq and a x');
    expect(n).toBe(3); // suppli, zzzq, zzzq
    const v = an.vector(0, n);
    const idfS = model.idf[model.vocab.get('suppli')!];
    const unseen = Math.log(1 + model.documents) + 1;
    const x = (1 + Math.log(2)) * unseen;
    expect(Array.from(v.indices)).toEqual([model.vocab.get('suppli')]);
    expect(v.values[0]).toBe(Math.fround(idfS / Math.sqrt(idfS * idfS + x * x)));
    expect('a-b'.split(WORD_GAP)).toEqual(['a', 'b']);
  });
});
