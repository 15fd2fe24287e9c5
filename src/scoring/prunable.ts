/**
 * When exact block-max pruning (bounds.ts, ranking/rows.ts RowRanker with `prune`) is valid:
 * every weight, share, priority and industry value non-negative, so that every score grows
 * with every term and extreme inputs give extreme scores. Checked, never assumed.
 */
import type { TalentFeatures } from '../features/build.js';
import type { ScoringModel } from './kernel.js';
import { MODE_TABLE } from './terms.js';

/**
 * The bounds hold when every weight, share, priority and industry value is >= 0 (the config's
 * ranges; checked, not assumed); the talents' inputs of rows [from, to) only (a ranker ranks
 * no other row: a worker's range need not read the other 98k talents' values).
 */
export function prunable(m: ScoringModel, from = 0, to = m.talents.count): boolean {
  return platformsPrunable(m) && talentRowsPrunable(m.talents, m.ctx.dims, from, to);
}

/** prunable's part that depends on the context and the platforms only (O(platforms x industries): a caller ranking many talent sets against the same platforms checks it once). */
export function platformsPrunable(m: Pick<ScoringModel, 'ctx' | 'platforms'>): boolean {
  const { ctx, platforms: P } = m;
  return nonNeg(ctx.wTalent) && nonNeg(ctx.wPlatform) && nonNeg(ctx.priority) && ctx.crossConcept >= 0 && ctx.crossIndustry >= 0 && ctx.fusionTalentShare >= 0 && ctx.fusionTalentShare <= 1 && nonNeg(P.industry) && nonNeg(P.capital) && nonNeg(P.stageFit) && nonNeg(P.signing) && nonNeg(MODE_TABLE);
}

/** prunable's part that depends on the talents only. */
export function talentsPrunable(T: TalentFeatures): boolean {
  return nonNeg(T.industry) && nonNeg(T.level);
}

/** talentsPrunable of rows [from, to) only (`dims` industries per row). */
export function talentRowsPrunable(T: TalentFeatures, dims: number, from: number, to: number): boolean {
  return nonNeg(T.industry, from * dims, to * dims) && nonNeg(T.level, from, to);
}

function nonNeg(a: ArrayLike<number>, from = 0, to = a.length): boolean {
  for (let i = from; i < to; i++) if (!(a[i] >= 0)) return false;
  return true;
}
