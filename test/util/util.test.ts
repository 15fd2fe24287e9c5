// util/: the seeded RNG and the content hashes every cache and checkpoint is keyed by.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rng } from '../../src/util/rng.js';
import { contentHash, jsonHash, strongHash } from '../../src/util/hash.js';

describe('rng (mulberry32)', () => {
  it('gives the reference sequence of mulberry32 (seed 0 and seed 42, first draws)', () => {
    // reference values of the published mulberry32 (a = a + 0x6D2B79F5 ...), computed
    // independently with BigInt arithmetic below, not read from the implementation
    const reference = (seed: number, n: number): number[] => {
      const M = 1n << 32n;
      const mul = (x: bigint, y: bigint) => (x * y) % M;
      let a = BigInt(seed >>> 0);
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        a = (a + 0x6d2b79f5n) % M;
        let t = a;
        t = mul(t ^ (t >> 15n), t | 1n);
        t = (t ^ ((t + mul(t ^ (t >> 7n), t | 61n)) % M)) % M;
        out.push(Number((t ^ (t >> 14n)) % M) / 4294967296);
      }
      return out;
    };
    for (const seed of [0, 1, 42, 0xffffffff]) {
      const r = rng(seed);
      expect(Array.from({ length: 50 }, r)).toEqual(reference(seed, 50));
    }
  });

  it('is deterministic per seed, differs between seeds, and stays in [0, 1)', () => {
    const a = rng(7);
    const b = rng(7);
    const c = rng(8);
    const xs = Array.from({ length: 10_000 }, a);
    expect(Array.from({ length: 10_000 }, b)).toEqual(xs);
    expect(Array.from({ length: 10 }, c)).not.toEqual(xs.slice(0, 10));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    // roughly uniform: each tenth holds 10% +- 1.5% of 10,000 draws
    const bins = new Array(10).fill(0);
    for (const x of xs) bins[Math.floor(x * 10)]++;
    for (const n of bins) expect(Math.abs(n - 1000)).toBeLessThan(150);
  });
});

describe('hashes', () => {
  it('contentHash is SHA-1 in base64url, jsonHash hashes the JSON text, strongHash is SHA-256 hex', () => {
    // SHA-1("abc") = a9993e36 4706816a ba3e2571 7850c26c 9cd0d89d (FIPS 180 test vector)
    expect(Buffer.from(contentHash('abc'), 'base64url').toString('hex')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(contentHash('abc')).not.toMatch(/[+/=]/);
    // SHA-256("abc") (FIPS 180 test vector)
    expect(strongHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(jsonHash({ a: 1, b: [2, '三'] })).toBe(contentHash('{"a":1,"b":[2,"三"]}'));
    // UTF-8 bytes of non-ASCII text, as node:crypto hashes them
    expect(strongHash('江东')).toBe(createHash('sha256').update(Buffer.from('江东', 'utf8')).digest('hex'));
  });
});
