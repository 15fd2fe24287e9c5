/**
 * `recommend` on worker threads reads the talents file there: the main thread cuts it into
 * ranges of raw lines, the workers validate (the contract's one rule) and vectorize them,
 * and the main thread merges the problems in file order and runs the cross-record rules on
 * the talents' links (adapters/cli/load.ts loadOnWorkers). Oracles: the in-process engine's
 * own features (array for array), and the exit code, stderr and output bytes of
 * `--threads 1` (the main thread's reader), for bad lines in several ranges, a range
 * boundary exactly at a bad line, duplicates across ranges, --skip-invalid and the cap.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../adapters/cli/run.js';
import { loadOnWorkers } from '../../src/adapters/cli/load.js';
import { readLineRanges, readLines } from '../../src/adapters/files/lines.js';
import { lineText } from '../../src/domain/lines.js';
import { fixtureFiles } from '../../src/synth/files.js';
import { createEngine } from '../../src/engine/engine.js';
import { load } from '../../src/adapters/cli/load.js';
import type { TalentFeatures } from '../../src/features/build.js';
import { defaultWorkerOptions } from '../../src/config/workers.js';
import { ISSUE_CAP, LIMIT_ENV } from '../../src/config/limits.js';

const files = fixtureFiles({ seed: 9, talents: 120, platforms: 20, words: [15, 40], curated: false });
const talentLines = files['talents.jsonl'].trimEnd().split('\n');
const platformId = (JSON.parse(files['platforms.jsonl'].split('\n')[0]) as { id: string }).id;
const rangeSize = defaultWorkerOptions.rangeSize;
afterEach(() => {
  defaultWorkerOptions.rangeSize = rangeSize;
  delete process.env[LIMIT_ENV.maxLineBytes];
});

/** A data folder: the fixture with its talents file replaced by `lines` (`raw`: the file's exact text). */
function folder(lines: string[], raw?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tm-wread-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), name === 'talents.jsonl' ? (raw ?? lines.join('\n') + '\n') : text);
  return dir;
}

/** recommend's exit code, stderr and output file on `threads` threads. */
async function recommend(dir: string, threads: number, extra: string[] = []): Promise<{ code: number; err: string; bytes: string }> {
  const out = join(mkdtempSync(join(tmpdir(), 'tm-wread-out-')), 'r.jsonl');
  const r = await run(['recommend', '--data', dir, '--top', '3', '--top-platform', '4', '--threads', String(threads), '--out', out, ...extra]);
  let bytes = '';
  try {
    bytes = readFileSync(out, 'utf8');
  } catch {
    // no output on failure
  }
  return { code: r.code, err: r.err.replaceAll(out, 'OUT'), bytes };
}

/** The one-thread result, and the same from each [threads, lines per range] of `runs`. */
async function sameOnThreads(dir: string, runs: [number, number][], extra: string[] = []): Promise<{ code: number; err: string; bytes: string }> {
  const one = await recommend(dir, 1, extra);
  for (const [threads, size] of runs) {
    defaultWorkerOptions.rangeSize = size;
    expect(await recommend(dir, threads, extra), `${threads} threads, ranges of ${size}`).toEqual(one);
  }
  defaultWorkerOptions.rangeSize = rangeSize;
  return one;
}

function same(a: TalentFeatures, b: TalentFeatures): void {
  expect(a.count).toBe(b.count);
  expect([...a.ids]).toEqual([...b.ids]);
  for (const key of ['desc', 'profile', 'concept'] as const) {
    expect(a[key].cols, key).toBe(b[key].cols);
    for (const f of ['indptr', 'indices', 'values'] as const) expect(Array.from(a[key][f]), `${key}.${f}`).toEqual(Array.from(b[key][f]));
  }
  for (const key of ['industry', 'needMask', 'seats', 'capital', 'stage', 'level', 'exclIndptr', 'exclIdx', 'zh'] as const) expect(Array.from(a[key]), key).toEqual(Array.from(b[key]));
}

const quiet = { out: () => undefined, err: () => undefined };

/** The features loadOnWorkers builds against those of the in-process engine over the usual load. */
async function featuresMatch(dir: string, size: number, skipInvalid = false): Promise<void> {
  const w = await loadOnWorkers({ data: dir, skipInvalid }, quiet, 2, {}, size);
  if (!('model' in w)) throw new Error('the workers did not read the talents');
  try {
    const oracle = createEngine((await load({ data: dir, skipInvalid }, true, quiet)).dataset, { trusted: true }).model.talents;
    same(w.model.talents, oracle);
  } finally {
    await w.pool.destroy();
  }
}

describe('the talents file cut into ranges of raw lines (readLineRanges)', () => {
  it('gives the lines readLines gives: numbers, text, CRLF, a byte-order mark, no final newline, a line over the limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tm-ranges-'));
    const path = join(dir, 't.jsonl');
    const long = 'x'.repeat(300);
    writeFileSync(path, '\ufeff{"a":1}\r\n\n  \n' + long + '\n{"b":"é中"}\r\n' + long + long + '\n{"c":3}');
    const expected: { line: number; text: string; tooLong?: number }[] = [];
    for await (const ln of readLines(path, undefined, { maxLineBytes: 256 })) expected.push({ line: ln.line, text: ln.text, ...(ln.tooLong !== undefined ? { tooLong: ln.tooLong } : {}) });
    expect(expected.length).toBe(7);
    for (const size of [1, 2, 3, 7, 100]) {
      const got: typeof expected = [];
      for await (const r of readLineRanges(path, size, { maxLineBytes: 256 })) {
        expect(r.lines, `size ${size}`).toBeLessThanOrEqual(size);
        const over = new Map<number, number>();
        for (let i = 0; i < r.tooLong.length; i += 2) over.set(r.tooLong[i], r.tooLong[i + 1]);
        let pos = 0;
        for (let i = 0; i < r.lines; i++) {
          const line = r.firstLine + i;
          const nl = r.bytes.indexOf(10, pos);
          const end = nl < 0 ? r.bytes.length : nl;
          const t = over.get(line);
          got.push({ line, text: t !== undefined ? '' : lineText(r.bytes.subarray(pos, end), line === 1), ...(t !== undefined ? { tooLong: t } : {}) });
          pos = end + 1;
        }
        expect(pos, 'every byte of the range belongs to its lines').toBeGreaterThanOrEqual(r.bytes.length);
      }
      expect(got, `ranges of ${size}`).toEqual(expected);
    }
  });
});

describe('readLineRanges counting record lines (the batch\'s chunks of lines)', () => {
  it('ends each range at its size-th record line (blank lines, of any whitespace, are not records; a line over the limit is), with each line\'s offsets as readLines gives them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tm-ranges-'));
    const path = join(dir, 't.jsonl');
    const long = 'x'.repeat(300);
    // blank: empty, spaces and tabs, a CR alone, a no-break space, an ideographic space; records: the rest
    const text = '\ufeff{"a":1}\r\n\n \t \n\r\n' + long + '\n\u00a0\n{"b":"é中"}\r\n\u3000\n{"c":2}\n\n' + long + long + '\n\u00a0x\n{"d":3}\n\n  ';
    writeFileSync(path, text);
    const all: { line: number; start: number; end: number; blank: boolean }[] = [];
    for await (const ln of readLines(path, undefined, { maxLineBytes: 256 })) all.push({ line: ln.line, start: ln.start, end: ln.end, blank: ln.tooLong === undefined && ln.text.trim() === '' });
    const records = all.filter((l) => !l.blank).map((l) => l.line);
    expect(records).toEqual([1, 5, 7, 9, 11, 12, 13]);
    for (const size of [1, 2, 3, 100]) {
      const got: typeof all = [];
      const ends: number[] = [];
      let bytes = 0;
      for await (const r of readLineRanges(path, size, { maxLineBytes: 256, records: true, onChunk: (b) => (bytes += b.length) })) {
        expect(r.starts!.length).toBe(r.lines + 1);
        for (let i = 0; i < r.lines; i++) got.push({ line: r.firstLine + i, start: r.starts![i], end: r.starts![i + 1], blank: r.blank![i] === 1 });
        const inRange = got.filter((l) => l.line >= r.firstLine && !l.blank);
        expect(inRange.length, `size ${size}: a range holds at most size records, and one`).toBeLessThanOrEqual(size);
        expect(inRange.length).toBeGreaterThan(0);
        ends.push(inRange[inRange.length - 1].line);
      }
      // every range but the last ends at a size-th record line; trailing blank lines are in no range
      expect(ends, `size ${size}`).toEqual(records.filter((_, i) => (i + 1) % size === 0 || i === records.length - 1));
      // the blank lines after the last record are in the last range, unless they would be a range alone
      expect(got, `size ${size}`).toEqual(all.slice(0, records.length % size === 0 ? 13 : 15));
      expect(bytes, 'onChunk sees every byte').toBe(Buffer.byteLength(text));
    }
  });
});

describe('talents validated and vectorized on the workers', () => {
  it('the fixture is in id order', () => {
    const ids = talentLines.map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids.every((id, i) => i === 0 || ids[i - 1] < id)).toBe(true);
  });

  it('gives exactly the in-process features, for ranges of 1, 7 and more than the file, with an unknown key, blank lines and CRLF in it', async () => {
    const lines = [...talentLines];
    lines[4] = lines[4].replace('{', '{"notInTheContract":{"description":"x"},');
    lines[30] = lines[30] + '\r';
    lines.splice(10, 0, '', '   ');
    const dir = folder(lines);
    for (const size of [1, 7, 500]) await featuresMatch(dir, size);
  }, 120_000);

  it('a file not in id order: the features are put in id order, and the bytes are those of one thread', async () => {
    const shuffled = [...talentLines.slice(60), ...talentLines.slice(0, 60)];
    const dir = folder(shuffled);
    await featuresMatch(dir, 7);
    const one = await sameOnThreads(dir, [[2, 7], [4, 500]]);
    expect(one.code, one.err).toBe(0);
    expect((await recommend(folder(talentLines), 2)).bytes).toBe(one.bytes);
  }, 120_000);

  it('reports the same problems on 1, 2 and 4 threads for bad lines in several ranges, the first bad line first, a range cut exactly at a bad line', async () => {
    const lines = [...talentLines];
    lines[9] = '{not json'; // line 10: the last line of the first range of 10
    lines[10] = JSON.stringify({ ...(JSON.parse(lines[10]) as object), teamSize: 0 }); // line 11: the first of the second
    lines[40] = '[1, 2'; // line 41
    lines[90] = JSON.stringify({ ...(JSON.parse(lines[90]) as object), stage: 'unicorn', industries: ['no-such-industry'] }); // line 91: schema
    lines[100] = lines[20]; // line 101: a duplicate of line 21, another range
    lines[110] = JSON.stringify({ ...(JSON.parse(lines[110]) as object), excludePlatforms: ['no-such-platform'] }); // line 111: a reference
    const dir = folder(lines);
    const one = await sameOnThreads(dir, [[2, 10], [4, 10], [2, 1], [4, 7], [2, 500]]);
    expect(one.code).toBe(1);
    expect(one.err).toContain('talents.jsonl:10 (record): expected one JSON object per line, got invalid JSON');
    expect(one.err).toContain('talents.jsonl:11 teamSize: expected integer >= 1, got 0');
    expect(one.err).toContain('talents.jsonl:41 (record): expected one JSON object per line');
    expect(one.err).toContain('talents.jsonl:91 stage: expected one of');
    expect(one.err).toMatch(/talents\.jsonl:101 id: expected an id unique within the file \(first used at line 21\)/);
    expect(one.err).toContain('talents.jsonl:111 excludePlatforms[0]: expected an existing platform id');
    const at = (s: string) => one.err.indexOf(s);
    expect(at(':10 ')).toBeLessThan(at(':11 '));
    expect(at(':11 ')).toBeLessThan(at(':41 '));
    expect(at(':41 ')).toBeLessThan(at(':91 '));
  }, 240_000);

  it('reports the same cross-record problems on 1, 2 and 4 threads from the links in columns: industries, exclusions, hosts, an over-full host', async () => {
    const lines = [...talentLines];
    const edit = (i: number, f: object) => (lines[i] = JSON.stringify({ ...(JSON.parse(lines[i]) as object), ...f }));
    edit(12, { industries: ['no-such-industry'] }); // line 13
    edit(13, { industries: [], excludePlatforms: [] }); // line 14: empty lists, no problem
    edit(30, { hostedBy: 'no-such-platform' }); // line 31
    // lines 45, 46 and 79: more seats than the host's count (seats: needs.seats, else teamSize, else 1)
    edit(44, { hostedBy: platformId, teamSize: 3, needs: undefined });
    edit(45, { hostedBy: platformId, teamSize: 2, needs: { seats: 900 } });
    edit(78, { hostedBy: platformId, teamSize: undefined, needs: undefined });
    edit(88, { excludePlatforms: [platformId, 'no-such-platform'] }); // line 89
    const dir = folder(lines);
    const one = await sameOnThreads(dir, [[2, 10], [4, 7], [2, 500]]);
    expect(one.code).toBe(1);
    expect(one.err).toContain('talents.jsonl:13 industries[0]: expected an industry id of the taxonomy');
    expect(one.err).not.toContain('talents.jsonl:14 ');
    expect(one.err).toContain('talents.jsonl:31 hostedBy: expected an existing platform id');
    expect(one.err).toContain('talents.jsonl:89 excludePlatforms[1]: expected an existing platform id');
    expect(one.err).toMatch(/platforms\.jsonl:1 capacity\.seatsUsed: expected integer >= 904: .*talents\.jsonl:45, 3 seats.*talents\.jsonl:46, 900 seats.*talents\.jsonl:79, 1 seats/);
  }, 240_000);

  it('caps the listed problems as one thread does, with bad lines spread over many ranges', async () => {
    const lines = [...talentLines];
    // 120 lines, each with two problems: 240 issues, more than the cap
    for (let i = 0; i < lines.length; i++) lines[i] = JSON.stringify({ ...(JSON.parse(lines[i]) as object), teamSize: 0, stage: 'unicorn' });
    const dir = folder(lines);
    const one = await sameOnThreads(dir, [[2, 7], [4, 500]]); // 500: one range over the cap (the worker counts the rest)
    expect(one.code).toBe(1);
    expect(one.err.match(/talents\.jsonl:\d+ /g)?.length).toBe(ISSUE_CAP);
    expect(one.err).toContain(`${2 * 120 - ISSUE_CAP} more`);
  }, 240_000);

  it('a line over the size limit is reported at its line, as by one thread', async () => {
    process.env[LIMIT_ENV.maxLineBytes] = String(Math.max(...talentLines.map((l) => Buffer.byteLength(l))) + 10);
    const lines = [...talentLines];
    lines[50] = JSON.stringify({ ...(JSON.parse(lines[50]) as object), profile: 'word '.repeat(2000) });
    const dir = folder(lines);
    const one = await sameOnThreads(dir, [[2, 7]]);
    expect(one.code).toBe(1);
    expect(one.err).toMatch(/talents\.jsonl:51 \(record\): expected a line of at most [\d,]+ bytes/);
  }, 120_000);

  it('--skip-invalid: the same skipped list and bytes, for a schema problem, a cross-record drop and a duplicate across ranges', async () => {
    const lines = [...talentLines];
    lines[20] = JSON.stringify({ ...(JSON.parse(lines[20]) as object), stage: 'unicorn' });
    lines[70] = JSON.stringify({ ...(JSON.parse(lines[70]) as object), excludePlatforms: [platformId, 'no-such-platform'] });
    lines[95] = lines[5]; // a duplicate id, in another range: the later one is skipped
    const dir = folder(lines);
    const one = await sameOnThreads(dir, [[2, 7], [4, 500]], ['--skip-invalid']);
    expect(one.code, one.err).toBe(0);
    expect(one.err).toContain('talents.jsonl:21 stage: expected one of');
    expect(one.err).toContain('talents.jsonl:71 excludePlatforms[1]');
    expect(one.err).toContain('talents.jsonl:96 id: expected an id unique within the file (first used at line 6)');
    expect(one.bytes.split('\n').length).toBe(120 - 3 + 20 + 1);
    await featuresMatch(dir, 7, true); // the kept rows, picked out of the ranges' features
  }, 240_000);

  it('--skip-invalid with a platform dropped by a cross-record rule: the usual load, the same bytes', async () => {
    const dir = folder(talentLines);
    const platforms = files['platforms.jsonl'].trimEnd().split('\n');
    platforms[3] = JSON.stringify({ ...(JSON.parse(platforms[3]) as { industries: object }), industries: { 'no-such-industry': 1 } });
    writeFileSync(join(dir, 'platforms.jsonl'), platforms.join('\n') + '\n');
    const one = await sameOnThreads(dir, [[2, 7]], ['--skip-invalid']);
    expect(one.code, one.err).toBe(0);
    expect(one.err).toContain('platforms.jsonl:4 industries.no-such-industry');
    const w = await loadOnWorkers({ data: dir, skipInvalid: true }, quiet, 2, {}, 7);
    expect('model' in w).toBe(false);
  }, 180_000);
});

describe('the usual file: ranking starts before the cross-record rules have run (loadOnWorkers early)', () => {
  /** loadOnWorkers with an `early` that records what it was handed: its result (or failure) and the early load. */
  async function loadEarly(dir: string, skipInvalid = false): Promise<{ early: unknown; result?: unknown; error?: unknown }> {
    let early: unknown;
    try {
      const result = await loadOnWorkers({ data: dir, skipInvalid }, quiet, 2, {}, 7, (w) => (early = w));
      if ('model' in result) await result.pool.destroy();
      return { early, result };
    } catch (error) {
      return { early, error };
    }
  }

  /** The folder's entries after recommend wrote (or did not write) `r.jsonl` into it. */
  async function outputFolder(dir: string, threads: number): Promise<{ code: number; entries: string[] }> {
    const outDir = mkdtempSync(join(tmpdir(), 'tm-wread-out-'));
    const r = await run(['recommend', '--data', dir, '--top', '3', '--threads', String(threads), '--out', join(outDir, 'r.jsonl')]);
    return { code: r.code, entries: readdirSync(outDir) };
  }

  it('a clean file in id order: handed out early, and the load resolves to that very object (the in-process features)', async () => {
    const dir = folder(talentLines);
    const r = await loadEarly(dir);
    expect(r.error).toBeUndefined();
    expect(r.early).toBeDefined();
    expect(r.result).toBe(r.early);
    await featuresMatch(dir, 7);
  }, 120_000);

  it('not handed out early for a file out of id order, with a bad line, or with a duplicate id in another range', async () => {
    expect((await loadEarly(folder([...talentLines.slice(1), talentLines[0]]))).early).toBeUndefined();
    const bad = [...talentLines];
    bad[50] = '{not json';
    expect((await loadEarly(folder(bad))).early).toBeUndefined();
    expect((await loadEarly(folder(bad), true)).early).toBeUndefined();
    const dup = [...talentLines];
    dup[60] = dup[59]; // the same id twice in a row: not strictly increasing
    expect((await loadEarly(folder(dup))).early).toBeUndefined();
  }, 120_000);

  // every line valid and the ids in order: the workers rank while the rules run, and each of these fails the load
  const failing: [string, (dir: string, lines: string[]) => void, RegExp][] = [
    ['an unknown industry', (_d, lines) => (lines[40] = JSON.stringify({ ...(JSON.parse(lines[40]) as object), industries: ['no-such-industry'] })), /talents\.jsonl:41 industries\[0\]: expected an industry id of the taxonomy/],
    ['an exclusion of an unknown platform', (_d, lines) => (lines[99] = JSON.stringify({ ...(JSON.parse(lines[99]) as object), excludePlatforms: ['no-such-platform'] })), /talents\.jsonl:100 excludePlatforms\[0\]: expected an existing platform id/],
    ['a host over its counts', (_d, lines) => (lines[7] = JSON.stringify({ ...(JSON.parse(lines[7]) as object), hostedBy: platformId, needs: { seats: 100000 } })), /platforms\.jsonl:1 capacity\.seatsUsed: expected integer >= 100000/],
    ['a policy priority of an unknown industry', (d) => writeFileSync(join(d, 'policy.json'), JSON.stringify({ ...(JSON.parse(files['policy.json']) as { industryPriority: object }), industryPriority: { 'no-such-industry': 1 } })), /policy\.json industryPriority\.no-such-industry/],
    ['an outcome naming an unknown talent', (d) => writeFileSync(join(d, 'outcomes.jsonl'), files['outcomes.jsonl'].replace(/"talentId":"[^"]+"/, '"talentId":"no-such-talent"')), /outcomes\.jsonl:1 talentId: expected an existing talent id/],
  ];
  for (const [what, edit, message] of failing) {
    it(`${what}: ranking started early, the load fails as on one thread (the same problems, exit code), no output and nothing left beside it`, async () => {
      const lines = [...talentLines];
      const dir = folder(lines);
      edit(dir, lines);
      writeFileSync(join(dir, 'talents.jsonl'), lines.join('\n') + '\n');
      const r = await loadEarly(dir);
      expect(r.early, 'ranking started before the rules ran').toBeDefined();
      expect(r.error).toBeDefined();
      const one = await sameOnThreads(dir, [[2, 7], [4, 500]]);
      expect(one.code).toBe(1);
      expect(one.err).toMatch(message);
      expect(one.bytes).toBe('');
      for (const threads of [2, 4]) expect(await outputFolder(dir, threads), `${threads} threads`).toEqual({ code: 1, entries: [] });
    }, 180_000);
  }

  it('policy list controls (ranked whole, then written): the bytes and stderr of one thread; an unknown industry fails as on one thread, with no output', async () => {
    const dir = folder(talentLines);
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ ...(JSON.parse(files['policy.json']) as object), lists: { industryShare: 0.3, diversity: 0.4 } }));
    expect((await loadEarly(dir)).early).toBeDefined();
    const one = await sameOnThreads(dir, [[2, 7], [4, 500]]);
    expect(one.code, one.err).toBe(0);
    expect(one.err).toMatch(/list controls \(policy\.lists\)/);
    const lines = [...talentLines];
    lines[40] = JSON.stringify({ ...(JSON.parse(lines[40]) as object), industries: ['no-such-industry'] });
    writeFileSync(join(dir, 'talents.jsonl'), lines.join('\n') + '\n');
    const failed = await sameOnThreads(dir, [[2, 7], [4, 500]]);
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/talents\.jsonl:41 industries\[0\]/);
    expect(await outputFolder(dir, 2)).toEqual({ code: 1, entries: [] });
  }, 180_000);

  it('--skip-invalid with a talent dropped by a cross-record rule: the early load is not the one used; the bytes and the skipped list of one thread', async () => {
    const lines = [...talentLines];
    lines[70] = JSON.stringify({ ...(JSON.parse(lines[70]) as object), excludePlatforms: [platformId, 'no-such-platform'] });
    const dir = folder(lines);
    const r = await loadEarly(dir, true);
    expect(r.early).toBeDefined();
    expect(r.result).not.toBe(r.early);
    const one = await sameOnThreads(dir, [[2, 7], [4, 500]], ['--skip-invalid']);
    expect(one.code, one.err).toBe(0);
    expect(one.err).toContain('talents.jsonl:71 excludePlatforms[1]');
    expect(one.bytes.split('\n').length).toBe(120 - 1 + 20 + 1);
    expect(one.bytes).not.toContain(`"id":${JSON.stringify((JSON.parse(lines[70]) as { id: string }).id)},"items"`);
    await featuresMatch(dir, 7, true);
  }, 180_000);
});
