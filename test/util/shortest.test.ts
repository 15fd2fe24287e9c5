// util/shortest.ts: String(x)'s bytes without the string, fuzzed against String(x) itself.
import { describe, expect, it } from 'vitest';
import { OWNED_MIN_BYTES, releaseNow } from '../../src/util/release.js';
import { rng } from '../../src/util/rng.js';
import { MAX_NUMBER_BYTES, viewOf, writeNumber, writeShortestFast } from '../../src/util/shortest.js';
import { JsonBytes } from '../../src/engine/jsonBytes.js';

const out = new Uint8Array(64);
const view = viewOf(out);
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * Whether writeNumber(x) wrote exactly String(x), within its room: the whole buffer is marked
 * first, so a byte left unwritten shows, and so does any store past the MAX_NUMBER_BYTES the
 * caller reserves (scratch bytes between the end and that room are allowed); the first
 * mismatches are collected.
 */
function same(x: number, bad: string[]): boolean {
  out.fill(0x7f);
  const end = writeNumber(out, view, 0, x);
  const s = String(x);
  let ok = end === s.length;
  for (let i = MAX_NUMBER_BYTES; ok && i < out.length; i++) ok = out[i] === 0x7f;
  for (let i = 0; ok && i < end; i++) ok = out[i] === s.charCodeAt(i);
  if (!ok && bad.length < 10) bad.push(`${s} written as ${Buffer.from(out.subarray(0, end)).toString('latin1')}`);
  return ok;
}

/** Runs `draw` n times; returns the mismatches and how often the fast path gave up. */
function fuzz(n: number, draw: () => number): { bad: string[]; fallbacks: number; fast: number } {
  const bad: string[] = [];
  let fallbacks = 0;
  let fast = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    same(x, bad);
    const a = Math.abs(x);
    if (a >= 1e-6 && a < 1e16 && !Number.isInteger(x)) {
      fast++;
      if (writeShortestFast(out, view, 0, a) < 0) fallbacks++;
    }
  }
  return { bad, fallbacks, fast };
}

/** x's neighbours: the next double down and up (x > 0 finite). */
function neighbours(x: number): number[] {
  f64[0] = x;
  const lo = u32[1 - HIGH];
  const down = lo === 0 ? (u32[HIGH]--, (u32[1 - HIGH] = 0xffffffff), f64[0]) : ((u32[1 - HIGH] = lo - 1), f64[0]);
  f64[0] = x;
  const up = u32[1 - HIGH] === 0xffffffff ? (u32[HIGH]++, (u32[1 - HIGH] = 0), f64[0]) : (u32[1 - HIGH]++, f64[0]);
  return [down, x, up];
}

describe('writeNumber: the bytes of String(x)', () => {
  it('known answers (written by hand, not by String): short, long, tiny, huge, the notation switches, -0', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [1, '1'],
      [-7, '-7'],
      [0.1, '0.1'],
      [0.1 + 0.2, '0.30000000000000004'],
      [1 / 3, '0.3333333333333333'],
      [2 / 3, '0.6666666666666666'],
      [0.15, '0.15'],
      [-0.5, '-0.5'],
      [123.456, '123.456'],
      [0.000001, '0.000001'],
      [0.0000012345, '0.0000012345'],
      [1e-7, '1e-7'],
      [1.5e-7, '1.5e-7'],
      [2 ** 53, '9007199254740992'],
      [2 ** 31, '2147483648'],
      [-(2 ** 31), '-2147483648'],
      [1e21, '1e+21'],
      [999999999999999900000, '999999999999999900000'],
      [5e-324, '5e-324'],
      [Number.MAX_VALUE, '1.7976931348623157e+308'],
      [2.2250738585072014e-308, '2.2250738585072014e-308'],
      [3242153293382.78125, '3242153293382.7812'], // 17 digits, x halfway between ...7812 and ...7813: the even one
      [0.12631578947368421, '0.12631578947368421'],
      // 17 significant digits exactly, ending in 5: the 16-digit neighbours are equally close, the even one wins
      [93059365981563.875, '93059365981563.88'],
      [82222327181189.125, '82222327181189.12'],
      [0.09999999999999999, '0.09999999999999999'], // the double below 0.1
      [0.30000000000000004, '0.30000000000000004'],
      [0.3, '0.3'], // 15 zeros dropped: the one multiple of 100 inside, its further zeros counted
      [0.000123, '0.000123'],
      [0.0000010000000000000002, '0.0000010000000000000002'], // 1e-6's neighbour: "0.00000" and 17 digits, 24 bytes
      [-0.0000010000000000000002, '-0.0000010000000000000002'],
      [0.0625, '0.0625'], // a power of two (the fallback)
      [NaN, 'NaN'],
      [-Infinity, '-Infinity'],
    ];
    for (const [x, s] of cases) {
      const end = writeNumber(out, view, 0, x);
      expect(Buffer.from(out.subarray(0, end)).toString('latin1')).toBe(s);
    }
  });

  it('equals String(x) on 1M random bit patterns (every exponent, subnormals, NaNs)', () => {
    const r = rng(1);
    const { bad } = fuzz(1_000_000, () => {
      u32[0] = Math.floor(r() * 4294967296);
      u32[1] = Math.floor(r() * 4294967296);
      return f64[0];
    });
    expect(bad).toEqual([]);
  });

  it("equals String(x) on 1.5M values like the engine's scores (uniform in [0, 1), products of ratios), the fast path deciding nearly all", () => {
    const r = rng(2);
    const a = fuzz(1_000_000, () => r());
    const b = fuzz(500_000, () => ((Math.floor(r() * 20) + 1) / (Math.floor(r() * 20) + 1)) * r() * 0.3 + (r() < 0.1 ? 0 : r() * 1e-3));
    expect(a.bad).toEqual([]);
    expect(b.bad).toEqual([]);
    expect(a.fast).toBeGreaterThan(999_000);
    expect(a.fallbacks + b.fallbacks).toBeLessThan(20);
  });

  it('equals String(x) on 1M log-uniform values from 1e-9 to 1e23, both signs (across the 1e-6 / 1e-7 / 1e16 / 1e21 switches)', () => {
    const r = rng(3);
    const { bad, fallbacks, fast } = fuzz(1_000_000, () => (r() < 0.5 ? -1 : 1) * 10 ** (r() * 32 - 9));
    expect(bad).toEqual([]);
    expect(fallbacks).toBeLessThan(fast / 10_000);
  });

  it('equals String(x) on short decimals and on doubles with few fraction bits (ties between candidates)', () => {
    const r = rng(4);
    const short = fuzz(300_000, () => Math.floor(r() * 1e6) / 10 ** Math.floor(r() * 12));
    // 50 random bits (two draws: one gives 32), 1 to 10 of them after the point: x * 10^p often ends in 5
    const ties = fuzz(300_000, () => (Math.floor(r() * 2 ** 25) * 2 ** 25 + Math.floor(r() * 2 ** 25)) / 2 ** Math.floor(1 + r() * 10));
    expect(short.bad).toEqual([]);
    expect(ties.bad).toEqual([]);
    expect(ties.fallbacks).toBeLessThan(ties.fast / 1000);
  });

  it('equals String(x) at the boundaries: every power of 2 and of 10 and their neighbours, subnormals, the extremes', () => {
    const bad: string[] = [];
    const xs: number[] = [5e-324, 1e-323, Number.MIN_VALUE * 3, 2.225073858507201e-308, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 0.5];
    for (let k = -1074; k <= 1023; k++) xs.push(...neighbours(2 ** k));
    for (let k = -323; k <= 308; k++) xs.push(...neighbours(Number(`1e${k}`)), ...neighbours(Number(`5e${k}`)));
    for (let k = 1; k < 1000; k++) xs.push(...neighbours(k / 1000));
    for (const x of xs) {
      same(x, bad);
      same(-x, bad);
    }
    expect(bad).toEqual([]);
  });
});

/** The double `d` steps (of the last bit) from x, x > 0 finite. */
function stepped(x: number, d: number): number {
  f64[0] = x;
  const b = new BigInt64Array(f64.buffer);
  b[0] += BigInt(d);
  return f64[0];
}

describe("writeShortestFast: the fast path's choices, decided and equal to String(x)", () => {
  it('decides every double within 64 steps of each power of ten from 1e-6 to 1e16 (the scale switches there)', () => {
    const bad: string[] = [];
    let fast = 0;
    let decided = 0;
    for (let k = -6; k <= 16; k++) {
      for (let d = -64; d <= 64; d++) {
        const x = stepped(Number(`1e${k}`), d);
        same(x, bad);
        same(-x, bad);
        if (x < 1e-6 || x >= 1e16 || Number.isInteger(x)) continue;
        fast++;
        if (writeShortestFast(out, view, 0, x) > 0) decided++;
      }
    }
    expect(bad).toEqual([]);
    expect(fast).toBeGreaterThan(2000);
    expect(decided).toBe(fast);
  });

  it('equals String(x) on every mantissa of 18 leading bits in 6 binades below 1 (short and tied decimals)', () => {
    const bad: string[] = [];
    for (const base of [0.5, 0.25, 2 ** -7, 2 ** -10, 2 ** -14, 2 ** -19]) {
      for (let j = 1; j < 2 ** 18; j++) same(base * (1 + j / 2 ** 18), bad);
    }
    expect(bad).toEqual([]);
  });

  it('equals String(x) on 1M random bit patterns inside the fast range, and on every decimal k / 10^j (k < 10^5, j <= 11)', () => {
    const r = rng(5);
    const bits = fuzz(1_000_000, () => {
      u32[1 - HIGH] = Math.floor(r() * 4294967296);
      u32[HIGH] = ((1003 + Math.floor(r() * 74)) << 20) | Math.floor(r() * 1048576);
      return f64[0];
    });
    expect(bits.bad).toEqual([]);
    expect(bits.fallbacks).toBeLessThan(bits.fast / 100_000);
    let k = 0;
    let j = 1;
    const decimals = fuzz(11 * 99_999, () => {
      if (++k === 100_000) {
        k = 1;
        j++;
      }
      return k / 10 ** j;
    });
    expect(decimals.bad).toEqual([]);
    expect(decimals.fallbacks).toBeLessThan(decimals.fast / 10_000);
  });
});

describe('JsonBytes.number', () => {
  it('writes what JSON.stringify writes: null for NaN and the infinities, 0 for -0', () => {
    const w = new JsonBytes(8);
    const xs = [NaN, Infinity, -Infinity, -0, 0.1, 1e21, 5e-324, -1.5e-7, 0.30000000000000004];
    xs.forEach((x, i) => {
      if (i > 0) w.byte(0x2c);
      w.number(x);
    });
    expect(w.drain()).toBe(xs.map((x) => JSON.stringify(x)).join(','));
  });

  it('writes into the array it holds after growing and after take (the view of the bytes follows the array)', () => {
    const r = rng(6);
    const w = new JsonBytes(16);
    const xs = Array.from({ length: 400 }, () => r() * 10 ** -Math.floor(r() * 6));
    for (const [i, x] of xs.entries()) {
      if (i > 0) w.byte(0x2c);
      w.number(x); // the writer grows 16 -> 32 -> ... past 8 KiB
    }
    const first = new TextDecoder().decode(w.take());
    expect(first).toBe(xs.map((x) => JSON.stringify(x)).join(','));
    w.number(xs[0]);
    w.reserve(64);
    w.putFinite(xs[1]);
    expect(w.drain()).toBe(JSON.stringify(xs[0]) + JSON.stringify(xs[1]));
  });
});

describe('JsonBytes.take', () => {
  it('gives what was written at offset 0 of a buffer the caller owns (no copy), and the writer starts over in a new one', () => {
    const dec = new TextDecoder();
    for (const [room, items] of [
      [1, 0],
      [1, 1],
      [8, 3],
      [64, 40],
      [1 << 16, 500],
      [(1 << 16) + 1, 500],
    ] as const) {
      const w = new JsonBytes(room);
      const want: string[] = [];
      for (let i = 0; i < items; i++) {
        w.text(`{"id":"t-${i}","x":`);
        w.number(i / 7);
        w.byte(0x7d);
        want.push(`{"id":"t-${i}","x":${JSON.stringify(i / 7)}}`);
      }
      const written = w.out;
      const got = w.take();
      expect(dec.decode(got)).toBe(want.join(''));
      expect(got.byteOffset).toBe(0);
      expect(got.buffer).toBe(written.buffer); // the writer's own buffer, not a copy
      expect(got.buffer.byteLength).toBeGreaterThanOrEqual(got.byteLength);
      // the writer is empty, in another buffer, and writes on without touching the bytes taken
      expect(w.n).toBe(0);
      expect(w.out.buffer).not.toBe(got.buffer);
      // nor a view of them (it would keep the buffer given away alive with the writer)
      expect((w as unknown as { view: DataView }).view.buffer).not.toBe(got.buffer);
      w.text('again and again, longer than what was taken in the smallest cases');
      expect(dec.decode(got)).toBe(want.join(''));
      expect(dec.decode(w.take())).toBe('again and again, longer than what was taken in the smallest cases');
      expect(w.take().byteLength).toBe(0);
      // the consumer frees the chunk and its whole buffer (adapters/files/write.ts writeChunks),
      // when it is larger than a small buffer (util/release.ts OWNED_MIN_BYTES)
      const size = written.buffer.byteLength;
      const freed = size > OWNED_MIN_BYTES;
      expect(freed).toBe(room > OWNED_MIN_BYTES);
      expect(releaseNow(got, true)).toBe(freed);
      expect(written.buffer.byteLength).toBe(freed ? 0 : size);
    }
  });
});
