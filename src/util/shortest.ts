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
 * is the half-gap to x's neighbours, h = 10^p * 2^(e-1). The doubles that read back as x
 * are those in (v - h, v + h) at this scale, an interval 1.1 to 23 units wide, so 17 digits
 * always suffice (the integer closest to v, within 0.5 of it), at most three multiples of 10
 * and one of any larger power lie in it, and if any multiple of 10^j does, the closest to v
 * does: the shortest decimal is the closest multiple of the largest power of ten that has
 * one inside, the even one on an exact tie (ECMAScript's rule). The 17-, 16- and 15-digit
 * candidates are all computed and the choice taken arithmetically (no branch on the data's
 * random digits); the digits are written four at a time from a table. A power of two (its
 * gap below is half the one above), a distance to an end of the interval within 2^-30 of
 * h (never seen on the engine's numbers), a result rounded out of [10^16, 10^17), and x outside the fast range
 * take the digits of `String(x)` itself, so the output always equals it.
 * Fuzzed against `String(x)` in test/util/shortest.test.ts.
 */

/**
 * The room `writeNumber` needs after its index: at most 25 bytes ("-2.2250738585072014e-308";
 * below 1 the fast path writes "-0.00000" and 17 digits over its last zeros, then drops the
 * trailing zeros: 24 at most).
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

/** The one-number array through which `writeNumber` and `writeShortestFast` pass their x. */
const ONE = new Float64Array(1);

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
 * Per biased exponent b (the fast range's binades): the scale p0 = 16 - floor((b - 1023) *
 * log10(2)) (at most 22), and the least x of the binade with x * 10^p0 >= 1e17 as computed
 * (Infinity when none): at or above it the scale is p0 - 1. So p comes from a compare, not
 * from a branch that a power of ten inside the binade makes unpredictable.
 */
const P0 = new Int32Array(2047);
const P_DOWN_AT = new Float64Array(2047).fill(Infinity);
for (let b = 1003; b <= 1076; b++) {
  const p0 = Math.min(22, 16 - Math.floor((b - 1023) * 0.3010299956639812));
  P0[b] = p0;
  const low = 2 ** (b - 1023);
  let t = Math.max(low, 1e17 / P10[p0]);
  while (t > low && t * P10[p0] >= 1e17) t = nextDown(t);
  while (t * P10[p0] < 1e17) t = nextUp(t);
  if (t < 2 * low) P_DOWN_AT[b] = t;
}

function nextUp(x: number): number {
  f64[0] = x;
  if (u32[LOW] === 0xffffffff) {
    u32[LOW] = 0;
    u32[HIGH]++;
  } else u32[LOW]++;
  return f64[0];
}

function nextDown(x: number): number {
  f64[0] = x;
  if (u32[LOW] === 0) {
    u32[LOW] = 0xffffffff;
    u32[HIGH]--;
  } else u32[LOW]--;
  return f64[0];
}

/**
 * The fast path alone, for 1e-6 <= x < 1e16 (x > 0) not a power of two: writes String(x)'s
 * digits and returns the next free index, or -1 (bytes written there do not count) when it
 * cannot decide exactly; `writeNumber` then falls back to String(x). Exported for the
 * tests, which hold the fallback rare.
 *
 * The choices are computed, not branched on where the data decides them at random (17 or 16
 * digits, which neighbour is the closer, how many zeros after the point): a mispredicted
 * branch cost more than the arithmetic of both sides.
 */
export function writeShortestFast(out: Uint8Array, view: DataView, at: number, x: number): number {
  if (!(x >= 0)) return -1;
  ONE[0] = x;
  return shortestAt(out, view, at, ONE, 0);
}

/**
 * writeShortestFast of |src[i]|, the number read here: a double passed to a call that is not
 * inlined is boxed (a 16-byte heap number per number written; issue 12, twelfth pass).
 */
function shortestAt(out: Uint8Array, view: DataView, at: number, src: Float64Array, i: number): number {
  const x = Math.abs(src[i]);
  if (!(x >= 1e-6 && x < 1e16)) return -1;
  f64[0] = x;
  const high = u32[HIGH];
  // a power of two has a half-gap below it half the one above: the fallback decides (rare)
  if ((high & 0xfffff) === 0 && u32[LOW] === 0) return -1;
  const b = high >>> 20;
  const p = P0[b] - +(x >= P_DOWN_AT[b]);
  const hi = x * P10[p];
  if (!(hi >= 1e16 && hi < 1e17)) return -1; // not reached (the tables above)
  // lo = x * 10^p - hi, exactly (Dekker's product: both factors split into 26-bit halves)
  const t = x * SPLIT;
  const xh = t - (t - x);
  const xl = x - xh;
  const ph = P10_HI[p];
  const pl = P10_LO[p];
  const lo = xh * ph - hi + xh * pl + xl * ph + xl * pl;
  // the doubles that read back as x: (v - h, v + h), v = hi + lo, h in (0.555, 11.1)
  const h = P10[p] * HALF_GAP[b];
  // hi = H * 1e9 + L exactly (H * 1e9 has at most 48 significant bits)
  let H = Math.floor(hi * 1e-9);
  let L = hi - H * 1e9;
  if (L < 0) {
    H -= 1;
    L += 1e9;
  } else if (L >= 1e9) {
    H += 1;
    L -= 1e9;
  }
  const fl = Math.floor(lo); // -8 <= fl <= 8: |lo| is at most half hi's gap (16 below 1e17)
  const frac = lo - fl; // exact
  // 17 digits: the integer closest to v, always inside (0.5 < h); halfway: the even one (H * 1e9 is even)
  let o17 = fl + +(frac > 0.5);
  if (frac === 0.5) o17 = fl + ((L + fl) & 1);
  // A = L + fl, shifted by a multiple of 100 to stay positive: v = hi - L + A - 200 + frac
  const A = (L + fl + 200) | 0;
  // 16 digits: the multiple of 10 closest to v (down: A - u; up: A - u + 10), inside when nearer than h
  const u = A % 10;
  const d5 = u - 5 + frac; // > 0: up; exactly 0: a tie (u = 5, frac = 0); exact in sign and in zero
  let up = +(d5 > 0);
  if (d5 === 0) up = ((A - u) / 10) & 1; // the even quotient (H * 1e8 is even)
  const dist16 = Math.abs(u + frac - 10 * up);
  // 15 digits and fewer: the multiple of 100 closest to v, the only one that can be inside
  // (2h < 23), so also the only candidate with more zeros: they are counted once written
  const u2 = A % 100;
  const up2 = +(u2 - 50 + frac > 0); // a tie (distance 50) is never inside
  const dist15 = Math.abs(u2 + frac - 100 * up2);
  // a decision closer to an end of the interval than the doubles resolve: the fallback
  if (Math.abs(dist16 - h) < EPS || Math.abs(dist15 - h) < EPS) return -1;
  const in16 = +(dist16 < h);
  const in15 = +(dist15 < h); // in16 too (a multiple of 100 is one of 10)
  const o16 = 10 * up - u + fl;
  const off = o17 + in16 * (o16 - o17) + in15 * (100 * up2 - u2 + fl - o16);
  // M = hi + off = H * 1e9 + L, 17 digits (else, rarely, 10^17 or below 10^16: the fallback)
  L += off;
  if (L >= 1e9) {
    H += 1;
    L -= 1e9;
  } else if (L < 0) {
    H -= 1;
    L += 1e9;
  }
  if (!(H >= 1e7 && H < 1e8)) return -1;
  // value = 0.D * 10^n (ECMAScript's n) for M's 17 digits D; here -6 < n <= 16 (never the exponent form)
  const n = 17 - p;
  // M's trailing zeros: none with 17 digits, one with 16, two or more with 15 (counted)
  let k = 17 - in16 - in15;
  if (n <= 0) {
    // below 1 (every score): "0.", -n zeros (-n <= 5: five written, the digits over the rest), the digits
    view.setUint32(at, ZEROS_AFTER_POINT, true);
    view.setUint32(at + 3, ZEROS4, true);
    const d = at + 2 - n;
    write17(view, d, H, L);
    while (out[d + k - 1] === 48) k--;
    return d + k;
  }
  write17(view, at, H, L);
  while (out[at + k - 1] === 48) k--;
  if (n >= k) return at + n; // an integer: the digits from k to n are M's zeros
  // the point after n digits: the k - n after it move up one
  for (let i = at + k; i > at + n; i--) out[i] = out[i - 1];
  out[at + n] = 0x2e;
  return at + k + 1;
}

/** "0000" .. "9999" as four ASCII bytes, the first digit in the low byte (a little-endian 32-bit store). */
const QUADS = new Uint32Array(10000);
for (let i = 0; i < 10000; i++) {
  QUADS[i] = (48 + ((i / 1000) | 0)) | ((48 + (((i / 100) | 0) % 10)) << 8) | ((48 + (((i / 10) | 0) % 10)) << 16) | ((48 + (i % 10)) << 24);
}
const ZEROS_AFTER_POINT = 0x30302e30; // "0.00"
const ZEROS4 = 0x30303030; // "0000"

/** The DataView that `writeNumber` takes beside `out`: the same bytes at the same indices. */
export const viewOf = (out: Uint8Array): DataView => new DataView(out.buffer, out.byteOffset, out.byteLength);

/** The 17 digits of H * 1e9 + L (1e7 <= H < 1e8, 0 <= L < 1e9) at d[at ..], four at a time. */
function write17(d: DataView, at: number, H: number, L: number): void {
  H |= 0;
  L |= 0;
  const h1 = (H / 10000) | 0;
  const lq = (L / 10000) | 0;
  const l1 = (lq / 10000) | 0;
  d.setUint32(at, QUADS[h1], true);
  d.setUint32(at + 4, QUADS[H - h1 * 10000], true);
  d.setUint8(at + 8, 48 + l1);
  d.setUint32(at + 9, QUADS[lq - l1 * 10000], true);
  d.setUint32(at + 13, QUADS[L - lq * 10000], true);
}

/**
 * Writes `String(x)` as ASCII into out[at ..] and returns the index after it. The caller
 * leaves MAX_NUMBER_BYTES of room.
 */
export function writeNumber(out: Uint8Array, view: DataView, at: number, x: number): number {
  ONE[0] = x;
  return writeNumberAt(out, view, at, ONE, 0);
}

/**
 * writeNumber of src[i], read here (no double crosses a call, so none is boxed: the writers
 * of large outputs pass the explanation's array and an index).
 */
export function writeNumberAt(out: Uint8Array, view: DataView, at: number, src: Float64Array, i: number): number {
  const x = src[i];
  if ((x | 0) === x) return writeInt(out, at, x | 0); // -0 too: "0"
  const start = at;
  if (x < 0) out[at++] = 0x2d;
  const end = shortestAt(out, view, at, src, i);
  return end >= 0 ? end : writeString(out, start, x);
}
