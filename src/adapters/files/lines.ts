/**
 * JSON Lines reading with byte offsets: yields each line's text, 1-based number and its
 * byte range [start, end) in the file (end includes the newline), so a chunk can be
 * described by a byte range that another process reads back exactly. Handles \n and
 * \r\n and a UTF-8 byte-order mark on the first line; never loads the file whole.
 *
 * A line longer than `maxLineBytes` is never held in memory: its bytes are counted and
 * dropped up to the next newline, and it is yielded with `tooLong` set (and empty text), so
 * the caller reports it with file:line and goes on (a 1 GB line without a newline costs
 * no more memory than one chunk of the stream).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { TalentmatchError } from '../../errors.js';
import { DEFAULT_MAX_LINE_BYTES, LIMIT_ENV } from '../../config/limits.js';

export interface Line {
  text: string;
  line: number;
  start: number;
  end: number;
  /** set when the line exceeded maxLineBytes: its length in bytes (newline excluded); text is '' */
  tooLong?: number;
}

export interface ReadLinesOptions {
  /** longest line kept, in bytes (default DEFAULT_MAX_LINE_BYTES) */
  maxLineBytes?: number;
  /** sees every raw chunk as read (the batch hashes the bytes it actually streamed) */
  onChunk?: (chunk: Buffer) => void;
}

/** An I/O failure as the contract's E_IO, naming the file and the reason in words. */
export function ioError(path: string, e: unknown): TalentmatchError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const why =
    code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' ? 'a parent is not a directory' : (e as Error)?.message ?? String(e);
  return new TalentmatchError('E_IO', `${path}: cannot read (${why})`);
}

/** Fails with E_IO unless `path` names something readable as a stream (a file, a pipe, a FIFO). */
export async function assertReadable(path: string): Promise<void> {
  let s;
  try {
    s = await stat(path);
  } catch (e) {
    throw ioError(path, e);
  }
  if (s.isDirectory()) throw ioError(path, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
}

/** The message of a line over the limit, naming the limit and how to raise it. */
export function tooLongExpectation(maxLineBytes: number): string {
  return `a line of at most ${maxLineBytes.toLocaleString('en-US')} bytes (${LIMIT_ENV.maxLineBytes})`;
}

export async function* readLines(path: string, range?: { start: number; end: number; firstLine: number }, o: ReadLinesOptions = {}): AsyncGenerator<Line> {
  const max = o.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (range && range.end <= range.start) return;
  await assertReadable(path);
  const stream = createReadStream(path, range ? { start: range.start, end: Math.max(range.start, range.end - 1) } : {});
  let pending: Buffer[] = [];
  let pendingLen = 0;
  /** bytes of the current line when it went over the limit (then nothing is kept) */
  let overLen = -1;
  let offset = range?.start ?? 0;
  let line = (range?.firstLine ?? 1) - 1;
  const decode = (b: Buffer, first: boolean) => {
    const d = new StringDecoder('utf8');
    let s = d.write(b) + d.end();
    if (s.endsWith('\r')) s = s.slice(0, -1);
    if (first && s.charCodeAt(0) === 0xfeff) s = s.slice(1); // a byte-order mark, as in .json files
    return s;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      o.onChunk?.(chunk);
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf(10, from);
        const partEnd = nl < 0 ? chunk.length : nl;
        const partLen = partEnd - from;
        if (overLen < 0 && pendingLen + partLen > max) {
          overLen = pendingLen;
          pending = [];
          pendingLen = 0;
        }
        if (overLen >= 0) overLen += partLen;
        if (nl < 0) {
          if (overLen < 0 && from < chunk.length) {
            pending.push(chunk.subarray(from));
            pendingLen += chunk.length - from;
          }
          break;
        }
        line++;
        if (overLen >= 0) {
          const len = overLen + 1;
          yield { text: '', line, start: offset, end: offset + len, tooLong: overLen };
          offset += len;
          overLen = -1;
        } else {
          const part = chunk.subarray(from, nl);
          const buf = pendingLen > 0 ? Buffer.concat([...pending, part]) : part;
          const len = buf.length + 1;
          yield { text: decode(buf, line === 1 && offset === 0), line, start: offset, end: offset + len };
          offset += len;
        }
        pending = [];
        pendingLen = 0;
        from = nl + 1;
      }
    }
  } catch (e) {
    throw e instanceof TalentmatchError ? e : ioError(path, e);
  } finally {
    stream.destroy();
  }
  if (overLen >= 0) {
    line++;
    yield { text: '', line, start: offset, end: offset + overLen, tooLong: overLen };
  } else if (pendingLen > 0) {
    const buf = Buffer.concat(pending);
    line++;
    yield { text: decode(buf, line === 1 && offset === 0), line, start: offset, end: offset + buf.length };
  }
}
