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
import type { Stats } from 'node:fs';
import { TalentmatchError } from '../../errors.js';
import { DEFAULT_MAX_LINE_BYTES } from '../../config/limits.js';
import { decodedLine, isBlankLine } from '../../domain/lines.js';

export interface Line {
  text: string;
  line: number;
  start: number;
  end: number;
  /** set when the line exceeded maxLineBytes: its length in bytes (newline excluded); text is '' */
  tooLong?: number;
  /** set when the line's bytes are not UTF-8: the offset of the first bad one (domain/lines.ts decodedLine) */
  badUtf8?: number;
}

export interface ReadLinesOptions {
  /** longest line kept, in bytes (default DEFAULT_MAX_LINE_BYTES) */
  maxLineBytes?: number;
  /** sees every raw chunk as read (the batch hashes the bytes it actually streamed) */
  onChunk?: (chunk: Buffer) => void;
}

/** The reason of an I/O failure in words (the error's message when it has no common code). */
export function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' ? 'a parent is not a directory' : (e as Error)?.message ?? String(e);
}

/** An I/O failure as the contract's E_IO, naming the file and the reason in words. */
export function ioError(path: string, e: unknown): TalentmatchError {
  return new TalentmatchError('E_IO', `${path}: cannot read (${ioReason(e)})`);
}

/** Fails with E_IO unless `path` names something readable as a stream (a file, a pipe, a FIFO); returns its stats. */
export async function assertReadable(path: string): Promise<Stats> {
  let s;
  try {
    s = await stat(path);
  } catch (e) {
    throw ioError(path, e);
  }
  if (s.isDirectory()) throw ioError(path, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
  return s;
}

/**
 * A whole regular file read in a stream must come to the size it had when it was opened: one
 * truncated or rewritten meanwhile ended the stream early, and its cut last line was reported
 * as invalid JSON at some line past the cut (or, cut at a newline, the rest went unread without
 * a word). Pipes and FIFOs have no size to compare.
 */
export function checkWholeRead(path: string, st: Stats, bytes: number): void {
  if (st.isFile() && bytes !== st.size) {
    throw new TalentmatchError('E_IO', `${path}: the file changed while it was read (${st.size.toLocaleString('en-US')} bytes when opened, ${bytes.toLocaleString('en-US')} read); run again on a file that is not being written`);
  }
}

export { tooLongExpectation } from '../../domain/lines.js';

/**
 * The one rule that cuts a byte stream into lines under a length limit (readLines and
 * readLineRanges): a line longer than `max` bytes is never held, only its bytes counted up
 * to its newline.
 */
export class LineCutter {
  /** the current line's earlier pieces (while under the limit) */
  pending: Uint8Array[] = [];
  pendingLen = 0;
  /** bytes of the current line once it went over the limit (nothing kept), else -1 */
  overLen = -1;
  constructor(private readonly max: number) {}

  /**
   * Feeds one chunk. For each newline in it `line(chunk, from, nl, overLen)` is called: the
   * line is `pending` (`pendingLen` bytes) followed by chunk[from, nl), or was over the limit
   * when `overLen` >= 0 (its length, newline excluded). After the last newline, the rest
   * stays pending for the next chunk; at the end of the stream `pending` / `overLen` hold an
   * unterminated last line.
   */
  feed(chunk: Buffer, line: (chunk: Buffer, from: number, nl: number, overLen: number) => void): void {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(10, from);
      const partLen = (nl < 0 ? chunk.length : nl) - from;
      if (this.overLen < 0 && this.pendingLen + partLen > this.max) {
        this.overLen = this.pendingLen;
        this.pending = [];
        this.pendingLen = 0;
      }
      if (this.overLen >= 0) this.overLen += partLen;
      if (nl < 0) {
        if (this.overLen < 0 && from < chunk.length) {
          this.pending.push(chunk.subarray(from));
          this.pendingLen += chunk.length - from;
        }
        return;
      }
      line(chunk, from, nl, this.overLen);
      this.pending = [];
      this.pendingLen = 0;
      this.overLen = -1;
      from = nl + 1;
    }
  }
}

export async function* readLines(path: string, range?: { start: number; end: number; firstLine: number }, o: ReadLinesOptions = {}): AsyncGenerator<Line> {
  const max = o.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (range && range.end <= range.start) return;
  const st = await assertReadable(path);
  const stream = createReadStream(path, range ? { start: range.start, end: Math.max(range.start, range.end - 1) } : {});
  let bytes = 0;
  const cut = new LineCutter(max);
  let offset = range?.start ?? 0;
  let line = (range?.firstLine ?? 1) - 1;
  const out: Line[] = [];
  const onLine = (chunk: Buffer, from: number, nl: number, overLen: number): void => {
    line++;
    if (overLen >= 0) {
      const len = overLen + 1;
      out.push({ text: '', line, start: offset, end: offset + len, tooLong: overLen });
      offset += len;
    } else {
      const part = chunk.subarray(from, nl);
      const buf = cut.pendingLen > 0 ? Buffer.concat([...cut.pending, part]) : part;
      const len = buf.length + 1;
      out.push({ ...decodedLine(buf, line === 1 && offset === 0), line, start: offset, end: offset + len });
      offset += len;
    }
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      o.onChunk?.(chunk);
      cut.feed(chunk, onLine);
      yield* out;
      out.length = 0;
    }
  } catch (e) {
    throw e instanceof TalentmatchError ? e : ioError(path, e);
  } finally {
    stream.destroy();
  }
  if (!range) checkWholeRead(path, st, bytes);
  if (cut.overLen >= 0) {
    line++;
    yield { text: '', line, start: offset, end: offset + cut.overLen, tooLong: cut.overLen };
  } else if (cut.pendingLen > 0) {
    const buf = Buffer.concat(cut.pending);
    line++;
    yield { ...decodedLine(buf, line === 1 && offset === 0), line, start: offset, end: offset + buf.length };
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
  /**
   * With `records`: where each line starts in the file (`lines` + 1 entries, the last where the
   * range ends) and which lines are blank (domain/lines.ts isBlankLine: 1) or records (0)
   */
  starts?: Float64Array;
  blank?: Uint8Array;
}

export interface LineRangesOptions {
  maxLineBytes?: number;
  /** sees every raw chunk as read (the batch hashes the bytes it actually streamed) */
  onChunk?: (chunk: Buffer) => void;
  /**
   * Count only record lines towards a range's size (a blank line is not one; a line over the
   * limit is: it is reported), and give each range its lines' offsets and blank marks: a range
   * ends at its `linesPerRange`-th record line (the blank lines after it start the next
   * range), so that a file of valid records is cut where the batch's chunks of that many
   * talents end. A last range of blank lines only is not yielded.
   */
  records?: boolean;
}

/**
 * A file cut into ranges of `linesPerRange` lines, as bytes, without decoding anything: the
 * main thread only finds the newlines, and worker threads parse the lines (workers/lines.ts).
 * Same lines as readLines (same numbering, \r\n and a byte-order mark left to lineText), and
 * the same memory bound: a line over `maxLineBytes` is never held, only its length.
 */
export async function* readLineRanges(path: string, linesPerRange: number, o: LineRangesOptions = {}): AsyncGenerator<LineRange> {
  const max = o.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const st = await assertReadable(path);
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  const lines = new LineCutter(max);
  let parts: Uint8Array[] = []; // the range's complete lines
  let partsLen = 0;
  let line = 0;
  let firstLine = 1;
  let tooLong: number[] = [];
  const newline = Uint8Array.of(10);
  const ready: LineRange[] = [];
  // with `records`: the file offset of each line's start (and the range's end), blank marks, record lines counted
  let offset = 0;
  let starts: number[] = [];
  let blank: number[] = [];
  let records = 0;
  const cut = (): LineRange => {
    const bytes = new Uint8Array(partsLen); // its own buffer: the range is transferred, never a slice of a pool
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    const r: LineRange = { bytes, firstLine, lines: line - firstLine + 1, tooLong };
    if (o.records) {
      starts.push(offset);
      r.starts = Float64Array.from(starts);
      r.blank = Uint8Array.from(blank);
      starts = [];
      blank = [];
      records = 0;
    }
    parts = [];
    partsLen = 0;
    tooLong = [];
    firstLine = line + 1;
    return r;
  };
  /** counts a line of `len` bytes (newline included) towards the range; true when the range is full */
  const counted = (len: number, isBlank: boolean): boolean => {
    if (!o.records) return line - firstLine + 1 >= linesPerRange;
    starts.push(offset);
    blank.push(isBlank ? 1 : 0);
    offset += len;
    if (!isBlank) records++;
    return records >= linesPerRange;
  };
  const onLine = (chunk: Buffer, from: number, nl: number, overLen: number): void => {
    line++;
    let full: boolean;
    if (overLen >= 0) {
      tooLong.push(line, overLen);
      parts.push(newline);
      partsLen += 1;
      full = counted(overLen + 1, false);
    } else {
      const isBlank = o.records === true && isBlankLine(lines.pendingLen > 0 ? [...lines.pending, chunk.subarray(from, nl)] : [chunk.subarray(from, nl)]);
      for (const p of lines.pending) parts.push(p);
      parts.push(chunk.subarray(from, nl + 1));
      partsLen += lines.pendingLen + nl - from + 1;
      full = counted(lines.pendingLen + nl - from + 1, isBlank);
    }
    if (full) ready.push(cut());
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      o.onChunk?.(chunk);
      lines.feed(chunk, onLine);
      yield* ready;
      ready.length = 0;
    }
  } catch (e) {
    throw e instanceof TalentmatchError ? e : ioError(path, e);
  } finally {
    stream.destroy();
  }
  checkWholeRead(path, st, bytes);
  if (lines.overLen >= 0) {
    line++;
    tooLong.push(line, lines.overLen);
    counted(lines.overLen, false);
  } else if (lines.pendingLen > 0) {
    line++;
    const isBlank = o.records === true && isBlankLine(lines.pending);
    for (const p of lines.pending) parts.push(p);
    partsLen += lines.pendingLen;
    counted(lines.pendingLen, isBlank);
  }
  if (line >= firstLine && (!o.records || records > 0)) yield cut();
}
