/**
 * The worker pool (piscina). The only module that imports piscina. Workers load the
 * compiled `worker.js` next to this file; under TypeScript (tests, tsx) they load
 * `worker.ts` through tsx's loader, since Node 20 cannot strip types itself.
 */
import { BroadcastChannel, threadId } from 'node:worker_threads';
import { Piscina, transferableSymbol, valueSymbol } from 'piscina';
import type { TalentFeatures } from '../features/build.js';
import type { PlatformPack } from './pack.js';
import type { ChunkResult, ChunkTask } from '../engine/chunk.js';
import type { PlatformLinesTask, RangeTask, RankResult, VectorizeTask } from './rank.js';
import type { PairRows } from '../ranking/pairRows.js';
import type { LineRangeResult, LineRangeTask } from './lines.js';
import { movable } from '../store/writer.js';
import type { ChunkLinesResult, ChunkLinesTask } from './chunkLines.js';
import type { ExplainLinesResult, ExplainLinesTask } from './explainLines.js';

export interface ChunkPool {
  run(task: ChunkTask): Promise<ChunkResult>;
  /** a batch chunk given as its raw lines: parsed, checked and scored on a worker (workers/chunkLines.ts) */
  chunkLines(task: ChunkLinesTask): Promise<ChunkLinesResult>;
  /** the features of one talent range given as bytes (ids left out) */
  vectorize(task: VectorizeTask): Promise<TalentFeatures>;
  /** validate and vectorize one range of a talents file's raw lines (workers/lines.ts) */
  lineRange(task: LineRangeTask): Promise<LineRangeResult>;
  /** a batch's read-back talents vectorized, and their platform lines' items (workers/explainLines.ts) */
  explainLines(task: ExplainLinesTask): Promise<ExplainLinesResult>;
  /** two-way top-k of rows of the shared talent features (the task's, else the pool's) */
  rankRange(task: RangeTask): Promise<RankResult>;
  /** every acceptable pair of rows of the shared talent features */
  pairsRange(task: RangeTask): Promise<PairRows>;
  /** platform lines of a two-way result, formatted on a worker (rank.ts platformLinesTask) */
  platformLines(task: PlatformLinesTask): Promise<Uint8Array>;
  destroy(): Promise<void>;
  threads: number;
}

/** A pool started before its platform side exists (startChunkPool): the side follows once built. */
export interface PendingChunkPool extends ChunkPool {
  /** hands the platform side to every worker, present and future (once; before any task that needs it is posted) */
  setSide(pack: PlatformPack): void;
  /** the name of the BroadcastChannel the side goes out on */
  readonly channel: string;
}

/** What a worker started without its side (startChunkPool) finds in workerData: the channel its side comes on. */
export interface SideChannel {
  name: string;
}

let channels = 0;

/**
 * A pool whose workers start now, before the platform side is built, so that they load and
 * compile their modules while the main thread reads the reference files and builds the side
 * (adapters/cli/load.ts). The side reaches them on a BroadcastChannel (shared arrays are
 * shared, not copied): broadcast once set, and again to any worker that says it is waiting
 * (one that subscribed after the broadcast, or a replacement worker), so none is missed.
 * Tasks that read the side wait for it in the worker (workers/worker.ts).
 *
 * This thread opens its end of the channel only when it broadcasts: a worker that said it
 * waits before then was already listening and gets the broadcast; one that says it later is
 * answered. Listening from the start made this thread receive every worker's early request,
 * and a channel's first message loads Node's MessageEvent (its bundled undici: 50-250 ms
 * measured), which then ran between building the side and posting the first range.
 */
export function startChunkPool(threads: number, heap?: PoolHeap): PendingChunkPool {
  const name = `talentmatch-side-${process.pid}-${threadId}-${++channels}`;
  let channel: BroadcastChannel | undefined;
  const pool = createChunkPool(undefined, threads, undefined, { channel: { name }, ...(heap ? { heap } : {}) });
  return {
    ...pool,
    channel: name,
    setSide(pack) {
      if (channel) return; // once
      const c = new BroadcastChannel(name);
      c.unref(); // the pool's own work keeps the process alive, not the channel
      c.onmessage = (ev) => {
        if ((ev as MessageEvent).data === 'waiting') c.postMessage({ pack });
      };
      c.postMessage({ pack });
      channel = c;
    },
    destroy: () => {
      channel?.close();
      return pool.destroy();
    },
  };
}

/** V8 limits of a pool's worker heaps (MB). */
export interface PoolHeap {
  /** the old generation's cap (default 256) */
  oldGenMb?: number;
  /** the young generation's cap (default: Node's) */
  youngGenMb?: number;
}

/**
 * A worker's result whose `buffers` travel by transfer (moved, not copied): a worker returns
 * `moving(result, buffers)` and the pool's caller receives `result` itself. Each buffer must
 * be one nothing else in the worker holds (it is detached there once posted).
 */
export function moving<T extends object>(value: T, buffers: ArrayBuffer[]): T {
  return Piscina.move({ [transferableSymbol]: buffers, [valueSymbol]: value }) as unknown as T;
}

/** The buffers of `views` that each view owns whole (store/writer.ts movable), once each: what `moving` may move; the others travel cloned. */
export function ownedBuffers(...views: Uint8Array[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const v of views) {
    const b = movable(v);
    if (b && !out.includes(b)) out.push(b);
  }
  return out;
}

/**
 * A scored chunk as its worker returns it (workers/worker.ts run): the rows and candidates
 * (~12 MB and ~3 MB, the chunk's own fresh buffers) moved where each owns its buffer whole,
 * cloned otherwise. V8 counts a live buffer's memory towards a worker's next mark-compact
 * (external memory allocated since the last one); a moved one leaves the count as it is
 * posted, so it does not bring the scorer's next full collection forward.
 */
export function chunkReply(res: ChunkResult): ChunkResult {
  return moving(res, ownedBuffers(res.rows, res.candidates));
}

/**
 * `talents`: vectorized talents in shared memory (packTalentFeatures), for rankRange tasks.
 * `pack` undefined: the side comes later on `o.channel` (startChunkPool). `o.heap`: the
 * workers' V8 heap limits.
 */
export function createChunkPool(pack: PlatformPack | undefined, threads: number, talents?: TalentFeatures, o: { channel?: SideChannel; heap?: PoolHeap } = {}): ChunkPool {
  const channel = o.channel;
  const heap = o.heap ?? {};
  const isTs = import.meta.url.endsWith('.ts');
  const filename = new URL(isTs ? './worker.ts' : './worker.js', import.meta.url).href;
  const pool = new Piscina({
    filename,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    workerData: { pack, talents, channel },
    // A worker holds one chunk at a time; capping its heap (256 MB) makes V8 collect instead of
    // growing (uncapped, three isolates together reached 3 GB RSS on a 1M-talent stream).
    resourceLimits: { maxOldGenerationSizeMb: heap.oldGenMb ?? 256, ...(heap.youngGenMb !== undefined ? { maxYoungGenerationSizeMb: heap.youngGenMb } : {}) },
    ...(isTs ? { execArgv: ['--import', import.meta.resolve('tsx')] } : {}),
  });
  return {
    threads,
    run: (task) => pool.run(task) as Promise<ChunkResult>,
    chunkLines: (task) => pool.run(task, { name: 'chunkLines', transferList: [task.lines.bytes.buffer as ArrayBuffer] }) as Promise<ChunkLinesResult>,
    // the bytes travel by transfer (moved, not copied); results come back as typed arrays
    vectorize: (task) => pool.run(task, { name: 'vectorize', transferList: [task.talents.buffer as ArrayBuffer] }) as Promise<TalentFeatures>,
    lineRange: (task) => pool.run(task, { name: 'lineRange', transferList: [task.bytes.buffer as ArrayBuffer] }) as Promise<LineRangeResult>,
    explainLines: (task) => pool.run(task, { name: 'explainLines', transferList: [task.bytes.buffer as ArrayBuffer] }) as Promise<ExplainLinesResult>,
    // the range's lines come back by transfer (worker.ts rankRange)
    rankRange: (task) => pool.run(task, { name: 'rankRange' }) as Promise<RankResult>,
    pairsRange: (task) => pool.run(task, { name: 'pairsRange' }) as Promise<PairRows>,
    // the lines come back by transfer (worker.ts platformLines)
    platformLines: (task) => pool.run(task, { name: 'platformLines' }) as Promise<Uint8Array>,
    destroy: () => pool.destroy(),
  };
}
