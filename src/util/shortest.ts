/**
 * A float64 as ECMAScript's Number::toString writes it (`String(x)`: the shortest decimal
 * that reads back as x, the closest to x among the shortest), written as ASCII straight
 * into a byte array, without building a string. Pure, no I/O.
 *
 * Why: the JSON output of `recommend` prints ~14 doubles per listed item, and `String(x)`
 * (a string allocated per number, then copied byte by byte) was a quarter of a worker's
 * time (docs/PERFORMANCE.md, issue 12, sixth pass).
 *
 * How (fast path, 1e-6 <= |x| < 1e16, which holds every score and breakdown the engine
 * prints): x = m * 2^e is scaled by 10^p (p <= 22, an exact double) so that v = x * 10^p
 * lies in [1e16, 1e17); v is held exactly as hi + lo (Dekker's error-free product), and so
 * is the half-gap to x's neighbours, h = 10^p * 2^(e-1) (a quarter gap below a power of
 * two). The doubles that read back as x are those in (v - h, v + h) at this scale, an
 * interval 1.1 to 23 units wide, so 17 digits always suffice and at most three multiples of
 * 10 (one of any larger power) lie in it: the shortest decimal is the multiple of the
 * largest power of ten in the interval, the closest to v when several multiples of 10 (or
 * no multiple of 10 and several integers: then the even one on a tie) are.
 * Whenever a decision would need more precision than the doubles give exactly (an interval
 * end within 2^-30 of an integer; never seen on the engine's numbers) or x is outside the
 * fast range, the digits come from `String(x)` itself, so the output always equals it.
 * Fuzzed against `String(x)` in test/util/shortest.test.ts.
 */

/**
 * The room `writeNumber` needs after its index: at most 25 bytes ("-2.2250738585072014e-308",
 * "-0.000001234567890123456"; below 1 the fast path writes the digits in place, dropped
 * trailing zeros included: "-0." and 22 more at most).
 */
export const MAX_NUMBER_BYTES = 25;

const P10 = new Float64Array(23);
const P10_HI = new Float64Array(23);
const P10_LO = new Float64Array(23);
const SPLIT = 134217729; // 2^27 + 1: Dekker's split of a double into two 26-bit halves
for (let p = 0; p <= 22; p++) {
  const v = Number('1e' + p); // exact: 10^22 < 2^53 * 2^22
  P10[p] = v;
  const t = v * SPLIT;
  P10_HI[p] = t - (t - v);
  P10_LO[p] = v - P10_HI[p];
}

/** Half the gap between consecutive doubles of biased exponent b (1..2046): 2^(b - 1076). */
const HALF_GAP = new Float64Array(2047);
for (let b = 1; b < 2047; b++) HALF_GAP[b] = 2 ** (b - 1076);

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // the word with sign and exponent
const LOW = 1 - HIGH;

/** How close (in units of the scaled decimal) a decision may come to a boundary before the fallback decides. */
const EPS = 2 ** -30;

const DIGITS = new Uint8Array(20);

/** `String(x)`'s characters, copied (the fallback; also NaN and the infinities). */
function writeString(out: Uint8Array, at: number, x: number): number {
  const s = String(x);
  for (let i = 0; i < s.length; i++) out[at++] = s.charCodeAt(i);
  return at;
}

/** An int32 in decimal. */
function writeInt(out: Uint8Array, at: number, x: number): number {
  if (x < 0) {
    out[at++] = 0x2d;
    if (x === -2147483648) return writeString(out, at - 1, x);
    x = -x;
  }
  let n = 0;
  do {
    DIGITS[n++] = 48 + (x % 10);
    x = (x / 10) | 0;
  } while (x > 0);
  while (n > 0) out[at++] = DIGITS[--n];
  return at;
}

/**
 * The fast path alone, for 1e-6 <= x < 1e16 (x > 0): writes String(x)'s digits and returns
 * the next free index, or -1 (bytes written there do not count) when it cannot decide
 * exactly; `writeNumber` then falls back to String(x). Exported for the tests, which hold
 * the fallback rare.
 */
export function writeShortestFast(out: Uint8Array, at: number, x: number): number {
  if (!(x >= 1e-6 && x < 1e16)) return -1;
  f64[0] = x;
  const high = u32[HIGH];
  const b = high >>> 20;
  const powerOfTwo = (high & 0xfffff) === 0 && u32[LOW] === 0;
  // floor(log10(x)) is floor((b - 1023) * log10(2)) or one more: then hi >= 1e17 and p steps down
  let p = 16 - Math.floor((b - 1023) * 0.30102999566398120);
  if (p > 22) p = 22;
  let hi = x * P10[p];
  if (hi >= 1e17) hi = x * P10[--p];
  else if (hi < 1e16) return -1; // not reached: the estimate is never above floor(log10(x)), and x >= 1e-6 keeps p <= 22
  // lo = x * 10^p - hi, exactly (Dekker's product: both factors split into 26-bit halves)
  const t = x * SPLIT;
  const xh = t - (t - x);
  const xl = x - xh;
  const ph = P10_HI[p];
  const pl = P10_LO[p];
  const lo = xh * ph - hi + xh * pl + xl * ph + xl * pl;
  const h = P10[p] * HALF_GAP[b];
  // the interval's ends relative to hi, and the integers (17-digit candidates) inside it
  const up = lo + h;
  const down = lo - (powerOfTwo ? h / 2 : h);
  const cu = Math.floor(up);
  const cl = Math.ceil(down);
  if (up - cu < EPS || cu + 1 - up < EPS || cl - down < EPS || down - (cl - 1) < EPS) return -1;
  const width = cu - cl;
  if (width < 0 || width >= 90) return -1;
  // hi = H * 1e9 + L exactly (H * 1e9 has at most 48 significant bits)
  let H = Math.floor(hi / 1e9);
  let L = hi - H * 1e9;
  if (L < 0) {
    H -= 1;
    L += 1e9;
  } else if (L >= 1e9) {
    H += 1;
    L -= 1e9;
  }
  // the top of the interval, B = hi + cu, its low nine digits (int32 arithmetic from here)
  let BL = (L + cu) | 0;
  if (BL >= 1e9) BL -= 1e9;
  else if (BL < 0) BL += 1e9;
  let off: number;
  const r1 = BL % 10;
  if (r1 > width) {
    // no multiple of 10 inside: the integer closest to v
    const fl = Math.floor(lo);
    const frac = lo - fl;
    // halfway: the even one (M = H * 1e9 + L + off, H * 1e9 even)
    off = frac < 0.5 || (frac === 0.5 && ((L + fl) & 1) === 0) ? fl : fl + 1;
  } else {
    let pw = 100;
    let r = r1;
    while (pw <= 1e9) {
      const next = BL % pw | 0;
      if (next > width) break;
      r = next;
      pw *= 10;
    }
    off = cu - r;
    // up to three multiples of 10 inside: the one closest to v (lo exact, each midpoint an integer)
    if (pw === 100) {
      while (off - 10 >= cl) {
        const mid = off - 5;
        if (lo > mid) break;
        // halfway: the one whose digits end even (s = M / 10; H * 1e8 and 1e8 are even)
        if (lo === mid && (((L + off + 1e9) / 10) & 1) === 0) break;
        off -= 10;
      }
    }
  }
  // M = hi + off = H * 1e9 + L
  L += off;
  if (L >= 1e9) {
    H += 1;
    L -= 1e9;
  } else if (L < 0) {
    H -= 1;
    L += 1e9;
  }
  // value = 0.D * 10^n (ECMAScript's n) for M's digits D; here -6 < n <= 16 (never the exponent form)
  const h32 = H | 0;
  const nd = (h32 >= 1e8 ? 9 : h32 >= 1e7 ? 8 : h32 >= 1e6 ? 7 : decimalLength(h32)) + 9;
  const n = nd - p;
  if (n <= 0) {
    // below 1 (every score): "0.", -n zeros, the digits straight into out, trailing zeros dropped
    out[at++] = 48;
    out[at++] = 0x2e;
    for (let i = n; i < 0; i++) out[at++] = 48;
    writeDigits(out, at, h32, nd - 9, L | 0);
    let k = nd;
    while (out[at + k - 1] === 48) k--;
    return at + k;
  }
  writeDigits(DIGITS, 0, h32, nd - 9, L | 0);
  let k = nd;
  while (DIGITS[k - 1] === 48) k--;
  if (n >= k) {
    for (let i = 0; i < k; i++) out[at++] = DIGITS[i];
    for (let i = k; i < n; i++) out[at++] = 48;
  } else {
    for (let i = 0; i < n; i++) out[at++] = DIGITS[i];
    out[at++] = 0x2e;
    for (let i = n; i < k; i++) out[at++] = DIGITS[i];
  }
  return at;
}

function decimalLength(q: number): number {
  let d = 1;
  for (let pow = 10; pow <= q; pow *= 10) d++;
  return d;
}

/** "00" .. "99" as ASCII pairs. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + ((i / 10) | 0);
  PAIRS[2 * i + 1] = 48 + (i % 10);
}

/** The hd digits of H, then L's nine zero-padded, into d[at ..], two at a time. */
function writeDigits(d: Uint8Array, at: number, H: number, hd: number, L: number): void {
  let i = at + hd + 8;
  for (let c = 0; c < 4; c++) {
    const r = L % 100;
    L = (L / 100) | 0;
    d[i--] = PAIRS[2 * r + 1];
    d[i--] = PAIRS[2 * r];
  }
  d[i--] = 48 + L;
  while (i >= at + 1) {
    const r = H % 100;
    H = (H / 100) | 0;
    d[i--] = PAIRS[2 * r + 1];
    d[i--] = PAIRS[2 * r];
  }
  if (i === at) d[i] = 48 + H;
}

/**
 * Writes `String(x)` as ASCII into out[at ..] and returns the index after it. The caller
 * leaves MAX_NUMBER_BYTES of room.
 */
export function writeNumber(out: Uint8Array, at: number, x: number): number {
  if ((x | 0) === x) return writeInt(out, at, x); // -0 too: "0"
  if (x > 0) {
    const end = writeShortestFast(out, at, x);
    if (end >= 0) return end;
  } else if (x < 0) {
    out[at] = 0x2d;
    const end = writeShortestFast(out, at + 1, -x);
    if (end >= 0) return end;
  }
  return writeString(out, at, x);
}
