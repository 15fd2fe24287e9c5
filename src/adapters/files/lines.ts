/**
 * JSON Lines reading with byte offsets: yields each line's text, 1-based number and its
 * byte range [start, end) in the file (end includes the newline), so a chunk can be
 * described by a byte range that another process reads back exactly. Handles \n and
 * \r\n; never loads the file whole.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface Line {
  text: string;
  line: number;
  start: number;
  end: number;
}

export async function* readLines(path: string, range?: { start: number; end: number; firstLine: number }): AsyncGenerator<Line> {
  const stream = createReadStream(path, range ? { start: range.start, end: Math.max(range.start, range.end - 1) } : {});
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let offset = range?.start ?? 0;
  let line = (range?.firstLine ?? 1) - 1;
  const decode = (b: Buffer) => {
    const d = new StringDecoder('utf8');
    let s = d.write(b) + d.end();
    if (s.endsWith('\r')) s = s.slice(0, -1);
    return s;
  };
  if (range && range.end <= range.start) return;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(10, from);
      if (nl < 0) break;
      const part = chunk.subarray(from, nl);
      const buf = pendingLen > 0 ? Buffer.concat([...pending, part]) : part;
      const len = buf.length + 1;
      line++;
      yield { text: decode(buf), line, start: offset, end: offset + len };
      offset += len;
      pending = [];
      pendingLen = 0;
      from = nl + 1;
    }
    if (from < chunk.length) {
      pending.push(chunk.subarray(from));
      pendingLen += chunk.length - from;
    }
  }
  if (pendingLen > 0) {
    const buf = Buffer.concat(pending);
    line++;
    yield { text: decode(buf), line, start: offset, end: offset + buf.length };
  }
}
