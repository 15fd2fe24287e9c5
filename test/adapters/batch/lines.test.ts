/**
 * The batch's chunks sent as raw lines (adapters/batch/lineChunks.ts, workers/chunkLines.ts)
 * against the record-by-record path as the oracle (the same run with a dispatcher that
 * scores records only): the same database bytes for a valid file with blank lines of every
 * kind, and for invalid input the same issues (messages, file, line, field, order), the same
 * cap and omitted count, and hosted projects tallied over every chunk, the last included.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/adapters/files/dataset.js';
import type { BatchInputs, BatchOptions } from '../../../src/adapters/batch/run.js';
import { runBatch } from '../../../src/adapters/batch/run.js';
import { inProcessDispatcher } from '../../../src/workers/dispatch.js';
import { unpackPlatformSide } from '../../../src/workers/pack.js';
import { TalentmatchError } from '../../../src/errors.js';

const FIX = 'fixtures/jiangdong';
const talents = readFileSync(join(FIX, 'talents.jsonl'), 'utf8').trim().split('\n').slice(0, 230);

async function inputsFor(lines: string[]): Promise<{ inputs: BatchInputs; dir: string }> {
  const { dataset } = await loadDataset({ data: FIX }, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['talents', 'outcomes'] });
  const dir = mkdtempSync(join(tmpdir(), 'tm-lines-'));
  writeFileSync(join(dir, 'talents.jsonl'), lines.join('\n') + '\n');
  return { dir, inputs: { industries: dataset.industries, platforms: dataset.platforms, policy: dataset.policy, ...(dataset.weights ? { weights: dataset.weights } : {}), talentsPath: join(dir, 'talents.jsonl') } };
}

/** The record path: this thread scores records; no `runLines`, so the batch reads and checks every line itself. */
const byRecords: BatchOptions['dispatcher'] = ({ pack }) => {
  const { runLines: _, ...d } = inProcessDispatcher(unpackPlatformSide(pack));
  return Promise.resolve(d);
};

/** The timing-free content of a batch database (bench/batch-db-hash.cjs's tables), and its runs' statuses. */
function content(db: string): Record<string, unknown[]> {
  const d = new Database(db, { readonly: true });
  try {
    return {
      runs: d.prepare('SELECT id, status FROM runs ORDER BY id').all(),
      chunks: d.prepare('SELECT run_id, chunk_id, chunk_key, start_line, end_line, talents, pairs, candidates FROM chunks ORDER BY run_id, chunk_id').all(),
      rows: d.prepare('SELECT r.talent_id, t.hash, t.prefs, t.meta, l.line FROM talent_recs r JOIN talent_rows t ON t.id = r.row_id JOIN talent_lines l ON l.id = r.row_id ORDER BY r.talent_id').all(),
      platforms: d.prepare('SELECT platform_id, line FROM platform_recs ORDER BY platform_id').all(),
      artifacts: d.prepare('SELECT name, part, body FROM artifacts ORDER BY name, part').all(),
    };
  } finally {
    d.close();
  }
}

/** The run's input error (its message carries the omitted count), or the run's summary. */
async function outcome(p: Promise<unknown>): Promise<{ message: string; issues: unknown } | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(TalentmatchError);
    return { message: (e as Error).message, issues: (e as TalentmatchError & { issues: unknown }).issues };
  }
}

describe('batch chunks sent as raw lines', () => {
  it('a valid file with blank lines of every kind: the same database as the record path, on 1 and 2 threads', async () => {
    const lines = [...talents];
    // blank lines (empty, spaces and a tab, a CR alone, a no-break space, an ideographic space) inside and at a chunk's edge
    lines.splice(49, 0, '', ' \t ', '\r');
    lines.splice(120, 0, '\u00a0', '\u3000');
    lines[10] = lines[10] + '\r';
    lines.push('', '  ');
    const { inputs, dir } = await inputsFor(lines);
    const base = { chunkSize: 50, allowShrink: true } as const;
    await runBatch(inputs, { ...base, db: join(dir, 'records.db'), dispatcher: byRecords });
    await runBatch(inputs, { ...base, db: join(dir, 'lines1.db'), threads: 1 });
    await runBatch(inputs, { ...base, db: join(dir, 'lines2.db'), threads: 2 });
    const want = content(join(dir, 'records.db'));
    expect((want.chunks as unknown[]).length).toBe(5);
    expect(content(join(dir, 'lines1.db'))).toEqual(want);
    expect(content(join(dir, 'lines2.db'))).toEqual(want);
  }, 120_000);

  it('invalid input: the same issues in the same order, the same cap and omitted count, no chunk kept by the failed run', async () => {
    const lines = [...talents];
    const edit = (i: number, f: (t: Record<string, unknown>) => void): void => {
      const t = JSON.parse(talents[i]) as Record<string, unknown>;
      f(t);
      lines[i] = JSON.stringify(t);
    };
    // chunk 0 (lines 1-50) is valid: written before the run fails, by both paths
    lines[60] = '{not json';
    edit(63, (t) => Object.assign(t, { description: 7, stage: 'nope' })); // schema: two issues on one line
    lines[130] = talents[20]; // a duplicate id across chunks, reported at its second line
    edit(131, (t) => Object.assign(t, { id: 't-new', hostedBy: 'no-such-platform' })); // a reference problem
    edit(140, (t) => Object.assign(t, { name: false })); // its id, of a record that failed its schema, is not seen...
    edit(171, (t) => Object.assign(t, { id: (JSON.parse(talents[140]) as { id: string }).id })); // ...so this one is no duplicate
    edit(159, (t) => Object.assign(t, { name: 3 })); // a schema problem before a reference problem in its chunk
    edit(170, (t) => Object.assign(t, { industries: ['no-such-industry'], excludePlatforms: ['nope'] }));
    lines[200] = 'x'.repeat(3000); // over the line limit
    const { inputs, dir } = await inputsFor(lines);
    for (const cap of [100, 3, 1]) {
      const o = { chunkSize: 50, cap, limits: { maxLineBytes: 2048, maxJsonFileBytes: 1 << 30 } } as BatchOptions;
      const want = await outcome(runBatch(inputs, { ...o, db: join(dir, `records-${cap}.db`), dispatcher: byRecords }));
      expect(want).not.toBe('ok');
      if (cap === 100) expect(((want as { issues: { line: number; path: string }[] }).issues).map((i) => `${i.line} ${i.path}`)).toEqual(['61 ', '64 description', '64 stage', '131 id', '132 hostedBy', '141 name', '160 name', '171 industries[0]', '171 excludePlatforms[0]', '201 ']);
      for (const threads of [1, 2]) {
        const db = join(dir, `lines-${cap}-${threads}.db`);
        expect(await outcome(runBatch(inputs, { ...o, db, threads })), `cap ${cap}, ${threads} threads`).toEqual(want);
        const got = content(db);
        expect(got.runs).toEqual([{ id: 1, status: 'failed' }]);
        // a failed run keeps no chunk (store.fail deletes its data), on either path
        expect(got.chunks).toEqual([]);
        expect(content(join(dir, `records-${cap}.db`)).chunks).toEqual([]);
      }
    }
  }, 180_000);

  it('hosted projects over their host\'s count in the last chunks: the same failure and issue order as the record path, also with one chunk on one thread', async () => {
    const lines = [...talents];
    // p-0004 reports 8 slots used; 20 more projects name it in lines 201-220 (the last chunk of 50), and
    // a duplicate id at line 226 comes before the hosted tally's issues, as the stream reads them
    for (let i = 200; i < 220; i++) {
      const t = JSON.parse(talents[i]) as Record<string, unknown>;
      lines[i] = JSON.stringify({ ...t, hostedBy: 'p-0004' });
    }
    lines[225] = talents[3];
    const { inputs, dir } = await inputsFor(lines);
    for (const chunkSize of [50, 500]) {
      for (const cap of [100, 2]) {
        const o = { chunkSize, cap } as BatchOptions;
        const want = await outcome(runBatch(inputs, { ...o, db: join(dir, `hr-${chunkSize}-${cap}.db`), dispatcher: byRecords }));
        expect(want).not.toBe('ok');
        // the platforms' issue has no line (it names the platforms file)
        const paths = ((want as { issues: { line?: number; path: string }[] }).issues).map((i) => `${i.line ?? '-'} ${i.path}`);
        expect(paths.slice(0, 2)).toEqual(['226 id', '- capacity.slotsUsed']);
        for (const threads of [1, 2]) {
          expect(await outcome(runBatch(inputs, { ...o, db: join(dir, `hl-${chunkSize}-${cap}-${threads}.db`), threads })), `chunks of ${chunkSize}, cap ${cap}, ${threads} threads`).toEqual(want);
        }
      }
    }
  }, 180_000);
});
