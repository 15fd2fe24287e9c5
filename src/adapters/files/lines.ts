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
import { TalentmatchError } from '../../errors.js';
import { DEFAULT_MAX_LINE_BYTES } from '../../config/limits.js';
import { lineText } from '../../domain/lines.js';

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

export { tooLongExpectation } from '../../domain/lines.js';

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
          yield { text: lineText(buf, line === 1 && offset === 0), line, start: offset, end: offset + len };
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
    yield { text: lineText(buf, line === 1 && offset === 0), line, start: offset, end: offset + buf.length };
  }
}

/** A run of consecutive lines of a file as raw bytes (readLineRanges). */
export interface LineRange {
  /** the lines' bytes, each line with its newline (the file's last perhaps without); a line over the limit is there as a bare newline. Owns its buffer (transferable). */
  bytes: Uint8Array;
  /** 1-based number of the first line */
  firstLine: number;
  lines: number;
  /** the lines over `maxLineBytes`: line number, length in bytes (newline excluded), pairwise */
  tooLong: number[];
}

/**
 * A file cut into ranges of `linesPerRange` lines, as bytes, without decoding anything: the
 * main thread only finds the newlines, and worker threads parse the lines (workers/lines.ts).
 * Same lines as readLines (same numbering, \r\n and a byte-order mark left to lineText), and
 * the same memory bound: a line over `maxLineBytes` is never held, only its length.
 */
export async function* readLineRanges(path: string, linesPerRange: number, o: { maxLineBytes?: number } = {}): AsyncGenerator<LineRange> {
  const max = o.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  await assertReadable(path);
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let parts: Uint8Array[] = []; // the range's complete lines
  let partsLen = 0;
  let pending: Uint8Array[] = []; // the current line's bytes so far
  let pendingLen = 0;
  let overLen = -1; // bytes of the current line once over the limit (nothing kept)
  let line = 0;
  let firstLine = 1;
  let tooLong: number[] = [];
  const newline = Uint8Array.of(10);
  const cut = (): LineRange => {
    const bytes = new Uint8Array(partsLen); // its own buffer: the range is transferred, never a slice of a pool
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    const r = { bytes, firstLine, lines: line - firstLine + 1, tooLong };
    parts = [];
    partsLen = 0;
    tooLong = [];
    firstLine = line + 1;
    return r;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
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
          tooLong.push(line, overLen);
          parts.push(newline);
          partsLen += 1;
          overLen = -1;
        } else {
          for (const p of pending) parts.push(p);
          parts.push(chunk.subarray(from, nl + 1));
          partsLen += pendingLen + partLen + 1;
        }
        pending = [];
        pendingLen = 0;
        from = nl + 1;
        if (line - firstLine + 1 >= linesPerRange) yield cut();
      }
    }
  } catch (e) {
    throw e instanceof TalentmatchError ? e : ioError(path, e);
  } finally {
    stream.destroy();
  }
  if (overLen >= 0) {
    line++;
    tooLong.push(line, overLen);
  } else if (pendingLen > 0) {
    line++;
    for (const p of pending) parts.push(p);
    partsLen += pendingLen;
  }
  if (line >= firstLine) yield cut();
}
