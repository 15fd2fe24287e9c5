/**
 * The stores' id order (SQLite BINARY, PostgreSQL COLLATE "C"): the ids' UTF-8 bytes, which
 * is code point order. JavaScript's `<` compares UTF-16 code units instead; the two differ
 * only where one id has a surrogate (a code point above U+FFFF) and the other a code unit
 * from U+E000 to U+FFFF at the first difference. Ids are compared here without encoding them.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  return rank(a.charCodeAt(i)) - rank(b.charCodeAt(i));
}

/** A UTF-16 code unit moved so surrogates (code points above U+FFFF) sort after U+E000..U+FFFF. */
function rank(c: number): number {
  if (c < 0xd800) return c;
  return c <= 0xdfff ? c + 0x2000 : c - 0x800;
}
