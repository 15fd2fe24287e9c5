import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HAN_WINDOW, Tokenizer } from '../../src/text/tokenize.js';
import { fitTextModel, vectorize } from '../../src/text/tfidf.js';
import { TokenCache } from '../../src/text/cache.js';

const tk = new Tokenizer();

describe('tokenizer', () => {
  it('English: lower-cases, drops stop words and 1-letter tokens, stems', () => {
    expect(tk.tokenize('The Logistics of Financing a Startup')).toEqual(['logist', 'financ', 'startup']);
    expect(tk.tokenize('R&D for AI')).toEqual(['ai']);
  });

  it('Chinese: dictionary words, bigrams for runs of single characters, stop words out', () => {
    expect(tk.tokenize('视觉研发团队')).toEqual(['视觉', '研发', '团队']);
    // 跨|境|电|商 are single segments: bigrams keep the compound findable
    const t = tk.tokenize('跨境电商');
    expect(t).toContain('跨境');
    expect(t).toContain('电商');
    expect(tk.tokenize('的')).toEqual([]);
  });

  it('the run and stem memos never change a result: warm, cold and constantly cleared agree', () => {
    const phrases = ['跨境电商', '新能源汽车', '人工智能', '的', '数字经济', 'Smart logistics', '𠀀𠀁研发', '团队', '，', ' and ', '生物医药'];
    const warm = new Tokenizer();
    const tiny = new Tokenizer({ maxRunMemo: 1, maxStemMemo: 1 });
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...phrases), { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        const cold = new Tokenizer().tokenize(text);
        expect(warm.tokenize(text)).toEqual(cold);
        expect(tiny.tokenize(text)).toEqual(cold);
        expect(warm.tokenize(text)).toEqual(cold); // second time from the memo
      }),
      { numRuns: 200 },
    );
  });

  it('mixed-language text and full-width forms', () => {
    expect(tk.tokenize('Ｆｉｎｔｅｃｈ金融服务 platform')).toEqual(['fintech', '金融', '服务', 'platform']);
  });
});

describe('TF-IDF', () => {
  it('computes smoothed idf and L2-normalised sublinear tf', () => {
    const m = fitTextModel([['a', 'b'], ['a'], ['c']]);
    // idf = ln((1+n)/(1+df)) + 1
    expect(m.idf[m.vocab.get('a')!]).toBeCloseTo(Math.log(4 / 3) + 1, 6);
    expect(m.idf[m.vocab.get('c')!]).toBeCloseTo(Math.log(4 / 2) + 1, 6);
    const v = vectorize(m, ['a', 'a', 'c', 'zzz']);
    expect(Array.from(v.indices)).toEqual([m.vocab.get('a')!, m.vocab.get('c')!]);
    const wa = (1 + Math.log(2)) * (Math.log(4 / 3) + 1);
    const wc = Math.log(2) + 1;
    const wz = Math.log(1 + 3) + 1; // the unknown token counts in the norm with the idf of an unseen term
    const n = Math.hypot(wa, wc, wz);
    expect(v.values[0]).toBeCloseTo(wa / n, 6);
    expect(v.values[1]).toBeCloseTo(wc / n, 6);
    expect(vectorize(m, ['unknown']).indices.length).toBe(0);
  });

  it('caches tokens by content hash: an unchanged text is not tokenised again', () => {
    let calls = 0;
    const counting = new Tokenizer();
    const orig = counting.tokenize.bind(counting);
    counting.tokenize = (s: string) => {
      calls++;
      return orig(s);
    };
    const c = new TokenCache(counting, 10);
    c.tokens('fintech startup');
    c.tokens('fintech startup');
    c.tokens('another text');
    expect(calls).toBe(2);
    expect(c.hits).toBe(1);
  });
});

describe('tokenizer: the Latin split is natural\'s WordTokenizer', () => {
  // the oracle: what the tokenizer used before splitting by the pattern directly
  // (WordTokenizer, then the same stop-word / length / stem rules)
  const oracle = async (text: string): Promise<string[]> => {
    const { WordTokenizer } = await import('natural/lib/natural/tokenizers/index.js');
    const { PorterStemmer } = await import('natural/lib/natural/stemmers/index.js');
    const { words } = await import('natural/lib/natural/util/stopwords.js');
    const stop = new Set(words);
    return new WordTokenizer()
      .tokenize(text.normalize('NFKC').toLowerCase())
      .filter((w: string) => w.length >= 2 && !stop.has(w))
      .map((w: string) => (/^[a-z]+$/.test(w) ? PorterStemmer.stem(w) : w));
  };
  it('gives the same tokens on edge cases (leading/trailing gaps, underscores, Cyrillic, digits, spaces only)', async () => {
    for (const s of ['  leading and trailing  ', '__init__ snake_case x_y', 'Москва logistics 2024 5g', ' ', '', '-a-b-cd-', 'ＡＩ　ｍｏｄｅｌ full-width', 'a,b;;cc...dd']) {
      expect(tk.tokenize(s), s).toEqual(await oracle(s));
    }
  });
  it('gives the same tokens on arbitrary Latin text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9_ ,.;\-'éАб]{0,60}$/), async (s) => {
        expect(tk.tokenize(s)).toEqual(await oracle(s));
      }),
      { numRuns: 300 },
    );
  });
});

describe('long Han runs (issue 15: one long run stalled the API)', () => {
  const sentence = '视觉研发团队专注于跨境电商平台的数据分析与人工智能算法研究并且提供金融服务';

  it('never hands the segmenter more than HAN_WINDOW characters, however long the run', () => {
    const seen: number[] = [];
    const orig = Intl.Segmenter.prototype.segment;
    Intl.Segmenter.prototype.segment = function (this: Intl.Segmenter, s: string) {
      seen.push(s.length);
      return orig.call(this, s);
    };
    try {
      const run = sentence.repeat(Math.ceil(20_000 / sentence.length));
      const toks = new Tokenizer().tokenize(run);
      expect(toks.length).toBeGreaterThan(run.length / 4);
    } finally {
      Intl.Segmenter.prototype.segment = orig;
    }
    expect(Math.max(...seen)).toBeLessThanOrEqual(HAN_WINDOW);
    // linear work: the windows overlap by at most one word each, so the characters handed to
    // the segmenter are within a small factor of the run's length
    expect(seen.reduce((a, b) => a + b, 0)).toBeLessThan(2 * 20_000 + HAN_WINDOW * 2);
  });

  it('a run at the window size is segmented whole; longer runs give the same words as whole-run segmentation on ordinary text', () => {
    const whole = (s: string) => {
      // reference: the old behaviour, one segmenter call over the whole run
      const seg = new Intl.Segmenter('zh', { granularity: 'word' });
      return [...seg.segment(s)].filter((x) => x.isWordLike).map((x) => x.segment);
    };
    const t = new Tokenizer();
    const run = sentence.repeat(40); // ~1,500 characters: three windows
    expect(run.length).toBeGreaterThan(2 * HAN_WINDOW);
    const multi = whole(run).filter((w) => w.length > 1 && w !== '的' && w !== '与');
    const got = t.tokenize(run).filter((w) => multi.includes(w));
    // every dictionary word of the whole-run segmentation, in order
    expect(got.length).toBeGreaterThanOrEqual(multi.filter((w) => !['并且', '于'].includes(w)).length * 0.99);
    const exact = sentence.repeat(Math.floor(HAN_WINDOW / sentence.length));
    expect(t.tokenize(exact)).toEqual(new Tokenizer({ maxRunMemo: 1 }).tokenize(exact));
  });

  it('surrogate pairs (Han extension planes) are never cut by a window edge', () => {
    const ext = String.fromCodePoint(0x20000, 0x20001, 0x20002).repeat(1000);
    const toks = new Tokenizer().tokenize(ext);
    for (const w of toks) expect(w).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    expect(toks.length).toBeGreaterThan(0);
  });
});
