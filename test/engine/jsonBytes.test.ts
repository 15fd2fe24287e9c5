/**
 * engine/jsonBytes.ts, the parts the recommendation lines' items use (twelfth pass): a JSON
 * string written byte for byte when plain ASCII, constant fragments copied a 32-bit word a
 * store (`WordTable`, `putWords`), numbers read in place (`putAt`). Each against the plain
 * oracle: JSON.stringify, the fragment's bytes, writeNumber / String(x).
 */
import { describe, expect, it } from 'vitest';
import { JsonBytes, WORD_SLACK, WordTable, utf8 } from '../../src/engine/jsonBytes.js';
import { MAX_NUMBER_BYTES } from '../../src/util/shortest.js';
import { rng } from '../../src/util/rng.js';

const dec = new TextDecoder();

describe('JsonBytes.string', () => {
  it('writes the UTF-8 of JSON.stringify(s): plain ASCII byte for byte, any other string (one JSON escapes, or not ASCII) through JSON.stringify', () => {
    // the boundaries of the plain range (0x20 .. 0x7f less the quote and the backslash), and a fallback after plain bytes
    const cases = ['', 'a', 'p-0001', ' ', '~', '\x7f', '\x1f', '\x00', '"', '\\', 'ab"cd', 'ab\\cd', 'abc\ndef', '\x80', 'é', 'x平台', '😀', '\ud800', 'a\udc00b', '\u2028', 'p\u0001\n'];
    const r = rng(3);
    const alphabet = ['a', 'Z', '0', ' ', '-', '"', '\\', '\x1f', '\x7f', '\x80', 'é', '平', '\ud83d', '\ude00'];
    for (let i = 0; i < 300; i++) cases.push(Array.from({ length: Math.floor(r() * 12) }, () => alphabet[Math.floor(r() * alphabet.length)]).join(''));
    for (const size of [1, 7, 1 << 12]) {
      const w = new JsonBytes(size);
      const want: string[] = [];
      for (const s of cases) {
        w.string(s);
        w.byte(0x2c);
        want.push(JSON.stringify(s));
      }
      expect(dec.decode(w.take())).toBe(want.join(',') + ',');
    }
  });
});

describe('WordTable and JsonBytes.putWords', () => {
  it('copies each entry by words, back to back and across the table growing, writing past its bytes only within WORD_SLACK', () => {
    const r = rng(9);
    const entries: Uint8Array[] = [];
    for (let i = 0; i < 400; i++) entries.push(Uint8Array.from({ length: i % 14 }, () => 0x20 + Math.floor(r() * 0x5f))); // lengths 0 .. 13
    const t = new WordTable(entries.length);
    // set out of order, some on first use: an entry is where `at` says, whatever the order
    const order = entries.map((_, i) => i).sort(() => r() - 0.5);
    for (const e of order) {
      expect(t.has(e)).toBe(false);
      t.set(e, entries[e]);
      expect(t.has(e)).toBe(true);
    }
    expect(t.words.length).toBeGreaterThan(256); // it grew
    const w = new JsonBytes(1);
    const want: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const e = Math.floor(r() * entries.length);
      w.reserve(entries[e].length + WORD_SLACK);
      w.putWords(t, e);
      want.push(...entries[e]);
    }
    expect([...w.take()]).toEqual(want);
    // an exact-size writer: the last word's padding fits in WORD_SLACK, and nothing is written past it
    for (const b of entries) {
      const x = new JsonBytes(b.length + WORD_SLACK + 4);
      x.out.fill(0xee);
      x.putWords(t, entries.indexOf(b));
      expect([...x.out.subarray(0, b.length)]).toEqual([...b]);
      expect([...x.out.subarray(b.length + WORD_SLACK)].every((v) => v === 0xee)).toBe(true);
      expect(x.n).toBe(b.length);
    }
  });

  it('holds UTF-8 fragments of any bytes', () => {
    const frags = ['{"side":"talent","id":', ',"why":{"text":', '}}', 'é平😀', ''].map(utf8);
    const t = new WordTable(frags.length);
    frags.forEach((f, e) => t.set(e, f));
    const w = new JsonBytes(4);
    for (let e = 0; e < frags.length; e++) {
      w.reserve(frags[e].length + WORD_SLACK);
      w.putWords(t, e);
    }
    expect(dec.decode(w.take())).toBe('{"side":"talent","id":,"why":{"text":}}é平😀');
  });
});

describe('JsonBytes.putAt', () => {
  it('writes String(src[i]) reading only src[i] (finite numbers; negatives and the fallback range too)', () => {
    const r = rng(4);
    const xs = [0, -0, 1, -1, 0.5, 0.1, 2 ** -20, 1e-7, -5e-7, 123456789.25, -0.3, 1e21, 2147483647, -2147483648, Number.MAX_VALUE, Number.MIN_VALUE];
    for (let i = 0; i < 2000; i++) xs.push((r() - 0.2) * 10 ** (Math.floor(r() * 30) - 12));
    // the others are NaN: reading one would show in the bytes
    const src = new Float64Array(3 * xs.length).fill(NaN);
    xs.forEach((x, i) => (src[3 * i + 1] = x));
    const w = new JsonBytes(1);
    for (let i = 0; i < xs.length; i++) {
      w.reserve(MAX_NUMBER_BYTES + 1);
      w.putAt(src, 3 * i + 1);
      w.byte(0x2c);
    }
    w.reserve(4);
    w.putNull();
    expect(dec.decode(w.take())).toBe(xs.map((x) => String(x)).join(',') + ',null');
  });
});
