/**
 * The batch's explanations of placed pairs (introduced and hosted projects) for the
 * referral lines. The snapshot keeps no talent features, so after the assignment the
 * talents file is read once more and only the wanted talents are vectorized (against the
 * run's platform side, exactly as a chunk does), then each wanted pair is explained with
 * the engine's explainer: the same numbers and `why` as `talentmatch refer` in process.
 * Costs one more pass over the file plus the placed talents' vectorization (bounded by
 * the platforms' free slots and the hosted projects).
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

/** wanted: talent id -> platform index. Returns talent id -> explanation of that pair. */
export async function explainPlaced(side: PlatformSide, talentsPath: string, wanted: ReadonlyMap<string, number>, maxLineBytes: number): Promise<Map<string, PairExplanation>> {
  const out = new Map<string, PairExplanation>();
  if (wanted.size === 0) return out;
  const found = await findTalents(talentsPath, (id) => wanted.has(id), maxLineBytes);
  const talents = [...found.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const cache = new TokenCache(new Tokenizer(), defaultCacheSizes.workerTokens); // one pass over the placed talents, like a chunk
  const T = talentFeatures(side, talents, (t) => cache.tokens(t));
  const m = { ctx: side.ctx, talents: T, platforms: side.platforms };
  talents.forEach((t, i) => out.set(t.id, explainPair(m, i, wanted.get(t.id)!)));
  for (const id of wanted.keys()) {
    if (!out.has(id)) throw new TalentmatchError('E_IO', `${talentsPath}: talent ${JSON.stringify(id)} of this run is no longer in the file (changed during the run?)`);
  }
  return out;
}
