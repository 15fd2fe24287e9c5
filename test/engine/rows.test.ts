import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { TalentMeta, TalentRow } from '../../src/engine/rows.js';
import { JsonBytes } from '../../src/engine/jsonBytes.js';
import { RowsPacker, decodePrefs, metaInto, packRows, prefsBytes, prefsColumns, unpackRows, writePrefs } from '../../src/engine/rows.js';

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

describe('RowsPacker (rows written in place)', () => {
  it('writes the bytes of packRows over writePrefs, growing from any first size, mid-field included', () => {
    const M = 40;
    const forward = Float64Array.from({ length: M }, (_, p) => (p * 0.37) % 1);
    const backward = Float64Array.from({ length: M }, (_, p) => 1 / (p + 3));
    const score = Float64Array.from({ length: M }, (_, p) => (p % 7 === 0 ? 2 ** -1074 : Math.sqrt(p) / 7));
    const ids = ['t-1', '人才-二', 't\u{1F600}', '', 'x'.repeat(300), 'ab\ud800', 'a\udc00b', '\u{1F600}x', 'é'];
    const lists = [[3, 1, 39], [], Array.from({ length: M }, (_, p) => M - 1 - p), [0], [7, 8], [1], [], [2, 3], [4]];
    const rows: TalentRow[] = ids.map((id, i) => {
      const plat = lists[i];
      const prefs = writePrefs(Buffer.alloc(prefsBytes(plat.length)), 0, plat, plat.map((p) => forward[p]), plat.map((p) => backward[p]), plat.map((p) => score[p]), 0, plat.length);
      return { talentId: id, hash: `h${i}`, line: `{"side":"talent","id":${JSON.stringify(id)},"items":[${'é'.repeat(i * 50)}]}`, prefs, meta: JSON.stringify({ i, noPairs: i === 1 ? 'ä reason' : '' }) };
    });
    const want = packRows(rows);
    for (const size of [0, 1, 9, 37, 64, 500, want.length, 1 << 16]) {
      const out = new RowsPacker(size);
      rows.forEach((r, i) => {
        out.row(r.talentId);
        out.text(r.hash);
        // the line as a caller writes it: pieces into the writer between open and close
        const at = out.open();
        for (const piece of r.line.match(/.{1,7}/gsu) ?? []) out.w.text(piece);
        out.close(at);
        out.text(r.meta);
        out.prefs(lists[i].length, Int32Array.from(lists[i]), forward, backward, score);
      });
      const got = out.finish();
      expect(Buffer.compare(got, want), `first size ${size}`).toBe(0);
      expect([got.byteOffset, got.byteLength]).toEqual([0, got.buffer.byteLength]);
    }
    expect([...unpackRows(new RowsPacker(0).finish())]).toEqual([]);
  });
});

describe('metaInto (a talent\'s meta written as bytes)', () => {
  it('writes the bytes of JSON.stringify of the TalentMeta literal: numbers as String(x) or null, strings escaped, hostedBy only when given', () => {
    const numbers = [0, -0, 1, 0.1 + 0.2, 1e21, 5e-324, -3.5, NaN, Infinity, 12345678];
    const strings = ['', 'no acceptable platform', 'q"\\\n\u0001', '人才', '\ud800', '\u{1F600}'];
    for (const [i, x] of numbers.entries())
      for (const [j, str] of strings.entries())
        for (const hostedBy of [undefined, '', strings[(i + j) % strings.length], 'p-1']) {
          const meta: TalentMeta = { priority: x, capital: numbers[(i + 3) % numbers.length], seats: i, pairs: numbers[(i + j) % numbers.length], noPairs: str, ...(hostedBy !== undefined ? { hostedBy } : {}) };
          const w = new JsonBytes(1);
          metaInto(w, meta.priority, meta.capital, meta.seats, meta.pairs, meta.noPairs, hostedBy);
          expect(Buffer.from(w.out.subarray(0, w.n)).toString('utf8'), JSON.stringify(meta)).toBe(JSON.stringify(meta));
          expect(Buffer.compare(Buffer.from(w.out.subarray(0, w.n)), Buffer.from(JSON.stringify(meta)))).toBe(0);
        }
  });
});
