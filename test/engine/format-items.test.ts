/**
 * engine/format.ts writes a line's items with one reserve for the line (twelfth pass): the
 * room it takes must bound every item whatever its ids (a head's JSON escapes: up to 6 bytes
 * per UTF-16 unit) and its numbers, from a writer that starts with no room at all. The
 * oracle is JSON.stringify of the records.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { platformLinesBytes, recommendationRecords, talentLinesBytes, talentRecord, talentRecordInto, talentRecordJson } from '../../src/engine/format.js';
import { JsonBytes } from '../../src/engine/jsonBytes.js';
import { createExplainBuffer } from '../../src/scoring/explain.js';
import { dataset, platform, talent } from '../helpers.js';

// ids whose JSON is six times their length (control characters), and plain long ones
const esc = (c: string, n: number) => c.repeat(n);
const platformIds = [esc('\u0001', 200), esc('\u001f', 60) + 'p', 'p-' + 'x'.repeat(190), 'p"' + esc('\\', 50), 'p-1', '平台😀'];
const talentIds = [esc('\u0002', 200), 't-' + 'y'.repeat(190), 't"\\', 't-1'];
const e = createEngine(dataset(platformIds.map((id) => platform(id, { description: 'fintech payment platform' })), talentIds.map((id) => talent(id, { description: 'fintech payment team' }))));
const m = e.model;
const k = platformIds.length;
const rec = e.recommend({ k, kPlatform: talentIds.length });

describe('the line reserve', () => {
  it('covers every item of a line, written from a writer with no room, at any offset (long and escaped ids)', () => {
    const buf = createExplainBuffer();
    let listed = 0;
    for (let ti = 0; ti < m.talents.count; ti++) {
      const ids = rec.talent.ids.subarray(ti * rec.talent.k);
      const count = rec.talent.sizes[ti];
      listed += count;
      const want = JSON.stringify(talentRecord(m, ti, ids, count));
      expect(talentRecordJson(m, ti, ids, count, buf)).toBe(want);
      for (const [size, before] of [
        [1, 0],
        [1, 1],
        [64, 63],
        [1000, 999],
      ]) {
        const w = new JsonBytes(size);
        for (let i = 0; i < before; i++) w.byte(0x20);
        talentRecordInto(w, m, ti, ids, count, buf);
        expect(new TextDecoder().decode(w.take().subarray(before))).toBe(want);
      }
    }
    expect(listed).toBeGreaterThan(10); // lines with several items each
  });

  it('the byte-written talent and platform lines equal JSON.stringify of the records', () => {
    const want = [...recommendationRecords(e, rec)].map((r) => JSON.stringify(r) + '\n').join('');
    const bytes = Buffer.concat([talentLinesBytes(m, 0, m.talents.ids, rec.talent), platformLinesBytes(m, rec, 0, m.platforms.count)]);
    expect(bytes.toString('utf8')).toBe(want);
    expect(want).toContain(JSON.stringify(platformIds[0]));
  });
});
