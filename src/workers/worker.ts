/**
 * Piscina worker entry: rebuilds the platform side from the shared pack once (from
 * workerData, or from the side channel of a pool started before the side was built:
 * pool.ts startChunkPool), then scores chunks. Each worker owns its tokenizer and token cache.
 */
import { BroadcastChannel, workerData } from 'node:worker_threads';
import { Tokenizer } from '../text/tokenize.js';
import { TokenCache } from '../text/cache.js';
import type { PlatformPack } from './pack.js';
import { unpackPlatformSide } from './pack.js';
import type { ChunkResult, ChunkTask } from '../engine/chunk.js';
import { scoreChunk } from '../engine/chunk.js';
import type { PlatformLinesTask, RangeTask, RankResult, VectorizeTask } from './rank.js';
import { pairsRangeTask, platformLinesTask, rankRangeTask, vectorizeTask } from './rank.js';
import type { PairRows } from '../ranking/pairRows.js';
import type { TalentFeatures } from '../features/build.js';
import { defaultWorkerOptions } from '../config/workers.js';
import { TalentmatchError } from '../errors.js';
import type { LineRangeResult, LineRangeTask } from './lines.js';
import { lineRangeTask } from './lines.js';
import type { ExplainLinesResult, ExplainLinesTask } from './explainLines.js';
import { explainLinesTask } from './explainLines.js';
import type { PlatformSide } from '../engine/platformSide.js';
import type { SideChannel } from './pool.js';
import { chunkReply, moving, ownedBuffers } from './pool.js';
import type { ChunkLinesResult, ChunkLinesTask } from './chunkLines.js';
import { chunkLinesTask } from './chunkLines.js';
import { memMark } from './memTrace.js';

const data = workerData as { pack?: PlatformPack; talents?: TalentFeatures; channel?: SideChannel };
let known: PlatformSide | undefined = data.pack ? unpackPlatformSide(data.pack) : undefined;
/** The platform side: from workerData, or (a pool started before it existed: pool.ts startChunkPool) from the side channel. */
const sideReady: Promise<PlatformSide> = known ? Promise.resolve(known) : sideFromChannel(data.channel);

function sideFromChannel(c: SideChannel | undefined): Promise<PlatformSide> {
  if (!c) return Promise.reject(new TalentmatchError('E_INTERNAL', 'worker started without a platform side or a side channel'));
  return new Promise((resolve) => {
    const channel = new BroadcastChannel(c.name);
    channel.onmessage = (ev) => {
      const pack = ((ev as MessageEvent).data as { pack?: PlatformPack } | undefined)?.pack;
      if (!pack || known) return;
      known = unpackPlatformSide(pack);
      channel.close();
      resolve(known);
    };
    channel.postMessage('waiting'); // answered with the side if it was broadcast before this worker listened
    // receiving the side builds a MessageEvent, whose first use loads Node's bundled undici
    // (50-250 ms): loaded now, while this worker would wait for the side anyway, not once it came
    void globalThis.MessageEvent;
  });
}
sideReady.catch(() => undefined); // surfaces in the task that needs it

/** The side, once known (every task waits for it: a pool's tasks may reach a worker before its side's message). */
const side = async (): Promise<PlatformSide> => known ?? (await sideReady);
const cache = new TokenCache(new Tokenizer(), defaultWorkerOptions.tokenCacheSize);
const tokens = cache.source();

export default async function run(task: ChunkTask): Promise<ChunkResult> {
  const res = scoreChunk(await side(), task, tokens);
  memMark('scorer'); // TALENTMATCH_MEM_TRACE=<ms>: this worker's heap after each chunk (piscina blocks its timers between tasks)
  return chunkReply(res); // moved, not cloned (pool.ts)
}

/** Named task (`pool.chunkLines`): a batch chunk given as its raw lines, parsed, checked and scored here; the rows and candidates moved back. */
export async function chunkLines(task: ChunkLinesTask): Promise<ChunkLinesResult> {
  const r = chunkLinesTask(await side(), task, tokens);
  memMark('scorer');
  return r.result ? moving(r, ownedBuffers(r.result.rows, r.result.candidates)) : r;
}

/** Named task (`pool.vectorize`): the features of one talent range given as bytes. */
export async function vectorize(task: VectorizeTask): Promise<TalentFeatures> {
  return vectorizeTask(await side(), task, tokens);
}

/** Named task (`pool.lineRange`): validate and vectorize one range of a talents file's raw lines (once the side is there). */
export async function lineRange(task: LineRangeTask): Promise<LineRangeResult> {
  return lineRangeTask(await side(), task, tokens);
}

/** Named task (`pool.explainLines`): a batch's read-back talents vectorized, and their platform lines' items (workers/explainLines.ts). */
export async function explainLines(task: ExplainLinesTask): Promise<ExplainLinesResult> {
  return explainLinesTask(await side(), task, tokens);
}

function sharedTalents(task: { talents?: TalentFeatures }): TalentFeatures {
  if (task.talents) return task.talents;
  if (!data.talents) throw new TalentmatchError('E_INTERNAL', 'the worker pool was created without talent features (createChunkPool(pack, threads, talents))');
  return data.talents;
}

/** Named task (`pool.rankRange`): two-way rank rows of the shared talent features. */
export async function rankRange(task: RangeTask): Promise<RankResult> {
  const r = rankRangeTask(await side(), sharedTalents(task), task);
  // the range's lines (~8 MB at 100k x 1k) are moved, not copied twice through the message
  // (~2% of a worker's time): the buffer the formatter wrote them into, for them alone (JsonBytes.take)
  return r.text !== undefined ? moving(r, [r.text.buffer as ArrayBuffer]) : r;
}

/** Named task (`pool.platformLines`): a part of `recommend`'s platform lines, moved back. */
export async function platformLines(task: PlatformLinesTask): Promise<Uint8Array> {
  const text = platformLinesTask(await side(), sharedTalents(task), task);
  return moving(text, [text.buffer as ArrayBuffer]);
}

/** Named task (`pool.pairsRange`): every acceptable pair of rows of the shared talent features. */
export async function pairsRange(task: RangeTask): Promise<PairRows> {
  return pairsRangeTask(await side(), sharedTalents(task), task);
}
