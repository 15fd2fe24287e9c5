/**
 * The worker pool (piscina). The only module that imports piscina. Workers load the
 * compiled `worker.js` next to this file; under TypeScript (tests, tsx) they load
 * `worker.ts` through tsx's loader, since Node 20 cannot strip types itself.
 */
import { Piscina } from 'piscina';
import type { PlatformPack } from './pack.js';
import type { ChunkResult, ChunkTask } from './chunk.js';
import type { RankResult, RankTask } from './rank.js';

export interface ChunkPool {
  run(task: ChunkTask): Promise<ChunkResult>;
  /** vectorize + two-way top-k of one talent range (see rank.ts) */
  rank(task: RankTask): Promise<RankResult>;
  destroy(): Promise<void>;
  threads: number;
}

export function createChunkPool(pack: PlatformPack, threads: number): ChunkPool {
  const isTs = import.meta.url.endsWith('.ts');
  const filename = new URL(isTs ? './worker.ts' : './worker.js', import.meta.url).href;
  const pool = new Piscina({
    filename,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    workerData: { pack },
    // A worker holds one chunk at a time; capping its heap (256 MB) makes V8 collect instead of
    // growing (uncapped, three isolates together reached 3 GB RSS on a 1M-talent stream).
    resourceLimits: { maxOldGenerationSizeMb: 256 },
    ...(isTs ? { execArgv: ['--import', import.meta.resolve('tsx')] } : {}),
  });
  return {
    threads,
    run: (task) => pool.run(task) as Promise<ChunkResult>,
    rank: (task) => pool.run(task, { name: 'rank' }) as Promise<RankResult>,
    destroy: () => pool.destroy(),
  };
}
