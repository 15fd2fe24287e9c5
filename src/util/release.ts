/**
 * Frees a typed array's memory now (detaches its buffer: `ArrayBuffer.prototype.transfer(0)`)
 * instead of at the next garbage collection that reaches it. Buffers that lived long are in
 * the old generation: a large one let go is freed only by a full collection, which may come
 * long after the memory it held was needed again. Only an array that owns its whole,
 * unshared buffer is freed (not a view into a larger buffer, not a SharedArrayBuffer);
 * returns whether it was. The caller keeps no use of it: it reads as empty afterwards.
 */
export function releaseNow(c: ArrayBufferView): boolean {
  const b = c.buffer as ArrayBuffer & { transfer?: (n: number) => ArrayBuffer };
  if (!(b instanceof ArrayBuffer) || typeof b.transfer !== 'function' || c.byteLength !== b.byteLength) return false; // a view of the whole buffer (so at offset 0)
  b.transfer(0);
  return true;
}
