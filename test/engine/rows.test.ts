import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { decodePrefs, prefsBytes, prefsColumns, writePrefs } from '../../src/engine/rows.js';

function decoded(buf: Uint8Array): number[][] {
  const out: number[][] = [];
  decodePrefs(buf, { push: (p, f, b, s) => out.push([p, f, b, s]) });
  return out;
}

describe('stored preference lists', () => {
  const plat = [7, 2, 9, 0];
  const f = [0.9, 0.5, 1 / 3, 0];
  const b = [0.1, Math.PI / 4, 2 ** -1074, 1];
  const s = [0.25, 0.2, Number.MIN_VALUE, 0.999999999999];

  it('round-trips every bit of a slice of a talent-major list, several lists in one buffer', () => {
    const buf = Buffer.alloc(prefsBytes(2) + prefsBytes(1) + prefsBytes(0));
    const first = writePrefs(buf, 0, plat, f, b, s, 1, 3);
    const second = writePrefs(buf, first.length, plat, f, b, s, 3, 4);
    const empty = writePrefs(buf, first.length + second.length, plat, f, b, s, 4, 4);
    expect([first.length, second.length, empty.length]).toEqual([prefsBytes(2), prefsBytes(1), 8]);
    expect(decoded(first)).toEqual([
      [2, 0.5, Math.PI / 4, 0.2],
      [9, 1 / 3, 2 ** -1074, Number.MIN_VALUE],
    ]);
    expect(decoded(second)).toEqual([[0, 0, 1, 0.999999999999]]);
    expect(decoded(empty)).toEqual([]);
    // as a worker's result arrives: a plain Uint8Array view into a larger buffer
    expect(decoded(new Uint8Array(buf.buffer, buf.byteOffset + first.length, second.length))).toEqual([[0, 0, 1, 0.999999999999]]);
  });

  it('hands out the columns as bytes that read back as the same values, from an unaligned view too; refuses a cut list', () => {
    const buf = Buffer.alloc(3 + prefsBytes(3));
    const list = writePrefs(buf, 3, plat, f, b, s, 1, 4); // byte offset 3: no typed-array view could alias it
    const cols = prefsColumns(new Uint8Array(list.buffer, list.byteOffset, list.length))!;
    expect(cols.n).toBe(3);
    const as = <T>(make: (u: ArrayBuffer) => T, bytes: Uint8Array) => make(bytes.slice().buffer);
    expect(Array.from(as((u) => new Int32Array(u), cols.plat))).toEqual(plat.slice(1, 4));
    expect(Array.from(as((u) => new Float64Array(u), cols.f))).toEqual(f.slice(1, 4));
    expect(Array.from(as((u) => new Float64Array(u), cols.b))).toEqual(b.slice(1, 4));
    expect(Array.from(as((u) => new Float64Array(u), cols.s))).toEqual(s.slice(1, 4));
    expect(decoded(list)).toEqual([1, 2, 3].map((j) => [plat[j], f[j], b[j], s[j]]));
    expect(() => prefsColumns(list.subarray(0, list.length - 1))).toThrow(/expected 92 for 3 entries/);
    expect(prefsColumns(serialize({ plat: new Int32Array(0) }))).toBeUndefined(); // legacy: entry by entry
  });

  it('still reads lists written before the format (v8-serialized typed arrays)', () => {
    const legacy = serialize({ plat: Int32Array.from(plat.slice(0, 2)), f: Float64Array.from(f.slice(0, 2)), b: Float64Array.from(b.slice(0, 2)), s: Float64Array.from(s.slice(0, 2)) });
    expect(legacy[0]).toBe(0xff);
    expect(decoded(legacy)).toEqual([
      [7, 0.9, 0.1, 0.25],
      [2, 0.5, Math.PI / 4, 0.2],
    ]);
  });
});
