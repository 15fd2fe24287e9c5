/**
 * The quota (quotas.ts: @fastify/rate-limit's in-memory store asked from a synchronous hook)
 * against a second copy of the plugin's store read as the plugin's own hook reads it (same
 * windows, same header values), the store's bound on the keys it tracks, failing closed, the
 * 429's message, and the request ids (audit.ts requestIds).
 */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QuotaWindow, duration } from '../../../src/adapters/http/quotas.js';
import { REQUEST_IDS_PER_DRAW, requestIds } from '../../../src/adapters/http/audit.js';

interface StoreResult {
  current: number;
  ttl: number;
}
interface LocalStore {
  incr(key: string, cb: (err: Error | null, res: StoreResult) => void, timeWindow: number, max: number): void;
}
const LocalStore = createRequire(import.meta.url)('@fastify/rate-limit/store/LocalStore.js') as new (continueExceeding: boolean, exponentialBackoff: boolean, cache?: number) => LocalStore;

/** A reply that records the headers set on it. */
const recorder = () => {
  const headers: Record<string, unknown> = {};
  return { headers, header: (k: string, v: unknown) => ((headers[k] = v), undefined as never) };
};

/** The plugin's headers for one counted request (index.js rateLimitRequestHandler), from its store's answer. */
function pluginHeaders(res: StoreResult, max: number): Record<string, number> {
  const ttlS = Math.ceil(res.ttl / 1000);
  if (res.current <= max) return { 'x-ratelimit-limit': max, 'x-ratelimit-remaining': Math.max(0, max - res.current), 'x-ratelimit-reset': ttlS };
  return { 'x-ratelimit-limit': max, 'x-ratelimit-remaining': 0, 'x-ratelimit-reset': ttlS, 'retry-after': ttlS };
}

afterEach(() => void vi.useRealTimers());

describe('QuotaWindow', () => {
  it('counts and answers as @fastify/rate-limit does, request by request, windows and boundaries included', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (const [max, windowMs] of [
      [3, 1000],
      [1, 400],
      [5, 60_000],
      [2, 1500],
    ] as const) {
      const store = new LocalStore(false, false);
      const q = new QuotaWindow(max, windowMs, false);
      let t = Date.parse('2026-11-28T07:00:00.000Z');
      let over = 0;
      let fresh = 0;
      for (let i = 0; i < 3000; i++) {
        // steps that land on the window's end exactly, a millisecond either side, none, and anything
        const r = rnd();
        t += r < 0.3 ? 0 : r < 0.34 ? windowMs : r < 0.38 ? windowMs - 1 : r < 0.42 ? windowMs + 1 : Math.floor(rnd() * windowMs * 0.05);
        vi.setSystemTime(t);
        const key = ['0123456789ab', '127.0.0.1', '::1'][Math.floor(rnd() * 3)]!;
        let expected: StoreResult | undefined;
        store.incr(key, (_e, res) => (expected = { ...res }), windowMs, max);
        const reply = recorder();
        const waitS = q.take(key, reply);
        expect(reply.headers, `request ${i}`).toEqual(pluginHeaders(expected!, max));
        expect(waitS).toBe(expected!.current > max ? Math.ceil(expected!.ttl / 1000) : 0);
        if (waitS > 0) over++;
        if (expected!.current === 1) fresh++;
      }
      // the sequence reached both sides: refusals and windows that opened again
      expect(over).toBeGreaterThan(50);
      expect(fresh).toBeGreaterThan(50);
    }
  });

  it('a window ends exactly windowMs after its first request; refused requests count', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const at = (ms: number) => (vi.setSystemTime(ms), q);
    const q = new QuotaWindow(2, 1000, false);
    const r = recorder();
    expect([at(0).take('k', r), at(10).take('k', r), at(999).take('k', r), at(999).take('k', r)]).toEqual([0, 0, 1, 1]);
    expect(r.headers).toEqual({ 'x-ratelimit-limit': 2, 'x-ratelimit-remaining': 0, 'x-ratelimit-reset': 1, 'retry-after': 1 });
    const fresh = recorder();
    expect(at(1000).take('k', fresh)).toBe(0); // a new window at 0 + 1000
    expect(fresh.headers).toEqual({ 'x-ratelimit-limit': 2, 'x-ratelimit-remaining': 1, 'x-ratelimit-reset': 1 });
    expect(at(1000).take('other', recorder())).toBe(0); // keys apart
    expect(at(1000).take('k', recorder())).toBe(0); // the second of the new window: exactly the budget
    expect(at(1000).take('k', recorder())).toBe(1); // one past it
  });

  it('tracks at most `capacity` keys, least recently counted forgotten first (the store passed the bound)', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(0);
    const q = new QuotaWindow(1, 60_000, false, 3);
    for (const k of ['a', 'b', 'c']) expect(q.take(k, recorder())).toBe(0);
    expect(q.take('a', recorder())).toBe(60); // a counted again: over its budget of 1, and now the most recent
    expect(q.take('d', recorder())).toBe(0); // a fourth key: b, the least recent, is forgotten
    expect(q.take('c', recorder())).toBe(60); // c still counted
    expect(q.take('a', recorder())).toBe(60); // a too
    expect(q.take('b', recorder())).toBe(0); // b starts afresh
  });

  it('fails closed when the store does not answer before incr returns', () => {
    const proto = (createRequire(import.meta.url)('@fastify/rate-limit/store/LocalStore.js') as { prototype: LocalStore }).prototype;
    const spy = vi.spyOn(proto, 'incr').mockImplementation(() => undefined);
    try {
      expect(() => new QuotaWindow(5, 1000, false).take('k', recorder())).toThrow(/did not answer synchronously/);
    } finally {
      spy.mockRestore();
    }
    expect(new QuotaWindow(5, 1000, false).take('k', recorder())).toBe(0);
  });

  it("the 429's message names the budget and the window", () => {
    expect(new QuotaWindow(3, 400, false).exceeded(1)).toBe('quota exceeded: 3 requests per 400 ms for this key; retry after 1 s');
    expect(new QuotaWindow(600, 60_000, true).exceeded(42)).toBe('quota exceeded: 600 requests per 1 minute for this key on this route; retry after 42 s');
    expect([1000, 90_000, 120_000, 3_600_000, 7_200_000, 1500, 0].map(duration)).toEqual(['1 second', '90 seconds', '2 minutes', '1 hour', '2 hours', '1500 ms', '0 ms']);
  });
});

describe('requestIds', () => {
  it('24 hex digits of randomness each: unique over many draws of the pool, no count to read off', () => {
    const a = requestIds();
    const ids = Array.from({ length: 10 * REQUEST_IDS_PER_DRAW + 7 }, () => a());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(requestIds()()).not.toBe(ids[0]); // another server: other ids
  });

  it('takes 12 bytes an id, in order, and draws again exactly when the pool is spent', () => {
    let draws = 0;
    // a "random source" that writes the draw's number and the byte's place: ids are predictable here
    const fake = (into: Buffer) => {
      draws++;
      for (let i = 0; i < into.length; i++) into[i] = (draws * 16 + Math.floor(i / 12)) & 255;
    };
    const ids = requestIds(fake);
    const first = ids();
    expect(draws).toBe(1);
    expect(first).toBe('10'.repeat(12));
    expect(ids()).toBe('11'.repeat(12));
    for (let i = 2; i < REQUEST_IDS_PER_DRAW; i++) ids();
    expect(draws).toBe(1); // the pool's last id came from the first draw
    expect(ids()).toBe('20'.repeat(12)); // the next one from a second draw, from its start
    expect(draws).toBe(2);
  });
});
