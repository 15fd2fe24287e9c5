/**
 * text/fold.ts: the tokenizer's normalisation (NFKC, then lower case) unit by unit, where
 * that is exact. The oracle is the whole-string normalisation the tokenizer runs.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { COMPLEX, FOLDED, HAN, OTHER, WORD, isWordUnit, kindOf } from '../../src/text/fold.js';

const norm = (s: string) => s.normalize('NFKC').toLowerCase();
const simple: number[] = [];
for (let c = 0; c < 0x10000; c++) if (kindOf(c) !== COMPLEX) simple.push(c);
const fold = (s: string) => String.fromCharCode(...Array.from(s, (ch) => FOLDED[ch.charCodeAt(0)]));
const allSimple = (s: string) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i)).every((c) => kindOf(c) !== COMPLEX);

describe('fold: one code unit at a time', () => {
  it('every simple BMP unit folds to the one unit NFKC + lower case give, and is classed by that unit', () => {
    let words = 0;
    let han = 0;
    for (const c of simple) {
      const y = FOLDED[c];
      expect(norm(String.fromCharCode(c))).toBe(String.fromCharCode(y));
      const k = kindOf(c);
      if (isWordUnit(y)) expect(k).toBe(WORD);
      else if (/^\p{Script=Han}$/u.test(String.fromCharCode(y))) expect(k).toBe(HAN);
      else expect(k).toBe(OTHER);
      if (k === WORD) words++;
      if (k === HAN) han++;
    }
    // ASCII letters and digits, Cyrillic а-я and А-Я, the full-width forms, the Kelvin sign ...
    expect(words).toBeGreaterThan(26 * 2 + 10 + 64 + 62);
    // the CJK Unified Ideographs and Extension A at least
    expect(han).toBeGreaterThan(0x9fff - 0x4e00 + 0x4dbf - 0x3400);
  });

  it('known answers: what folds, and what is left to the whole-text path', () => {
    const k = (s: string) => kindOf(s.charCodeAt(0));
    expect([k('A'), FOLDED[0x41]]).toEqual([WORD, 0x61]);
    expect([k('Ａ'), FOLDED[0xff21]]).toEqual([WORD, 0x61]); // full-width A -> a
    expect([k('\u212a'), FOLDED[0x212a]]).toEqual([WORD, 0x6b]); // Kelvin sign -> k
    expect([k('Д'), FOLDED[0x414]]).toEqual([WORD, 0x434]);
    expect([k('\uf900'), FOLDED[0xf900]]).toEqual([HAN, 0x8c48]); // a CJK compatibility ideograph
    expect([k('，'), FOLDED[0xff0c]]).toEqual([OTHER, 0x2c]); // full-width comma -> ','
    expect([k('é'), k('。'), k('ı')]).toEqual([OTHER, OTHER, OTHER]);
    expect(k('\u0130')).toBe(COMPLEX); // İ lower-cases to two units
    expect(k('Σ')).toBe(COMPLEX); // Final_Sigma: its lower case depends on the neighbours
    expect(k('\u03f9')).toBe(COMPLEX); // lunate sigma: NFKC gives Σ
    expect(k('\ufb01')).toBe(COMPLEX); // ﬁ: NFKC gives two units
    expect(k('\u0301')).toBe(COMPLEX); // a combining mark (composes with what precedes it)
    expect(k('\uff9e')).toBe(COMPLEX); // half-width voiced mark: NFKC gives a combining mark
    expect(k('\u3131')).toBe(COMPLEX); // compatibility jamo: NFKC gives a conjoining jamo
    expect(k('\u1161')).toBe(COMPLEX); // conjoining jamo: composes with a syllable before it
    expect(k('\ud840')).toBe(COMPLEX); // surrogates: the astral planes go the whole-text way
  });

  // units next to which the per-unit rule would break if they were taken as simple
  const tricky = [
    'a', 'A', 'e', 'I', 'i', 'ı', 'İ', 'Σ', 'σ', 'ς', 'ϴ', 'Ϲ', 'Ο', 'Δ', '.', ' ', '\u0301', '\u0308', '\u0345', '\u0307',
    'か', 'ｶ', 'ﾞ', '\u3099', '\u309b', 'ㄱ', 'ㅏ', 'ᄀ', 'ᅡ', 'ᆨ', '가', '각', '\uffa1', '\uffc2', 'ﬁ', '①', '㎏', 'Ⅻ', '\u212a', '豈', 'Ａ', '\u00df', 'ǅ', 'ᾼ', 'ﾟ', '\u0e33', 'ๆ', '\u0b3e', 'େ',
  ];

  it('a string of simple units folds unit by unit exactly as the whole string normalises (every pair and triple of tricky units)', () => {
    for (const x of tricky) {
      for (const y of tricky) {
        for (const z of ['', ...tricky]) {
          const s = x + y + z;
          if (allSimple(s)) expect(fold(s), JSON.stringify(s)).toBe(norm(s));
        }
      }
    }
  });

  it('random strings of simple units from the whole BMP fold as the whole string normalises (property)', () => {
    const unit = fc.integer({ min: 0, max: simple.length - 1 }).map((i) => String.fromCharCode(simple[i]));
    fc.assert(
      fc.property(fc.array(fc.oneof(unit, fc.constantFrom(...tricky.filter(allSimple))), { maxLength: 40 }), (units) => {
        const s = units.join('');
        expect(fold(s)).toBe(norm(s));
      }),
      { numRuns: 3000 },
    );
  });
});
