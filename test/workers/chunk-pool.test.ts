/**
 * A chunk scored on a pool's worker comes back moved, not cloned (workers/worker.ts run
 * returns pool.ts chunkReply): the rows and candidates are the chunk's own fresh buffers.
 * What is moved must be owned whole (ownedBuffers), and the worker must keep nothing it
 * moved: two chunks in a row on one worker give the bytes that scoring them on this thread
 * gives. (Moved or cloned, a buffer arrives alike: the move itself is checked on chunkReply's
 * transfer list, not through the pool.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import type { ChunkTask } from '../../src/engine/chunk.js';
import { scoreChunk } from '../../src/engine/chunk.js';
import { chunkReply, createChunkPool, ownedBuffers } from '../../src/workers/pool.js';
import { Piscina } from 'piscina';
import type { ChunkPool } from '../../src/workers/pool.js';
import { packPlatformSide } from '../../src/workers/pack.js';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';

const d = generateDistrict({ seed: 23, talents: 90, platforms: 12, curated: false });
const e = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: JIANGDONG_POLICY });
const task = (chunkId: number, from: number, to: number): ChunkTask => ({ runId: 1, chunkId, startLine: from + 1, endLine: to, startByte: 0, endByte: 0, skipLines: [], talents: d.talents.slice(from, to), k: 5, kPlatform: 6, maxPrefs: 8 });
const pools: ChunkPool[] = [];
afterAll(async () => {
  for (const p of pools) await p.destroy();
});

describe('ownedBuffers: what a worker may move', () => {
  it('a view that owns its whole buffer, once; not a part of a buffer, nor a pooled small Buffer', () => {
    const whole = Buffer.allocUnsafeSlow(64);
    const big = new Uint8Array(100);
    expect(ownedBuffers(whole)).toEqual([whole.buffer]);
    expect(ownedBuffers(whole, new Uint8Array(whole.buffer))).toEqual([whole.buffer]);
    expect(ownedBuffers(big.subarray(0, 50), big.subarray(10))).toEqual([]);
    // Node's shared pool behind small Buffers: moving it would detach every other Buffer on it
    expect(ownedBuffers(Buffer.from('abc'))).toEqual([]);
    expect(ownedBuffers(big, whole)).toEqual([big.buffer, whole.buffer]);
  });
});

describe('chunkReply: what a scorer posts back', () => {
  it('moves the rows and the candidates, each buffer once, and carries the result itself', () => {
    const res = scoreChunk(e.side, task(0, 0, 30), (x) => e.tokens(x));
    const reply = chunkReply(res) as unknown as Record<symbol, unknown>;
    expect(reply[Piscina.valueSymbol]).toBe(res);
    expect(reply[Piscina.transferableSymbol]).toEqual([res.rows.buffer, res.candidates.buffer]);
  });

  it('clones what a view shares with other data (a part of a buffer is not moved)', () => {
    const res = scoreChunk(e.side, task(1, 30, 60), (x) => e.tokens(x));
    const wider = new Uint8Array(res.rows.length + 8);
    wider.set(res.rows, 8);
    const reply = chunkReply({ ...res, rows: wider.subarray(8) }) as unknown as Record<symbol, unknown>;
    expect(reply[Piscina.transferableSymbol]).toEqual([res.candidates.buffer]);
  });
});

describe('a chunk scored on a worker', () => {
  it('comes back, chunk after chunk on one worker, with the bytes this thread scores', async () => {
    const pool = createChunkPool(packPlatformSide(e.side), 1);
    pools.push(pool);
    const tasks = [task(0, 0, 50), task(1, 50, 90), task(2, 10, 40)];
    const got = [];
    for (const t of tasks) got.push(await pool.run(t));
    for (let i = 0; i < tasks.length; i++) {
      const want = scoreChunk(e.side, tasks[i], (x) => e.tokens(x));
      expect(Buffer.compare(Buffer.from(got[i].rows), Buffer.from(want.rows))).toBe(0);
      expect(Buffer.compare(Buffer.from(got[i].candidates), Buffer.from(want.candidates))).toBe(0);
      expect([got[i].chunkId, got[i].pairs, got[i].key]).toEqual([want.chunkId, want.pairs, want.key]);
      // whole buffers of their own: the batch moves them on to the writer thread
      for (const u of [got[i].rows, got[i].candidates]) expect([u.byteOffset, u.byteLength]).toEqual([0, u.buffer.byteLength]);
    }
  });
});
