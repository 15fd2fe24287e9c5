/**
 * Oracle of badUtf8At: the longest prefix WHATWG's fatal decoder accepts ends where the first
 * ill-formed sequence starts (a prefix cut inside a good character is refused, but a longer
 * one is accepted again); -1 when all of it decodes.
 */
export function oracleBadAt(bytes: Uint8Array): number {
  const ok = (n: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, n));
      return true;
    } catch {
      return false;
    }
  };
  if (ok(bytes.length)) return -1;
  for (let n = bytes.length - 1; n >= 0; n--) if (ok(n)) return n;
  return 0;
}
