/**
 * The placed talents' re-read (files/talents.ts findTalents) reads each line's id without
 * parsing the line where that is certain (quickLineId); it must never disagree with
 * JSON.parse, the pre-check it stands in for.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findTalents, quickLineId } from '../../../src/adapters/files/talents.js';

const parsedId = (line: string): unknown => {
  try {
    return (JSON.parse(line) as { id?: unknown } | null)?.id;
  } catch {
    return undefined;
  }
};

describe('quickLineId', () => {
  it('reads the id of a line in the writer\'s layout, and declines whatever it cannot be sure of', () => {
    expect(quickLineId('{"id":"t-00000001","name":"A team","description":"x"}')).toBe('t-00000001');
    expect(quickLineId('{"id":"人才-二","name":"é"}')).toBe('人才-二');
    expect(quickLineId('{"id":"","name":"n"}')).toBe('');
    // a second id key: JSON.parse keeps the last
    expect(parsedId('{"id":"a","name":"n","id":"b"}')).toBe('b');
    expect(quickLineId('{"id":"a","name":"n","id":"b"}')).toBeUndefined();
    // a key spelled with an escape, an escaped id, another layout, a nested id, not JSON
    expect(parsedId('{"id":"a","\\u0069d":"b"}')).toBe('b');
    expect(quickLineId('{"id":"a","\\u0069d":"b"}')).toBeUndefined();
    expect(quickLineId('{"id":"a\\"b","name":"n"}')).toBeUndefined();
    expect(quickLineId('{"id":"a\\\\","name":"n"}')).toBeUndefined();
    expect(quickLineId('{ "id":"a"}')).toBeUndefined();
    expect(quickLineId('{"name":"n","id":"a"}')).toBeUndefined();
    expect(quickLineId('{"id":"a","needs":{"id":"b"}}')).toBeUndefined();
    expect(quickLineId('{"id":12}')).toBeUndefined();
    expect(quickLineId('{"id":"unterminated')).toBeUndefined();
  });

  it('never disagrees with JSON.parse on a line that parses (fast-check, hostile ids and keys)', () => {
    const text = fc.oneof(fc.string(), fc.constantFrom('id', '"id"', '\\u0069d', 'a"b', '\\', '\\u0022', 'é', '\u2028', '人'));
    const value = fc.oneof(text, fc.integer(), fc.constant(null), fc.dictionary(text, text, { maxKeys: 2 }));
    fc.assert(
      fc.property(text, fc.array(fc.tuple(text, value), { maxLength: 4 }), fc.boolean(), (id, rest, raw) => {
        // lines as JSON.stringify writes them, and raw ones with keys and values spliced in as text
        const parts = rest.map(([k, v]) => (raw ? `"${k}":${typeof v === 'string' ? `"${v}"` : JSON.stringify(v)}` : `${JSON.stringify(k)}:${JSON.stringify(v)}`));
        const line = `{"id":${raw ? `"${id}"` : JSON.stringify(id)}${parts.map((p) => `,${p}`).join('')}}`;
        const q = quickLineId(line);
        let parses = true;
        try {
          JSON.parse(line);
        } catch {
          parses = false; // then findTalents drops it either way: a wanted id's line is parsed in full
        }
        if (q !== undefined && parses) expect(q).toBe(parsedId(line));
      }),
      { numRuns: 3000 },
    );
  });

  it('findTalents finds the same talents with the pre-check as JSON.parse would: the last of duplicate keys, escaped ids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tm-lineid-'));
    const path = join(dir, 'talents.jsonl');
    const t = (id: string) => ({ id, name: `team ${id}`, description: 'A team that builds things.' });
    const lines = [
      JSON.stringify(t('t-1')),
      '{"id":"t-decoy","name":"team","description":"A team that builds things.","id":"t-2"}',
      JSON.stringify(t('t-"3"')),
      '{"id":"t-4","name":"team","description":"A team that builds things.","\\u0069d":"t-5"}',
      JSON.stringify(t('t-6')),
    ];
    writeFileSync(path, `${lines.join('\n')}\n`);
    const found = await findTalents(path, (id) => id !== 't-6', 1 << 20);
    expect([...found.keys()].sort()).toEqual(['t-"3"', 't-1', 't-2', 't-5']);
    for (const [id, talent] of found) expect(talent.id).toBe(id);
  });
});
