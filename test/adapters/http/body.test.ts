/**
 * adapters/http/body.ts parseBody's depth bound: refused exactly when the nesting outside
 * strings passes the limit, whether the quick count of opening brackets (fewOpenings) decides
 * or the character scan does — brackets inside strings count for the first, not for the depth.
 */
import { describe, expect, it } from 'vitest';
import { BodyError, parseBody } from '../../../src/adapters/http/body.js';

const MAX = 8;
const refused = (text: string): boolean => {
  try {
    parseBody(text, MAX);
    return false;
  } catch (e) {
    if (e instanceof BodyError && e.kind === 'too_deep') return true;
    throw e;
  }
};
/** depth d of alternating arrays and objects around `inner` */
const nest = (d: number, inner = '1'): string => {
  let t = inner;
  for (let i = 0; i < d; i++) t = i % 2 === 0 ? `[${t}]` : `{"k":${t}}`;
  return t;
};

describe('parseBody depth bound', () => {
  it('at the limit parsed, one past it refused, with few brackets (the count decides) and with many in strings (the scan decides)', () => {
    const noise = JSON.stringify('[{'.repeat(3 * MAX)); // brackets inside a string: counted by the quick check, not by the depth
    for (let d = 0; d <= MAX + 2; d++) {
      expect(refused(nest(d)), `depth ${d}`).toBe(d > MAX);
      expect(refused(nest(d, noise)), `depth ${d} with bracketed text`).toBe(d > MAX);
      // many siblings: more openings than the limit, depth unchanged
      expect(refused(`[${Array.from({ length: 2 * MAX }, () => nest(d)).join(',')}]`), `${2 * MAX} siblings of depth ${d}`).toBe(d + 1 > MAX);
    }
  });

  it('exactly the limit in openings, all nested: parsed; one more: refused', () => {
    expect(refused('['.repeat(MAX) + ']'.repeat(MAX))).toBe(false);
    expect(refused('['.repeat(MAX + 1) + ']'.repeat(MAX + 1))).toBe(true);
    expect(refused('{"a":'.repeat(MAX) + '1' + '}'.repeat(MAX))).toBe(false);
    expect(refused('{"a":'.repeat(MAX + 1) + '1' + '}'.repeat(MAX + 1))).toBe(true);
    expect(refused(`{"a":[${'['.repeat(MAX - 1)}${']'.repeat(MAX - 1)}]}`)).toBe(true);
  });
});
