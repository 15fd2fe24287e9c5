/**
 * A worker decodes a range of raw lines that is valid UTF-8 as a whole in place, a line at a
 * time (domain/lines.ts validLineText), and any other range line by line through the shared
 * decoder (lineText). Oracles: lineText of each line's own bytes, and parseRecordLine of it
 * (the range's records, links and issues equal line for line), for valid ranges (Chinese,
 * emoji, \r\n, a byte-order mark on the file's first line) and ranges with invalid bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineText, parseRecordLine, validLineText } from '../../src/domain/lines.js';
import { oracleBadAt } from '../support/utf8Oracle.js';
import { TalentSchema } from '../../src/domain/schemas.js';
import { parseLineRange } from '../../src/workers/lines.js';
import type { LineRangeTask } from '../../src/workers/lines.js';

const enc = new TextEncoder();
const cat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

/** A range's lines as lineText reads them from their own bytes, each with where its bytes stop being UTF-8 (-1: they never do). */
function oracleTexts(bytes: Uint8Array, firstLine: number): { text: string; bad: number }[] {
  const out: { text: string; bad: number }[] = [];
  let pos = 0;
  for (let line = firstLine; pos <= bytes.length; line++) {
    const nl = bytes.indexOf(10, pos);
    const end = nl < 0 ? bytes.length : nl;
    out.push({ text: lineText(bytes.slice(pos, end), line === 1), bad: oracleBadAt(bytes.slice(pos, end)) });
    if (nl < 0) break;
    pos = nl + 1;
  }
  return out;
}

/** The range as a view into a larger buffer (as a range read from a file is), behind 5 bytes of another line. */
function task(range: Uint8Array, firstLine: number, lines: number): LineRangeTask {
  const host = new Uint8Array(range.length + 9);
  host.set(enc.encode('{"x"\n'), 0);
  host.set(range, 5);
  host.set(enc.encode('\n{}\n'), 5 + range.length);
  return { bytes: host.subarray(5, 5 + range.length), firstLine, lines, tooLong: [], file: 'talents.jsonl', maxLineBytes: 1 << 20, cap: 100 };
}

const talent = (id: string, description: string) => JSON.stringify({ id, name: `team ${id}`, description, stage: 'idea', teamSize: 3, industries: ['x'], talentLevel: 'none', needs: { seats: 1 }, updatedAt: '2026-01-01' });

describe('validLineText: a valid buffer decoded in place', () => {
  it('reads every line of a valid buffer as lineText reads its own bytes (BOM on the first line, \\r\\n, astral characters)', () => {
    const piece = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constantFrom('\r', '\ufeff', '中文', '😀', 'é', '\u00a0'));
    fc.assert(
      fc.property(fc.array(fc.array(piece, { maxLength: 4 }).map((a) => a.join('').replace(/\n/g, ' ')), { minLength: 1, maxLength: 6 }), fc.boolean(), (lines, first) => {
        const buf = Buffer.from(enc.encode(lines.join('\n')));
        let pos = 0;
        for (const [i, l] of lines.entries()) {
          const end = pos + enc.encode(l).length;
          expect(validLineText(buf, pos, end, first && i === 0)).toBe(lineText(buf.subarray(pos, end), first && i === 0));
          pos = end + 1;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('known answers', () => {
    const buf = Buffer.from(enc.encode('\ufeff{"a":"中"}\r\nx\r'));
    expect(validLineText(buf, 0, 15, true)).toBe('{"a":"中"}');
    expect(validLineText(buf, 0, 15, false)).toBe('\ufeff{"a":"中"}');
    expect(validLineText(buf, 16, 18, false)).toBe('x');
  });
});

describe('parseLineRange decodes its lines as lineText does', () => {
  const valid = enc.encode(`\ufeff${talent('t-1', '跨境电商 platform 😀')}\r\n${talent('t-2', 'café, 冷链仓储')}\n\n{"id":"t-3"}\nnot json\n${talent('t-4', 'x\u00a0y')}`);
  const invalidLine = cat([enc.encode(`${talent('t-5', 'ok')}\n{"id":"t-6","name":"`), Uint8Array.of(0xe4, 0xb8, 0xff, 0xed, 0xa0, 0x80), enc.encode(`"}\n${talent('t-7', '中')}`)]);

  for (const [name, bytes] of [
    ['a valid range, the file first', valid],
    ['a range with invalid bytes', invalidLine],
  ] as const) {
    for (const firstLine of [1, 7]) {
      it(`${name}, from line ${firstLine}`, () => {
        const texts = oracleTexts(bytes, firstLine);
        const p = parseLineRange(task(bytes, firstLine, texts.length));
        const want = { records: [] as unknown[], lines: [] as number[], issues: [] as unknown[], bad: [] as number[] };
        for (const [i, { text, bad }] of texts.entries()) {
          const line = firstLine + i;
          const r = parseRecordLine(bad < 0 ? { text, line } : { text, line, badUtf8: bad }, TalentSchema, 'talents.jsonl', 1 << 20);
          if (r.kind === 'record') {
            want.records.push(r.value);
            want.lines.push(line);
          } else if (r.kind === 'invalid') {
            want.bad.push(line);
            want.issues.push(...r.issues);
          }
        }
        expect(p.records).toEqual(want.records);
        expect(p.lines).toEqual(want.lines);
        expect(p.issues).toEqual(want.issues);
        expect(p.bad).toEqual(want.bad);
        expect(p.records.length).toBeGreaterThan(0);
        expect(p.bad.length).toBeGreaterThan(0);
        if (bytes === invalidLine) {
          // the line with e4 b8 (a cut character) then ff: refused, at the cut character's first byte
          expect(p.issues).toContainEqual({ file: 'talents.jsonl', line: firstLine + 1, path: '', expected: 'UTF-8 text', got: 'a byte that is not UTF-8 at byte 21 of the line' });
        }
      });
    }
  }
});
