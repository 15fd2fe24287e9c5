/**
 * JSON text written straight into a growing byte buffer (pure): constant fragments are
 * copied as pre-encoded bytes, numbers written as ASCII by util/shortest.ts (the digits of
 * `String(x)`, no string built), other strings encoded as UTF-8. The one writer behind
 * every recommendation output (engine/format.ts): the workers' byte chunks, the one-thread
 * and list-controls lines and the API's live route (its bytes, from one reused writer).
 */
import { MAX_NUMBER_BYTES, viewOf, writeNumber, writeNumberAt } from '../util/shortest.js';

const NULL = new Uint8Array([0x6e, 0x75, 0x6c, 0x6c]);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

export class JsonBytes {
  out: Uint8Array;
  /** out's bytes as a DataView (the number printer's four-byte stores); replaced with out. */
  private view: DataView;
  n = 0;

  constructor(size = 1 << 16) {
    this.out = new Uint8Array(size);
    this.view = viewOf(this.out);
  }

  /** Room for `extra` more bytes. */
  reserve(extra: number): void {
    if (this.n + extra <= this.out.length) return;
    const next = new Uint8Array(Math.max(this.out.length * 2, this.n + extra));
    next.set(this.out.subarray(0, this.n));
    this.out = next;
    this.view = viewOf(next);
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.put(b);
  }

  /**
   * b's bytes with no room check (after a `reserve` that covers them): a plain loop, as the
   * fragments are short (keys, ids) and TypedArray.set costs more than it copies there.
   */
  put(b: Uint8Array): void {
    const out = this.out;
    let n = this.n;
    for (let i = 0; i < b.length; i++) out[n++] = b[i];
    this.n = n;
  }

  /** A finite number with no room check (after a `reserve` of MAX_NUMBER_BYTES per number). */
  putFinite(x: number): void {
    this.n = writeNumber(this.out, this.view, this.n, x);
  }

  /**
   * putFinite(src[i]), the number read where it is written: no double crosses a call, so
   * none is boxed (the items' 13 numbers are read from the explanation's array).
   */
  putAt(src: Float64Array, i: number): void {
    this.n = writeNumberAt(this.out, this.view, this.n, src, i);
  }

  /** `null`, with no room check (a number's room covers it). */
  putNull(): void {
    this.put(NULL);
  }

  /**
   * Entry e of `t` with no room check, four bytes a store: the room must cover its bytes
   * and WORD_SLACK more (the last word's padding lands there, where the next bytes go).
   */
  putWords(t: WordTable, e: number): void {
    const view = this.view;
    const w = t.words;
    let n = this.n;
    const len = t.len[e];
    for (let k = t.at[e], end = k + ((len + 3) >> 2); k < end; k++, n += 4) view.setUint32(n, w[k], true);
    this.n += len;
  }

  /**
   * A string as JSON.stringify(s) writes it, in UTF-8: printable ASCII byte for byte, and any
   * string with another character (one JSON escapes, or not ASCII) through JSON.stringify.
   */
  string(s: string): void {
    this.reserve(s.length + 2);
    const out = this.out;
    let n = this.n;
    out[n++] = QUOTE;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c >= 0x80 || c === QUOTE || c === BACKSLASH) {
        this.text(JSON.stringify(s)); // from this.n: over the bytes written above
        return;
      }
      out[n++] = c;
    }
    out[n++] = QUOTE;
    this.n = n;
  }

  /** Any string, as UTF-8 (at most 3 bytes per UTF-16 unit). */
  text(s: string): void {
    this.reserve(3 * s.length);
    // its ASCII start byte by byte (ids, hashes and keys are ASCII: no view made for the encoder),
    // the rest encoded from the first unit past ASCII (never the second half of a surrogate pair)
    const out = this.out;
    let n = this.n;
    let i = 0;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      out[n++] = c;
    }
    this.n = n;
    if (i < s.length) this.n += ENCODER.encodeInto(i === 0 ? s : s.slice(i), out.subarray(n)).written;
  }

  /** A number as JSON.stringify writes it: String(x)'s characters, null when not finite. */
  number(x: number): void {
    this.reserve(MAX_NUMBER_BYTES);
    if (x - x === 0) this.n = writeNumber(this.out, this.view, this.n, x);
    else this.bytes(NULL);
  }

  byte(c: number): void {
    this.reserve(1);
    this.out[this.n++] = c;
  }

  /**
   * What was written, at offset 0 of a buffer the caller now owns whole (no copy: the
   * buffer keeps the room it had past the bytes, ~15% of a range's lines from linesRoom); the
   * writer starts over in a new buffer, so nothing it writes later reaches the bytes taken.
   * A consumer frees the chunk with `releaseNow(chunk, true)` (util/release.ts). Shrinking
   * the buffer to the exact size (ArrayBuffer.prototype.transfer(n)) copied it: ~2.4 ms a
   * range's 8 MB at 100k x 1k, in the workers (docs/PERFORMANCE.md, issue 12, tenth pass).
   */
  take(): Uint8Array {
    const out = this.out;
    const n = this.n;
    this.n = 0;
    this.out = new Uint8Array(0);
    this.view = viewOf(this.out);
    return out.subarray(0, n);
  }

  /** What was written, as a string; the writer starts over. */
  drain(): string {
    const s = DECODER.decode(this.out.subarray(0, this.n));
    this.n = 0;
    return s;
  }
}

export const utf8 = (s: string): Uint8Array => ENCODER.encode(s);

/** The bytes past a `putWords` entry that its last word may overwrite. */
export const WORD_SLACK = 3;

/**
 * Byte strings kept as little-endian 32-bit words, each zero-padded to a multiple of four, so
 * that `JsonBytes.putWords` copies them a word a store: the recommendation lines' constant
 * fragments and their items' id heads (engine/format.ts). Entry e is set once (`set`),
 * possibly on first use (`has`); `maxLen` bounds the entries' lengths when given.
 */
export class WordTable {
  words = new Uint32Array(256);
  /** entry e: words[at[e] ..], len[e] bytes; at[e] = -1 while unset */
  readonly at: Int32Array;
  readonly len: Int32Array;
  private used = 0;

  constructor(entries: number) {
    this.at = new Int32Array(entries).fill(-1);
    this.len = new Int32Array(entries);
  }

  has(e: number): boolean {
    return this.at[e] >= 0;
  }

  /** Entry e: the first `length` bytes of b. */
  set(e: number, b: Uint8Array, length = b.length): void {
    const count = (length + 3) >> 2;
    if (this.used + count > this.words.length) {
      const next = new Uint32Array(Math.max(2 * this.words.length, this.used + count));
      next.set(this.words.subarray(0, this.used));
      this.words = next;
    }
    for (let k = 0; k < count; k++) {
      let v = 0;
      for (let j = 3; j >= 0; j--) v = (v << 8) | (4 * k + j < length ? b[4 * k + j] : 0);
      this.words[this.used + k] = v >>> 0;
    }
    this.at[e] = this.used;
    this.len[e] = length;
    this.used += count;
  }
}
