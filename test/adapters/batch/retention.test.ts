/**
 * Retention: the batch keeps the newest 7 complete snapshots by default (`keep` overrides),
 * never the run being published or a running (resumable) run, and drops failed runs older
 * than the oldest snapshot kept.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/adapters/files/dataset.js';
import { runBatch } from '../../../src/adapters/batch/run.js';
import { defaultBatchOptions } from '../../../src/config/batch.js';
import { Store } from '../../../src/store/store.js';

const FIX = 'fixtures/jiangdong';
const tmp = () => mkdtempSync(join(tmpdir(), 'tm-keep-'));

function seed(store: Store, statuses: ('complete' | 'failed' | 'running')[]): number[] {
  return statuses.map((s, i) => {
    const id = store.createRun({ startedAt: `t${i}`, fingerprint: `f${i}`, platformFingerprint: 'p', options: '{}', weights: '{}' });
    if (s === 'complete') store.complete(id, [], {}, `t${i}`, '{}');
    if (s === 'failed') store.fail(id, `t${i}`, 'bad input');
    return id;
  });
}

const left = (store: Store) => store.runs().map((r) => `${r.id}:${r.status}`);

describe('retention', () => {
  it('keeps exactly the newest N complete runs, running runs, protected runs and failed runs within the window', () => {
    const store = new Store(join(tmp(), 'r.db'));
    //         1           2         3          4           5          6           7
    seed(store, ['complete', 'failed', 'running', 'complete', 'failed', 'complete', 'complete']);
    expect(store.prune(3)).toEqual([1, 2]); // complete 1 is the 4th newest; failed 2 is older than the oldest kept (4)
    expect(left(store)).toEqual(['3:running', '4:complete', '5:failed', '6:complete', '7:complete']);
    // keep 1, but run 4 is the one just published (an older run resumed and completed last)
    expect(store.prune(1, [4])).toEqual([6]);
    expect(left(store)).toEqual(['3:running', '4:complete', '5:failed', '7:complete']);
    expect(store.prune(1)).toEqual([4, 5]);
    expect(left(store)).toEqual(['3:running', '7:complete']); // the interrupted run stays resumable
    store.close();
  });

  it(`the batch keeps the newest ${defaultBatchOptions.keep} complete snapshots by default; keep overrides`, async () => {
    expect(defaultBatchOptions.keep).toBe(7);
    const { dataset } = await loadDataset({ data: FIX }, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['talents', 'outcomes'] });
    const d = tmp();
    writeFileSync(join(d, 'talents.jsonl'), readFileSync(join(FIX, 'talents.jsonl'), 'utf8').split('\n').slice(0, 30).join('\n') + '\n');
    const inputs = { industries: dataset.industries, platforms: dataset.platforms, policy: dataset.policy, talentsPath: join(d, 'talents.jsonl') };
    const db = join(d, 'db.sqlite');
    const pruned: number[][] = [];
    for (let i = 0; i < 9; i++) pruned.push((await runBatch(inputs, { db, threads: 1 })).pruned);
    expect(pruned.slice(0, 7)).toEqual([[], [], [], [], [], [], []]);
    expect(pruned.slice(7)).toEqual([[1], [2]]);
    let store = new Store(db);
    expect(store.runs().map((r) => r.id)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    store.close();
    expect((await runBatch(inputs, { db, threads: 1, keep: 2 })).pruned).toEqual([3, 4, 5, 6, 7, 8]);
    store = new Store(db);
    expect(store.runs().map((r) => [r.id, r.status])).toEqual([[9, 'complete'], [10, 'complete']]);
    store.close();
  }, 120_000);
});
