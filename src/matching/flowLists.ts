/** The talents routed to each platform by the flow kernels, as doubly linked lists over pairs. */

export function link(e: number, plat: Int32Array, headAt: Int32Array, nextAt: Int32Array, prevAt: Int32Array): void {
  const p = plat[e];
  nextAt[e] = headAt[p];
  prevAt[e] = -1;
  if (headAt[p] >= 0) prevAt[headAt[p]] = e;
  headAt[p] = e;
}

export function unlink(e: number, plat: Int32Array, headAt: Int32Array, nextAt: Int32Array, prevAt: Int32Array): void {
  const p = plat[e];
  if (prevAt[e] >= 0) nextAt[prevAt[e]] = nextAt[e];
  else headAt[p] = nextAt[e];
  if (nextAt[e] >= 0) prevAt[nextAt[e]] = prevAt[e];
}
