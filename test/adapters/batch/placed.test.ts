/**
 * The placed talents' explanations (adapters/batch/placed.ts) read each placed line back by
 * the byte range the stream recorded (TalentLines) and validate + vectorize it with the pool's
 * lineRange task. Oracle: the path before it — the whole file read again for the wanted ids
 * (`findTalents` below: every line parsed, the first valid record of each wanted id), the
 * talents vectorized in id order on one thread, each pair
 * explained — on a file with a byte-order mark, CRLF and LF lines, blank and invalid lines,
 * ids in Chinese, with an emoji and accented, and a last line without a newline.
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
import { TalentLines, explainRuns, mayExplainOnThreads, vectorizeLines } from '../../../src/adapters/batch/placed.js';
import type { PlacedOn } from '../../../src/adapters/batch/placed.js';
import type { PlatformSide } from '../../../src/engine/platformSide.js';
import { batchPlatformSide, talentFeatures } from '../../../src/engine/platformSide.js';
import { explainPair } from '../../../src/scoring/explain.js';
import type { PairExplanation } from '../../../src/scoring/explain.js';
import { TalentStreamRules } from '../../../src/domain/validate.js';
import { lineRangeTask } from '../../../src/workers/lines.js';
import type { LineRangeTask } from '../../../src/workers/lines.js';
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
 * wanted: talent id -> the platforms whose pairs with it to explain; talent id -> those
 * explanations in the same order: every talent read back and vectorized once (vectorizeLines),
 * then explained (explainRuns), as the batch does in one pass.
 */
async function explainPairs(side: PlatformSide, path: string, wanted: ReadonlyMap<string, readonly number[]>, maxLineBytes: number, lines: TalentLines, on?: PlacedOn): Promise<Map<string, PairExplanation[]>> {
  return explainRuns(side, path, await vectorizeLines(side, path, [...wanted.keys()], maxLineBytes, lines, on), wanted);
}

/** One pair a talent (the placed pairs' case): explainPairs with one platform each, its one explanation out. */
async function explainPlaced(side: PlatformSide, path: string, wanted: ReadonlyMap<string, number>, maxLineBytes: number, lines: TalentLines, on?: PlacedOn): Promise<Map<string, PairExplanation>> {
  const got = await explainPairs(side, path, new Map([...wanted].map(([id, p]) => [id, [p]])), maxLineBytes, lines, on);
  return new Map([...got].map(([id, e]) => [id, e[0]]));
}

describe('placed talents read back by their byte ranges', () => {
  it('explains every wanted pair exactly as reading the whole file again did (in process, and in parts as on the pool)', async () => {
    const { side, path, recorded, ids, renamed } = await setup();
    expect(ids.length).toBe(400);
    for (const id of renamed) expect(ids).toContain(id);
    const M = side.platforms.count;
    const every = new Map(ids.map((id, i) => [id, (i * 7) % M]));
    // the first line (its BOM, which the record parser trims), the renamed ones, the last line (no newline), and a few others: under the parallel minimum
    const some = new Map([ids[0], ...renamed, ids[ids.length - 1], ids[17], ids[200]].map((id, i) => [id, (i * 5) % M]));
    const tokens = new TokenCache(new Tokenizer(), 10_000);
    const tasks: LineRangeTask[] = [];
    const on = {
      lines: async (task: LineRangeTask) => {
        tasks.push(task);
        return lineRangeTask(side, task, (t) => tokens.tokens(t));
      },
      parts: 3,
    };
    for (const wanted of [every, some]) {
      const want = await oracle(side, path, wanted);
      expect(want.size).toBe(wanted.size);
      expect(await explainPlaced(side, path, wanted, DEFAULT_MAX_LINE_BYTES, recorded)).toEqual(want);
      tasks.length = 0;
      expect(await explainPlaced(side, path, wanted, DEFAULT_MAX_LINE_BYTES, recorded, on)).toEqual(want);
      // 400 placed talents go out in 3 parts; the few stay on this thread
      expect(tasks.map((t) => t.lines)).toEqual(wanted === every ? [134, 134, 132] : []);
    }
  });

  it('explains several pairs of one talent in the order asked, each as the one-pair oracle does (a talent placed and listed by platforms)', async () => {
    const { side, path, recorded, ids } = await setup();
    const M = side.platforms.count;
    // talents with 1, 2 and 3 pairs: the placed one first, then the platforms whose lines list it
    const pairs = new Map(ids.slice(0, 120).map((id, i) => [id, Array.from({ length: 1 + (i % 3) }, (_, k) => (i * 7 + k * 5) % M)]));
    const wanted = Array.from({ length: 3 }, (_, k) => new Map([...pairs].filter(([, ps]) => ps.length > k).map(([id, ps]) => [id, ps[k]])));
    const want = await Promise.all(wanted.map((w) => oracle(side, path, w)));
    const tokens = new TokenCache(new Tokenizer(), 10_000);
    const on = { lines: async (task: LineRangeTask) => lineRangeTask(side, task, (t) => tokens.tokens(t)), parts: 2 };
    for (const got of [await explainPairs(side, path, pairs, DEFAULT_MAX_LINE_BYTES, recorded), await explainPairs(side, path, pairs, DEFAULT_MAX_LINE_BYTES, recorded, on)]) {
      expect(got.size).toBe(pairs.size);
      for (const [id, ps] of pairs) expect(got.get(id)).toEqual(ps.map((_, k) => want[k].get(id)));
    }
    // the pairs differ: not one explanation repeated
    const three = [...pairs].find(([, ps]) => ps.length === 3)!;
    expect(new Set(three[1]).size).toBe(3);
  });

  it('with `here`, this thread vectorizes the last run while the threads do the others: the same explanations', async () => {
    const { side, path, recorded, ids } = await setup();
    const M = side.platforms.count;
    const wanted = new Map(ids.map((id, i) => [id, (i * 11) % M]));
    const want = await oracle(side, path, wanted);
    const tokens = new TokenCache(new Tokenizer(), 10_000);
    for (const parts of [1, 2]) {
      const tasks: LineRangeTask[] = [];
      const on = {
        lines: async (task: LineRangeTask) => {
          tasks.push(task);
          return lineRangeTask(side, task, (t) => tokens.tokens(t));
        },
        parts,
        here: true,
      };
      expect(await explainPlaced(side, path, wanted, DEFAULT_MAX_LINE_BYTES, recorded, on)).toEqual(want);
      // 400 talents in parts + 1 runs: the threads get the first `parts`, the last (0.6 of a thread's: 150 of 400 beside one thread, 92 beside two) stays here
      expect(tasks.map((t) => t.lines)).toEqual(parts === 1 ? [250] : [154, 154]);
    }
  });

  it('the platform lines\' talents vectorized first, all on the threads (`away`, while this thread assigns), then the rest: the same explanations as one pass over both', async () => {
    const { side, path, recorded, ids } = await setup();
    const M = side.platforms.count;
    // talents both "listed" and "placed" (ids 100..299): their placed pair is explained from the features vectorized before
    const pairs = new Map(ids.map((id, i) => [id, i < 300 ? [(i * 7) % M, (i * 3 + 1) % M] : [(i * 5) % M]]));
    const want = await explainPairs(side, path, pairs, DEFAULT_MAX_LINE_BYTES, recorded);
    // the one-pair oracle (the whole file read again) agrees with the one pass
    const firsts = await oracle(side, path, new Map([...pairs].map(([id, ps]) => [id, ps[0]])));
    for (const [id, e] of firsts) expect(want.get(id)![0]).toEqual(e);
    const tokens = new TokenCache(new Tokenizer(), 10_000);
    const tasks: { lines: number; when: string }[] = [];
    let phase = 'before';
    const on = {
      lines: async (task: LineRangeTask) => {
        tasks.push({ lines: task.lines, when: phase });
        return lineRangeTask(side, task, (t) => tokens.tokens(t));
      },
      parts: 1,
      here: true,
    };
    const listed = ids.slice(0, 300);
    // listed in an order of their own (a platform line's): read back in file order all the same
    const before = vectorizeLines(side, path, [...listed].reverse(), DEFAULT_MAX_LINE_BYTES, recorded, on, true);
    expect(tasks).toEqual([{ lines: 300, when: 'before' }]); // posted at once, none vectorized here
    phase = 'after';
    const after = vectorizeLines(side, path, ids.slice(300), DEFAULT_MAX_LINE_BYTES, recorded, on);
    const runs = (await Promise.all([before, after])).flat();
    // the 100 left are under the parallel minimum: vectorized here
    expect(runs.map((r) => r.ids.length)).toEqual([300, 100]);
    expect(tasks).toEqual([{ lines: 300, when: 'before' }]);
    const got = explainRuns(side, path, runs, pairs);
    expect(got.size).toBe(pairs.size);
    for (const [id, e] of want) expect(got.get(id)).toEqual(e);
    // under the parallel minimum `away` vectorizes here: nothing posted
    tasks.length = 0;
    const few = await vectorizeLines(side, path, ids.slice(0, 255), DEFAULT_MAX_LINE_BYTES, recorded, on, true);
    expect(tasks).toEqual([]);
    expect(few.map((r) => r.ids.length)).toEqual([255]);
    // no talents: no task, no read
    expect(await vectorizeLines(side, path, [], DEFAULT_MAX_LINE_BYTES, recorded, on, true)).toEqual([]);
    expect(tasks).toEqual([]);
  });

  it('with `here`, this thread starts its own run only after a turn of the event loop: a pool hands a posted run to a thread once this thread has taken the thread\'s answers (port messages)', async () => {
    const { side, path, recorded, ids } = await setup();
    const order: string[] = [];
    const original = TokenCache.prototype.source;
    const source = vi.spyOn(TokenCache.prototype, 'source').mockImplementation(function (this: TokenCache) {
      order.push('here');
      return original.call(this);
    });
    const tokens = new TokenCache(new Tokenizer(), 10_000);
    const { port1, port2 } = new MessageChannel();
    port1.on('message', () => order.push('message'));
    try {
      const on = {
        // as a pool's thread would: its answer to an earlier run waits in a port until this thread reads it
        lines: async (task: LineRangeTask) => {
          order.push('posted');
          port2.postMessage('done');
          return lineRangeTask(side, task, (t) => tokens.tokens(t));
        },
        parts: 1,
        here: true,
      };
      const runs = await vectorizeLines(side, path, ids, DEFAULT_MAX_LINE_BYTES, recorded, on);
      expect(runs.map((r) => r.ids.length)).toEqual([250, 150]);
      expect(order).toEqual(['posted', 'message', 'here']);
    } finally {
      source.mockRestore();
      port1.close();
    }
  });

  it('this thread vectorizes through a token source that names its tokenizer (the builders\' term cache), never hashing each text', async () => {
    const { side, path, recorded, ids } = await setup();
    const wanted = new Map(ids.slice(0, 300).map((id, i) => [id, i % side.platforms.count]));
    const want = await oracle(side, path, wanted);
    const perText = vi.spyOn(TokenCache.prototype, 'tokens');
    try {
      // in process (no pool), and this thread's run beside a thread's
      expect(await explainPlaced(side, path, wanted, DEFAULT_MAX_LINE_BYTES, recorded)).toEqual(want);
      const other = new TokenCache(new Tokenizer(), 10_000).source();
      expect(await explainPlaced(side, path, wanted, DEFAULT_MAX_LINE_BYTES, recorded, { lines: async (task) => lineRangeTask(side, task, other), parts: 1, here: true })).toEqual(want);
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
  it('only with 2+ runs (the threads\' parts, and this thread\'s with `here`) and at least the parallel minimum of streamed talents (256): never more are placed', () => {
    expect(mayExplainOnThreads(256, { parts: 2 })).toBe(true);
    expect(mayExplainOnThreads(255, { parts: 2 })).toBe(false);
    expect(mayExplainOnThreads(10_000, { parts: 1 })).toBe(false);
    expect(mayExplainOnThreads(10_000, undefined)).toBe(false);
    // one thread and this one (a released pool's successor at --threads 2)
    expect(mayExplainOnThreads(256, { parts: 1, here: true })).toBe(true);
    expect(mayExplainOnThreads(255, { parts: 1, here: true })).toBe(false);
    expect(mayExplainOnThreads(10_000, { parts: 0, here: true })).toBe(false);
    expect(mayExplainOnThreads(10_000, { parts: 1, here: false })).toBe(false);
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
});
