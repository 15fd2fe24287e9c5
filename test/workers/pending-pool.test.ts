/**
 * A pool started before its platform side is built (workers/pool.ts startChunkPool, used by
 * `recommend --threads N` so that the workers load their modules while the main thread reads
 * the reference files): the side reaches every worker, whether it was set before a worker
 * listened (answered when the worker says it waits) or after (the broadcast), and the
 * workers' features are exactly the in-process ones. Oracle: talentFeatures on this thread.
 * The main thread opens its end of the channel only when it broadcasts (no early request
 * received: the first message a thread receives on a channel loads Node's undici).
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { startChunkPool } from '../../src/workers/pool.js';
import { packPlatformSide } from '../../src/workers/pack.js';
import { encodeTalents } from '../../src/workers/rank.js';
import { planEngine } from '../../src/engine/engine.js';
import { talentFeatures } from '../../src/engine/platformSide.js';
import { TokenCache } from '../../src/text/cache.js';
import { Tokenizer } from '../../src/text/tokenize.js';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import type { TalentFeatures } from '../../src/features/build.js';

const d = generateDistrict({ seed: 4, talents: 24, platforms: 9, words: [10, 30], curated: false, outcomes: false });
const data = { industries: d.industries, platforms: d.platforms, talents: d.talents, policy: JIANGDONG_POLICY };
const plan = planEngine(data, { trusted: true });
const expected = talentFeatures(plan.side, plan.talents, new TokenCache(new Tokenizer(), 1000).source());
const strip = (f: TalentFeatures) => ({ ...f, ids: [] });

/** Vectorizes the plan's talents on `pool` in `parts` tasks at once (so that every worker takes some). */
async function onPool(pool: ReturnType<typeof startChunkPool>, parts: number): Promise<TalentFeatures[]> {
  const size = Math.ceil(plan.talents.length / parts);
  return Promise.all(Array.from({ length: parts }, (_, i) => pool.vectorize({ talents: encodeTalents(plan.talents.slice(i * size, (i + 1) * size)) })));
}

describe('a pool started before its platform side', () => {
  it('gets the side to workers already waiting, and tasks posted first wait for it; this thread received none of their requests before it broadcast', async () => {
    // (first in this file: nothing here has loaded Node's MessageEvent yet, whose first use loads its undici)
    const undici = () => (process as unknown as { moduleLoadList: string[] }).moduleLoadList.some((m) => m.includes('undici'));
    expect(undici()).toBe(false);
    const pool = startChunkPool(2);
    try {
      const pending = onPool(pool, 2); // posted before any side exists
      // the workers are up and waiting on the channel: a listener on another thread saw both
      // say so (it tells this thread through its parent port, which builds no MessageEvent)
      const spy = new Worker(
        `const { BroadcastChannel, parentPort, workerData } = require('node:worker_threads');
         const c = new BroadcastChannel(workerData);
         let n = 0;
         c.onmessage = (ev) => { if (ev.data === 'waiting' && ++n === 2) { parentPort.postMessage(n); c.close(); } };`,
        { eval: true, workerData: pool.channel },
      );
      try {
        // (the spy starts in well under the pool workers' seconds of loading through tsx; were it
        // ever later than both, the check below would still run after 20 s, not hang)
        await new Promise((ok) => {
          spy.once('message', ok);
          setTimeout(ok, 20_000).unref();
        });
      } finally {
        await spy.terminate();
      }
      // their requests reached no listener on this thread (a message received builds a MessageEvent)
      expect(undici()).toBe(false);
      pool.setSide(packPlatformSide(plan.side));
      const parts = await pending;
      const whole = talentFeatures(plan.side, plan.talents.slice(0, 12), new TokenCache(new Tokenizer(), 1000).source());
      expect(strip(parts[0])).toEqual(strip(whole));
      expect(parts[0].count + parts[1].count).toBe(expected.count);
    } finally {
      await pool.destroy();
    }
  });
  it('gets the side to workers that start listening after it was set', async () => {
    const pool = startChunkPool(2);
    try {
      pool.setSide(packPlatformSide(plan.side)); // the workers are still loading: each asks for it
      const parts = await onPool(pool, 4);
      expect(parts.reduce((n, p) => n + p.count, 0)).toBe(plan.talents.length);
      const first = talentFeatures(plan.side, plan.talents.slice(0, 6), new TokenCache(new Tokenizer(), 1000).source());
      expect(strip(parts[0])).toEqual(strip(first));
    } finally {
      await pool.destroy();
    }
  });

});
