/**
 * JSON text written straight into a growing byte buffer (pure): constant fragments are
 * copied as pre-encoded bytes, numbers written as ASCII by util/shortest.ts (the digits of
 * `String(x)`, no string built), other strings encoded as UTF-8. The one writer behind
 * every recommendation output (engine/format.ts): the workers' byte chunks, the one-thread
 * and list-controls lines and the API's live route (its bytes, from one reused writer).
 */
import { MAX_NUMBER_BYTES, viewOf, writeNumber } from '../util/shortest.js';

const NULL = new Uint8Array([0x6e, 0x75, 0x6c, 0x6c]);
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

  /** Any string, as UTF-8 (at most 3 bytes per UTF-16 unit). */
  text(s: string): void {
    this.reserve(3 * s.length);
    this.n += ENCODER.encodeInto(s, this.out.subarray(this.n)).written;
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
