/**
 * Piscina worker entry: rebuilds the platform side from the shared pack once, then scores
 * chunks. Each worker owns its tokenizer and token cache.
 */
import { workerData } from 'node:worker_threads';
import { Tokenizer } from '../text/tokenize.js';
import { TokenCache } from '../text/cache.js';
import type { PlatformPack } from './pack.js';
import { unpackPlatformSide } from './pack.js';
import type { ChunkResult, ChunkTask } from './chunk.js';
import { scoreChunk } from './chunk.js';
import type { RankResult, RankTask } from './rank.js';
import { rankTask } from './rank.js';

const side = unpackPlatformSide((workerData as { pack: PlatformPack }).pack);
const cache = new TokenCache(new Tokenizer(), 5_000);
const tokens = (t: string) => cache.tokens(t);

export default function run(task: ChunkTask): ChunkResult {
  return scoreChunk(side, task, tokens);
}

/** Named task (`pool.rank`): vectorize and two-way rank one talent range, no store. */
export function rank(task: RankTask): RankResult {
  return rankTask(side, task, tokens);
}
