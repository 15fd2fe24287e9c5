/**
 * The batch's progress: completed chunks (not bytes), pairs per second, workers consuming,
 * and "waiting for workers" when chunks wait and no worker takes them for idleWarnMs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/adapters/files/dataset.js';
import { runBatch } from '../../../src/adapters/batch/run.js';
import type { BatchProgress } from '../../../src/adapters/batch/run.js';
import { startTicker } from '../../../src/adapters/batch/progress.js';
import type { ChunkCounts } from '../../../src/adapters/batch/chunks.js';
import { batchProgressLine } from '../../../src/adapters/cli/progress.js';
import type { ChunkDispatcher, WorkerActivity } from '../../../src/workers/dispatch.js';
import { localDispatcher } from '../../../src/workers/dispatch.js';

const FIX = 'fixtures/jiangdong';

const counts = (c: Partial<ChunkCounts> = {}): ChunkCounts => ({ chunks: 0, scored: 0, reused: 0, resumed: 0, talentsRead: 0, talentsScored: 0, talentsReused: 0, inFlight: 0, ...c });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fakeDispatcher(activity: () => WorkerActivity): ChunkDispatcher {
  return { concurrency: 1, run: () => new Promise(() => undefined), activity: () => Promise.resolve(activity()), destroy: () => Promise.resolve() };
}

describe('batch progress', () => {
  it('counts completed chunks and pairs per second from the chunk counters, not bytes', () => {
    let now = 0;
    const t = startTicker({
      everyMs: 1000,
      idleWarnMs: 1000,
      platforms: 72,
      counts: () => counts({ chunks: 9, scored: 4, reused: 3, resumed: 1, inFlight: 1, talentsRead: 900, talentsScored: 400, talentsReused: 350 }),
      bytes: () => ({ read: 500, total: 1000 }),
      dispatcher: () => undefined,
      onProgress: () => undefined,
      clock: () => now,
    });
    now = 2000;
    const p = t.snapshot('stream');
    t.stop();
    expect(p.chunksDone).toBe(8); // 4 scored + 3 reused + 1 before a restart; the 9th is in flight
    expect(p.pairsScored).toBe(400 * 72);
    expect(p.pairsPerSecond).toBe((400 * 72) / 2);
    expect(batchProgressLine({ ...p, workers: 2 })).toBe(
      'batch: 8 chunks done (4 scored, 3 reused, 1 before a restart), 1 in flight, 900 talents read (350 reused), 50% of the file, 14,400 pairs/s, 2 workers, 2 s\n',
    );
    expect(batchProgressLine({ ...p, phase: 'done' })).toMatch(/^batch \(every chunk done\): 8 chunks done .* 900 talents read \(350 reused\), 14,400 pairs\/s, 2 s\n$/);
  });

  it('says "waiting for workers" once no worker has taken a chunk for idleWarnMs, and not before', async () => {
    const events: BatchProgress[] = [];
    let idleMs = 0;
    const d = fakeDispatcher(() => ({ workers: 0, idleMs }));
    const t = startTicker({ everyMs: 60_000, idleWarnMs: 50, platforms: 10, counts: () => counts({ chunks: 2, inFlight: 2 }), bytes: () => ({ read: 1, total: 1 }), dispatcher: () => d, onProgress: (p) => events.push(p) });
    idleMs = 49; // one ms short of the interval: no notice
    await sleep(200);
    expect(events.filter((e) => e.waitingMs !== undefined)).toHaveLength(0);
    idleMs = 50; // exactly the interval
    await sleep(200);
    t.stop();
    const waiting = events.filter((e) => e.waitingMs !== undefined);
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting[0].waitingMs).toBe(50);
    expect(batchProgressLine(waiting[0], 'start a worker')).toBe('batch: waiting for workers: no worker has taken or finished a chunk for 0 s; 2 chunks queued, 0 done, 0 workers connected; start a worker\n');
  });

  it('no notice while a worker is busy or nothing is in flight', async () => {
    const events: BatchProgress[] = [];
    const busy = fakeDispatcher(() => ({ workers: 1, idleMs: 0 }));
    const t1 = startTicker({ everyMs: 60_000, idleWarnMs: 20, platforms: 1, counts: () => counts({ inFlight: 1 }), bytes: () => ({ read: 0, total: 1 }), dispatcher: () => busy, onProgress: (p) => events.push(p) });
    const idle = fakeDispatcher(() => ({ workers: 0, idleMs: 10_000 }));
    const t2 = startTicker({ everyMs: 60_000, idleWarnMs: 20, platforms: 1, counts: () => counts({ inFlight: 0 }), bytes: () => ({ read: 0, total: 1 }), dispatcher: () => idle, onProgress: (p) => events.push(p) });
    await sleep(150);
    t1.stop();
    t2.stop();
    expect(events).toEqual([]);
  });

  it('a run whose dispatcher takes no chunk reports waiting for workers, then completes when one consumes them', async () => {
    const { dataset } = await loadDataset({ data: FIX }, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['talents', 'outcomes'] });
    const d = mkdtempSync(join(tmpdir(), 'tm-progress-'));
    const talents = readFileSync(join(FIX, 'talents.jsonl'), 'utf8').trim().split('\n').slice(0, 200);
    writeFileSync(join(d, 'talents.jsonl'), talents.join('\n') + '\n');
    const events: BatchProgress[] = [];
    let started = false;
    let waitingSeen!: () => void;
    const seen = new Promise<void>((r) => (waitingSeen = r));
    const summary = await runBatch(
      { industries: dataset.industries, platforms: dataset.platforms, policy: dataset.policy, ...(dataset.weights ? { weights: dataset.weights } : {}), talentsPath: join(d, 'talents.jsonl') },
      {
        db: join(d, 'db.sqlite'),
        chunkSize: 50,
        idleWarnMs: 100,
        progressEveryMs: 100,
        onProgress: (p) => {
          events.push(p);
          if (p.waitingMs !== undefined) waitingSeen();
        },
        // a "queue" with no worker until the waiting notice, then a local pool consumes it
        dispatcher: ({ pack }) => {
          const local = localDispatcher(pack, 1);
          const t0 = Date.now();
          return {
            concurrency: 1,
            run: (task) => seen.then(() => ((started = true), local.run(task))),
            activity: () => Promise.resolve({ workers: started ? 1 : 0, idleMs: started ? 0 : Date.now() - t0 }),
            destroy: () => local.destroy(),
          };
        },
      },
    );
    const waiting = events.filter((e) => e.waitingMs !== undefined);
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting[0].chunksDone).toBe(0);
    expect(waiting[0].workers).toBe(0);
    const last = events[events.length - 1];
    expect(last.phase).toBe('done');
    expect(last.chunksDone).toBe(4);
    expect(last.chunksScored).toBe(4);
    expect(last.talentsRead).toBe(200);
    expect(last.pairsScored).toBe(200 * dataset.platforms.length);
    expect(summary.chunks).toBe(4);
  }, 60_000);
});
