/**
 * The data behind the analyst report (pure): metrics of one or two weightings, the
 * industry x platform heatmap of recommendations, capacity use per platform, score
 * distributions, and the unassigned talents with their reasons.
 */
import type { EvaluationSubject } from './subject.js';
import type { Recommendations } from '../ranking/twoWay.js';
import type { Assignment } from '../matching/assign.js';
import type { Evaluation } from './evaluate.js';

export interface ReportRun {
  label: string;
  evaluation: Evaluation;
}

export interface ReportData {
  title: string;
  generatedAt: string;
  runs: ReportRun[];
  heatmap: { industries: string[]; platforms: string[]; cells: [number, number, number][] };
  capacity: { platforms: string[]; usedBefore: number[]; assigned: number[]; freeAfter: number[] };
  scores: { bins: string[]; recommended: number[]; assigned: number[] };
  unassigned: { talentId: string; name: string; code: string; reason: string; bestScore: number }[];
  summary: { talents: number; platforms: number; pairs: number; assigned: number; totalScore: number; blockingPairs: number };
}

export function buildReportData(engine: EvaluationSubject, rec: Recommendations, assignment: Assignment, runs: ReportRun[], generatedAt: string, maxPlatforms = 40): ReportData {
  const T = engine.model.talents;
  const P = engine.model.platforms;
  const D = engine.industry.dims;
  const names = engine.data.industries.map((i) => i.name);
  // heatmap: talent's main industry (largest component) x recommended platform, for the most exposed platforms
  const counts = new Map<number, Int32Array>();
  const exposure = new Int32Array(P.count);
  for (let t = 0; t < T.count; t++) {
    let best = 0;
    for (let d = 1; d < D; d++) if (T.industry[t * D + d] > T.industry[t * D + best]) best = d;
    for (let j = 0; j < rec.talent.sizes[t]; j++) {
      const p = rec.talent.ids[t * rec.talent.k + j];
      exposure[p]++;
      if (!counts.has(p)) counts.set(p, new Int32Array(D));
      counts.get(p)![best]++;
    }
  }
  const shown = Array.from({ length: P.count }, (_, p) => p)
    .filter((p) => exposure[p] > 0)
    .sort((a, b) => exposure[b] - exposure[a] || a - b)
    .slice(0, maxPlatforms)
    .sort((a, b) => a - b);
  const cells: [number, number, number][] = [];
  shown.forEach((p, x) => {
    const c = counts.get(p)!;
    for (let d = 0; d < D; d++) cells.push([x, d, c[d]]);
  });
  // capacity per platform, in slots
  const usedBefore = engine.data.platforms.map((p) => p.capacity.slotsUsed);
  const assigned = Array.from(assignment.assignedCount);
  const freeAfter = engine.data.platforms.map((p, i) => Math.max(0, p.capacity.slots - p.capacity.slotsUsed - assignment.assignedCount[i]));
  // score distributions
  const bins = 20;
  const recommended = new Array<number>(bins).fill(0);
  const assignedHist = new Array<number>(bins).fill(0);
  const bin = (s: number) => Math.min(bins - 1, Math.max(0, Math.floor(s * bins)));
  for (let t = 0; t < T.count; t++) for (let j = 0; j < rec.talent.sizes[t]; j++) recommended[bin(rec.talent.scores[t * rec.talent.k + j])]++;
  let assignedCount = 0;
  for (let t = 0; t < T.count; t++) {
    const e = assignment.matching.pairOf[t];
    if (e >= 0) {
      assignedHist[bin(assignment.pairs.s[e])]++;
      assignedCount++;
    }
  }
  const talentName = new Map(engine.data.talents.map((t) => [t.id, t.name]));
  const bestScore = (t: number) => (rec.talent.sizes[t] > 0 ? rec.talent.scores[t * rec.talent.k] : 0);
  const unassigned = assignment.unassigned
    .map((u) => ({ talentId: T.ids[u.talent], name: talentName.get(T.ids[u.talent]) ?? '', code: u.code, reason: u.reason, bestScore: bestScore(u.talent) }))
    .sort((a, b) => b.bestScore - a.bestScore || (a.talentId < b.talentId ? -1 : 1))
    .slice(0, 25);
  return {
    title: 'talentmatch report',
    generatedAt,
    runs,
    heatmap: { industries: names, platforms: shown.map((p) => P.ids[p]), cells },
    capacity: { platforms: [...P.ids], usedBefore, assigned, freeAfter },
    scores: { bins: Array.from({ length: bins }, (_, i) => `${(i / bins).toFixed(2)}-${((i + 1) / bins).toFixed(2)}`), recommended, assigned: assignedHist },
    unassigned,
    summary: { talents: T.count, platforms: P.count, pairs: rec.pairs, assigned: assignedCount, totalScore: assignment.totalScore, blockingPairs: assignment.blockingPairs },
  };
}
