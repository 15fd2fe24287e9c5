/**
 * The analyzer's one-pass scan (text/analyzer.ts add: units folded one by one, the surface
 * table of pooled units) against the string path (Tokenizer.tokenize over the normalised
 * text, then vectorize / conceptIds / countLanguage), around every branch of the scan:
 * ASCII only, mixed Han and latin, full-width forms and other text NFKC changes, Turkish
 * dotted I and other lower-casing oddities, surrogate pairs, very long words and runs,
 * empty text, text at the record's length limit; and the rows written into a CsrBuilder
 * (vectorInto) against the vectors (vector).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_MEMO_RUN, Tokenizer } from '../../src/text/tokenize.js';
import { TextAnalyzer } from '../../src/text/analyzer.js';
import { fitTextModel, vectorize } from '../../src/text/tfidf.js';
import { buildConceptLexicon, conceptIds, conceptScratch, conceptVector, conceptVectorInto, countLanguage } from '../../src/text/concepts.js';
import { CsrBuilder } from '../../src/vector/sparse.js';
import type { SparseVector } from '../../src/vector/sparse.js';
import { JIANGDONG_INDUSTRIES } from '../../src/synth/taxonomy.js';

const tk = new Tokenizer();
const lex = buildConceptLexicon(JIANGDONG_INDUSTRIES, (s) => tk.tokenize(s));
const model = fitTextModel(
  ['supply chain finance fintech', '计算机视觉 算法 工业检测 跨境电商', 'cold chain 冷链仓储与配送 kelvin abc r', 'running runs data платформа данные ο δ', ...JIANGDONG_INDUSTRIES.map((i) => i.keywords.join(' '))].map((s) => tk.tokenize(s)),
);

const bits = (v: SparseVector) => [Array.from(v.indices), Array.from(new Uint32Array(v.values.buffer, v.values.byteOffset, v.values.length))];

/** The analyzer's rows, mentions and language counts of two texts equal the string path's, bit for bit; vectorInto equals vector. */
function check(an: TextAnalyzer, a: string, b: string): void {
  an.clear();
  const na = an.add(a);
  const nb = an.add(b);
  const ta = tk.tokenize(a);
  const tb = tk.tokenize(b);
  expect(na, JSON.stringify(a)).toBe(ta.length);
  expect(nb - na, JSON.stringify(b)).toBe(tb.length);
  const rows = new CsrBuilder(1, 1);
  an.vectorInto(0, na, rows);
  an.vectorInto(na, nb, rows);
  const built = rows.finish(model.vocab.size);
  for (const [r, from, to, toks] of [
    [0, 0, na, ta],
    [1, na, nb, tb],
  ] as const) {
    const want = bits(vectorize(model, toks));
    expect(bits(an.vector(from, to)), JSON.stringify(r === 0 ? a : b)).toEqual(want);
    const at = built.indptr[r];
    const end = built.indptr[r + 1];
    expect(bits({ indices: built.indices.subarray(at, end), values: built.values.subarray(at, end) })).toEqual(want);
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
}

// pieces around every branch: ASCII words in both cases, digits, underscores, stop words,
// Cyrillic in both cases, Han words, single Han characters and CJK punctuation, full-width
// forms, text NFKC changes (ligatures, circled digits, the Kelvin sign, a compatibility
// ideograph, half-width kana with a voiced mark, compatibility jamo), Turkish İ / ı, Greek
// sigma (final or not), combining marks after ASCII letters, astral Han (surrogate pairs),
// a lone surrogate, Hangul, kana
const PIECES = [
  'Supply', 'CHAIN', 'finance', 'FinTech', 'the', 'and', 'a', 'R', 'running', 'x1', '42', 'snake_case', 'Платформа', 'ДАННЫЕ', 'данные',
  '计算机', '视觉', '算法', '冷链', '仓储', '的', '跨', '境', '电', '商', '，', '。', '、', '（', '）', '“', '”',
  'ＡＢＣ', 'Ｒ＆Ｄ', '０１２', 'ｆｉｎａｎｃｅ', '\ufb01nance', '①②', '㎏', '\u212aelvin', 'Ⅻ', '\uf900', 'ｶﾞ', 'ㄱㅏ', '\u1100\u1161',
  'İstanbul', 'DIŞ', 'ı', 'ΟΔΟΣ', 'Σ', 'σ', 'ς', 'e\u0301', 'cafe\u0301', 'A\u030a',
  '\u{20000}', '\u{20001}\u{2a6d6}', '\ud840', '\udc00', '한국어', 'カタカナ', 'ひらがな', ' ', ' ', '  ', '\n', '-', ',', '.', '\u3000', '\u00a0', 'é', 'ß',
];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 50 }).map((a) => a.join(''));
const asciiText = fc.array(fc.constantFrom(...PIECES.filter((p) => /^[\x00-\x7f]*$/.test(p))), { maxLength: 50 }).map((a) => a.join(''));

describe('TextAnalyzer.add: one pass over the text equals the string path', () => {
  it('generated texts mixing every kind of piece (property, one analyzer across all)', () => {
    const an = new TextAnalyzer(tk, model, lex);
    fc.assert(fc.property(text, text, (a, b) => check(an, a, b)), { numRuns: 500 });
  });

  it('ASCII-only texts (property)', () => {
    const an = new TextAnalyzer(tk, model, lex);
    fc.assert(fc.property(asciiText, asciiText, (a, b) => check(an, a, b)), { numRuns: 300 });
  });

  it('stays exact when its table is cleared at every few keys (words and runs together)', () => {
    for (const bound of [0, 1, 2, 5]) {
      const an = new TextAnalyzer(tk, model, lex, { maxSurface: bound });
      fc.assert(fc.property(text, text, (a, b) => check(an, a, b)), { numRuns: 60 });
    }
  });

  it('known answers: upper case and full-width forms fold to the words they normalise to', () => {
    const an = new TextAnalyzer(tk, model, lex);
    an.clear();
    const n = an.add('SUPPLY Ｓｕｐｐｌｙ supply \u212aELVIN');
    const v = an.vector(0, n);
    expect(n).toBe(4);
    expect(Array.from(v.indices)).toEqual([model.vocab.get('suppli')!, model.vocab.get('kelvin')!].sort((x, y) => x - y));
    check(an, 'SUPPLY Ｓｕｐｐｌｙ supply', 'supply SUPPLY');
  });

  it('the same surface in both cases, both orders: the second sight hits the first one\'s entry', () => {
    for (const [a, b] of [
      ['Supply', 'supply'],
      ['supply', 'SUPPLY'],
      ['计算机视觉', '計算機視覺'],
      ['ｃｈａｉｎ', 'chain'],
      ['ΟΔΟΣ', 'οδος'],
      ['İi', 'ii'],
    ]) {
      const an = new TextAnalyzer(tk, model, lex);
      check(an, a, b);
      check(an, b, a);
      check(an, a + ' ' + b, b + a);
    }
  });

  it('empty texts, and texts of separators only', () => {
    const an = new TextAnalyzer(tk, model, lex);
    check(an, '', '');
    check(an, '', 'supply');
    check(an, ' ,。\n', '');
    an.clear();
    expect(an.add('')).toBe(0);
  });

  it('very long words (past the units pool\'s first size), long Han runs (past the memo and segmentation windows)', () => {
    const an = new TextAnalyzer(tk, model, lex);
    const long = 'Ab'.repeat(20_000); // 40,000 units: one word, longer than the pool's first 32,768
    check(an, long, long.toLowerCase() + ' ' + long);
    const han = '计算机视觉算法工业检测冷链仓储配送跨境电商'.repeat(60); // one Han run of 1,260 units > MAX_MEMO_RUN
    expect(han.length).toBeGreaterThan(MAX_MEMO_RUN);
    check(an, han, han + 'supply' + han);
    const half = han.slice(0, MAX_MEMO_RUN); // exactly at the memo's bound: kept, then hit
    check(an, half, half + ' ' + half);
  });

  it('a text at the record\'s 50,000-character budget, with many distinct words (the table grows, then is hit)', () => {
    const an = new TextAnalyzer(tk, model, lex);
    const parts: string[] = [];
    let len = 0;
    for (let i = 0; len < 50_000; i++) {
      const p = i % 5 === 0 ? `计算${String.fromCharCode(0x4e00 + (i % 3000))}机 ` : `Word${i.toString(36)} supply `;
      parts.push(p);
      len += p.length;
    }
    const big = parts.join('').slice(0, 50_000);
    expect(big.length).toBe(50_000);
    check(an, big, big.slice(25_000));
  });

  it('TextAnalyzer.for keeps one analyzer per tokenizer and model, and a new model gets a new one', () => {
    const t2 = new Tokenizer();
    const a = TextAnalyzer.for(t2, model, lex);
    expect(TextAnalyzer.for(t2, model, lex)).toBe(a);
    const other = fitTextModel([tk.tokenize('supply chain')]);
    const b = TextAnalyzer.for(t2, other, lex);
    expect(b).not.toBe(a);
    expect(TextAnalyzer.for(t2, other, null)).not.toBe(b);
    check(TextAnalyzer.for(t2, model, lex), 'supply 计算机', 'ΟΔΟΣ ＡＢＣ');
  });
});

describe('conceptVectorInto', () => {
  it('writes the rows conceptVector returns, bit for bit (property)', () => {
    const idf = Float32Array.from({ length: 12 }, (_, i) => 1 + i / 7);
    const scratch = conceptScratch(12);
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 11 }), { maxLength: 30 }), { maxLength: 8 }), (docs) => {
        const out = new CsrBuilder(1, 1);
        for (const d of docs) conceptVectorInto(idf, d, scratch, out);
        const m = out.finish(12);
        docs.forEach((d, r) => {
          const got = { indices: m.indices.subarray(m.indptr[r], m.indptr[r + 1]), values: m.values.subarray(m.indptr[r], m.indptr[r + 1]) };
          expect(bits(got)).toEqual(bits(conceptVector(idf, d, scratch)));
        });
      }),
      { numRuns: 200 },
    );
  });
});
