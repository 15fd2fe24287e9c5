/**
 * lineText decodes every line with one shared StringDecoder: a line must read exactly as a
 * decoder made for it alone would read it, whatever the line before left unfinished.
 */
import { StringDecoder } from 'node:string_decoder';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBlankLine, lineText } from '../../src/domain/lines.js';

const fresh = (b: Uint8Array): string => {
  const d = new StringDecoder('utf8');
  return d.write(b as Buffer) + d.end();
};

// bytes that open, continue or break multi-byte sequences, and plain text
const byte = fc.oneof(fc.constantFrom(0xe4, 0xb8, 0xad, 0xf0, 0x90, 0x80, 0x9f, 0xc3, 0xa9, 0xed, 0xa0, 0xff, 0x0d, 0xef, 0xbb, 0xbf), fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0, max: 255 }));

describe('lineText with one shared decoder', () => {
  it('reads each line of a sequence as a fresh decoder would (lines ending inside a character, before one that continues it)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(byte, { maxLength: 12 }).map((a) => Uint8Array.from(a)), { minLength: 1, maxLength: 8 }), (lines) => {
        for (const [i, b] of lines.entries()) {
          let want = fresh(b);
          if (want.endsWith('\r')) want = want.slice(0, -1);
          if (i === 0 && want.charCodeAt(0) === 0xfeff) want = want.slice(1);
          expect(lineText(b, i === 0)).toBe(want);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('known answers: a character cut at the end of one line is not completed by the next', () => {
    expect(lineText(Uint8Array.of(0x61, 0xe4, 0xb8), false)).toBe('a\ufffd');
    expect(lineText(Uint8Array.of(0xad, 0x62), false)).toBe('\ufffdb');
    expect(lineText(Uint8Array.of(0xe4, 0xb8, 0xad), false)).toBe('中');
    expect(lineText(Uint8Array.of(0xef, 0xbb, 0xbf, 0x7b, 0x0d), true)).toBe('{');
    expect(lineText(Uint8Array.of(0xef, 0xbb, 0xbf, 0x7b), false)).toBe('\ufeff{');
  });
});

describe('isBlankLine, the blank rule told from the bytes', () => {
  const blankByText = (b: Uint8Array): boolean => lineText(b, false).trim() === '';
  // ASCII whitespace (JS's: tab, LF, VT, FF, CR, space), other ASCII, and the UTF-8 of no-break, ideographic and zero-width no-break spaces, broken sequences
  const ws = fc.oneof(fc.constantFrom(9, 10, 11, 12, 13, 32, 32, 0x7b, 0x41, 0x08, 0x0e, 0x1f, 0x7f), fc.constantFrom([0xc2, 0xa0], [0xe3, 0x80, 0x80], [0xef, 0xbb, 0xbf], [0xe2, 0x80, 0xa8], [0xc2], [0xa0], [0xff], [0xe2, 0x80, 0x8b]));
  it('says what decoding and trimming says, for lines whole or in pieces', () => {
    fc.assert(
      fc.property(fc.array(ws, { maxLength: 10 }), fc.nat(12), (parts, cut) => {
        const b = Uint8Array.from(parts.flat());
        const want = blankByText(b);
        expect(isBlankLine([b])).toBe(want);
        const at = Math.min(cut, b.length);
        expect(isBlankLine([b.subarray(0, at), b.subarray(at)])).toBe(want);
      }),
      { numRuns: 3000 },
    );
  });

  it('known answers: every ASCII whitespace byte alone is blank, any other ASCII byte is not', () => {
    for (const c of [9, 10, 11, 12, 13, 32]) expect(isBlankLine([Uint8Array.of(32, c, 32)]), `byte ${c}`).toBe(true);
    for (let c = 0; c < 0x80; c++) if (![9, 10, 11, 12, 13, 32].includes(c)) expect(isBlankLine([Uint8Array.of(32, c)]), `byte ${c}`).toBe(false);
    expect(isBlankLine([])).toBe(true);
    expect(isBlankLine([Buffer.from('\u00a0\u3000\ufeff ')])).toBe(true);
    expect(isBlankLine([Buffer.from('\u00a0x')])).toBe(false);
  });
});
