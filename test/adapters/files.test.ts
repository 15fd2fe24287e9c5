/** Issue 15: the file readers' smaller findings: follow-ons collapsed, BOMs alike, atomic exports, escaped bytes, strict integers. */
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/adapters/files/dataset.js';
import { exportRun } from '../../src/adapters/batch/readers.js';
import type { Store, RunRow } from '../../src/store/store.js';
import { isTalentmatchError } from '../../src/errors.js';
import type { TalentmatchError } from '../../src/errors.js';
import { main } from '../../src/adapters/cli/main.js';

const FIX = 'fixtures/jiangdong';
const tmp = () => mkdtempSync(join(tmpdir(), 'tm-files-'));
const copy = (over: Record<string, string> = {}) => {
  const d = tmp();
  for (const f of ['industries.json', 'policy.json', 'weights.json', 'platforms.jsonl', 'talents.jsonl', 'outcomes.jsonl']) writeFileSync(join(d, f), over[f] ?? readFileSync(join(FIX, f)));
  return d;
};
async function rejection(p: Promise<unknown>): Promise<TalentmatchError> {
  try {
    await p;
  } catch (e) {
    if (isTalentmatchError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('follow-on problems are collapsed', () => {
  it('2 bad platform lines: 2 problems plus one line per file and field for the references to them (was 64 problems)', async () => {
    const lines = readFileSync(join(FIX, 'platforms.jsonl'), 'utf8').trim().split('\n');
    const ids = ['p-national-youth-park', 'p-shengshifangzhou'];
    const bad = lines.map((l) => {
      const p = JSON.parse(l) as { id: string; capacity: { slots: number } };
      if (ids.includes(p.id)) p.capacity.slots = -1;
      return JSON.stringify(p);
    });
    const outcomes = readFileSync(join(FIX, 'outcomes.jsonl'), 'utf8').trim().split('\n');
    const refs = outcomes.filter((l) => ids.some((id) => l.includes(`"platformId":"${id}"`))).length;
    expect(refs).toBe(102);
    const d = copy({ 'platforms.jsonl': bad.join('\n') + '\n' });
    const e = await rejection(loadDataset({ data: d }, { needTalents: true, needOutcomes: true, skipInvalid: false }));
    const onOutcomes = e.issues.filter((i) => i.file.endsWith('outcomes.jsonl'));
    expect(e.issues.filter((i) => i.file.endsWith('platforms.jsonl')).map((i) => i.path)).toEqual(['capacity.slots', 'capacity.slots']);
    expect(onOutcomes).toHaveLength(1);
    expect(onOutcomes[0].path).toBe('platformId');
    expect(onOutcomes[0].got).toMatch(/a platform rejected above \(102 outcomes refer to rejected platforms\)$/);
    // a reference to a platform that never existed is still its own problem
    const extra = outcomes.concat(['{"talentId":"t-shiruidi-visual-rd","platformId":"p-nowhere","outcome":"signed"}']);
    const e2 = await rejection(loadDataset({ data: copy({ 'platforms.jsonl': bad.join('\n') + '\n', 'outcomes.jsonl': extra.join('\n') + '\n' }) }, { needTalents: true, needOutcomes: true, skipInvalid: false }));
    expect(e2.issues.filter((i) => i.file.endsWith('outcomes.jsonl')).map((i) => i.got)).toEqual(['"p-nowhere"', expect.stringContaining('102 outcomes refer')]);
  });
});

describe('a byte-order mark', () => {
  it('is accepted alike in .json and .jsonl files', async () => {
    const bom = '\ufeff';
    const d = copy({
      'policy.json': bom + readFileSync(join(FIX, 'policy.json'), 'utf8'),
      'industries.json': bom + readFileSync(join(FIX, 'industries.json'), 'utf8'),
      'platforms.jsonl': bom + readFileSync(join(FIX, 'platforms.jsonl'), 'utf8'),
    });
    const r = await loadDataset({ data: d }, { needTalents: true, needOutcomes: false, skipInvalid: false });
    expect(r.dataset.platforms.length).toBe(readFileSync(join(FIX, 'platforms.jsonl'), 'utf8').trim().split('\n').length);
    expect(r.dataset.industries.length).toBe(7);
  });
});

describe('exports', () => {
  it('a failure midway leaves the previous files as they were and no temporary folder', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'recommendations.jsonl'), 'previous\n');
    const store = {
      *talentLines() {
        yield '{"side":"talent"}';
      },
      *platformLines() {
        yield '{"side":"platform"}';
      },
      *artifactParts(): Generator<string> {
        throw new Error('disk I/O error');
      },
    } as unknown as Store;
    await expect(exportRun(store, { id: 1 } as RunRow, dir)).rejects.toThrow(/disk I\/O error/);
    expect(readFileSync(join(dir, 'recommendations.jsonl'), 'utf8')).toBe('previous\n');
    expect(readdirSync(dir)).toEqual(['recommendations.jsonl']);
    expect(existsSync(join(dir, 'assignment.json'))).toBe(false);
  });
});

describe('the CLI on hostile input', () => {
  const run = async (argv: string[]) => {
    let err = '';
    const code = await main(['node', 'talentmatch', ...argv], { out: () => undefined, err: (s) => (err += s) });
    return { code, err };
  };

  it('run: failing after its first files (floors no assignment meets) leaves the folder as the last run left it, and no temporary folder (this run\'s recommendations and scores went in beside the last assignment)', async () => {
    const talents = readFileSync(join(FIX, 'talents.jsonl'), 'utf8').split('\n').slice(0, 100).join('\n') + '\n';
    const policy = JSON.parse(readFileSync(join(FIX, 'policy.json'), 'utf8')) as Record<string, unknown>;
    const good = copy({ 'talents.jsonl': talents, 'outcomes.jsonl': '' });
    const bad = copy({ 'talents.jsonl': talents, 'outcomes.jsonl': '', 'policy.json': JSON.stringify({ ...policy, minScoreForReferral: 0, assignmentFloors: { 'financial-services': 1000 } }) });
    const out = join(tmp(), 'out');
    expect((await run(['run', '--data', good, '--out', out, '--threads', '1'])).code).toBe(0);
    const files = ['assignment.json', 'recommendations.jsonl', 'referrals.jsonl', 'report.html', 'scores.csv'];
    expect(readdirSync(out).sort()).toEqual(files);
    const before = files.map((f) => readFileSync(join(out, f), 'utf8'));
    const r = await run(['run', '--data', bad, '--out', out, '--threads', '1', '--mode', 'optimal']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('error [E_INFEASIBLE]: policy.assignmentFloors cannot all be met');
    expect(readdirSync(out).sort()).toEqual(files);
    expect(files.map((f) => readFileSync(join(out, f), 'utf8'))).toEqual(before);
  });

  it('raw escape bytes from a bad line are escaped, never echoed to the terminal', async () => {
    const t = readFileSync(join(FIX, 'talents.jsonl'), 'utf8').split('\n');
    t[2] = '\u001b[2J\u001b]0;pwned\u0007{"id":';
    const r = await run(['validate', '--data', copy({ 'talents.jsonl': t.join('\n') })]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('talents.jsonl:3 (record): expected one JSON object per line');
    expect(r.err).toContain('\\u001b');
    expect(r.err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('integer options take decimal digits only: --top 0x10 is a usage error (was 16)', async () => {
    for (const v of ['0x10', '1e1', '0b11', ' 7']) {
      const r = await run(['recommend', '--data', FIX, '--top', v, '--out', join(tmp(), 'r.jsonl')]);
      expect(r.code, v).toBe(2);
      expect(r.err).toContain(`--top must be an integer in [1, 1000], got ${JSON.stringify(v)}`);
    }
  });

  it("an output never replaces the command's own input (recommend --out DATA/talents.jsonl replaced the talents with recommendations); the guard ends with the command", async () => {
    const talents = readFileSync(join(FIX, 'talents.jsonl'), 'utf8').split('\n').slice(0, 60).join('\n') + '\n';
    const d = copy({ 'talents.jsonl': talents, 'outcomes.jsonl': '' });
    for (const [args, file, role] of [
      [['recommend', '--top', '2', '--threads', '1'], 'talents.jsonl', 'talents'],
      [['score', '--threads', '1'], 'platforms.jsonl', 'platforms'],
      [['match'], 'policy.json', 'policy'],
    ] as const) {
      const target = join(d, file);
      const before = readFileSync(target, 'utf8');
      const r = await run([...args, '--data', d, '--out', target]);
      expect([r.code, r.err]).toEqual([1, `error [E_IO]: ${target}: cannot write (it is this command's ${role} input; choose another output file)\n`]);
      expect(readFileSync(target, 'utf8')).toBe(before);
    }
    // the next command in the same process may write there: it is not that command's input
    const other = copy({ 'talents.jsonl': talents, 'outcomes.jsonl': '' });
    expect((await run(['score', '--data', other, '--threads', '1', '--out', join(d, 'talents.jsonl')])).code).toBe(0);
    expect(readFileSync(join(d, 'talents.jsonl'), 'utf8')).toMatch(/^talentId,platformId,/);
  });

  it('batch checks --out and --report before the run, not after it (a folder as --report failed once the whole batch had run and published)', async () => {
    const talents = readFileSync(join(FIX, 'talents.jsonl'), 'utf8').split('\n').slice(0, 60).join('\n') + '\n';
    const d = copy({ 'talents.jsonl': talents, 'outcomes.jsonl': '' });
    const db = join(tmp(), 'b.db');
    const folder = tmp();
    const report = await run(['batch', '--data', d, '--db', db, '--threads', '1', '--report', folder]);
    expect([report.code, report.err]).toEqual([1, `error [E_IO]: ${folder}: cannot write (is a directory)\n`]);
    const out = join(d, 'policy.json', 'out');
    const o = await run(['batch', '--data', d, '--db', db, '--threads', '1', '--out', out]);
    expect([o.code, o.err]).toEqual([1, `error [E_IO]: ${out}: cannot create the output folder (a file is in the way of a folder)\n`]);
    const onInput = await run(['batch', '--data', d, '--db', db, '--threads', '1', '--report', join(d, 'talents.jsonl')]);
    expect([onInput.code, onInput.err]).toEqual([1, `error [E_IO]: ${join(d, 'talents.jsonl')}: cannot write (it is this command's talents input; choose another output file)\n`]);
    expect(existsSync(db)).toBe(false); // no run was started
  });

  it('an integer option with a floor above 1 names the same range on both sides (tune --folds 21 said [1, 20])', async () => {
    for (const v of ['1', '21', '0x2']) {
      const r = await run(['tune', '--data', FIX, '--out', join(tmp(), 'w.json'), '--folds', v]);
      expect([r.code, r.err], v).toEqual([2, `error [E_OPTION]: --folds must be an integer in [2, 20], got ${JSON.stringify(v)}\n`]);
    }
    // and the options where 0 means none or off name 0 as their floor (they said [1, max] while taking 0)
    for (const [args, range, bad] of [
      [['match', '--data', FIX, '--out', join(tmp(), 'm.json'), '--max-prefs'], '[0, 100000]', '100001'],
      [['batch', '--data', FIX, '--db', join(tmp(), 'b.db'), '--wait-lock'], '[0, 86400]', '-1'],
      [['worker', '--queue', 'redis://127.0.0.1:1', '--data', FIX, '--prefetch'], '[0, 64]', '65'],
      [['serve', '--db', join(tmp(), 's.db'), '--snapshot-poll'], '[0, 1000000000]', '0x1'],
    ] as const) {
      const r = await run([...args, bad]);
      expect([r.code, r.err]).toEqual([2, `error [E_OPTION]: ${args[args.length - 1]} must be an integer in ${range}, got ${JSON.stringify(bad)}\n`]);
    }
  });
});

describe('a file changed while it is read', () => {
  it('truncated after the first chunk (at a newline): E_IO saying so from either line reader, not a cut line reported as invalid JSON nor the rest silently unread', async () => {
    const { readLines, readLineRanges } = await import('../../src/adapters/files/lines.js');
    type Opts = { onChunk?: (b: Buffer) => void };
    const d = tmp();
    const f = join(d, 't.jsonl');
    const line = `${JSON.stringify({ id: 'x'.repeat(100) })}\n`;
    const whole = line.repeat(40_000); // 4.4 MB: several chunks of either reader
    const readers: [string, (o: Opts) => AsyncIterable<unknown>, number][] = [
      ['readLines', (o) => readLines(f, undefined, o), 65_536],
      ['readLineRanges', (o) => readLineRanges(f, 1000, o), 1_048_576],
    ];
    for (const [name, read, chunk] of readers) {
      writeFileSync(f, whole);
      let n = 0;
      for await (const _ of read({})) n++;
      expect(n, name).toBeGreaterThan(0); // untouched: read through without a word
      let first = true;
      const e = await rejection(
        (async () => {
          for await (const _ of read({ onChunk: () => void (first && ((first = false), truncateSync(f, line.length * 10))) })) {
            /* drain */
          }
        })(),
      );
      // what was read by then: whole chunks (the stream may have read one or two ahead), far short of the file
      const m = /^(.*): the file changed while it was read \(([\d,]+) bytes when opened, ([\d,]+) read\); run again on a file that is not being written$/.exec(e.message);
      expect([e.code, m?.[1], m?.[2]], name).toEqual(['E_IO', f, whole.length.toLocaleString('en-US')]);
      const got = Number(m![3]!.replaceAll(',', ''));
      expect(got % chunk, name).toBe(0);
      expect(got, name).toBeLessThan(whole.length);
    }
  });
});

describe('writeChunks', () => {
  it('writes strings and byte chunks back to back, atomically', async () => {
    const { writeChunks } = await import('../../src/adapters/files/write.js');
    const d = tmp();
    const f = join(d, 'out.txt');
    await writeChunks(f, (async function* () {
      yield 'ab';
      yield new TextEncoder().encode('中c\n');
      yield 'd';
    })());
    expect(readFileSync(f, 'utf8')).toBe('ab中c\nd');
    expect(readdirSync(d)).toEqual(['out.txt']);
  });

  it('with consume, frees each byte chunk it owns once written (a head with spare room after it, as JsonBytes.take hands over, with its whole buffer), and leaves views past offset 0 and shared memory alone', async () => {
    const { writeChunks } = await import('../../src/adapters/files/write.js');
    const d = tmp();
    const f = join(d, 'out.txt');
    const { OWNED_MIN_BYTES } = await import('../../src/util/release.js');
    const pad = '.'.repeat(OWNED_MIN_BYTES);
    const owned = new TextEncoder().encode(`owned${pad}\n`);
    const small = new TextEncoder().encode('small\n'); // too small to free early (it could be Node's Buffer pool)
    const big = new TextEncoder().encode('xxview\n');
    const view = big.subarray(2);
    const sab = new Uint8Array(new SharedArrayBuffer(3));
    sab.set([115, 58, 41]);
    const roomy = new TextEncoder().encode(`head|room never written${pad}`);
    const head = roomy.subarray(0, 5);
    await writeChunks(f, (async function* () {
      yield 'a:';
      yield owned;
      yield small;
      yield view;
      yield sab;
      yield head;
    })(), { consume: true });
    expect(readFileSync(f, 'utf8')).toBe(`a:owned${pad}\nsmall\nview\ns:)head|`);
    expect(owned.byteLength).toBe(0); // detached: its memory is free now
    expect(small.byteLength).toBe(6);
    expect(roomy.buffer.byteLength).toBe(0); // the head's whole buffer
    expect(view.byteLength).toBe(5);
    expect(big.byteLength).toBe(7);
    expect(sab.byteLength).toBe(3);
    // without consume nothing is freed
    const kept = new TextEncoder().encode('kept');
    await writeChunks(f, (async function* () {
      yield kept;
    })());
    expect(kept.byteLength).toBe(4);
  });

  it("passes the producer's own error on (not as a write error) and leaves no file behind", async () => {
    const { writeChunks } = await import('../../src/adapters/files/write.js');
    const { TalentmatchError } = await import('../../src/errors.js');
    // the producer fails before the temporary file's open completes: the file must still go
    // (it was once removed before the open created it, and left behind); 20 rounds
    for (let round = 0; round < 20; round++) {
      const d = tmp();
      const f = join(d, 'out.txt');
      const e = await rejection(
        writeChunks(f, (async function* () {
          yield 'partial';
          throw new TalentmatchError('E_OPTION', 'the producer failed');
        })()),
      );
      expect(e.code).toBe('E_OPTION');
      expect(e.message).toContain('the producer failed');
      expect(readdirSync(d)).toEqual([]);
    }
  });

  it('writes into a FIFO as it is (--out /dev/stdout, a named pipe), never renaming a file onto it (as root that turned /dev/stdout into a regular file)', async () => {
    const { writeChunks } = await import('../../src/adapters/files/write.js');
    const d = tmp();
    const fifo = join(d, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (b: Buffer) => (got += b.toString()));
    try {
      await writeChunks(fifo, (async function* () {
        yield 'a,';
        yield new TextEncoder().encode('b\n');
      })());
      expect(lstatSync(fifo).isFIFO()).toBe(true);
      await once(reader, 'close');
      expect(got).toBe('a,b\n');
      expect(readdirSync(d)).toEqual(['pipe']);
    } finally {
      reader.kill();
    }
  });

  it('a write failing while the producer is awaited (a disk filling up, a reader gone) is E_IO naming the file, not an unhandled stream error', async () => {
    const { writeChunks } = await import('../../src/adapters/files/write.js');
    const d = tmp();
    const fifo = join(d, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('head', ['-c', '1', fifo], { stdio: 'ignore' });
    const gone = once(reader, 'exit');
    const e = await rejection(
      writeChunks(fifo, (async function* () {
        yield new TextEncoder().encode('x');
        await gone;
        yield new TextEncoder().encode('y'); // EPIPE, reported while the next chunk is awaited
        for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 10));
        yield new TextEncoder().encode('z');
      })()),
    );
    expect(e.code).toBe('E_IO');
    expect(e.message).toBe(`${fifo}: cannot write (EPIPE: broken pipe, write)`);
  });

  it('a folder as the target, or a file where a parent folder should be: E_IO in words, nothing left behind (the parent case was an internal error, exit 3)', async () => {
    const { writeChunks } = await import('../../src/adapters/files/write.js');
    const d = tmp();
    const lines = () => ['x'];
    expect((await rejection(writeChunks(d, lines()))).message).toBe(`${d}: cannot write (is a directory)`);
    writeFileSync(join(d, 'f'), 'kept');
    const under = join(d, 'f', 'out.jsonl');
    const e = await rejection(writeChunks(under, lines()));
    expect([e.code, e.message]).toEqual(['E_IO', `${under}: cannot write (a file is in the way of a folder)`]);
    const { writeFolder } = await import('../../src/adapters/files/write.js');
    const folder = join(d, 'f', 'out');
    const f = await rejection(writeFolder(folder, async () => undefined));
    expect([f.code, f.message]).toEqual(['E_IO', `${folder}: cannot create the output folder (a file is in the way of a folder)`]);
    expect(readdirSync(d)).toEqual(['f']);
    expect(readFileSync(join(d, 'f'), 'utf8')).toBe('kept');
  });

  it('a signal mid-write removes the temporary file (and a registered temporary folder) and still ends the process by that signal; a handler of its own is left alone', async () => {
    const d = tmp();
    const target = join(d, 'out.jsonl');
    const folder = join(d, '.partial-x');
    const child = (own: boolean) =>
      spawn(process.execPath, ['--import', 'tsx', '-e', `import('${join(process.cwd(), 'src/adapters/files/write.ts')}').then(async ({ writeChunks, removedOnSignal }) => {
        const { mkdirSync, existsSync } = require('node:fs');
        ${own ? "process.once('SIGTERM', () => { console.log('own handler'); setTimeout(() => process.exit(7), 10); });" : ''}
        mkdirSync(${JSON.stringify(folder)});
        removedOnSignal(${JSON.stringify(folder)});
        await writeChunks(${JSON.stringify(target)}, (async function* () {
          yield new TextEncoder().encode('partial\\n');
          while (![...require('node:fs').readdirSync(${JSON.stringify(d)})].some((n) => n.endsWith('.tmp'))) await new Promise((r) => setTimeout(r, 5));
          console.log('ready');
          await new Promise(() => setInterval(() => undefined, 1000));
        })());
      })`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const p = child(false);
    let said = '';
    p.stdout.on('data', (b: Buffer) => {
      said += b.toString();
      if (said.includes('ready')) p.kill('SIGTERM');
    });
    const [code, signal] = (await once(p, 'exit')) as [number | null, string | null];
    expect([said, code, signal]).toEqual(['ready\n', null, 'SIGTERM']);
    expect(readdirSync(d)).toEqual([]);
    // a process with its own SIGTERM handler (serve, worker) keeps it: nothing removed, its own exit
    const q = child(true);
    let qsaid = '';
    q.stdout.on('data', (b: Buffer) => {
      qsaid += b.toString();
      if (qsaid === 'ready\n') q.kill('SIGTERM');
    });
    const [qcode] = (await once(q, 'exit')) as [number | null];
    expect([qsaid, qcode]).toEqual(['ready\nown handler\n', 7]);
    expect(readdirSync(d).sort()).toEqual(['.partial-x', `out.jsonl.${q.pid}.tmp`]);
  }, 60_000);
});
