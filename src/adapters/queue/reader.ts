/**
 * The coordinator's read of a chunk's result frame with one copy. Through ioredis a result
 * (8.7 MB per 1,000 talents at 1k platforms) was copied twice on the coordinator's main
 * thread: redis-parser concatenates a reply that spans socket reads into its shared pool
 * (reallocated, ~26 MB, every third chunk), then `decodeResultFrame` copies the rows and
 * candidates out of that pool into buffers of their own that move to the writer thread.
 * Here a connection of its own reads each socket read into one reused 64 kB buffer and
 * copies the bytes straight into the rows' and candidates' own buffers: one copy, no pool.
 *
 * It only speaks what it needs: `GET` on a plain redis:// URL with no user, no password and
 * database 0 (`rawReaderFor` answers undefined otherwise); any failure of the connection or of
 * the protocol rejects with E_UNAVAILABLE (`rawFailure`), on which the caller reads through ioredis as before
 * (which retries, and reports an outage). A value that is not a result frame of the chunk is
 * collected whole and given to `decodeResultFrame`, so it fails with the same E_INTERNAL.
 */
import { connect } from 'node:net';
import type { Redis } from 'ioredis';
import { TalentmatchError } from '../../errors.js';
import { RawLink, plainRedis } from './rawLink.js';
import { FRAME_HEAD_MAX, FRAME_HEAD_MIN, decodeResultFrame, frameLayout, notAFrame, resultKey } from './frames.js';
import type { FrameLayout, ResultFrame } from './frames.js';

/** What one GET reply gave: the chunk's result, or nothing under the key. */
export type RawReply = { result: ResultFrame } | { missing: true };

const READ_BYTES = 64 * 1024;
/** The raw reader could not read (connection, protocol): the caller reads through ioredis instead. */
const rawFailure = (why: string): TalentmatchError => new TalentmatchError('E_UNAVAILABLE', `raw result read: ${why}`);
const MAX_LINE = 64;

/**
 * Parses one RESP reply to `GET` of a result frame, fed in pieces of any size. `done`
 * says when it is whole; `reply()` gives it (or throws: E_INTERNAL for a value that is not
 * the chunk's frame, as `decodeResultFrame` does; E_UNAVAILABLE for a reply that is not a
 * bulk string).
 */
export class FrameReplyParser {
  private line = '';
  private size = -2; // -2: reading the first line; -1: nil; else the value's length
  private got = 0; // bytes of the value consumed
  private readonly head = new Uint8Array(FRAME_HEAD_MAX);
  private layout: FrameLayout | undefined;
  private rows: Uint8Array | undefined;
  private candidates: Uint8Array | undefined;
  private part: Uint8Array | undefined; // a lines chunk's lines part
  private need: number = FRAME_HEAD_MIN; // the header's bytes, as far as known
  private notFrame: string | undefined; // why the value is not the chunk's frame (its bytes are skipped)
  private crlf = 0;
  private failure: Error | undefined;
  done = false;

  constructor(private readonly chunkId: number) {}

  /** the reply broke the protocol: the connection is out of step */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Consumes bytes of `b`; returns how many (fewer than given only once the reply is whole). */
  feed(b: Uint8Array): number {
    let i = 0;
    while (i < b.length && !this.done) {
      if (this.size === -2) {
        const c = b[i++]!;
        if (c === 0x0a && this.line.endsWith('\r')) {
          this.startValue(this.line.slice(0, -1));
          this.line = '';
        } else if (this.line.length > MAX_LINE) {
          this.fail(`a reply line longer than ${MAX_LINE} bytes`);
        } else this.line += String.fromCharCode(c);
        continue;
      }
      if (this.got < this.size) {
        const n = Math.min(b.length - i, this.size - this.got);
        this.take(b.subarray(i, i + n));
        i += n;
        continue;
      }
      // the value's trailing CRLF
      if (b[i++] !== (this.crlf === 0 ? 0x0d : 0x0a)) this.fail('a bulk string without its CRLF');
      else if (++this.crlf === 2) this.done = true;
    }
    return i;
  }

  reply(): RawReply {
    if (this.failure) throw this.failure;
    if (!this.done) throw rawFailure('the reply is not whole');
    if (this.size === -1) return { missing: true };
    if (this.notFrame !== undefined) throw notAFrame(this.chunkId, this.notFrame);
    const l = this.layout!;
    return { result: { chunkId: this.chunkId, pairs: l.pairs, rows: this.rows!, candidates: this.candidates!, ...(l.key !== undefined ? { key: l.key } : {}), ...(l.lines ? { lines: { part: this.part!, scored: l.lines.scored } } : {}) } };
  }

  private fail(why: string): void {
    this.failure ??= rawFailure(why);
    this.done = true;
  }

  private startValue(line: string): void {
    if (!/^\$(-1|\d+)$/.test(line)) return this.fail(`not a bulk string reply: ${JSON.stringify(line.slice(0, 40))}`);
    this.size = Number(line.slice(1));
    if (this.size === -1) this.done = true;
    else if (this.size === 0) this.judge(0); // empty: judged at once (take() sees no bytes)
  }

  /** Judges the header once `need` bytes of it (or the whole value) are in. */
  private judge(have: number): void {
    if (this.got < have) return;
    const l = frameLayout(this.head.subarray(0, this.got), this.size, this.chunkId);
    if ('more' in l) {
      this.need = l.more; // within the value: frameLayout checked the sizes first
      return;
    }
    if ('bad' in l) {
      this.notFrame = l.bad;
      return;
    }
    this.layout = l;
    this.rows = new Uint8Array(l.rowsBytes);
    this.candidates = new Uint8Array(l.candidatesBytes);
    if (l.lines) this.part = new Uint8Array(l.lines.partBytes);
  }

  /** The next bytes of the value (`got` of it consumed before them). */
  private take(p: Uint8Array): void {
    let rest = p;
    while (rest.length > 0) {
      if (this.notFrame !== undefined) {
        this.got += rest.length; // skipped: the connection stays in step
        return;
      }
      const l = this.layout;
      if (!l) {
        // the header: 24 bytes, then as many more as they say (a longer header, the key)
        const want = Math.min(this.size, this.need, FRAME_HEAD_MAX);
        const n = Math.min(rest.length, want - this.got);
        this.head.set(rest.subarray(0, n), this.got);
        this.got += n;
        rest = rest.subarray(n);
        if (this.got === want) this.judge(want);
        continue;
      }
      const inRows = this.got - l.headBytes;
      const inPart = inRows - l.rowsBytes - l.candidatesBytes;
      const to = inRows < l.rowsBytes ? this.rows! : inPart < 0 ? this.candidates! : this.part!;
      const at = inRows < l.rowsBytes ? inRows : inPart < 0 ? inRows - l.rowsBytes : inPart;
      const n = Math.min(rest.length, to.length - at);
      to.set(rest.subarray(0, n), at);
      this.got += n;
      rest = rest.subarray(n);
    }
  }
}

/** A reader on a connection of its own: one GET at a time. */
export interface RawReader {
  get(key: string, chunkId: number): Promise<RawReply>;
  close(): void;
}

/** The raw reader for `url`, or undefined where it does not apply (rawLink.ts `plainRedis`). */
export function rawReaderFor(url: string): RawReader | undefined {
  const at = plainRedis(url);
  return at && rawReader(at.host, at.port);
}

function rawReader(host: string, port: number): RawReader {
  const readBuffer = Buffer.allocUnsafe(READ_BYTES);
  const link: RawLink<{ parser: FrameReplyParser; resolve: (r: RawReply) => void; reject: (e: unknown) => void }> = new RawLink(rawFailure, 'reader', () =>
    connect({
      host,
      port,
      onread: {
        buffer: readBuffer,
        callback: (n: number, buf: Uint8Array) => {
          const c = link.inFlight();
          if (!c) {
            link.broken(rawFailure('bytes with no request'));
            return false;
          }
          const used = c.parser.feed(buf.subarray(0, n));
          if (!c.parser.done) return true;
          link.take();
          try {
            c.resolve(c.parser.reply());
          } catch (e) {
            c.reject(e);
          }
          if (used < n || c.parser.failed) link.broken(rawFailure('the connection is out of step'));
          return true;
        },
      },
    }),
  );
  return {
    get: (key, chunkId) =>
      link.request<RawReply>(
        (resolve, reject) => ({ parser: new FrameReplyParser(chunkId), resolve, reject }),
        (s) => {
          const k = Buffer.from(key);
          s.write(Buffer.concat([Buffer.from(`*2\r\n$3\r\nGET\r\n$${k.length}\r\n`), k, Buffer.from('\r\n')]));
        },
      ),
    close: () => link.close(),
  };
}

/**
 * The coordinator's read of a job's result: through the raw reader where the URL allows it,
 * else (and for the rest of the run once the raw reader failed: Redis restarted, a reply it
 * does not expect) through ioredis' `bulk` connection, which retries and reports an outage.
 * Resolves undefined when the result is gone from Redis.
 */
export function resultReader(url: string, bulk: Redis, race: <T>(p: Promise<T>) => Promise<T>): { read(jobId: string, chunkId: number): Promise<ResultFrame | undefined>; close(): void } {
  let raw = rawReaderFor(url);
  return {
    async read(jobId, chunkId) {
      if (raw) {
        try {
          const r = await race(raw.get(resultKey(jobId), chunkId));
          return 'missing' in r ? undefined : r.result;
        } catch (e) {
          if (e instanceof TalentmatchError && e.code === 'E_INTERNAL') throw e; // not the chunk's frame: the same through ioredis
          // anything else (the connection, the protocol, Redis given up on): ioredis' connection decides
          // (another read queued behind this one may have failed first and retired the reader already)
          raw?.close();
          raw = undefined;
        }
      }
      const frame = await race(bulk.getBuffer(resultKey(jobId)));
      return frame ? decodeResultFrame(frame, chunkId) : undefined;
    },
    close: () => raw?.close(),
  };
}
