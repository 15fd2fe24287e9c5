/**
 * A frame SET with no copy of its bytes on this thread. ioredis builds each command in one
 * buffer (Command.toWritable concatenates its arguments, MixedBuffers.toBuffer), so every
 * frame of megabytes was allocated and copied once more on its way out: a worker's result
 * (~5.9 MB a 1,000-talent chunk at 1k platforms), the coordinator's chunk (~1.15 MB of lines).
 * Such buffers are external memory, which V8 adds to the old generation when it decides on
 * its next mark-compact (PERFORMANCE.md, gc13): a process with a small heap (a coordinator
 * that parses no talent) ran a mark-compact every few chunks. Here a connection of its own
 * writes the command's head, the value as it is and its tail in one corked write, and waits
 * for Redis' `+OK`.
 *
 * Only for the URLs the raw reader takes (rawLink.ts `plainRedis`); anything but `+OK`, or any
 * failure of the connection, rejects with E_UNAVAILABLE, on which `frameSetter` sets through
 * ioredis for the rest of the command (which retries, reports an outage, or the error Redis
 * gave, as before).
 */
import { connect } from 'node:net';
import type { Redis } from 'ioredis';
import { TalentmatchError } from '../../errors.js';
import { RawLink, plainRedis } from './rawLink.js';

const rawFailure = (why: string): TalentmatchError => new TalentmatchError('E_UNAVAILABLE', `raw set: ${why}`);
const OK = '+OK\r\n';

/** SETs on a connection of its own, one at a time. */
export interface RawSetter {
  /** `value`: the value's parts, in order (written as they are) */
  set(key: string, value: readonly Uint8Array[], ttlSeconds: number): Promise<void>;
  close(): void;
}

/** The raw setter for `url`, or undefined where it does not apply (rawLink.ts `plainRedis`). */
export function rawSetterFor(url: string): RawSetter | undefined {
  const at = plainRedis(url);
  return at && rawSetter(at.host, at.port);
}

/** The bytes of a value given in parts. */
export const sizeOf = (parts: readonly Uint8Array[]): number => parts.reduce((n, p) => n + p.byteLength, 0);

/** `SET key value EX ttl` in RESP, the value left out (written as it is, between the two). */
function command(key: string, bytes: number, ttlSeconds: number): [Buffer, Buffer] {
  const k = Buffer.from(key);
  const t = String(ttlSeconds);
  return [Buffer.concat([Buffer.from(`*5\r\n$3\r\nSET\r\n$${k.length}\r\n`), k, Buffer.from(`\r\n$${bytes}\r\n`)]), Buffer.from(`\r\n$2\r\nEX\r\n$${t.length}\r\n${t}\r\n`)];
}

function rawSetter(host: string, port: number): RawSetter {
  const link: RawLink<{ got: string; resolve: () => void; reject: (e: unknown) => void }> = new RawLink(rawFailure, 'setter', () => {
    const s = connect({ host, port });
    s.on('data', (b: Buffer) => {
      const c = link.inFlight();
      if (!c) return link.broken(rawFailure('bytes with no request'));
      c.got += b.toString('latin1');
      if (c.got.length < OK.length && OK.startsWith(c.got)) return; // more to come
      if (c.got === OK) link.take()!.resolve();
      else link.broken(rawFailure(`Redis answered ${JSON.stringify(c.got.slice(0, 80))}`)); // an error, or out of step
    });
    return s;
  });
  return {
    set: (key, value, ttlSeconds) =>
      link.request<void>(
        (resolve, reject) => ({ got: '', resolve, reject }),
        (s) => {
          const [head, tail] = command(key, sizeOf(value), ttlSeconds);
          s.cork();
          s.write(head);
          for (const p of value) if (p.byteLength > 0) s.write(p);
          s.write(tail);
          s.uncork();
        },
      ),
    close: () => link.close(),
  };
}

/**
 * SETs a frame given in parts through the raw setter where the URL allows it, else (and for the rest of the
 * command once the raw setter failed: a connection lost, an error from Redis) through
 * ioredis' `conn`, which retries and reports an outage.
 */
export function frameSetter(url: string, conn: Redis, race: <T>(p: Promise<T>) => Promise<T>): RawSetter {
  let raw = rawSetterFor(url);
  return {
    async set(key, value, ttlSeconds) {
      if (raw) {
        try {
          await race(raw.set(key, value, ttlSeconds));
          return;
        } catch {
          // the connection, the reply, or Redis given up on: ioredis' connection decides
          raw?.close();
          raw = undefined;
        }
      }
      await race(conn.set(key, Buffer.concat(value), 'EX', ttlSeconds)); // ioredis copies it whole anyway
    },
    close: () => raw?.close(),
  };
}
