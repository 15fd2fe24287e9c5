import { describe, expect, it } from 'vitest';
import { OWNED_MIN_BYTES, releaseNow } from '../../src/util/release.js';

describe('releaseNow', () => {
  it('frees a typed array that owns its whole buffer: detached, empty', () => {
    const a = new Float64Array(1000).fill(1);
    expect(releaseNow(a)).toBe(true);
    expect(a.buffer.byteLength).toBe(0);
    expect(a.length).toBe(0);
  });

  it('leaves alone a view into a larger buffer (at offset 0 or not), a shared buffer, and a Buffer from the pool', () => {
    const whole = new Int32Array(16).fill(7);
    const head = whole.subarray(0, 8); // offset 0, shorter than its buffer
    const tail = whole.subarray(8); // ends where its buffer ends, offset > 0
    expect(releaseNow(head)).toBe(false);
    expect(releaseNow(tail)).toBe(false);
    expect([...whole]).toEqual(new Array(16).fill(7));
    const shared = new Int32Array(new SharedArrayBuffer(64)).fill(3);
    expect(releaseNow(shared)).toBe(false);
    expect(shared[15]).toBe(3);
    const pooled = Buffer.from('a small buffer shares the pool');
    expect(releaseNow(pooled)).toBe(false);
    expect(pooled.toString()).toBe('a small buffer shares the pool');
  });

  it('owned: frees the whole buffer of a view at its offset 0 whatever its length (a chunk handed over with spare room), never a view past offset 0 or shared memory', () => {
    const whole = new Uint8Array(OWNED_MIN_BYTES + 1).fill(5);
    const tail = whole.subarray(8);
    expect(releaseNow(tail, true)).toBe(false);
    expect(whole.buffer.byteLength).toBe(OWNED_MIN_BYTES + 1);
    const shared = new Uint8Array(new SharedArrayBuffer(64)).subarray(0, 8);
    expect(releaseNow(shared, true)).toBe(false);
    const head = whole.subarray(0, 8);
    expect(releaseNow(head, true)).toBe(true);
    expect(whole.buffer.byteLength).toBe(0);
    expect(whole.length).toBe(0);
    expect(head.length).toBe(0);
  });

  it('owned: never a small buffer, so never the head of Node\'s shared Buffer pool (detaching it would break every later small Buffer)', () => {
    // small Buffers until one starts a fresh pool: a view at offset 0 of the 8 KiB pool
    let first: Buffer | undefined;
    for (let i = 0; i < 2 * Buffer.poolSize && !first; i += 8) {
      const b = Buffer.from('12345678');
      if (b.byteOffset === 0 && b.buffer.byteLength === Buffer.poolSize) first = b;
    }
    expect(first).toBeDefined();
    expect(releaseNow(first!, true)).toBe(false);
    expect(first!.buffer.byteLength).toBe(Buffer.poolSize);
    expect(Buffer.from('still works').toString()).toBe('still works');
    // exactly the limit: kept; one byte more: freed
    expect(releaseNow(new Uint8Array(OWNED_MIN_BYTES).subarray(0, 10), true)).toBe(false);
    expect(releaseNow(new Uint8Array(OWNED_MIN_BYTES + 1).subarray(0, 10), true)).toBe(true);
  });
});
