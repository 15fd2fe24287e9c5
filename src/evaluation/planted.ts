/**
 * Recall of planted fits per language group (issue 16: a talent's language must not
 * decide its platforms). Pure.
 *
 * Talent side: for each talent of the truth with at least one fit, its top-k platforms
 * against its fits; platform side: for each platform that is a fit of at least one talent,
 * its top-k talents against the talents it fits. One query's recall is
 *
 *   recall@k = |top-k ∩ fits| / min(k, |fits|)
 *
 * (hits over the most a top-k can hold: 1 when the list is all fits, whatever the number
 * of fits). Queries are grouped by the language label of the listing entity (the talent on
 * the talent side, the platform on the platform side) and averaged per group; `gap` is
 * the largest group mean minus the smallest, over both sides' groups.
 * Ids of the truth that the engine does not know are left out (the CLI rejects them first).
 */
import type { TruthRecord } from '../domain/truth.js';
import type { TopKBuffers } from '../vector/topk.js';

/** |top-k ∩ relevant| / min(k, |relevant|); NaN when nothing is relevant. */
export function cappedRecallAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return Number.NaN;
  let hits = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i])) hits++;
  return hits / Math.min(k, relevant.size);
}

export interface LanguageGroup {
  language: string;
  /** mean recall@k of the group's queries */
  recall: number;
  /** queries averaged (entities with at least one fit) */
  queries: number;
}

export interface PlantedSide {
  /** mean over every query of the side */
  recall: number;
  queries: number;
  /** one per language label, labels ascending */
  groups: LanguageGroup[];
  /** largest minus smallest group recall of this side (0 with fewer than two groups) */
  gap: number;
}

export interface PlantedRecall {
  k: number;
  talent: PlantedSide;
  platform: PlantedSide;
  /** largest minus smallest group recall over both sides (0 with fewer than two groups) */
  gap: number;
}

export interface RankedLists {
  talentIds: readonly string[];
  platformIds: readonly string[];
  /** rows = talents, ids = platform indices, best first */
  talent: TopKBuffers;
  /** rows = platforms, ids = talent indices, best first */
  platform: TopKBuffers;
}

function spread(xs: readonly number[]): number {
  return xs.length < 2 ? 0 : Math.max(...xs) - Math.min(...xs);
}

function side(rows: TopKBuffers, relevant: ReadonlyMap<number, Set<number>>, language: (row: number) => string, k: number): PlantedSide {
  const sums = new Map<string, { s: number; n: number }>();
  let total = 0;
  let n = 0;
  for (const [row, rel] of relevant) {
    const ranked = rows.ids.subarray(row * rows.k, row * rows.k + rows.sizes[row]);
    const r = cappedRecallAtK(ranked, rel, k);
    const lang = language(row);
    const g = sums.get(lang) ?? { s: 0, n: 0 };
    g.s += r;
    g.n++;
    sums.set(lang, g);
    total += r;
    n++;
  }
  const groups = [...sums.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([language, g]) => ({ language, recall: g.s / g.n, queries: g.n }));
  return { recall: n === 0 ? Number.NaN : total / n, queries: n, groups, gap: spread(groups.map((g) => g.recall)) };
}

/** Recall@k of the planted fits in `lists` (ranked at least k deep), per language group of both sides. */
export function plantedRecall(lists: RankedLists, truth: readonly TruthRecord[], k: number): PlantedRecall {
  const tIdx = new Map(lists.talentIds.map((id, i) => [id, i]));
  const pIdx = new Map(lists.platformIds.map((id, i) => [id, i]));
  const tLang = new Map<number, string>();
  const pLang = new Map<number, string>();
  const byTalent = new Map<number, Set<number>>();
  const byPlatform = new Map<number, Set<number>>();
  for (const r of truth) {
    if (r.side === 'platform') {
      const p = pIdx.get(r.id);
      if (p !== undefined) pLang.set(p, r.language);
      continue;
    }
    const t = tIdx.get(r.id);
    if (t === undefined) continue;
    tLang.set(t, r.language);
    for (const id of r.fits) {
      const p = pIdx.get(id);
      if (p === undefined) continue;
      if (!byTalent.has(t)) byTalent.set(t, new Set());
      byTalent.get(t)!.add(p);
      if (!byPlatform.has(p)) byPlatform.set(p, new Set());
      byPlatform.get(p)!.add(t);
    }
  }
  const talent = side(lists.talent, byTalent, (t) => tLang.get(t)!, k);
  const platform = side(lists.platform, byPlatform, (p) => pLang.get(p) ?? '(no language)', k);
  return { k, talent, platform, gap: spread([...talent.groups, ...platform.groups].map((g) => g.recall)) };
}
