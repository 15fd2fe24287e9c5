import { describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/text/tokenize.js';
import { buildConceptLexicon, chineseShare, conceptTokens, lexiconForms, lexiconFromForms } from '../../src/text/concepts.js';
import { JIANGDONG_INDUSTRIES } from '../../src/synth/taxonomy.js';
import type { Industry } from '../../src/domain/schemas.js';

const tk = new Tokenizer();
const tok = (s: string) => tk.tokenize(s);
const lex = buildConceptLexicon(JIANGDONG_INDUSTRIES, tok);
const concepts = (s: string) => conceptTokens(lex, tok(s));
const set = (s: string) => [...new Set(concepts(s))].sort();

describe('bilingual concept layer', () => {
  it('an English and a Chinese description of the same business mention the same concepts', () => {
    expect(set('computer vision algorithms for industrial inspection')).toEqual(['c:algorithm', 'c:computer-vision', 'c:testing-certification']);
    expect(set('工业检测计算机视觉算法')).toEqual(['c:algorithm', 'c:computer-vision', 'c:testing-certification']);
    expect(set('cold chain warehousing and distribution')).toEqual(set('冷链仓储与配送'));
    expect(set('recruitment platform for high-end talent')).toEqual(set('高端人才招聘平台'));
  });

  it('takes the longest form at each position', () => {
    expect(concepts('supply chain finance')).toEqual(['c:supply-chain-finance']);
    expect(concepts('supply chain')).toEqual(['c:supply-chain']);
    expect(concepts('finance')).toEqual(['c:finance']);
  });

  it('a glossary form wins over a taxonomy keyword; an unlisted keyword names its industry', () => {
    // "平台" is an e-commerce keyword, but the glossary's "platform" concept lists it
    expect(concepts('平台')).toEqual(['c:platform']);
    expect(concepts('platform')).toEqual(['c:platform']);
    // "development" is a technology keyword and no glossary form
    expect(concepts('development')).toEqual(['i:technology-services']);
    expect(concepts('the weather is nice')).toEqual([]);
  });

  it('reads the glossary from the taxonomy as data (no code names a concept)', () => {
    const ind: Industry[] = [{ id: 'x', name: 'X', description: '', keywords: ['widget'], glossary: [{ id: 'gear', en: ['gearbox'], zh: ['齿轮箱'] }] }];
    const l = buildConceptLexicon(ind, tok);
    expect(conceptTokens(l, tok('a gearbox and a widget'))).toEqual(['c:gear', 'i:x']);
    expect(conceptTokens(l, tok('齿轮箱'))).toEqual(['c:gear']);
    expect(l.concepts).toEqual(['c:gear', 'i:x']);
  });

  it('survives the trip to a worker thread (forms as plain data)', () => {
    const back = lexiconFromForms(lexiconForms(lex), lex.concepts);
    for (const s of ['supply chain finance and cold chain', '跨境电商家居用品网店', 'autonomous driving perception research']) {
      expect(conceptTokens(back, tok(s))).toEqual(concepts(s));
    }
  });

  it('Chinese share counts words with letters; numbers belong to no language', () => {
    expect(chineseShare(tok('江东科技服务孵化器001'))).toBe(1);
    expect(chineseShare(tok('Jiangdong technology incubator 001'))).toBe(0);
    expect(chineseShare(['software', '软件', '研发', '2026'])).toBeCloseTo(2 / 3, 15);
    expect(chineseShare([])).toBe(0);
    expect(chineseShare(['001'])).toBe(0);
  });
});
