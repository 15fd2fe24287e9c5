/**
 * The tokenizer's normalisation (NFKC, then lower case: text/tokenize.ts scan) one UTF-16
 * code unit at a time, for the code units where that is exact, so the analyzer can cut a
 * text in one pass over its own characters without the two normalised copies.
 *
 * A BMP code unit c is *simple* when NFKC(c) is one code unit x, lower(x) one code unit y,
 * and neither c nor x can take part in anything that looks past one character:
 *  - no combining mark (\p{M}: canonical reordering, and the seconds of compositions);
 *  - x not a Hangul jamo (U+1100–U+11FF: the only composition seconds that are letters; the
 *    compatibility and half-width jamo fold to them, so they are tested on x);
 *  - x not Σ (U+03A3: the one context-dependent lower-case mapping, Final_Sigma);
 *  - not a surrogate.
 * Every other composition second is a mark (Unicode's NFC_QC=Maybe list), so a string of
 * simple units composes nothing and reorders nothing: NFKC works unit by unit, and lower
 * casing does too, so fold(text) = text.normalize('NFKC').toLowerCase() unit for unit.
 * A text with any unit that is not simple takes the normalising path (the caller's). ASCII
 * needs no look-up of Unicode data: its folding is lower case.
 *
 * Each simple unit is also classed as the scan needs it, on its folded form: a word unit
 * (natural's word pattern, [A-Za-zА-Яа-я0-9_]), Han, or other (a gap). Decided once per
 * code unit, lazily (a few microseconds each), then one table read.
 */
import { isHan } from './tokenize.js';

/** Not decided yet. */
const UNKNOWN = 0;
/** A unit of natural's word pattern once folded. */
export const WORD = 1;
/** A Han unit once folded. */
export const HAN = 2;
/** Simple, neither a word unit nor Han: a gap. */
export const OTHER = 3;
/** Not simple: the text is normalised as a whole. */
export const COMPLEX = 4;

/** Per BMP code unit: UNKNOWN (0: call `kindOf`), WORD, HAN, OTHER or COMPLEX. */
export const KINDS = new Uint8Array(0x10000);
/** Per simple BMP code unit: its folded unit. */
export const FOLDED = new Uint16Array(0x10000);

const MARK = /\p{M}/u;

/** A code unit of natural's word pattern: not in `WORD_GAP` = /[^A-Za-zА-Яа-я0-9_]+/ (tokenize.ts). */
export function isWordUnit(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (c >= 0x410 && c <= 0x44f);
}

function decide(c: number): number {
  let k: number;
  if (c < 0x80) {
    const y = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
    FOLDED[c] = y;
    k = isWordUnit(y) ? WORD : OTHER;
  } else if (c >= 0xd800 && c <= 0xdfff) k = COMPLEX;
  else {
    const s = String.fromCharCode(c);
    const n = s.normalize('NFKC');
    const l = n.length === 1 ? n.toLowerCase() : '';
    const x = n.charCodeAt(0);
    if (l.length !== 1 || MARK.test(s) || MARK.test(n) || (x >= 0x1100 && x <= 0x11ff) || x === 0x3a3) k = COMPLEX;
    else {
      const y = l.charCodeAt(0);
      FOLDED[c] = y;
      k = isWordUnit(y) ? WORD : y >= 0x2e80 && isHan(y) ? HAN : OTHER;
    }
  }
  KINDS[c] = k;
  return k;
}

/** The class of a BMP code unit (WORD, HAN, OTHER, COMPLEX); FOLDED[c] holds its folded unit unless COMPLEX. */
export function kindOf(c: number): number {
  const k = KINDS[c];
  return k !== UNKNOWN ? k : decide(c);
}

// ASCII decided up front
for (let c = 0; c < 0x80; c++) decide(c);
