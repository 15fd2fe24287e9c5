/**
 * Frees a typed array's memory now (detaches its buffer: `ArrayBuffer.prototype.transfer(0)`)
 * instead of at the next garbage collection that reaches it. Buffers that lived long are in
 * the old generation: a large one let go is freed only by a full collection, which may come
 * long after the memory it held was needed again. Only an array that owns its whole,
 * unshared buffer is freed (not a view into a larger buffer, not a SharedArrayBuffer);
 * returns whether it was. The caller keeps no use of it: it reads as empty afterwards.
 * `owned`: the caller owns c's whole buffer, of which c is the head (a chunk handed over
 * with room to spare past its bytes: engine/jsonBytes.ts take), so a view at offset 0 is
 * freed whatever its length — but never a buffer of at most OWNED_MIN_BYTES: a small Buffer
 * may be the head of Node's shared allocation pool (`Buffer.from`, 8 KiB by default), which
 * must never be detached, and freeing a small buffer early gains nothing.
 */
export function releaseNow(c: ArrayBufferView, owned = false): boolean {
  const b = c.buffer as ArrayBuffer & { transfer?: (n: number) => ArrayBuffer };
  if (!(b instanceof ArrayBuffer) || typeof b.transfer !== 'function' || c.byteOffset !== 0) return false;
  if (owned ? b.byteLength <= Math.max(OWNED_MIN_BYTES, Buffer.poolSize) : c.byteLength !== b.byteLength) return false; // not a view of the whole buffer
  b.transfer(0);
  return true;
}

/** The smallest buffer `releaseNow(c, true)` frees is one byte more (and more than Node's Buffer.poolSize). */
export const OWNED_MIN_BYTES = 64 * 1024;
