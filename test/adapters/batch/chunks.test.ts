/**
 * The record chunks (adapters/batch/chunks.ts Chunker: the queue's path, --skip-invalid and
 * runs with a reuse base) carry the merged lists' floors, as the line chunks do: each task the
 * floors of the chunks merged before it was sent, the dispatcher each raised floor as chunks
 * merge, also in a run that reuses talents. The final merged lists and the stored reserve are
 * those of the same chunks scored without floors, byte for byte (for runs with a reuse base:
 * test/adapters/batch/incremental*.test.ts, incremental equal to full).
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/engine.js';
import type { ChunkTask } from '../../../src/engine/chunk.js';
import { talentHash } from '../../../src/engine/chunk.js';
import { EarlyAssembly } from '../../../src/engine/assembly.js';
import { Chunker } from '../../../src/adapters/batch/chunks.js';
import { inProcessDispatcher } from '../../../src/workers/dispatch.js';
import type { ChunkDispatcher } from '../../../src/workers/dispatch.js';
import type { SnapshotStore } from '../../../src/store/types.js';
import { generateDistrict } from '../../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../../src/synth/taxonomy.js';

const d = generateDistrict({ seed: 7, talents: 240, platforms: 40, curated: false });
const e = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: JIANGDONG_POLICY });
const M = e.side.platforms.count;
const DEPTH = 4;
const bits = (f: Float64Array | undefined) => (f ? Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('hex') : 'none');

interface Seen {
  /** per task sent: its floors, and the assembly's at that moment */
  sent: { floor: string; assembly: string }[];
  /** the floors handed to the dispatcher as chunks merged */
  merged: string[];
  /** bytes of the chunks' candidates: fewer where floors left talents out */
  candidateBytes: number;
}

/** Runs the talents through a Chunker on this thread; `floors: false` strips every task's floors (the oracle). */
async function run(o: { floors: boolean; base?: Map<string, string>; talents?: typeof d.talents }) {
  const early = new EarlyAssembly(M, DEPTH);
  const inner = inProcessDispatcher(e.side);
  const seen: Seen = { sent: [], merged: [], candidateBytes: 0 };
  const dispatcher: ChunkDispatcher = {
    ...inner,
    run: (t: ChunkTask) => {
      seen.sent.push({ floor: bits(t.platformFloor), assembly: bits(early.floor()) });
      const { platformFloor: _f, ...bare } = t;
      return inner.run(o.floors ? t : bare).then((r) => {
        seen.candidateBytes += r.candidates.byteLength;
        return r;
      });
    },
    mergedFloor: (f) => seen.merged.push(bits(f)),
  };
  const store = { talentHashes: async () => o.base ?? new Map<string, string>() } as unknown as SnapshotStore;
  const sink = { write: async () => true, close: async () => undefined };
  const c = new Chunker({ runId: 1, store, sink, dispatcher, chunkSize: 20, platforms: M, done: new Map(), baseId: o.base ? 0 : undefined, task: { k: 3, kPlatform: DEPTH, maxPrefs: 10 }, early, halted: () => false });
  let line = 0;
  for (const t of o.talents ?? d.talents) await c.add(t, ++line, 0, 0);
  await c.finish();
  if (c.failure) throw c.failure;
  return { seen, inputs: early.take() };
}

describe('record chunks and floors', () => {
  it('each task carries the floors merged before it was sent; the dispatcher gets each raised floor; the merged lists and reserve are those without floors', async () => {
    const { seen, inputs } = await run({ floors: true });
    expect(seen.sent).toHaveLength(12);
    for (const s of seen.sent) expect(s.floor).toBe(s.assembly);
    // none finite for the first chunk, finite ones once chunks have merged
    expect(bits(new Float64Array(M).fill(-Infinity))).toBe(seen.sent[0].floor);
    expect(seen.sent.some((s) => s.floor !== seen.sent[0].floor)).toBe(true);
    // one per chunk merged, each at least the one before (platform by platform)
    expect(seen.merged).toHaveLength(12);
    const f = seen.merged.map((h) => new Float64Array(Buffer.from(h, 'hex').buffer.slice(0)));
    for (let i = 1; i < f.length; i++) for (let p = 0; p < M; p++) expect(f[i][p]).toBeGreaterThanOrEqual(f[i - 1][p]);
    // the oracle: the same chunks scored without floors
    const free = await run({ floors: false });
    expect(inputs).toBeDefined();
    expect(seen.candidateBytes).toBeLessThan(free.seen.candidateBytes); // the floors left some talents out of the chunks
    for (let p = 0; p < M; p++) expect(inputs!.merger.top(p, DEPTH)).toEqual(free.inputs!.merger.top(p, DEPTH));
    expect(inputs!.merger.encodeReserve().equals(free.inputs!.merger.encodeReserve())).toBe(true);
  });

  it('a run that reuses talents keeps its floors: the assembly is unusable from the chunk with reused talents on, its candidates and every later chunk\'s still raise the floors', async () => {
    // the third chunk's first talent is unchanged since the base
    const t = d.talents[45];
    const { seen, inputs } = await run({ floors: true, base: new Map([[t.id, talentHash(t)]]) });
    expect(inputs).toBeUndefined(); // the final assembly reads the store (and the base's reserve)
    expect(seen.sent).toHaveLength(12);
    for (const s of seen.sent) expect(s.floor).toBe(s.assembly);
    expect(seen.merged).toHaveLength(12); // the partly reused chunk's candidates too
    // the floors: those of the same run's scored chunks merged without a base (the reused talent left out)
    const free = await run({ floors: false, talents: d.talents.filter((x) => x.id !== t.id) });
    expect(seen.merged.at(-1)).toBe(free.seen.merged.at(-1));
    expect(seen.sent.filter((s) => s.floor !== seen.sent[0].floor).length).toBeGreaterThan(6);
  });
});

describe('record chunks after a failure', () => {
  it('a chunk failing while the next is being gathered stops the run: the talents gathered since are never sent or written as a short chunk (--resume would count it done and lose the rest of its lines)', async () => {
    const inner = inProcessDispatcher(e.side);
    const refused = new Error('chunk 1 refused');
    let refuse: ((e: unknown) => void) | undefined;
    const sent: number[] = [];
    const dispatcher: ChunkDispatcher = {
      ...inner,
      // chunk 1 fails later, as a write the database refuses does: when the test says so
      run: (t: ChunkTask) => {
        sent.push(t.chunkId);
        return t.chunkId === 1 ? new Promise((_, reject) => (refuse = reject)) : inner.run(t);
      },
    };
    const written: { chunkId: number; talents: number }[] = [];
    const sink = { write: async (c: { chunkId: number; talents: number }) => (written.push({ chunkId: c.chunkId, talents: c.talents }), true), close: async () => undefined };
    const store = { talentHashes: async () => new Map<string, string>() } as unknown as SnapshotStore;
    const c = new Chunker({ runId: 1, store, sink, dispatcher, chunkSize: 20, platforms: M, done: new Map(), baseId: undefined, task: { k: 3, kPlatform: DEPTH, maxPrefs: 10 }, halted: () => false });
    let line = 0;
    let fed = 0;
    // as run.ts reads a file: the failure checked before each talent; it comes 5 talents into chunk 2
    for (const t of d.talents) {
      if (c.failure) break;
      await c.add(t, ++line, 0, 0);
      if (++fed === 45) {
        refuse!(refused);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await c.finish();
    expect(c.failure).toBe(refused);
    expect(fed).toBe(45);
    expect(sent).toEqual([0, 1]); // the 5 talents of chunk 2 went nowhere
    expect(written).toEqual([{ chunkId: 0, talents: 20 }]);
  });
});
