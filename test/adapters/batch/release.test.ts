/**
 * A large run releases its scoring threads before the final assembly and starts fresh ones
 * for the placed talents' vectorization, one fewer than --threads, the main thread taking a
 * part too (adapters/batch/run.ts, config/batch.ts releaseScorersAt): the snapshot must be
 * the same bytes as a run that keeps its pool, and as a one-thread run (the main thread
 * vectorizes there).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/adapters/files/dataset.js';
import { runBatch } from '../../../src/adapters/batch/run.js';
import { main } from '../../../src/adapters/cli/main.js';

const FIX = 'fixtures/jiangdong';
const tmp = () => mkdtempSync(join(tmpdir(), 'tm-release-'));

async function exported(db: string): Promise<Record<string, string>> {
  const d = tmp();
  let err = '';
  const code = await main(['node', 'talentmatch', 'export', '--db', db, '--out', d], { out: () => undefined, err: (s: string) => void (err += s) });
  expect(code, err).toBe(0);
  return Object.fromEntries(['recommendations.jsonl', 'assignment.json', 'referrals.jsonl'].map((f) => [f, readFileSync(join(d, f), 'utf8')]));
}

describe('batch: scoring threads released before the final assembly', () => {
  it('gives the same snapshot bytes whether the pool is kept, released (fresh threads vectorize the placed talents), or there is one thread', async () => {
    const { dataset } = await loadDataset({ data: FIX }, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['outcomes'] });
    const inputs = { industries: dataset.industries, platforms: dataset.platforms, policy: dataset.policy, ...(dataset.weights ? { weights: dataset.weights } : {}), talentsPath: join(FIX, 'talents.jsonl') };
    const d = tmp();
    const kept = await runBatch(inputs, { db: join(d, 'kept.db'), threads: 2, chunkSize: 400 });
    // 0: every run counts as large; the fixtures' 2,400 talents are far below the default
    const released = await runBatch(inputs, { db: join(d, 'released.db'), threads: 2, chunkSize: 400, releaseScorersAt: 0 });
    const one = await runBatch(inputs, { db: join(d, 'one.db'), threads: 1, chunkSize: 400, releaseScorersAt: 0 });
    // released at 3 threads: two fresh threads and this one take a part each (at 2: one and this one)
    await runBatch(inputs, { db: join(d, 'three.db'), threads: 3, chunkSize: 400, releaseScorersAt: 0 });
    // enough placed talents that the assembly vectorizes them on worker threads (placed.ts PARALLEL_MIN = 256)
    expect(kept.assigned).toBeGreaterThanOrEqual(256);
    expect(released.assigned).toBe(kept.assigned);
    const a = await exported(join(d, 'kept.db'));
    expect(await exported(join(d, 'released.db'))).toEqual(a);
    expect(await exported(join(d, 'one.db'))).toEqual(a);
    expect(await exported(join(d, 'three.db'))).toEqual(a);
  }, 180_000);
});
