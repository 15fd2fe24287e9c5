/**
 * The batch's explanations of placed pairs (introduced and hosted projects) for the
 * referral lines. The snapshot keeps no talent features, so after the assignment the
 * talents file is read once more and only the wanted talents are vectorized (against the
 * run's platform side, exactly as a chunk does), then each wanted pair is explained with
 * the engine's explainer: the same numbers and `why` as `talentmatch refer` in process.
 * Costs one more pass over the file plus the placed talents' vectorization (bounded by
 * the platforms' free slots and the hosted projects). The vectorization is the costly part
 * (tokenizing): given `vectorize` (the local worker pool, still up), the placed talents are
 * split into `parts` id ranges vectorized in parallel; a talent's features do not depend on
 * the others in its range (chunks of any size score alike), so the numbers are the same.
 */
import type { PlatformSide } from '../../engine/platformSide.js';
import { talentFeatures } from '../../engine/platformSide.js';
import type { PairExplanation } from '../../scoring/explain.js';
import { explainPair } from '../../scoring/explain.js';
import { TokenCache } from '../../text/cache.js';
import { defaultCacheSizes } from '../../config/caches.js';
import { Tokenizer } from '../../text/tokenize.js';
import { TalentmatchError } from '../../errors.js';
import { findTalents } from '../files/talents.js';
import type { Talent } from '../../domain/schemas.js';
import type { TalentFeatures } from '../../features/build.js';
import { encodeTalents } from '../../workers/rank.js';
import { memMark } from '../../workers/memTrace.js';

/** Vectorizes talents (as UTF-8 JSON Lines, sorted by id) elsewhere: the worker pool's `vectorize` task. */
export type VectorizeOn = (lines: Uint8Array) => Promise<TalentFeatures>;

/** Below this many placed talents the main thread vectorizes them itself (a task's round trip is not worth it). */
const PARALLEL_MIN = 256;

/** wanted: talent id -> platform index. Returns talent id -> explanation of that pair. */
export async function explainPlaced(
  side: PlatformSide,
  talentsPath: string,
  wanted: ReadonlyMap<string, number>,
  maxLineBytes: number,
  on?: { vectorize: VectorizeOn; parts: number; warm?: () => void },
): Promise<Map<string, PairExplanation>> {
  const out = new Map<string, PairExplanation>();
  if (wanted.size === 0) return out;
  const parallel = on !== undefined && on.parts > 1 && wanted.size >= PARALLEL_MIN;
  // threads that are not up yet start now, while this thread reads the file for the talents
  if (parallel) on.warm?.();
  const found = await findTalents(talentsPath, (id) => wanted.has(id), maxLineBytes);
  memMark('main:found');
  const talents = [...found.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const explain = (range: readonly Talent[], T: TalentFeatures) => {
    const m = { ctx: side.ctx, talents: T, platforms: side.platforms };
    range.forEach((t, i) => out.set(t.id, explainPair(m, i, wanted.get(t.id)!)));
  };
  if (parallel) {
    const size = Math.ceil(talents.length / on.parts);
    const ranges = Array.from({ length: Math.ceil(talents.length / size) }, (_, i) => talents.slice(i * size, (i + 1) * size));
    const features = await Promise.all(ranges.map((r) => on.vectorize(encodeTalents(r))));
    ranges.forEach((r, i) => explain(r, features[i]));
  } else {
    const cache = new TokenCache(new Tokenizer(), defaultCacheSizes.workerTokens); // one pass over the placed talents, like a chunk
    explain(talents, talentFeatures(side, talents, (t) => cache.tokens(t)));
  }
  for (const id of wanted.keys()) {
    if (!out.has(id)) throw new TalentmatchError('E_IO', `${talentsPath}: talent ${JSON.stringify(id)} of this run is no longer in the file (changed during the run?)`);
  }
  return out;
}
