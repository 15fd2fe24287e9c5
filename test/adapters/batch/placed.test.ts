/**
 * The listed and placed talents' explanations (adapters/batch/placed.ts) read each wanted
 * line back by the byte range the stream recorded (TalentLines) and validate, vectorize and
 * explain it with the pool's explainLines task (workers/explainLines.ts). Oracle: the path
 * before it — the whole file read again for the wanted ids (`findTalents` below: every line
 * parsed, the first valid record of each wanted id), the talents vectorized in id order on
 * one thread, each pair explained — on a file with a byte-order mark, CRLF and LF lines,
 * blank and invalid lines, ids in Chinese, with an emoji and accented, and a last line
 * without a newline.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { loadDataset } from '../../../src/adapters/files/dataset.js';
import { streamTalents } from '../../../src/adapters/files/talents.js';
import { readLines } from '../../../src/adapters/files/lines.js';
import { parseRecordLine } from '../../../src/adapters/files/read.js';
import { TalentSchema } from '../../../src/domain/schemas.js';
import type { Talent } from '../../../src/domain/schemas.js';
import { TalentLines, listedItems, loopTurn, mayExplainOnThreads, placedExplanations, vectorizeLines } from '../../../src/adapters/batch/placed.js';
import type { PlacedOn } from '../../../src/adapters/batch/placed.js';
import type { PlatformSide } from '../../../src/engine/platformSide.js';
import { batchPlatformSide, talentFeatures } from '../../../src/engine/platformSide.js';
import { explainPair } from '../../../src/scoring/explain.js';
import type { PairExplanation } from '../../../src/scoring/explain.js';
import { TalentStreamRules } from '../../../src/domain/validate.js';
import { explainLinesTask } from '../../../src/workers/explainLines.js';
import type { ExplainLinesTask } from '../../../src/workers/explainLines.js';
import { platformItemOf } from '../../../src/engine/format.js';
import { hashUnits } from '../../../src/text/surface.js';
import { TokenCache } from '../../../src/text/cache.js';
import { Tokenizer } from '../../../src/text/tokenize.js';
import { DEFAULT_MAX_LINE_BYTES } from '../../../src/config/limits.js';

const FIX = 'fixtures/jiangdong';

async function setup() {
  const { dataset } = await loadDataset({ data: FIX }, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['talents', 'outcomes'] });
  const { side } = batchPlatformSide({ industries: dataset.industries, platforms: dataset.platforms, policy: dataset.policy, ...(dataset.weights ? { weights: dataset.weights } : {}) });
  const src = readFileSync(join(FIX, 'talents.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '').slice(0, 400);
  const renamed = ['人才-二', 't-😀-emoji', 'équipe-é'];
  const lines = src.map((l, i) => (i >= 10 && i < 10 + renamed.length ? JSON.stringify({ ...JSON.parse(l), id: renamed[i - 10] }) : l));
  // BOM on line 1, CRLF on every third line, a blank and an invalid line, no final newline
  let text = '\ufeff';
  lines.forEach((l, i) => {
    text += l + (i === lines.length - 1 ? '' : i % 3 === 0 ? '\r\n' : '\n');
    if (i === 5) text += '\n{"id":"broken", not json\n';
  });
  const path = join(mkdtempSync(join(tmpdir(), 'tm-placed-')), 'talents.jsonl');
  writeFileSync(path, text);
  // the stream records each accepted talent's line, as the batch does
  const rules = new TalentStreamRules({ industryIds: new Set(dataset.industries.map((x) => x.id)), platformIds: new Set(side.platformIndex.keys()) });
  const recorded = new TalentLines();
  const ids: string[] = [];
  for await (const x of streamTalents(path, { file: path, rules, maxLineBytes: DEFAULT_MAX_LINE_BYTES })) {
    if (x.kind !== 'talent') continue;
    recorded.add(x.talent.id, x.start, x.end);
    ids.push(x.talent.id);
  }
  return { side, path, recorded, ids, renamed };
}

/** The wanted ids' first valid records, the whole file read again and every line parsed (what the batch did before byte ranges). */
async function findTalents(path: string, wanted: (id: string) => boolean, maxLineBytes: number): Promise<Map<string, Talent>> {
  const found = new Map<string, Talent>();
  for await (const ln of readLines(path, undefined, { maxLineBytes })) {
    const r = parseRecordLine(ln, TalentSchema, path, maxLineBytes);
    if (r.kind === 'record' && wanted(r.value.id) && !found.has(r.value.id)) found.set(r.value.id, r.value);
  }
  return found;
}

/** The path before byte ranges: the whole file read again, the wanted talents vectorized in id order here. */
async function oracle(side: Awaited<ReturnType<typeof setup>>['side'], path: string, wanted: ReadonlyMap<string, number>): Promise<Map<string, PairExplanation>> {
  const found = await findTalents(path, (id) => wanted.has(id), DEFAULT_MAX_LINE_BYTES);
  const talents = [...found.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const cache = new TokenCache(new Tokenizer(), 10_000);
  const T = talentFeatures(side, talents, (t) => cache.tokens(t));
  const m = { ctx: side.ctx, talents: T, platforms: side.platforms };
  return new Map(talents.map((t, i) => [t.id, explainPair(m, i, wanted.get(t.id)!)]));
}


/**
 * wanted: talent id -> its placed pair's platform; talent id -> that pair's explanation:
 * every talent read back and vectorized once (vectorizeLines), explained where vectorized
 * (`inTask`: the task's `placed`) or here from the features (placedExplanations).
 */
async function explainPlaced(side: PlatformSide, path: string, wanted: ReadonlyMap<string, number>, maxLineBytes: number, lines: TalentLines, on?: PlacedOn, inTask = true): Promise<Map<string, PairExplanation>> {
  const runs = await vectorizeLines(side, path, [...wanted.keys()], maxLineBytes, lines, on, inTask ? { placed: wanted } : {});
  // explained in the task unless a line no longer holds its talent (placedExplanations names that)
  expect(runs.every((r) => r.result.links.ids.length !== r.ids.length || r.result.bad.length > 0 || (r.result.explained !== undefined) === inTask)).toBe(true);
  return placedExplanations(side, path, runs, wanted);
}

/** A pool's explainLines task run here (what a thread runs), each task noted. */
function fakeThreads(side: PlatformSide, parts: number, seen: ExplainLinesTask[] = []): PlacedOn {
  const tokens = new TokenCache(new Tokenizer(), 10_000);
  return {
    lines: async (task) => {
      seen.push(task);
      return explainLinesTask(side, task, (t) => tokens.tokens(t));
    },
    parts,
  };
}

describe('placed talents read back by their byte ranges', () => {
  it('explains every wanted pair exactly as reading the whole file again did (in process, and in parts as on the pool; in the task, and here from the features)', async () => {
    const { side, path, recorded, ids, renamed } = await setup();
    expect(ids.length).toBe(400);
    for (const id of renamed) expect(ids).toContain(id);
    const M = side.platforms.count;
    const every = new Map(ids.map((id, i) => [id, (i * 7) % M]));
    // the first line (its BOM, which the record parser trims), the renamed ones, the last line (no newline), and a few others: under the parallel minimum
    const some = new Map([ids[0], ...renamed, ids[ids.length - 1], ids[17], ids[200]].map((id, i) => [id, (i * 5) % M]));
    for (const wanted of [every, some]) {
      const want = await oracle(side, path, wanted);
      expect(want.size).toBe(wanted.size);
      for (const inTask of [true, false]) {
        expect(await explainPlaced(side, path, wanted, DEFAULT_MAX_LINE_BYTES, recorded, undefined, inTask)).toEqual(want);
        const tasks: ExplainLinesTask[] = [];
        expect(await explainPlaced(side, path, wanted, DEFAULT_MAX_LINE_BYTES, recorded, fakeThreads(side, 3, tasks), inTask)).toEqual(want);
        // 400 placed talents go out in 3 parts; the few stay on this thread
        expect(tasks.map((t) => t.lines)).toEqual(wanted === every ? [134, 134, 132] : []);
      }
    }
  });

  it("makes each listed pair's platform-line item where its talent is vectorized: the item JSON and score of the one-pair oracle, in each talent's order of platforms", async () => {
    const { side, path, recorded, ids } = await setup();
    const M = side.platforms.count;
    // talents listed by 1, 2 and 3 platforms (ascending, as the batch gathers them), and one listed by none
    const listed = new Map(ids.slice(0, 300).map((id, i) => [id, [...new Set(Array.from({ length: 1 + (i % 3) }, (_, k) => (i * 7 + k * 5) % M))].sort((a, b) => a - b)]));
    listed.set(ids[300], []);
    const nths = [0, 1, 2].map((k) => new Map([...listed].filter(([, ps]) => ps.length > k).map(([id, ps]) => [id, ps[k]])));
    const want = await Promise.all(nths.map((w) => oracle(side, path, w)));
    for (const on of [undefined, fakeThreads(side, 2)]) {
      const runs = await vectorizeLines(side, path, [...listed.keys()], DEFAULT_MAX_LINE_BYTES, recorded, on, { listed });
      expect(runs.length).toBe(on ? 2 : 1);
      const item = listedItems(runs);
      for (const [id, ps] of listed) {
        ps.forEach((_, k) => {
          const e = want[k].get(id)!;
          expect(item(id, k)).toEqual({ json: JSON.stringify(platformItemOf(id, e)), score: e.score });
        });
        // past a talent's pairs, or a talent of no run: an internal error, never another talent's item
        expect(() => item(id, ps.length)).toThrow(/no item made for its listed pair/);
      }
      expect(() => item(ids[350], 0)).toThrow(/no item made/);
    }
    // the pairs differ: not one item repeated
    const three = [...listed].find(([, ps]) => ps.length === 3)!;
    const item = listedItems(await vectorizeLines(side, path, [three[0]], DEFAULT_MAX_LINE_BYTES, recorded, undefined, { listed }));
    expect(new Set([0, 1, 2].map((k) => item(three[0], k).json)).size).toBe(3);
  });

  it('splits the talents into `parts` runs, every run posted to the threads before the call returns: the same explanations', async () => {
    const { side, path, recorded, ids } = await setup();
    const M = side.platforms.count;
    const wanted = new Map(ids.map((id, i) => [id, (i * 11) % M]));
    const want = await oracle(side, path, wanted);
    for (const parts of [1, 2]) {
      const tasks: ExplainLinesTask[] = [];
      const runs = vectorizeLines(side, path, ids, DEFAULT_MAX_LINE_BYTES, recorded, fakeThreads(side, parts, tasks), { placed: wanted });
      expect(tasks.map((t) => t.lines)).toEqual(parts === 1 ? [400] : [200, 200]);
      expect(placedExplanations(side, path, await runs, wanted)).toEqual(want);
    }
    // no talents: no task
    const tasks: ExplainLinesTask[] = [];
    expect(await vectorizeLines(side, path, [], DEFAULT_MAX_LINE_BYTES, recorded, fakeThreads(side, 2, tasks))).toEqual([]);
    expect(tasks).toEqual([]);
  });

  it("the platform lines' talents vectorized first (while this thread assigns), then the other placed ones: each placed pair explained from the first runs' features or in its own run, as the oracle does", async () => {
    const { side, path, recorded, ids } = await setup();
    const M = side.platforms.count;
    const placed = new Map(ids.map((id, i) => [id, (i * 5) % M]));
    const want = await oracle(side, path, placed);
    const tasks: { lines: number; placed: boolean; listed: boolean }[] = [];
    const tokens = new TokenCache(new Tokenizer(), 10_000);
    const on: PlacedOn = {
      lines: async (task) => {
        tasks.push({ lines: task.lines, placed: task.placed !== undefined, listed: task.listed !== undefined });
        return explainLinesTask(side, task, (t) => tokens.tokens(t));
      },
      parts: 1,
    };
    // listed in an order of their own (a platform line's): read back in file order all the same
    const listed = new Map(ids.slice(0, 300).map((id, i) => [id, [(i * 3 + 1) % M]]));
    const before = vectorizeLines(side, path, [...listed.keys()].reverse(), DEFAULT_MAX_LINE_BYTES, recorded, on, { listed });
    expect(tasks).toEqual([{ lines: 300, placed: false, listed: true }]); // posted at once, none vectorized here
    const early = await before;
    expect(early.map((r) => r.ids)).toEqual([ids.slice(0, 300)]);
    // the 100 left are under the parallel minimum: vectorized and explained here
    const after = await vectorizeLines(side, path, ids.slice(300), DEFAULT_MAX_LINE_BYTES, recorded, on, { placed });
    expect(tasks.length).toBe(1);
    expect(after.map((r) => [r.ids.length, r.result.explained?.length])).toEqual([[100, 100]]);
    const got = new Map([...placedExplanations(side, path, early, placed), ...placedExplanations(side, path, after, placed)]);
    expect(got).toEqual(want);
    // the first runs' talents not placed are left out
    expect(placedExplanations(side, path, early, new Map([[ids[5], 0]]))).toEqual(new Map([[ids[5], (await oracle(side, path, new Map([[ids[5], 0]]))).get(ids[5])]]));
  });

  it("loopTurn resolves after a whole turn of the event loop: a thread's answer waiting in a port (what a pool needs taken before it hands the thread a posted run) is taken first", async () => {
    const order: string[] = [];
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (m) => order.push(String(m)));
    try {
      // the answer is there before the turn starts (as a thread's, sent while this thread assigned)
      port2.postMessage('answer');
      await Promise.resolve();
      order.push('microtask'); // a microtask is no turn: the port's message is not taken yet
      await loopTurn();
      order.push('turned');
      expect(order).toEqual(['microtask', 'answer', 'turned']);
    } finally {
      port1.close();
    }
  });

  it('this thread vectorizes through a token source that names its tokenizer (the builders\' term cache), never hashing each text', async () => {
    const { side, path, recorded, ids } = await setup();
    const wanted = new Map(ids.slice(0, 300).map((id, i) => [id, i % side.platforms.count]));
    const want = await oracle(side, path, wanted);
    const perText = vi.spyOn(TokenCache.prototype, 'tokens');
    try {
      expect(await explainPlaced(side, path, wanted, DEFAULT_MAX_LINE_BYTES, recorded)).toEqual(want);
      expect(perText).not.toHaveBeenCalled();
    } finally {
      perText.mockRestore();
    }
  });

  it('a placed talent the stream never recorded is an internal error, not a silent gap', async () => {
    const { side, path, recorded, ids } = await setup();
    await expect(explainPlaced(side, path, new Map([[ids[1], 0], ['nobody', 0]]), DEFAULT_MAX_LINE_BYTES, recorded)).rejects.toThrow(/"nobody" is to be explained but the stream recorded no line/);
  });

  it('a line that no longer holds its talent (the file changed) is E_IO', async () => {
    const { side, path, recorded, ids } = await setup();
    writeFileSync(path, readFileSync(path, 'utf8').replace(ids[3], ids[3].slice(0, -1) + 'X'));
    await expect(explainPlaced(side, path, new Map([[ids[3], 0]]), DEFAULT_MAX_LINE_BYTES, recorded)).rejects.toMatchObject({ code: 'E_IO' });
  });

  it('a talents file cut short since the stream read it is E_IO, not a silent gap', async () => {
    const { side, path, recorded, ids } = await setup();
    const text = readFileSync(path);
    writeFileSync(path, text.subarray(0, text.length - 40));
    // the last line is now shorter than its recorded range
    await expect(explainPlaced(side, path, new Map([[ids[ids.length - 1], 0]]), DEFAULT_MAX_LINE_BYTES, recorded)).rejects.toThrow(/shorter than when the batch read it/);
  });

  it('a placed line that became invalid or blank (same length) is E_IO', async () => {
    // the same number of bytes, so the recorded range still covers exactly the line
    for (const make of [(l: string) => '{' + ' '.repeat(Buffer.byteLength(l) - 1), (l: string) => ' '.repeat(Buffer.byteLength(l))]) {
      const { side, path, recorded, ids } = await setup();
      const text = readFileSync(path, 'utf8');
      const line = text.split(/\r?\n/).find((l) => {
        try {
          return (JSON.parse(l) as { id?: string }).id === ids[20];
        } catch {
          return false;
        }
      })!;
      writeFileSync(path, text.replace(line, make(line)));
      await expect(explainPlaced(side, path, new Map([[ids[20], 0]]), DEFAULT_MAX_LINE_BYTES, recorded)).rejects.toThrow(/no longer holds it/);
    }
  });
});

describe('mayExplainOnThreads (whether the threads are started while the assignment runs)', () => {
  it('with a thread or more and at least the parallel minimum of streamed talents (256): never more are placed or listed', () => {
    expect(mayExplainOnThreads(256, { parts: 2 })).toBe(true);
    expect(mayExplainOnThreads(255, { parts: 2 })).toBe(false);
    // one thread (a released pool's successor at --threads 2): this thread has its own work meanwhile
    expect(mayExplainOnThreads(256, { parts: 1 })).toBe(true);
    expect(mayExplainOnThreads(255, { parts: 1 })).toBe(false);
    expect(mayExplainOnThreads(10_000, { parts: 0 })).toBe(false);
    expect(mayExplainOnThreads(10_000, undefined)).toBe(false);
  });
});

describe('TalentLines', () => {
  it('finds the first line recorded for each wanted id, in file order, past its first capacities', () => {
    const l = new TalentLines();
    const n = 5000; // > 1,024 offsets; ids of ~40 bytes: > 64 KB of id bytes
    for (let i = 0; i < n; i++) l.add(`talent-${String(i).padStart(6, '0')}-${'é'.repeat(i % 7)}-名字`, i * 100, i * 100 + 99);
    l.add('talent-000007--名字', 1e12, 1e12 + 5); // a later duplicate: not found
    l.add('', 7e9, 7e9 + 3);
    expect(l.size).toBe(n + 2);
    const id = (i: number) => `talent-${String(i).padStart(6, '0')}-${'é'.repeat(i % 7)}-名字`;
    const got = l.find([id(4999), id(7), '', 'absent', id(0), id(2048)]);
    expect(got).toEqual({ ids: [id(0), id(7), id(2048), id(4999), ''], start: [0, 700, 204800, 499900, 7e9], end: [99, 799, 204899, 499999, 7e9 + 3] });
    // an id that is a prefix of another is a different id
    expect(l.find(['talent-000007']).ids).toEqual([]);
  });

  it('tells apart ids whose hashes collide (compared by their bytes), and finds an id asked twice once', () => {
    // two pairs of ids with equal FNV-1a hashes of their UTF-16 units (text/surface.ts hashUnits)
    const [a, b] = ['talent-21948-名', 'talent-449296-名'];
    const [c, d] = ['talent-21949-名', 'talent-449297-名'];
    expect(hashUnits(a)).toBe(hashUnits(b));
    expect(hashUnits(c)).toBe(hashUnits(d));
    const l = new TalentLines();
    l.add(a, 0, 10);
    l.add(c, 10, 20);
    l.add(b, 20, 30);
    l.add(a, 30, 40); // a later line of the same id: not its line
    expect(l.find([b, a, b])).toEqual({ ids: [a, b], start: [0, 20], end: [10, 30] });
    expect(l.find([b])).toEqual({ ids: [b], start: [20], end: [30] });
    // d shares c's hash but was never recorded
    expect(l.find([d, c])).toEqual({ ids: [c], start: [10], end: [20] });
    expect(l.find([d]).ids).toEqual([]);
  });
});
