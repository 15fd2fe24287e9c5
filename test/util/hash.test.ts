// util/hash.ts jsonHash: the JSON's bytes written into a reused buffer must give exactly the
// digest of JSON.stringify's string (the oracle), for every value, and a value after a longer
// one must carry none of the longer one's bytes.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentHash, jsonHash } from '../../src/util/hash.js';

const oracle = (v: unknown): string => contentHash(JSON.stringify(v));

/** Strings with what JSON escapes or encodes specially: quotes, backslashes, controls, lone and paired surrogates, multi-byte units. */
const nasty = fc.oneof(
  fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'a', 'é', '三', '\ud83d', '\ude00', '\ud83d\ude00', '\u2028', '\ufeff') }),
  fc.string({ unit: 'binary' }),
  fc.string(),
);
const numbers = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(-0, NaN, Infinity, -Infinity, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, 0.1 + 0.2));

describe('jsonHash: the digest of JSON.stringify without its string', () => {
  it('known answers: the JSON text of a record, nested values, escapes', () => {
    expect(jsonHash({ a: 1, b: [2, '三'] })).toBe(contentHash('{"a":1,"b":[2,"三"]}'));
    expect(jsonHash({ s: 'q"\\\n\u0001', u: undefined, f: () => 1, n: null, x: [undefined, NaN, -0] })).toBe(contentHash('{"s":"q\\"\\\\\\n\\u0001","n":null,"x":[null,null,0]}'));
    expect(jsonHash('\ud800')).toBe(contentHash('"\\ud800"'));
    expect(jsonHash('😀')).toBe(contentHash('"😀"'));
    expect(jsonHash([() => 1, Symbol('s'), undefined, { f: () => 1, s: Symbol('t') }])).toBe(contentHash('[null,null,null,{}]'));
  });

  it('equals the oracle on arbitrary JSON-like values (numbers, strings with every escape, undefined inside)', () => {
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, numbers, nasty, fc.boolean(), fc.constant(null), fc.array(fc.oneof(tie('v'), fc.constant(undefined))), fc.dictionary(nasty, fc.oneof(tie('v'), fc.constant(undefined)))),
    })).v;
    fc.assert(fc.property(value, (v) => jsonHash(v) === oracle(v)), { numRuns: 2000, seed: 1414 });
  });

  it('equals the oracle on what it leaves to JSON.stringify: toJSON, dates, class instances, boxed values, inherited keys, deep nesting', () => {
    class P {
      a = 1;
    }
    const inherited = Object.create({ up: 1 }) as Record<string, number>;
    inherited.own = 2;
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = [deep, { i }];
    for (const v of [{ toJSON: () => ({ z: 1 }) }, new Date(0), { d: new Date(1) }, new P(), [new P()], new String('s'), Object.create(null), { m: new Map([[1, 2]]) }, inherited, deep, [1, [2, [3]]]]) expect(jsonHash(v)).toBe(oracle(v));
  });

  it('an enumerable key on Object.prototype is not written (JSON.stringify reads own keys only)', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 1;
    try {
      expect(jsonHash({ a: 1 })).toBe(contentHash('{"a":1}'));
    } finally {
      delete proto.polluted;
    }
  });

  it('a value after a longer one carries none of its bytes (the buffer is reused)', () => {
    const long = { id: 'x'.repeat(50_000), tail: '三'.repeat(10_000) };
    const short = { id: 'y' };
    expect(jsonHash(long)).toBe(oracle(long));
    expect(jsonHash(short)).toBe(oracle(short));
    expect(jsonHash('')).toBe(oracle(''));
  });

  it("equals the oracle on the repository's sample talents", () => {
    const talents = readFileSync(new URL('../../fixtures/jiangdong/talents.jsonl', import.meta.url), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
    expect(talents.length).toBeGreaterThan(0);
    for (const t of talents) expect(jsonHash(t)).toBe(oracle(t));
  });
});
