/**
 * KeyRing.verify with its cache of keys seen valid: the same verdicts as a full check on
 * every call — expiry and revocation against the clock even for a key seen before, a reload
 * forgets what was seen — and only keys that passed the hash check are ever held.
 */
import { describe, expect, it } from 'vitest';
import { KeyRing, newKey } from '../../../src/adapters/http/keys.js';
import type { KeyRecord } from '../../../src/adapters/http/keys.js';

const T0 = Date.parse('2026-11-27T08:00:00Z');
const mk = (o: { expiresAt?: string } = {}) => newKey({ scopes: ['read:recommendations'], now: new Date(T0 - 1000), ...o });

describe('KeyRing.verify', () => {
  it('a key seen valid is still refused the millisecond it expires, and after a reload that revokes it', () => {
    const a = mk({ expiresAt: new Date(T0 + 10).toISOString() });
    const b = mk();
    const ring = new KeyRing({ version: 1, keys: [a.record, b.record] });
    expect(ring.verify(a.key, T0)).toMatchObject({ ok: true, principal: { keyId: a.record.id } });
    expect(ring.verify(a.key, T0 + 9)).toMatchObject({ ok: true }); // seen before: no hash, same verdict
    expect(ring.verify(a.key, T0 + 10)).toEqual({ ok: false, reason: 'expired' }); // exactly at expiry
    expect(ring.verify(b.key, T0)).toMatchObject({ ok: true, principal: { keyId: b.record.id } });
    const revoked: KeyRecord = { ...b.record, revokedAt: new Date(T0 + 5).toISOString() };
    ring.replace({ version: 1, keys: [a.record, revoked] });
    expect(ring.verifiedCount).toBe(0); // a reload forgets what was seen
    expect(ring.verify(b.key, T0 + 4)).toMatchObject({ ok: true });
    expect(ring.verify(b.key, T0 + 5)).toEqual({ ok: false, reason: 'revoked' });
    ring.replace({ version: 1, keys: [a.record] });
    expect(ring.verify(b.key, T0)).toEqual({ ok: false, reason: 'unknown' }); // removed from the file
  });

  it("a verdict is made once per key (and per refusal reason): every request shares it, read-only", () => {
    const a = mk();
    const b = mk();
    const ring = new KeyRing({ version: 1, keys: [a.record, b.record] });
    const first = ring.verify(a.key, T0);
    expect(first).toEqual({ ok: true, principal: { keyId: a.record.id, scopes: new Set(['read:recommendations']) } });
    expect(ring.verify(a.key, T0 + 1)).toBe(first); // the same object: nothing made per request
    expect(ring.verify(b.key, T0)).not.toBe(first); // another key: its own
    expect(ring.verify(b.key, T0)).toMatchObject({ principal: { keyId: b.record.id } });
    expect(Object.isFrozen(first)).toBe(true);
    expect(ring.verify('x', T0)).toBe(ring.verify('y', T0)); // malformed, shared
  });

  it('holds only keys that passed: never a wrong secret for a known id, a malformed or an unknown key', () => {
    const a = mk();
    const ring = new KeyRing({ version: 1, keys: [a.record] });
    const wrong = `${a.key.slice(0, -1)}${a.key.endsWith('A') ? 'B' : 'A'}`;
    expect(ring.verify(wrong, T0)).toEqual({ ok: false, reason: 'unknown' });
    expect(ring.verify('tm_nothex_x', T0)).toEqual({ ok: false, reason: 'malformed' });
    expect(ring.verify(mk().key, T0)).toEqual({ ok: false, reason: 'unknown' });
    expect(ring.verifiedCount).toBe(0);
    for (let i = 0; i < 3; i++) expect(ring.verify(a.key, T0)).toMatchObject({ ok: true });
    expect(ring.verifiedCount).toBe(1);
    // the right key seen valid does not make a wrong one for the same id pass
    expect(ring.verify(wrong, T0)).toEqual({ ok: false, reason: 'unknown' });
    expect(ring.verifiedCount).toBe(1);
  });
});
