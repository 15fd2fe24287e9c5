/**
 * The line length limit at its boundary (the mutation sweep, scripts/mutants.mjs, found it
 * untested): a line of exactly maxLineBytes bytes is kept, one byte more is reported as too
 * long, whether the line comes in one chunk or in pieces, ends with a newline or ends the file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineCutter, readLineRanges, readLines } from '../../../src/adapters/files/lines.js';

const MAX = 4;

/** The lines a LineCutter cuts from these chunks: text, or its length when over the limit; then what is left pending. */
function cutAll(chunks: string[]): { lines: (string | number)[]; pending: string; overLen: number } {
  const c = new LineCutter(MAX);
  const lines: (string | number)[] = [];
  for (const s of chunks) {
    c.feed(Buffer.from(s), (chunk, from, nl, overLen) => {
      lines.push(overLen >= 0 ? overLen : Buffer.concat([...c.pending, chunk.subarray(from, nl)]).toString());
    });
  }
  return { lines, pending: Buffer.concat(c.pending).toString(), overLen: c.overLen };
}

describe('LineCutter at the limit', () => {
  it('exactly MAX bytes: kept; MAX + 1: its length only (mutation pendingLen + partLen > max -> >= cuts the first)', () => {
    expect(cutAll(['abcd\nabcde\n']).lines).toEqual(['abcd', 5]);
  });

  it('the same when the line comes in pieces, the limit reached exactly at a chunk\'s end', () => {
    expect(cutAll(['ab', 'cd', '\n']).lines).toEqual(['abcd']);
    expect(cutAll(['abcd', '\n']).lines).toEqual(['abcd']);
    expect(cutAll(['abcd', 'e', '\n']).lines).toEqual([5]);
    expect(cutAll(['a', 'bcd', 'ef\nxy\n']).lines).toEqual([6, 'xy']);
  });

  it('an unterminated last line of exactly MAX bytes stays pending; one byte more is counted, not held', () => {
    expect(cutAll(['ab', 'cd'])).toEqual({ lines: [], pending: 'abcd', overLen: -1 });
    expect(cutAll(['ab', 'cde'])).toEqual({ lines: [], pending: '', overLen: 5 });
  });
});

describe('readLines and readLineRanges at the limit', () => {
  const file = (text: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'tm-line-limit-')), 'talents.jsonl');
    writeFileSync(path, text);
    return path;
  };

  it('readLines: exactly MAX bytes kept, MAX + 1 too long, with their offsets; the same for a last line without newline', async () => {
    const got = [];
    for await (const ln of readLines(file('abcd\nabcde\nab\nwxyz'), undefined, { maxLineBytes: MAX })) got.push(ln);
    expect(got).toEqual([
      { text: 'abcd', line: 1, start: 0, end: 5 },
      { text: '', line: 2, start: 5, end: 11, tooLong: 5 },
      { text: 'ab', line: 3, start: 11, end: 14 },
      { text: 'wxyz', line: 4, start: 14, end: 18 },
    ]);
    const last = [];
    for await (const ln of readLines(file('ab\nvwxyz'), undefined, { maxLineBytes: MAX })) last.push(ln);
    expect(last).toEqual([
      { text: 'ab', line: 1, start: 0, end: 3 },
      { text: '', line: 2, start: 3, end: 8, tooLong: 5 },
    ]);
  });

  it('readLines: a file ending with a newline has no empty last line; a byte-order mark is dropped from a one-line file without newline, and only from its first line', async () => {
    const read = async (text: string, range?: { start: number; end: number; firstLine: number }) => {
      const out = [];
      for await (const ln of readLines(file(text), range, { maxLineBytes: 64 })) out.push(ln);
      return out;
    };
    expect(await read('ab\ncd\n')).toEqual([
      { text: 'ab', line: 1, start: 0, end: 3 },
      { text: 'cd', line: 2, start: 3, end: 6 },
    ]);
    expect(await read('\ufeffab')).toEqual([{ text: 'ab', line: 1, start: 0, end: 5 }]);
    expect((await read('\ufeffab\n\ufeffcd')).map((l) => l.text)).toEqual(['ab', '\ufeffcd']);
    // a range of exactly one line, and an empty range (start = end): nothing read
    expect(await read('ab\ncd\nef', { start: 3, end: 6, firstLine: 2 })).toEqual([{ text: 'cd', line: 2, start: 3, end: 6 }]);
    expect(await read('ab\ncd\nef', { start: 3, end: 3, firstLine: 2 })).toEqual([]);
  });

  it('readLineRanges: the same lines kept and reported too long; no empty last line after a final newline', async () => {
    const ranges = [];
    for await (const r of readLineRanges(file('abcd\nabcde\nab\nwxyz'), 2, { maxLineBytes: MAX })) ranges.push({ ...r, bytes: Buffer.from(r.bytes).toString() });
    expect(ranges).toEqual([
      { bytes: 'abcd\n\n', firstLine: 1, lines: 2, tooLong: [2, 5] },
      { bytes: 'ab\nwxyz', firstLine: 3, lines: 2, tooLong: [] },
    ]);
    // a file ending with a newline: no empty last line, so no range of it
    const ended = [];
    for await (const r of readLineRanges(file('abcd\nab\n'), 2, { maxLineBytes: MAX })) ended.push({ ...r, bytes: Buffer.from(r.bytes).toString() });
    expect(ended).toEqual([{ bytes: 'abcd\nab\n', firstLine: 1, lines: 2, tooLong: [] }]);
  });
});
