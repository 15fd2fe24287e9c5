/**
 * The raw SET of a frame given in parts (src/adapters/queue/rawSet.ts): Redis stores exactly
 * the parts' bytes in order, with the TTL, for keys and values of any bytes; SETs issued
 * together all land; anything but +OK (an error reply, a connection that fails) rejects with
 * E_UNAVAILABLE and `frameSetter` then sets through ioredis, for good; a closed setter rejects
 * at once. Against a real Redis, and a fake server for the error reply.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needServices, REDIS } from '../../support/services.js';
import { startRedis } from '../../support/redis.js';
import type { TestRedis } from '../../support/redis.js';
import { frameSetter, rawSetterFor, sizeOf } from '../../../src/adapters/queue/rawSet.js';
import { isTalentmatchError } from '../../../src/errors.js';

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);
/** ioredis' connection as frameSetter uses it: its SETs recorded. */
const fakeConn = () => {
  const calls: { key: string; value: Buffer; args: unknown[] }[] = [];
  const conn = { set: async (key: string, value: Buffer, ...args: unknown[]) => (calls.push({ key, value, args }), 'OK') } as unknown as Redis;
  return { conn, calls };
};
const noRace = <T>(p: Promise<T>) => p;

describe('the raw setter\'s reach', () => {
  it('applies only to plain redis:// URLs (as the raw reader), and counts a value\'s parts', () => {
    for (const u of ['rediss://h:1', 'redis://:pw@h:1', 'redis://h:1/2', 'redis://h:1?db=2', 'not a url']) expect(rawSetterFor(u), u).toBeUndefined();
    const s = rawSetterFor('redis://127.0.0.1:1');
    expect(s).toBeDefined();
    s!.close();
    expect(sizeOf([bytes(3, 0), new Uint8Array(0), bytes(5, 1)])).toBe(8);
  });

  it('a closed setter rejects at once; an error reply rejects with E_UNAVAILABLE, and frameSetter sets through ioredis from then on', async () => {
    const s = rawSetterFor('redis://127.0.0.1:1')!;
    s.close();
    await expect(s.set('k', [bytes(1, 0)], 5)).rejects.toThrow(/the setter is closed/);
    let commands = 0;
    const server: Server = createServer((sock) => sock.on('data', () => (commands++, sock.write('-ERR not today\r\n'))));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `redis://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const raw = rawSetterFor(url)!;
      const e = await raw.set('k', [bytes(10, 2)], 5).then(() => undefined, (x: unknown) => x);
      expect(isTalentmatchError(e) && e.code).toBe('E_UNAVAILABLE');
      expect((e as Error).message).toMatch(/raw set: Redis answered "-ERR not today\\r\\n"/);
      raw.close();
      const { conn, calls } = fakeConn();
      const f = frameSetter(url, conn, noRace);
      const parts = [bytes(7, 3), bytes(0, 0), bytes(9, 4)];
      await f.set('a', parts, 60);
      await f.set('b', [bytes(2, 5)], 61);
      expect(calls.map((c) => [c.key, c.value.toString('hex'), c.args])).toEqual([
        ['a', Buffer.concat(parts).toString('hex'), ['EX', 60]],
        ['b', Buffer.from(bytes(2, 5)).toString('hex'), ['EX', 61]],
      ]);
      expect(commands).toBe(2); // the raw setter's two tries; none after frameSetter fell back
      f.close();
    } finally {
      server.close();
    }
  });

  it('nothing listening: frameSetter sets through ioredis', async () => {
    const { conn, calls } = fakeConn();
    const f = frameSetter('redis://127.0.0.1:1', conn, noRace);
    await f.set('k', [bytes(4, 9)], 30);
    expect(calls).toHaveLength(1);
    expect(calls[0].value.equals(Buffer.from(bytes(4, 9)))).toBe(true);
  });
});

const services = needServices('test/queue raw set (frames written with no copy)', [REDIS]);
const PORT = 20000 + Math.floor(Math.random() * 20000);
const URL_ = `redis://127.0.0.1:${PORT}`;

describe.skipIf(services.skip)('the raw setter against Redis', () => {
  let redis: TestRedis;
  let admin: Redis;

  beforeAll(async () => {
    if (services.failure) throw new Error(services.failure);
    redis = await startRedis(PORT);
    admin = redis.admin;
  }, 30_000);

  afterAll(() => {
    redis?.stop();
  });

  it('stores exactly the parts\' bytes in order, with the TTL; SETs issued together all land; any key', async () => {
    const raw = rawSetterFor(URL_)!;
    try {
      const values = [
        [bytes(56, 1), bytes(3_000_000, 2)], // a lines frame: head and range
        [bytes(24, 3), bytes(1000, 4), new Uint8Array(0), bytes(333, 5), bytes(17, 6)], // a result frame with an empty section
        [new Uint8Array(0)],
        [Buffer.from('\r\n$5\r\nhello\r\n')], // protocol bytes inside a value are data
      ];
      const keys = ['tm:talents:a', 'tm:result:b', 'tm:empty', 'tm:键 with space\r\n'];
      await Promise.all(values.map((v, i) => raw.set(keys[i], v, 100 + i)));
      for (const [i, v] of values.entries()) {
        expect((await admin.getBuffer(keys[i]))!.equals(Buffer.concat(v)), keys[i]).toBe(true);
        const ttl = await admin.ttl(keys[i]);
        expect(ttl).toBeGreaterThan(90);
        expect(ttl).toBeLessThanOrEqual(100 + i);
      }
      // after a value, the next SET on the same connection is still in step
      await raw.set('tm:again', [bytes(5, 7)], 10);
      expect((await admin.getBuffer('tm:again'))!.equals(Buffer.from(bytes(5, 7)))).toBe(true);
    } finally {
      raw.close();
    }
  });

  it('frameSetter on a plain URL writes through its own connection, not ioredis\'', async () => {
    const { conn, calls } = fakeConn();
    const f = frameSetter(URL_, conn, noRace);
    try {
      await f.set('tm:via', [bytes(10, 8), bytes(10, 9)], 20);
      expect(calls).toHaveLength(0);
      expect((await admin.getBuffer('tm:via'))!.equals(Buffer.concat([bytes(10, 8), bytes(10, 9)]))).toBe(true);
    } finally {
      f.close();
    }
  });
});
