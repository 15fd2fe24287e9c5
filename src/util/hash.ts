/**
 * Content hashes (pure computation, no I/O). One place for the digests the product keys
 * caches and checkpoints by, so a key computed in one module matches another's.
 */
import { hash } from 'node:crypto';
import { MAX_NUMBER_BYTES, viewOf, writeNumber } from './shortest.js';

/** Short content hash of a text: SHA-1, base64url (cache keys: tokens, profiles, talents). */
export function contentHash(text: string): string {
  return hash('sha1', text, 'base64url'); // one-shot: ~4x faster than createHash() for short texts
}

/**
 * Content hash of a JSON value: contentHash(JSON.stringify(value)), the same digest. A plain
 * value (objects of Object.prototype or none, arrays, strings, numbers, booleans, null) is
 * hashed from its JSON's UTF-8 bytes written into one buffer kept from call to call, with no
 * JSON string built (a batch scorer hashes 2,000 talents a chunk: 2.5 MB of strings a chunk,
 * docs/PERFORMANCE.md, branch gc14); any other value (toJSON, a class instance, a function, a
 * symbol, a bigint, nesting deeper than MAX_DEPTH) goes through JSON.stringify as before.
 */
export function jsonHash(value: unknown): string {
  json.n = 0;
  if (json.value(value, 0)) return hash('sha1', json.out.subarray(0, json.n), 'base64url');
  return contentHash(JSON.stringify(value));
}

/** Strong hash of a text: SHA-256, hex (chunk keys, checksums). */
export function strongHash(text: string): string {
  return hash('sha256', text, 'hex');
}

/** Deeper values go through JSON.stringify (a cycle then throws as it always did). */
const MAX_DEPTH = 64;

/** A string JSON.stringify writes other than as its own UTF-8 between quotes: a quote, a backslash, a control character or a surrogate (a lone one is escaped; pairs are left to JSON.stringify too, being rare). */
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

const NULL = 'null';

/** Strings up to this length are tried byte by byte first. */
const SHORT = 64;

/** Buffer's own UTF-8 writer (what Buffer.prototype.write calls after reading its arguments), not in Node's typings. */
type Utf8Writer = Buffer & { utf8Write(s: string, offset: number): number };

/** JSON.stringify's bytes of a plain value, written into a growing buffer (UTF-8). */
class JsonWriter {
  out = Buffer.allocUnsafeSlow(1 << 12);
  private view = viewOf(this.out);
  n = 0;

  private room(extra: number): void {
    if (this.n + extra <= this.out.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(2 * this.out.length, this.n + extra));
    next.set(this.out.subarray(0, this.n));
    this.out = next;
    this.view = viewOf(next);
  }

  private ascii(s: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.out[this.n++] = s.charCodeAt(i);
  }

  /** A string between quotes: its own UTF-8, or JSON.stringify's escaped form's where it has one (no lone surrogate is left in that). */
  string(s: string): void {
    const len = s.length;
    if (len <= SHORT) {
      // keys, ids and enum values: byte by byte while plain printable ASCII (no call into the encoder)
      this.room(len + 2);
      const out = this.out;
      let n = this.n;
      out[n++] = 0x22;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x20 || c >= 0x80 || c === 0x22 || c === 0x5c) break;
        out[n++] = c;
      }
      if (i === len) {
        out[n++] = 0x22;
        this.n = n;
        return;
      }
      // else written again below, from the same place
    }
    const quoted = ESCAPED.test(s);
    if (quoted) s = JSON.stringify(s);
    this.room(3 * s.length + 2);
    if (!quoted) this.out[this.n++] = 0x22;
    this.n += (this.out as Utf8Writer).utf8Write(s, this.n);
    if (!quoted) this.out[this.n++] = 0x22;
  }

  /** Writes `v` as JSON.stringify would; false (bytes left undefined) where it does not know how. */
  value(v: unknown, depth: number): boolean {
    switch (typeof v) {
      case 'string':
        this.string(v);
        return true;
      case 'number':
        this.room(MAX_NUMBER_BYTES);
        if (v - v === 0) this.n = writeNumber(this.out, this.view, this.n, v);
        else this.ascii(NULL);
        return true;
      case 'boolean':
        this.ascii(v ? 'true' : 'false');
        return true;
      case 'object':
        if (v === null) {
          this.ascii(NULL);
          return true;
        }
        return depth < MAX_DEPTH && (Array.isArray(v) ? this.array(v, depth + 1) : this.object(v, depth + 1));
      default:
        return false;
    }
  }

  private array(a: readonly unknown[], depth: number): boolean {
    if (Object.getPrototypeOf(a) !== Array.prototype) return false;
    this.ascii('[');
    for (let i = 0; i < a.length; i++) {
      if (i > 0) this.ascii(',');
      const x = a[i];
      // undefined is left out of an object, null in an array (a function or symbol: JSON.stringify's way, below)
      if (x === undefined) this.ascii(NULL);
      else if (!this.value(x, depth)) return false;
    }
    this.ascii(']');
    return true;
  }

  private object(o: object, depth: number): boolean {
    const proto: unknown = Object.getPrototypeOf(o);
    if ((proto !== Object.prototype && proto !== null) || typeof (o as { toJSON?: unknown }).toJSON === 'function') return false;
    this.ascii('{');
    let first = true;
    // own enumerable string keys in their order (Object.keys, as JSON.stringify reads them), without the keys' array
    for (const k in o) {
      if (!Object.hasOwn(o, k)) return false; // an enumerable inherited key: not a plain record
      const x = (o as Record<string, unknown>)[k];
      if (x === undefined) continue;
      if (!first) this.ascii(',');
      first = false;
      this.string(k);
      this.ascii(':');
      if (!this.value(x, depth)) return false;
    }
    this.ascii('}');
    return true;
  }
}

const json = new JsonWriter();
