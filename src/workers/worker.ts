/**
 * Piscina worker entry: rebuilds the platform side from the shared pack once, then scores
 * chunks. Each worker owns its tokenizer and token cache.
 */
import { workerData } from 'node:worker_threads';
import { Tokenizer } from '../text/tokenize.js';
import { TokenCache } from '../text/cache.js';
import type { PlatformPack } from './pack.js';
import { unpackPlatformSide } from './pack.js';
import type { ChunkResult, ChunkTask } from '../engine/chunk.js';
import { scoreChunk } from '../engine/chunk.js';
import type { RangeTask, RankResult, RankTask, VectorizeTask } from './rank.js';
import { pairsRangeTask, rankRangeTask, rankTask, vectorizeTask } from './rank.js';
import type { PairRows } from '../ranking/rows.js';
import type { TalentFeatures } from '../features/build.js';
import { defaultWorkerOptions } from '../config/workers.js';
import { TalentmatchError } from '../errors.js';
import type { LineRangeResult, LineRangeTask } from './lines.js';
import { lineRangeTask } from './lines.js';
import { memMark } from './memTrace.js';

const data = workerData as { pack: PlatformPack; talents?: TalentFeatures };
const side = unpackPlatformSide(data.pack);
const cache = new TokenCache(new Tokenizer(), defaultWorkerOptions.tokenCacheSize);
const tokens = cache.source();

export default function run(task: ChunkTask): ChunkResult {
  const res = scoreChunk(side, task, tokens);
  memMark('scorer'); // TALENTMATCH_MEM_TRACE=<ms>: this worker's heap after each chunk (piscina blocks its timers between tasks)
  return res;
}

/** Named task (`pool.rank`): vectorize and two-way rank one talent range, no store. */
export function rank(task: RankTask): RankResult {
  return rankTask(side, task, tokens);
}

/** Named task (`pool.vectorize`): the features of one talent range given as bytes. */
export function vectorize(task: VectorizeTask): TalentFeatures {
  return vectorizeTask(side, task, tokens);
}

/** Named task (`pool.lineRange`): validate and vectorize one range of a talents file's raw lines. */
export function lineRange(task: LineRangeTask): LineRangeResult {
  return lineRangeTask(side, task, tokens);
}

function sharedTalents(task: RangeTask): TalentFeatures {
  if (task.talents) return task.talents;
  if (!data.talents) throw new TalentmatchError('E_INTERNAL', 'the worker pool was created without talent features (createChunkPool(pack, threads, talents))');
  return data.talents;
}

/** Named task (`pool.rankRange`): two-way rank rows of the shared talent features. */
export function rankRange(task: RangeTask): RankResult {
  return rankRangeTask(side, sharedTalents(task), task);
}

/** Named task (`pool.pairsRange`): every acceptable pair of rows of the shared talent features. */
export function pairsRange(task: RangeTask): PairRows {
  return pairsRangeTask(side, sharedTalents(task), task);
}
